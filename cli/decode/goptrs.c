// SPDX-License-Identifier: GPL-2.0
/*
 * Which words of a heap object hold pointers (goptrs.h): the heap bitmap
 * before go1.22, the span's bits, the allocation header or largeType
 * since. Every byte through gs_mem; a span's or a type's claims are
 * bounded by the slot they describe.
 */
#include "decode/goptrs.h"
#include "decode/gograph_needs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* runtime._type / internal/abi.Type on amd64, the same go1.19 to go1.27 */
#define TY_SIZE		0
#define TY_PTRDATA	8
#define TY_TFLAG	20
#define TY_KIND		23
#define TY_GCDATA	32
#define TY_HEAD		40
#define KIND_GCPROG	0x40	/* go1.22, 1.23: GCData is a GC program */
#define TFLAG_ONDEMAND	0x10	/* go1.24+: GCData is a **byte */
/* sizeof(spanInlineMarkBits): scans[63], owned, marks[63], class */
#define INLINE_MARKS	128
#define MAX_MASK	(64ULL << 20)	/* a type's GC mask: 4 GiB of words */

struct go_ptrs_arena {
	bool		read, ok;
	uint8_t		*bitmap;	/* bitmap_bytes */
	uint8_t		*nomore;	/* nomore_bytes (bitmap1) */
};

const char *go_ptrs_res_name(enum go_ptrs_res r)
{
	static const char *const names[GP_NR_RES] = {
		[GP_OK]		= "ok",
		[GP_NOMEM]	= "not-in-snapshot",
		[GP_NOTYPE]	= "nil-type",
		[GP_BADTYPE]	= "not-a-type",
		[GP_GCPROG]	= "gc-program",
		[GP_UNBUILT]	= "mask-not-built",
	};

	return (unsigned)r < GP_NR_RES ? names[r] : "?";
}

const char *go_ptrs_scheme_name(enum go_ptrs_scheme s)
{
	switch (s) {
	case GP_BITMAP2:	return "heap bitmap, 2 bits a word (go1.19)";
	case GP_BITMAP1:	return "heap bitmap, 1 bit a word (go1.20, go1.21)";
	case GP_HEADERS:	return "span bits, allocation headers, largeType (go1.22+)";
	case GP_NONE:		break;
	}
	return "none";
}

/* ---- the bit readers ------------------------------------------------ */

uint64_t go_bits2(const uint8_t *bm, size_t len, uint64_t w0, uint64_t n,
		  uint64_t *mask)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		uint64_t w = w0 + i;
		unsigned int bits;

		if (w / 4 >= len)
			break;
		bits = bm[w / 4] >> (w % 4);
		if (!(bits & 0x10))
			break;		/* "dead": no pointers from here on */
		if (bits & 1)
			go_mask_set(mask, i);
	}
	return i;
}

uint64_t go_bits1(const uint64_t *bm, size_t len, const uint8_t *nomore,
		  size_t nlen, uint64_t w0, uint64_t n, uint64_t *mask)
{
	uint64_t i = 0;

	while (i < n) {
		uint64_t w = w0 + i, idx = w / 64, off = w % 64;
		uint64_t take = 64 - off, bits;

		if (idx >= len)
			break;
		if (take > n - i)
			take = n - i;
		bits = bm[idx] >> off;
		if (take < 64)
			bits &= (1ULL << take) - 1;
		while (bits) {
			go_mask_set(mask, i + (uint64_t)__builtin_ctzll(bits));
			bits &= bits - 1;
		}
		i += take;
		/* the object goes on past this bitmap word: may it hold more? */
		if (i < n && (idx / 8 >= nlen || (nomore[idx / 8] >> (idx % 8) & 1)))
			break;
	}
	return i;
}

bool go_bits_tile(const uint8_t *gcmask, uint64_t ptrbytes, uint64_t typesize,
		  uint64_t first, uint64_t n, uint64_t *mask)
{
	uint64_t ptrwords = ptrbytes / 8, step = typesize / 8, e, j;

	if (!typesize || typesize % 8 || ptrbytes % 8 || ptrbytes > typesize)
		return false;
	for (e = first; e < n; e += step)
		for (j = 0; j < ptrwords && e + j < n; j++)
			if (gcmask[j / 8] >> (j % 8) & 1)
				go_mask_set(mask, e + j);
	return true;
}

/* ---- the scheme ----------------------------------------------------- */

/* Is experiment x in version's " X:a,b" list? */
static bool has_experiment(const char *version, const char *x)
{
	const char *p = strstr(version, " X:");
	size_t n = strlen(x);

	if (!p)
		return false;
	for (p += 3; *p; ) {
		size_t len = strcspn(p, ", ");

		if (len == n && !strncmp(p, x, n))
			return true;
		p += len;
		if (*p != ',')
			break;
		p++;
	}
	return false;
}

static bool is_greentea(const char *version, int minor)
{
	if (has_experiment(version, "greenteagc"))
		return true;
	return minor >= 26 && !has_experiment(version, "nogreenteagc");
}

bool go_ptrs_init(struct go_ptrs *p, const struct gs_need_ans *a,
		  const struct goheap *h, const struct gs_mem *mem, int go_minor)
{
	uint64_t words = h->arena_bytes / 8;

	memset(p, 0, sizeof(*p));
	p->h = h;
	p->mem = mem;
	p->go_minor = go_minor;
	p->off_bitmap = p->off_nomore = p->off_largetype = -1;
	if (a[GN_MSPAN_LARGETYPE].ok && a[GN_HEADER_MIN].ok && a[GN_HEADER_SIZE].ok) {
		p->scheme = GP_HEADERS;
		p->off_largetype = (int64_t)a[GN_MSPAN_LARGETYPE].value;
		p->header_min = a[GN_HEADER_MIN].value;
		p->header_size = a[GN_HEADER_SIZE].value;
		p->greentea = is_greentea(h->version, go_minor);
		if (p->header_size != 8 || p->header_min % 8 || p->header_min > 4096) {
			snprintf(p->why, sizeof(p->why), "allocation headers of %" PRIu64
				 " bytes above %" PRIu64 ": not this decoder's",
				 p->header_size, p->header_min);
			p->scheme = GP_NONE;
		}
	} else if (a[GN_ARENA_BITMAP].ok && a[GN_ARENA_NOMORE].ok) {
		p->scheme = GP_BITMAP1;
		p->off_bitmap = (int64_t)a[GN_ARENA_BITMAP].value;
		p->off_nomore = (int64_t)a[GN_ARENA_NOMORE].value;
		p->bitmap_bytes = a[GN_ARENA_BITMAP].size;
		p->nomore_bytes = a[GN_ARENA_NOMORE].size;
		if (p->bitmap_bytes != words / 8 || p->nomore_bytes != words / 64 / 8) {
			snprintf(p->why, sizeof(p->why), "heapArena.bitmap of %" PRIu64
				 " bytes and noMorePtrs of %" PRIu64 " for %" PRIu64
				 "-byte arenas: not one bit a word", p->bitmap_bytes,
				 p->nomore_bytes, h->arena_bytes);
			p->scheme = GP_NONE;
		}
	} else if (a[GN_ARENA_BITMAP].ok) {
		p->scheme = GP_BITMAP2;
		p->off_bitmap = (int64_t)a[GN_ARENA_BITMAP].value;
		p->bitmap_bytes = a[GN_ARENA_BITMAP].size;
		if (p->bitmap_bytes != words / 4) {
			snprintf(p->why, sizeof(p->why), "heapArena.bitmap of %" PRIu64
				 " bytes for %" PRIu64 "-byte arenas: not two bits a word",
				 p->bitmap_bytes, h->arena_bytes);
			p->scheme = GP_NONE;
		}
	} else {
		snprintf(p->why, sizeof(p->why), "neither heapArena.bitmap nor "
			 "allocation headers (mspan.largeType, minSizeForMallocHeader, "
			 "mallocHeaderSize) are known");
	}
	if (p->scheme == GP_BITMAP1 || p->scheme == GP_BITMAP2) {
		p->arenas = calloc(h->nr_arenas ? h->nr_arenas : 1, sizeof(*p->arenas));
		if (!p->arenas)
			return false;
	}
	return true;
}

void go_ptrs_free(struct go_ptrs *p)
{
	size_t i;

	if (p->arenas)
		for (i = 0; i < p->h->nr_arenas; i++) {
			free(p->arenas[i].bitmap);
			free(p->arenas[i].nomore);
		}
	free(p->arenas);
	p->arenas = NULL;
	free(p->gcmask);
	p->gcmask = NULL;
	p->gcmask_cap = 0;
}

/* The arena holding addr, its bitmap read once; NULL if unreadable. */
static const struct go_ptrs_arena *arena_of(struct go_ptrs *p, uint64_t addr,
					    uint64_t *base)
{
	const struct goheap *h = p->h;
	size_t lo = 0, hi = h->nr_arenas;
	struct go_ptrs_arena *pa;
	const struct gh_arena *ar;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->arenas[mid].base + h->arena_bytes <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == h->nr_arenas || h->arenas[lo].base > addr)
		return NULL;
	ar = &h->arenas[lo];
	pa = &p->arenas[lo];
	*base = ar->base;
	if (!pa->read) {
		pa->read = true;
		pa->bitmap = malloc(p->bitmap_bytes);
		if (p->scheme == GP_BITMAP1)
			pa->nomore = malloc(p->nomore_bytes);
		pa->ok = pa->bitmap && (p->scheme != GP_BITMAP1 || pa->nomore) &&
			 gs_mem_read_zfill(p->mem, ar->meta + (uint64_t)p->off_bitmap,
					   pa->bitmap, p->bitmap_bytes) &&
			 (p->scheme != GP_BITMAP1 ||
			  gs_mem_read_zfill(p->mem, ar->meta + (uint64_t)p->off_nomore,
					    pa->nomore, p->nomore_bytes));
	}
	return pa->ok ? pa : NULL;
}

/* Before go1.22: the arena bitmaps, arena by arena for a large object. */
static enum go_ptrs_res from_bitmap(struct go_ptrs *p, uint64_t addr, uint64_t n,
				    uint64_t *mask)
{
	uint64_t i = 0;

	while (i < n) {
		uint64_t a = addr + i * 8, base, w0, take, got, j;
		const struct go_ptrs_arena *pa = arena_of(p, a, &base);
		uint64_t *seg;

		if (!pa)
			return GP_NOMEM;
		w0 = (a - base) / 8;
		take = p->h->arena_bytes / 8 - w0;
		if (take > n - i)
			take = n - i;
		if (!i && take == n) {	/* the common case: one arena */
			if (p->scheme == GP_BITMAP2)
				go_bits2(pa->bitmap, p->bitmap_bytes, w0, n, mask);
			else
				go_bits1((const uint64_t *)pa->bitmap, p->bitmap_bytes / 8,
					 pa->nomore, p->nomore_bytes, w0, n, mask);
			return GP_OK;
		}
		seg = calloc((take + 63) / 64, 8);
		if (!seg)
			return GP_NOMEM;
		got = p->scheme == GP_BITMAP2 ?
		      go_bits2(pa->bitmap, p->bitmap_bytes, w0, take, seg) :
		      go_bits1((const uint64_t *)pa->bitmap, p->bitmap_bytes / 8,
			       pa->nomore, p->nomore_bytes, w0, take, seg);
		for (j = 0; j < got; j++)
			if (go_mask_test(seg, j))
				go_mask_set(mask, i + j);
		free(seg);
		if (got < take)
			break;		/* no more pointers in the object */
		i += take;
	}
	return GP_OK;
}

/* go1.22+, a small object: its words' bits at the end of its span. */
static enum go_ptrs_res from_span_bits(struct go_ptrs *p, const struct gh_span *sp,
				       const struct go_slots *sl, uint64_t addr,
				       uint64_t n, uint64_t *mask)
{
	uint64_t hb = sp->base + sl->bytes - sl->bytes / 64;
	uint64_t w = (addr - sp->base) / 8, words[2], bits, i;

	if (p->greentea && sl->size >= 16)
		hb -= INLINE_MARKS;
	if (n > 64)
		return GP_BADTYPE;	/* header_min bounds it: cannot happen */
	if (!gs_mem_read(p->mem, hb + w / 64 * 8, words,
			 w % 64 + n > 64 ? 16 : 8))
		return GP_NOMEM;
	bits = words[0] >> (w % 64);
	if (w % 64 + n > 64)
		bits |= words[1] << (64 - w % 64);
	if (n < 64)
		bits &= (1ULL << n) - 1;
	for (i = 0; i < n; i++)
		if (bits >> i & 1)
			go_mask_set(mask, i);
	return GP_OK;
}

/* go1.22+, a larger object: its type's mask tiled over the slot. */
static enum go_ptrs_res from_type(struct go_ptrs *p, uint64_t type, uint64_t first,
				  uint64_t n, uint64_t *mask)
{
	uint8_t head[TY_HEAD], *gcmask;
	uint64_t size, ptrdata, gcdata, bytes;
	bool ok;

	if (!type)
		return GP_NOTYPE;
	if (!gs_mem_read(p->mem, type, head, sizeof(head)))
		return GP_NOMEM;
	size = gs_img_uint(head, sizeof(head), TY_SIZE, 8);
	ptrdata = gs_img_uint(head, sizeof(head), TY_PTRDATA, 8);
	gcdata = gs_img_uint(head, sizeof(head), TY_GCDATA, 8);
	if (!size || size % 8 || ptrdata % 8 || ptrdata > size ||
	    size > (n - first) * 8)
		return GP_BADTYPE;
	if (p->go_minor < 24 && (head[TY_KIND] & KIND_GCPROG))
		return GP_GCPROG;
	if (p->go_minor >= 24 && (head[TY_TFLAG] & TFLAG_ONDEMAND)) {
		if (!gs_mem_u64(p->mem, gcdata, &gcdata))
			return GP_NOMEM;
		if (!gcdata)
			return GP_UNBUILT;
	}
	if (!ptrdata)
		return GP_OK;
	bytes = (ptrdata / 8 + 7) / 8;
	if (bytes > MAX_MASK)
		return GP_BADTYPE;
	if (bytes > p->gcmask_cap) {
		gcmask = realloc(p->gcmask, bytes);
		if (!gcmask)
			return GP_NOMEM;
		p->gcmask = gcmask;
		p->gcmask_cap = bytes;
	}
	ok = gs_mem_read(p->mem, gcdata, p->gcmask, bytes);
	if (ok)
		go_bits_tile(p->gcmask, ptrdata, size, first, n, mask);
	return ok ? GP_OK : GP_NOMEM;
}

enum go_ptrs_res go_ptrs_object(struct go_ptrs *p, const struct gh_span *sp,
				const struct go_slots *sl, uint64_t addr,
				uint64_t *mask)
{
	uint64_t n = sl->size / 8, type;

	memset(mask, 0, (n + 63) / 64 * 8);
	if (sl->noscan)
		return GP_OK;
	switch (p->scheme) {
	case GP_BITMAP1:
	case GP_BITMAP2:
		return from_bitmap(p, addr, n, mask);
	case GP_HEADERS:
		if (sl->large) {
			if (!gs_mem_u64(p->mem, sp->mspan + (uint64_t)p->off_largetype, &type))
				return GP_NOMEM;
			return from_type(p, type, 0, n, mask);
		}
		if (!go_slot_has_header(true, p->header_min, sl->size, false, false))
			return from_span_bits(p, sp, sl, addr, n, mask);
		if (!gs_mem_u64(p->mem, addr, &type))
			return GP_NOMEM;
		return from_type(p, type, p->header_size / 8, n, mask);
	case GP_NONE:
		break;
	}
	return GP_BADTYPE;
}
