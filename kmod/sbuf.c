// SPDX-License-Identifier: GPL-2.0
/*
 * A snapshot under construction: a list of chunks, each record contiguous
 * inside one chunk, the whole bounded by a byte limit fixed at creation.
 * Records that do not fit are refused and the snapshot is marked truncated;
 * the closing END record always fits, because it is kept out of the limit.
 *
 * A chunk's bytes past its used ones are zero (allocated zeroed, and kept
 * so by whoever writes into reserved room and commits less), so a new
 * record comes zeroed without clearing it twice.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/timekeeping.h>
#include "gosnap.h"

/*
 * Chunks grow with the snapshot: each new one as big as what is written so
 * far, from the first's size up to the largest's. A small snapshot then
 * costs a few pages (which the allocator clears with init_on_alloc, as
 * Debian's kernels do) and a large one few chunks.
 */
#define GOSNAP_CHUNK_FIRST	(16 * 1024)

static struct gosnap_chunk *gosnap_chunk_new(size_t need, size_t written)
{
	size_t grow = clamp_t(size_t, written, GOSNAP_CHUNK_FIRST, GOSNAP_CHUNK_MAX);
	size_t cap = max_t(size_t, grow,
			   round_up(need + sizeof(struct gosnap_chunk), PAGE_SIZE));
	struct gosnap_chunk *c;

	/* kmalloc hands out its bucket's size: make all of it room */
	if (cap <= KMALLOC_MAX_SIZE)
		cap = kmalloc_size_roundup(cap);
	c = kvzalloc(cap, GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	c->used = 0;
	c->cap = cap - sizeof(*c);
	return c;
}

/* The last chunk if @len bytes and the END record's room fit, else a new one. */
static struct gosnap_chunk *gosnap_sbuf_tail(struct gosnap_sbuf *sb, size_t len)
{
	struct gosnap_chunk *c = NULL;

	if (!list_empty(&sb->chunks))
		c = list_last_entry(&sb->chunks, struct gosnap_chunk, node);
	if (c && c->cap - c->used >= len + GOSNAP_END_ROOM)
		return c;
	c = gosnap_chunk_new(len + GOSNAP_END_ROOM, sb->size);
	if (c)
		list_add_tail(&c->node, &sb->chunks);
	return c;
}

/*
 * Room for len contiguous bytes at the end of the stream, or NULL (-ENOMEM).
 * @closing: the END record, into the room every chunk kept for it.
 */
static void *gosnap_sbuf_room(struct gosnap_sbuf *sb, size_t len, bool closing)
{
	struct gosnap_chunk *c;
	void *p;

	if (closing) {
		c = list_last_entry(&sb->chunks, struct gosnap_chunk, node);
		if (WARN_ON_ONCE(c->cap - c->used < len))
			return NULL;
	} else {
		c = gosnap_sbuf_tail(sb, len);
		if (!c)
			return NULL;
	}
	p = c->data + c->used;	/* zero: see the top of this file */
	c->used += len;
	sb->size += len;
	return p;
}

/**
 * gosnap_sbuf_new - start a snapshot
 * @limit: bytes the snapshot may take, END record excluded
 * @flags: initial GOSNAP_SF_* flags
 *
 * Writes the stream header and an empty CAPTURE record for the caller to
 * fill in. May sleep.
 */
struct gosnap_sbuf *gosnap_sbuf_new(size_t limit, u32 flags)
{
	struct gosnap_stream_hdr *h;
	struct gosnap_sbuf *sb;

	sb = kzalloc(sizeof(*sb), GFP_KERNEL_ACCOUNT);
	if (!sb)
		return NULL;
	INIT_LIST_HEAD(&sb->chunks);
	INIT_LIST_HEAD(&sb->node);
	sb->limit = max_t(size_t, limit, PAGE_SIZE);

	h = gosnap_sbuf_room(sb, sizeof(*h), false);
	if (!h)
		goto free_sb;
	h->magic = GOSNAP_STREAM_MAGIC;
	h->abi_version = GOSNAP_ABI_VERSION;
	h->hdr_size = sizeof(*h);
	h->page_size = PAGE_SIZE;
	h->flags = flags;
	h->arch = GOSNAP_ARCH_X86_64;
	h->realtime_ns = ktime_get_real_ns();
	h->boottime_ns = ktime_get_boottime_ns();
	strscpy(h->release, utsname()->release, sizeof(h->release));
	sb->hdr = h;

	sb->capture = gosnap_sbuf_record(sb, GOSNAP_REC_CAPTURE,
					 sizeof(struct gosnap_rec_capture));
	if (IS_ERR(sb->capture))
		goto free_sb;
	return sb;

free_sb:
	gosnap_sbuf_free(sb);
	return NULL;
}

/**
 * gosnap_sbuf_record - append a zeroed record
 * @sb:   the snapshot
 * @type: GOSNAP_REC_*
 * @size: bytes, header included; rounded up to 8
 *
 * Return: the record, with its header filled in; ERR_PTR(-ENOSPC) when it
 * would pass the snapshot's limit (the snapshot is then marked truncated),
 * ERR_PTR(-ENOMEM) when memory ran out. May sleep.
 */
void *gosnap_sbuf_record(struct gosnap_sbuf *sb, u32 type, size_t size)
{
	size_t room;
	void *r = gosnap_sbuf_reserve(sb, size, size, &room);

	if (!IS_ERR(r))
		gosnap_sbuf_commit(sb, r, type, size);
	return r;
}

/**
 * gosnap_sbuf_reserve - room for a record to be written in place
 * @sb:   the snapshot
 * @min:  bytes the caller needs at least, header included
 * @max:  bytes it could use
 * @room: out: the bytes it may write, from @min to @max (multiples of 8)
 *
 * For a writer that cannot allocate while it fills the record (the walk,
 * under page-table locks). The room is zero and not yet part of the
 * stream; nothing else may be added to @sb until gosnap_sbuf_commit().
 *
 * Return: where the record goes; ERR_PTR(-ENOSPC) when @min would pass the
 * snapshot's limit (the snapshot is then marked truncated), ERR_PTR(-ENOMEM)
 * when memory ran out. May sleep.
 */
void *gosnap_sbuf_reserve(struct gosnap_sbuf *sb, size_t min, size_t max,
			  size_t *room)
{
	struct gosnap_chunk *c;
	size_t free;

	min = round_up(min, 8);
	if (min > U32_MAX || sb->size + min > sb->limit) {
		sb->truncated = true;
		return ERR_PTR(-ENOSPC);
	}
	c = gosnap_sbuf_tail(sb, min);
	if (!c)
		return ERR_PTR(-ENOMEM);
	/* both at least min: the chunk was chosen for it, the limit checked */
	free = min3(c->cap - c->used - GOSNAP_END_ROOM, sb->limit - sb->size,
		    (size_t)U32_MAX);
	*room = max(round_down(min(free, max), 8), min);
	sb->reserved = *room;
	return c->data + c->used;
}

/**
 * gosnap_sbuf_commit - add the record written in reserved room
 * @sb:   the snapshot
 * @rec:  what gosnap_sbuf_reserve() returned
 * @type: GOSNAP_REC_*
 * @size: bytes written, header included; at most the room reserved
 *
 * Bytes of the room past @size must not have been written: they stay the
 * zero that the next record starts from.
 */
void gosnap_sbuf_commit(struct gosnap_sbuf *sb, void *rec, u32 type,
			size_t size)
{
	struct gosnap_chunk *c = list_last_entry(&sb->chunks,
						 struct gosnap_chunk, node);
	struct gosnap_rec *r = rec;

	size = round_up(size, 8);
	if (WARN_ON_ONCE(rec != c->data + c->used || size > sb->reserved))
		return;
	r->type = type;
	r->size = size;
	c->used += size;
	sb->size += size;
	sb->nr_records++;
	sb->reserved = 0;
}

/**
 * gosnap_sbuf_next - iterate over the records written so far
 * @sb: the snapshot
 * @it: cursor, zeroed to start
 *
 * Return: the next record, or NULL at the end. The stream header is not a
 * record and is skipped. Writing to @sb while iterating is allowed: the
 * iteration may then see the new records too.
 */
struct gosnap_rec *gosnap_sbuf_next(struct gosnap_sbuf *sb,
				    struct gosnap_sbuf_iter *it)
{
	struct gosnap_rec *r;

	if (!it->chunk) {
		if (list_empty(&sb->chunks))
			return NULL;
		it->chunk = list_first_entry(&sb->chunks, struct gosnap_chunk, node);
		it->off = sb->hdr->hdr_size;
	}
	while (it->off >= it->chunk->used) {
		if (list_is_last(&it->chunk->node, &sb->chunks))
			return NULL;
		it->chunk = list_next_entry(it->chunk, node);
		it->off = 0;
	}
	r = (struct gosnap_rec *)(it->chunk->data + it->off);
	it->off += r->size;
	return r;
}

/* Append END (its room is always kept) and settle the header. */
int gosnap_sbuf_close(struct gosnap_sbuf *sb)
{
	struct gosnap_rec_end *e;

	if (sb->truncated)
		sb->hdr->flags |= GOSNAP_SF_TRUNCATED;
	e = gosnap_sbuf_room(sb, sizeof(*e), true);
	if (!e)
		return -ENOMEM;
	e->hdr.type = GOSNAP_REC_END;
	e->hdr.size = sizeof(*e);
	e->stream_size = sb->size;
	e->nr_records = sb->nr_records;
	sb->rd_chunk = list_first_entry(&sb->chunks, struct gosnap_chunk, node);
	sb->rd_off = 0;
	return 0;
}

void gosnap_sbuf_free(struct gosnap_sbuf *sb)
{
	struct gosnap_chunk *c, *tmp;

	if (!sb)
		return;
	list_for_each_entry_safe(c, tmp, &sb->chunks, node)
		kvfree(c);
	kfree(sb);
}

bool gosnap_sbuf_drained(const struct gosnap_sbuf *sb)
{
	return !sb->rd_chunk;
}

/*
 * Copy the next bytes of a closed snapshot to user space. Returns bytes
 * copied (0 once drained) or -EFAULT if nothing could be copied.
 */
ssize_t gosnap_sbuf_read(struct gosnap_sbuf *sb, char __user *buf, size_t len)
{
	size_t done = 0;

	while (done < len && sb->rd_chunk) {
		struct gosnap_chunk *c = sb->rd_chunk;
		size_t n = min(len - done, c->used - sb->rd_off);

		if (copy_to_user(buf + done, c->data + sb->rd_off, n))
			return done ? done : -EFAULT;
		done += n;
		sb->rd_off += n;
		if (sb->rd_off == c->used) {
			sb->rd_off = 0;
			sb->rd_chunk = list_is_last(&c->node, &sb->chunks) ?
				NULL : list_next_entry(c, node);
		}
	}
	return done;
}
