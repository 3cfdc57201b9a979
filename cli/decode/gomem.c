// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gomem.h"
#include "decode/loadbias.h"
#include "exe/elfrel.h"

#define GS_MEM_MAX_SEGS	16

struct gs_mem_seg {
	uint64_t	vaddr;
	uint64_t	filesz;
	uint64_t	offset;
};

struct gs_mem {
	const struct gs_snapshot *snap;
	const uint8_t	*file;		/* the executable's image, borrowed */
	size_t		file_size;
	struct gs_mem_seg segs[GS_MEM_MAX_SEGS];	/* read-only PT_LOADs */
	unsigned int	nr_segs;
	struct gs_mem_seg relro[GS_MEM_MAX_SEGS];	/* RELRO parts of the others */
	unsigned int	nr_relro;
	struct gs_relro	rr;		/* the relocations inside RELRO */
	uint64_t	bias;		/* runtime - link-time (loadbias.h) */
};

/* The executable's read-only PT_LOADs, borrowed from its image. */
static void load_ro_segments(struct gs_mem *m, const struct gs_elfimg *im)
{
	size_t i;

	m->file = im->map;
	m->file_size = im->len;
	for (i = 0; i < im->nr_seg && m->nr_segs < GS_MEM_MAX_SEGS; i++) {
		const struct gs_elfimg_seg *s = &im->seg[i];

		uint64_t lo, hi;

		if (s->truncated)
			continue;	/* those bytes are not there */
		if (!s->write) {
			m->segs[m->nr_segs++] = (struct gs_mem_seg){
				s->vaddr, s->filesz, s->offset,
			};
			continue;
		}
		/*
		 * A writable segment's RELRO part is read-only once the
		 * loader relocated it, and no snapshot copies it: its file
		 * bytes, relocated here, are what the process holds.
		 */
		lo = s->vaddr > im->relro_start ? s->vaddr : im->relro_start;
		hi = s->vaddr + s->filesz < im->relro_end ? s->vaddr + s->filesz :
							     im->relro_end;
		if (lo < hi)
			m->relro[m->nr_relro++] = (struct gs_mem_seg){
				lo, hi - lo, s->offset + (lo - s->vaddr),
			};
	}
}

struct gs_mem *gs_mem_open(const struct gs_snapshot *snap,
			   const struct gs_elfimg *im, char *err, size_t errlen)
{
	struct gs_mem *m = calloc(1, sizeof(*m));

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->snap = snap;
	if (!im)
		return m;
	if (snap && gs_load_bias(snap, im, &m->bias, err, errlen)) {
		free(m);
		return NULL;
	}
	load_ro_segments(m, im);
	if (m->nr_relro && gs_relro_load(im, &m->rr)) {
		snprintf(err, errlen, "out of memory");
		free(m);
		return NULL;
	}
	return m;
}

void gs_mem_close(struct gs_mem *m)
{
	if (m)
		gs_relro_free(&m->rr);
	free(m);
}

uint64_t gs_mem_bias(const struct gs_mem *m)
{
	return m ? m->bias : 0;
}

/* Bytes of one table of file ranges at link-time addr; 0 if none. */
static size_t copy_from(const uint8_t *file, const struct gs_mem_seg *segs,
			unsigned int n, uint64_t addr, uint8_t *dst, size_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct gs_mem_seg *s = &segs[i];
		uint64_t avail;

		if (addr < s->vaddr || addr - s->vaddr >= s->filesz)
			continue;
		avail = s->filesz - (addr - s->vaddr);
		if (avail > len)
			avail = len;
		memcpy(dst, file + s->offset + (addr - s->vaddr), avail);
		return avail;
	}
	return 0;
}

/*
 * The executable's bytes at the process's addr: the file holds them at
 * the link-time address addr - bias. RELRO words are relocated; a word
 * the loader bound to a symbol is not readable.
 */
static size_t read_file_bytes(const struct gs_mem *m, uint64_t addr,
			      uint8_t *dst, size_t len)
{
	uint64_t at = addr - m->bias;
	size_t n = copy_from(m->file, m->segs, m->nr_segs, at, dst, len);

	if (n)
		return n;
	n = copy_from(m->file, m->relro, m->nr_relro, at, dst, len);
	if (n && !gs_relro_apply(&m->rr, at, dst, n, m->bias))
		return 0;
	return n;
}

const uint8_t *gs_mem_record_at(const struct gs_mem *m, uint64_t addr, uint64_t *start,
				uint64_t *len)
{
	return m->snap ? gs_mem_record(m->snap, addr, start, len) : NULL;
}

bool gs_mem_read(const struct gs_mem *m, uint64_t addr, void *dst, size_t len)
{
	uint8_t *out = dst;
	size_t done = 0;

	while (done < len) {
		size_t n = 0;

		if (addr + done < addr)
			return false;
		if (m->snap)
			n = gs_read_mem(m->snap, addr + done, out + done, len - done);
		if (!n)
			n = read_file_bytes(m, addr + done, out + done, len - done);
		if (!n)
			return false;
		done += n;
	}
	return true;
}

/* Bytes from addr on that read as zero: an untouched private anon page. */
static size_t untouched_zero_bytes(const struct gs_snapshot *snap,
				   uint64_t addr, size_t len)
{
	uint64_t ps = snap->hdr && snap->hdr->page_size ? snap->hdr->page_size : 4096;
	const struct gs_vma *v = gs_find_vma(snap, addr);
	uint64_t n = ps - addr % ps;

	if (!v || !(v->rec->flags & GOSNAP_VMA_ANON) ||
	    (v->rec->flags & GOSNAP_VMA_SHARED) || gs_find_run(snap, addr))
		return 0;
	return n < len ? (size_t)n : len;
}

bool gs_mem_read_zfill(const struct gs_mem *m, uint64_t addr, void *dst,
		       size_t len)
{
	uint8_t *out = dst;
	size_t done = 0;

	while (done < len) {
		size_t n = 0;

		if (addr + done < addr)
			return false;
		if (m->snap)
			n = gs_read_mem(m->snap, addr + done, out + done, len - done);
		if (!n)
			n = read_file_bytes(m, addr + done, out + done, len - done);
		if (!n && m->snap &&
		    (n = untouched_zero_bytes(m->snap, addr + done, len - done)))
			memset(out + done, 0, n);
		if (!n)
			return false;
		done += n;
	}
	return true;
}

bool gs_mem_u64(const struct gs_mem *m, uint64_t addr, uint64_t *out)
{
	return gs_mem_read(m, addr, out, sizeof(*out));
}

bool gs_mem_u32(const struct gs_mem *m, uint64_t addr, uint32_t *out)
{
	return gs_mem_read(m, addr, out, sizeof(*out));
}

char *gs_mem_gostring(const struct gs_mem *m, uint64_t addr, size_t maxlen)
{
	uint64_t hdr[2];
	char *s;

	if (!gs_mem_read(m, addr, hdr, sizeof(hdr)) || hdr[1] > maxlen)
		return NULL;
	s = malloc(hdr[1] + 1);
	if (!s)
		return NULL;
	if (!gs_mem_read(m, hdr[0], s, hdr[1])) {
		free(s);
		return NULL;
	}
	s[hdr[1]] = '\0';
	return s;
}

static uint64_t le_uint(const uint8_t *b, uint64_t size)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static bool read_uint(const struct gs_mem *m, uint64_t addr, uint64_t size,
		      bool zfill, uint64_t *out)
{
	uint8_t b[8] = { 0 };

	if (size > 8)
		size = 8;
	*out = 0;
	if (!(zfill ? gs_mem_read_zfill(m, addr, b, size) :
		      gs_mem_read(m, addr, b, size)))
		return false;
	*out = le_uint(b, size);
	return true;
}

bool gs_mem_uint(const struct gs_mem *m, uint64_t addr, uint64_t size,
		 uint64_t *out)
{
	return read_uint(m, addr, size, false, out);
}

bool gs_mem_uint_zfill(const struct gs_mem *m, uint64_t addr, uint64_t size,
		       uint64_t *out)
{
	return read_uint(m, addr, size, true, out);
}

uint64_t gs_img_uint(const uint8_t *img, size_t len, uint64_t off,
		     uint64_t size)
{
	if (size > 8)
		size = 8;
	if (off > len || size > len - off)
		return 0;
	return le_uint(img + off, size);
}

uint64_t gs_mem_field_u64(const struct gs_mem *m, uint64_t base, int64_t off)
{
	uint64_t v = 0;

	if (!base || off < 0 || !gs_mem_u64(m, base + (uint64_t)off, &v))
		return 0;
	return v;
}

int64_t gs_mem_field_i32(const struct gs_mem *m, uint64_t base, int64_t off)
{
	uint32_t v;

	if (off < 0 || !gs_mem_u32(m, base + (uint64_t)off, &v))
		return -1;
	return (int32_t)v;
}
