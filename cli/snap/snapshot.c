// SPDX-License-Identifier: GPL-2.0
/*
 * Parse and validate one snapshot of the /dev/gosnap stream.
 *
 * Two passes over the records: the first checks every record on its own
 * (size, alignment, variable-length tail) and counts them; the second,
 * with the arrays sized, checks what relates records to each other (VMA
 * order and indexes, runs inside their VMA). Nothing is dereferenced
 * before the bytes behind it are known to be inside the buffer.
 *
 * Depends on libc and the ABI header only: the in-guest tests link it alone.
 */
#include "base/errbuf.h"
#include "snap/snapshot.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V1_HDR_SIZE	sizeof(struct gosnap_stream_hdr)

struct parser {
	const uint8_t *base;
	size_t len;
	char *err;
	size_t errlen;
	uint32_t page_size;
};

/* One record as the walker sees it. */
struct rec_pos {
	size_t index;		/* records before it */
	size_t off;		/* byte offset from the snapshot's start */
	uint32_t type;
	uint32_t size;
	const uint8_t *p;
};

#define rec_err(ps, r, fmt, ...)					\
	set_err((ps)->err, (ps)->errlen, "record %zu at offset %#zx: " fmt, \
		(r)->index, (r)->off, ##__VA_ARGS__)

static const char *rec_type_name(uint32_t type)
{
	static const char *const names[] = {
		[GOSNAP_REC_TASK]	= "TASK",
		[GOSNAP_REC_VMA]	= "VMA",
		[GOSNAP_REC_PAGES]	= "PAGES",
		[GOSNAP_REC_THREAD]	= "THREAD",
		[GOSNAP_REC_MEM]	= "MEM",
		[GOSNAP_REC_CAPTURE]	= "CAPTURE",
		[GOSNAP_REC_END]	= "END",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

/* The fixed part of each known record type; 0 for unknown types. */
static size_t rec_min_size(uint32_t type)
{
	switch (type) {
	case GOSNAP_REC_TASK:		return sizeof(struct gosnap_rec_task);
	case GOSNAP_REC_VMA:		return sizeof(struct gosnap_rec_vma);
	case GOSNAP_REC_PAGES:		return sizeof(struct gosnap_rec_pages);
	case GOSNAP_REC_THREAD:		return sizeof(struct gosnap_rec_thread);
	case GOSNAP_REC_MEM:		return sizeof(struct gosnap_rec_mem);
	case GOSNAP_REC_CAPTURE:	return sizeof(struct gosnap_rec_capture);
	case GOSNAP_REC_END:		return sizeof(struct gosnap_rec_end);
	default:			return 0;
	}
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Check the stream header. Returns its size, 0 if more bytes are needed,
 * or -1 with err filled.
 */
static long check_header(const uint8_t *buf, size_t len, char *err,
			 size_t errlen, uint32_t *page_size)
{
	uint32_t magic, ps;
	uint16_t abi, hdr_size;

	if (len < 8)
		return 0;
	magic = get_u32(buf + offsetof(struct gosnap_stream_hdr, magic));
	abi = get_u16(buf + offsetof(struct gosnap_stream_hdr, abi_version));
	hdr_size = get_u16(buf + offsetof(struct gosnap_stream_hdr, hdr_size));
	if (magic != GOSNAP_STREAM_MAGIC) {
		set_err(err, errlen,
			"stream header at offset 0x0: bad magic %#x (expected %#x)",
			magic, GOSNAP_STREAM_MAGIC);
		return -1;
	}
	if (abi != GOSNAP_ABI_VERSION) {
		set_err(err, errlen,
			"stream header at offset 0x0: abi_version %u not supported (this tool reads %u)",
			abi, GOSNAP_ABI_VERSION);
		return -1;
	}
	if (hdr_size < V1_HDR_SIZE || hdr_size % 8) {
		set_err(err, errlen,
			"stream header at offset 0x0: hdr_size %u invalid (must be a multiple of 8, at least %zu)",
			hdr_size, V1_HDR_SIZE);
		return -1;
	}
	if (len < hdr_size)
		return 0;
	ps = get_u32(buf + offsetof(struct gosnap_stream_hdr, page_size));
	if (ps < 4096 || ps > (1U << 24) || (ps & (ps - 1))) {
		set_err(err, errlen,
			"stream header at offset 0x0: page_size %u is not a power of two in [4096, 16M]",
			ps);
		return -1;
	}
	if (page_size)
		*page_size = ps;
	return hdr_size;
}

/*
 * Read the record header at off. Returns 1 with *r filled, 0 if the
 * record is not entirely inside len, -1 on a malformed size.
 */
static int next_record(const uint8_t *buf, size_t len, size_t off,
		       size_t index, struct rec_pos *r, char *err, size_t errlen)
{
	size_t min;

	if (len - off < sizeof(struct gosnap_rec))
		return 0;
	r->index = index;
	r->off = off;
	r->p = buf + off;
	r->type = get_u32(r->p + offsetof(struct gosnap_rec, type));
	r->size = get_u32(r->p + offsetof(struct gosnap_rec, size));
	if (r->size < sizeof(struct gosnap_rec) || r->size % 8) {
		set_err(err, errlen,
			"record %zu at offset %#zx: size %u invalid (must be a multiple of 8, at least 8)",
			index, off, r->size);
		return -1;
	}
	min = rec_min_size(r->type);
	if (r->size < min) {
		set_err(err, errlen,
			"record %zu at offset %#zx: %s record size %u is smaller than its struct (%zu)",
			index, off, rec_type_name(r->type), r->size, min);
		return -1;
	}
	if (r->size > len - off)
		return 0;
	return 1;
}

long gs_stream_snapshot_len(const void *buf, size_t len, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	struct rec_pos r;
	long hdr;
	size_t off, index = 0;
	int ret;

	hdr = check_header(b, len, err, errlen, NULL);
	if (hdr <= 0)
		return hdr;
	for (off = (size_t)hdr;; off += r.size, index++) {
		ret = next_record(b, len, off, index, &r, err, errlen);
		if (ret <= 0)
			return ret;
		if (r.type == GOSNAP_REC_END)
			return (long)(off + r.size);
	}
}

/* ---------------------------------------------------------------------- */
/* Pass 1: each record on its own                                          */
/* ---------------------------------------------------------------------- */

struct counts {
	size_t vmas, pages, threads, mems, unknown;
	const struct gosnap_rec_task *task;
	size_t task_off;
	const struct gosnap_rec_capture *capture;
	size_t capture_off;
	size_t end_off;		/* offset just past END: the snapshot's size */
};

static int check_task(struct parser *ps, const struct rec_pos *r,
		      struct counts *c)
{
	const struct gosnap_rec_task *t = (const void *)r->p;
	size_t room = r->size - sizeof(*t);

	if (c->task) {
		rec_err(ps, r, "second TASK record (first at offset %#zx)",
			c->task_off);
		return -1;
	}
	if (t->exe_len > room) {
		rec_err(ps, r, "TASK exe_len %u exceeds record size %u",
			t->exe_len, r->size);
		return -1;
	}
	if (t->build_id_size > GOSNAP_BUILD_ID_MAX) {
		rec_err(ps, r, "TASK build_id_size %u exceeds %d",
			t->build_id_size, GOSNAP_BUILD_ID_MAX);
		return -1;
	}
	c->task = t;
	c->task_off = r->off;
	return 0;
}

static int check_vma(struct parser *ps, const struct rec_pos *r,
		     struct counts *c)
{
	const struct gosnap_rec_vma *v = (const void *)r->p;

	if (v->path_len > r->size - sizeof(*v)) {
		rec_err(ps, r, "VMA path_len %u exceeds record size %u",
			v->path_len, r->size);
		return -1;
	}
	if (v->index != c->vmas) {
		rec_err(ps, r, "VMA index %u out of order (expected %zu)",
			v->index, c->vmas);
		return -1;
	}
	if (v->start >= v->end || (v->start | v->end) % ps->page_size) {
		rec_err(ps, r, "VMA %#llx-%#llx is empty or not page-aligned",
			(unsigned long long)v->start,
			(unsigned long long)v->end);
		return -1;
	}
	c->vmas++;
	return 0;
}

static int check_pages(struct parser *ps, const struct rec_pos *r,
		       struct counts *c)
{
	const struct gosnap_rec_pages *pg = (const void *)r->p;
	size_t room = (r->size - sizeof(*pg)) / sizeof(pg->runs[0]);

	if (pg->nr_runs > room) {
		rec_err(ps, r, "PAGES nr_runs %u exceeds record size %u (room for %zu)",
			pg->nr_runs, r->size, room);
		return -1;
	}
	c->pages += pg->nr_runs;
	return 0;
}

static int check_mem(struct parser *ps, const struct rec_pos *r,
		     struct counts *c)
{
	const struct gosnap_rec_mem *m = (const void *)r->p;

	if (m->len > r->size - sizeof(*m)) {
		rec_err(ps, r, "MEM len %llu exceeds record size %u",
			(unsigned long long)m->len, r->size);
		return -1;
	}
	if (m->addr + m->len < m->addr) {
		rec_err(ps, r, "MEM %#llx+%llu wraps around",
			(unsigned long long)m->addr,
			(unsigned long long)m->len);
		return -1;
	}
	c->mems++;
	return 0;
}

static int check_capture(struct parser *ps, const struct rec_pos *r,
			 struct counts *c)
{
	if (c->capture) {
		rec_err(ps, r, "second CAPTURE record (first at offset %#zx)",
			c->capture_off);
		return -1;
	}
	c->capture = (const void *)r->p;
	c->capture_off = r->off;
	return 0;
}

static int check_end(struct parser *ps, const struct rec_pos *r)
{
	const struct gosnap_rec_end *e = (const void *)r->p;
	size_t real = r->off + r->size;

	if (e->stream_size != real) {
		rec_err(ps, r, "END stream_size %llu differs from the snapshot's size %zu",
			(unsigned long long)e->stream_size, real);
		return -1;
	}
	if (e->nr_records != r->index) {
		rec_err(ps, r, "END nr_records %u differs from the %zu records before it",
			e->nr_records, r->index);
		return -1;
	}
	return 0;
}

static int pass1(struct parser *ps, size_t hdr_size, struct counts *c)
{
	struct rec_pos r;
	size_t off, index = 0;
	int ret;

	for (off = hdr_size;; off += r.size, index++) {
		ret = next_record(ps->base, ps->len, off, index, &r, ps->err,
				  ps->errlen);
		if (ret < 0)
			return -1;
		if (ret == 0) {
			if (ps->len - off < sizeof(struct gosnap_rec))
				set_err(ps->err, ps->errlen,
					"truncated: no END record after %zu records (%zu bytes)",
					index, ps->len);
			else
				rec_err(ps, &r, "size %u exceeds the %zu bytes left",
					r.size, ps->len - off);
			return -1;
		}
		switch (r.type) {
		case GOSNAP_REC_TASK:
			ret = check_task(ps, &r, c);
			break;
		case GOSNAP_REC_VMA:
			ret = check_vma(ps, &r, c);
			break;
		case GOSNAP_REC_PAGES:
			ret = check_pages(ps, &r, c);
			break;
		case GOSNAP_REC_THREAD:
			c->threads++;
			ret = 0;
			break;
		case GOSNAP_REC_MEM:
			ret = check_mem(ps, &r, c);
			break;
		case GOSNAP_REC_CAPTURE:
			ret = check_capture(ps, &r, c);
			break;
		case GOSNAP_REC_END:
			if (check_end(ps, &r))
				return -1;
			c->end_off = off + r.size;
			return 0;
		default:
			c->unknown++;
			ret = 0;
			break;
		}
		if (ret)
			return -1;
	}
}

/* ---------------------------------------------------------------------- */
/* Pass 2: relations between records                                       */
/* ---------------------------------------------------------------------- */

static char *copy_name(const char *src, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	memcpy(s, src, len);
	s[len] = '\0';
	return s;
}

static int add_vma(struct parser *ps, const struct rec_pos *r,
		   struct gs_snapshot *snap)
{
	const struct gosnap_rec_vma *v = (const void *)r->p;
	struct gs_vma *gv = &snap->vmas[snap->nr_vmas];

	if (snap->nr_vmas) {
		const struct gosnap_rec_vma *prev = snap->vmas[snap->nr_vmas - 1].rec;

		if (v->start < prev->end) {
			rec_err(ps, r, "VMA %#llx-%#llx overlaps or precedes the previous one (ends %#llx)",
				(unsigned long long)v->start,
				(unsigned long long)v->end,
				(unsigned long long)prev->end);
			return -1;
		}
	}
	gv->rec = v;
	gv->path = copy_name(v->path, v->path_len);
	if (!gv->path) {
		rec_err(ps, r, "out of memory");
		return -1;
	}
	snap->nr_vmas++;
	return 0;
}

/* Count each VMA's runs so that pass 2 can size their arrays. */
static int count_runs(struct parser *ps, const struct rec_pos *r,
		      struct gs_snapshot *snap, size_t *per_vma)
{
	const struct gosnap_rec_pages *pg = (const void *)r->p;

	if (pg->vma_index >= snap->nr_vmas) {
		rec_err(ps, r, "PAGES vma_index %u out of range (%zu VMAs)",
			pg->vma_index, snap->nr_vmas);
		return -1;
	}
	per_vma[pg->vma_index] += pg->nr_runs;
	return 0;
}

static int add_runs(struct parser *ps, const struct rec_pos *r,
		    struct gs_snapshot *snap)
{
	const struct gosnap_rec_pages *pg = (const void *)r->p;
	struct gs_vma *gv = &snap->vmas[pg->vma_index];
	uint64_t start = gv->rec->start, end = gv->rec->end;
	uint32_t i;

	for (i = 0; i < pg->nr_runs; i++) {
		const struct gosnap_page_run *run = &pg->runs[i];
		uint64_t lo = gv->nr_runs ?
			gv->runs[gv->nr_runs - 1].addr +
			(uint64_t)gv->runs[gv->nr_runs - 1].npages * ps->page_size :
			start;

		if (run->npages == 0 || run->addr % ps->page_size) {
			rec_err(ps, r, "run %u at %#llx: empty or not page-aligned",
				i, (unsigned long long)run->addr);
			return -1;
		}
		if (run->addr < lo) {
			rec_err(ps, r, "run %u at %#llx: below %#llx (runs must ascend inside VMA %u %#llx-%#llx)",
				i, (unsigned long long)run->addr,
				(unsigned long long)lo, pg->vma_index,
				(unsigned long long)start,
				(unsigned long long)end);
			return -1;
		}
		if (run->addr >= end ||
		    run->npages > (end - run->addr) / ps->page_size) {
			rec_err(ps, r, "run %u at %#llx (%u pages) extends past VMA %u %#llx-%#llx",
				i, (unsigned long long)run->addr, run->npages,
				pg->vma_index, (unsigned long long)start,
				(unsigned long long)end);
			return -1;
		}
		gv->runs[gv->nr_runs++] = *run;
	}
	return 0;
}

static int cmp_mem(const void *a, const void *b)
{
	const struct gosnap_rec_mem *x = *(const struct gosnap_rec_mem *const *)a;
	const struct gosnap_rec_mem *y = *(const struct gosnap_rec_mem *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Equal starts: the longer one last, so a search lands on it. */
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x < y ? -1 : x > y;
}

typedef int (*rec_fn)(struct parser *ps, const struct rec_pos *r,
		      struct gs_snapshot *snap, void *arg);

/* Visit every record of a snapshot that pass 1 has accepted. */
static int for_each_record(struct parser *ps, size_t hdr_size, size_t end,
			   rec_fn fn, struct gs_snapshot *snap, void *arg)
{
	struct rec_pos r;
	size_t off, index = 0;

	for (off = hdr_size; off < end; off += r.size, index++) {
		r.index = index;
		r.off = off;
		r.p = ps->base + off;
		r.type = get_u32(r.p);
		r.size = get_u32(r.p + 4);
		if (fn(ps, &r, snap, arg))
			return -1;
	}
	return 0;
}

static int visit_vmas(struct parser *ps, const struct rec_pos *r,
		      struct gs_snapshot *snap, void *arg)
{
	(void)arg;
	switch (r->type) {
	case GOSNAP_REC_VMA:
		return add_vma(ps, r, snap);
	case GOSNAP_REC_THREAD:
		snap->threads[snap->nr_threads++] = (const void *)r->p;
		return 0;
	case GOSNAP_REC_MEM:
		snap->mems[snap->nr_mems++] = (const void *)r->p;
		return 0;
	default:
		return 0;
	}
}

static int visit_count_runs(struct parser *ps, const struct rec_pos *r,
			    struct gs_snapshot *snap, void *arg)
{
	if (r->type != GOSNAP_REC_PAGES)
		return 0;
	return count_runs(ps, r, snap, arg);
}

static int visit_add_runs(struct parser *ps, const struct rec_pos *r,
			  struct gs_snapshot *snap, void *arg)
{
	(void)arg;
	if (r->type != GOSNAP_REC_PAGES)
		return 0;
	return add_runs(ps, r, snap);
}

static void *alloc_array(size_t n, size_t size)
{
	/* calloc(0, …) may return NULL: always ask for one element. */
	return calloc(n ? n : 1, size);
}

static int pass2(struct parser *ps, size_t hdr_size, const struct counts *c,
		 struct gs_snapshot *snap)
{
	size_t *per_vma = NULL, i;
	int ret = -1;

	snap->vmas = alloc_array(c->vmas, sizeof(*snap->vmas));
	snap->threads = alloc_array(c->threads, sizeof(*snap->threads));
	snap->mems = alloc_array(c->mems, sizeof(*snap->mems));
	per_vma = alloc_array(c->vmas, sizeof(*per_vma));
	if (!snap->vmas || !snap->threads || !snap->mems || !per_vma)
		goto out_nomem;

	if (for_each_record(ps, hdr_size, c->end_off, visit_vmas, snap, NULL))
		goto out;
	if (for_each_record(ps, hdr_size, c->end_off, visit_count_runs, snap,
			    per_vma))
		goto out;
	for (i = 0; i < snap->nr_vmas; i++) {
		snap->vmas[i].runs = alloc_array(per_vma[i],
						 sizeof(*snap->vmas[i].runs));
		if (!snap->vmas[i].runs)
			goto out_nomem;
	}
	if (for_each_record(ps, hdr_size, c->end_off, visit_add_runs, snap,
			    NULL))
		goto out;
	qsort(snap->mems, snap->nr_mems, sizeof(*snap->mems), cmp_mem);
	ret = 0;
	goto out;

out_nomem:
	set_err(ps->err, ps->errlen, "out of memory");
out:
	free(per_vma);
	return ret;
}

int gs_snapshot_parse(const void *buf, size_t len, struct gs_snapshot *snap,
		      char *err, size_t errlen)
{
	struct parser ps = {
		.base = buf, .len = len, .err = err, .errlen = errlen,
	};
	struct counts c = { 0 };
	long hdr;

	memset(snap, 0, sizeof(*snap));
	if ((uintptr_t)buf % 8) {
		set_err(err, errlen, "snapshot buffer at %p is not 8-byte aligned",
			buf);
		return -1;
	}
	hdr = check_header(ps.base, len, err, errlen, &ps.page_size);
	if (hdr < 0)
		return -1;
	if (hdr == 0) {
		set_err(err, errlen,
			"truncated: %zu bytes, the stream header needs %zu",
			len, len < 8 ? (size_t)8 :
			(size_t)get_u16(ps.base + offsetof(struct gosnap_stream_hdr, hdr_size)));
		return -1;
	}
	if (pass1(&ps, (size_t)hdr, &c))
		return -1;

	snap->base = ps.base;
	snap->size = c.end_off;
	snap->hdr = buf;
	snap->task = c.task;
	snap->capture = c.capture;
	snap->nr_unknown = c.unknown;
	snap->exe = c.task ? copy_name(c.task->exe, c.task->exe_len) :
			     copy_name("", 0);
	if (!snap->exe) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	if (pass2(&ps, (size_t)hdr, &c, snap))
		goto fail;
	return 0;
fail:
	gs_snapshot_free(snap);
	return -1;
}

void gs_snapshot_free(struct gs_snapshot *snap)
{
	size_t i;

	if (snap->vmas) {
		for (i = 0; i < snap->nr_vmas; i++) {
			free(snap->vmas[i].path);
			free(snap->vmas[i].runs);
		}
	}
	free(snap->vmas);
	free(snap->threads);
	free(snap->mems);
	free(snap->exe);
	memset(snap, 0, sizeof(*snap));
}

/* ---------------------------------------------------------------------- */
/* Look-ups                                                                */
/* ---------------------------------------------------------------------- */

const struct gs_vma *gs_find_vma(const struct gs_snapshot *snap, uint64_t addr)
{
	size_t lo = 0, hi = snap->nr_vmas;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gosnap_rec_vma *v = snap->vmas[mid].rec;

		if (addr < v->start)
			hi = mid;
		else if (addr >= v->end)
			lo = mid + 1;
		else
			return &snap->vmas[mid];
	}
	return NULL;
}

const struct gosnap_page_run *gs_find_run(const struct gs_snapshot *snap,
					  uint64_t addr)
{
	const struct gs_vma *v = gs_find_vma(snap, addr);
	uint64_t ps = snap->hdr ? snap->hdr->page_size : 4096;
	size_t lo = 0, hi;

	if (!v)
		return NULL;
	hi = v->nr_runs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gosnap_page_run *r = &v->runs[mid];

		if (addr < r->addr)
			hi = mid;
		else if (addr - r->addr >= (uint64_t)r->npages * ps)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/* A MEM record covering addr, or NULL. */
static const struct gosnap_rec_mem *find_mem(const struct gs_snapshot *snap,
					     uint64_t addr)
{
	const struct gosnap_rec_mem *best = NULL;
	size_t lo = 0, hi = snap->nr_mems;

	/* First record starting above addr; every candidate precedes it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snap->mems[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr - snap->mems[lo - 1]->addr < snap->mems[lo - 1]->len)
		return snap->mems[lo - 1];
	/*
	 * Records may overlap (a stack inside an anonymous mapping), so an
	 * earlier, longer one may still cover addr: look back.
	 */
	while (lo-- > 0) {
		const struct gosnap_rec_mem *m = snap->mems[lo];

		if (addr - m->addr < m->len &&
		    (!best || m->addr + m->len > best->addr + best->len))
			best = m;
	}
	return best;
}

const uint8_t *gs_mem_record(const struct gs_snapshot *snap, uint64_t addr,
			     uint64_t *start, uint64_t *len)
{
	const struct gosnap_rec_mem *m = find_mem(snap, addr);

	if (!m)
		return NULL;
	*start = m->addr;
	*len = m->len;
	return m->data;
}

size_t gs_read_mem(const struct gs_snapshot *snap, uint64_t addr, void *dst,
		   size_t len)
{
	uint8_t *out = dst;
	size_t done = 0;

	while (done < len) {
		uint64_t at = addr + done;
		const struct gosnap_rec_mem *m;
		uint64_t avail;
		size_t n;

		if (at < addr)		/* wrapped */
			break;
		m = find_mem(snap, at);
		if (!m)
			break;
		avail = m->addr + m->len - at;
		n = avail < len - done ? (size_t)avail : len - done;
		memcpy(out + done, m->data + (at - m->addr), n);
		done += n;
	}
	return done;
}
