/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which words of a heap object hold pointers, read the way the release's
 * collector reads them (docs/objects.md, "The object graph"):
 *
 *   bitmap2   go1.19: heapArena.bitmap, two bits a word (pointer, and
 *             "scan": more pointers may follow); the first word whose
 *             scan bit is clear ends the object's pointers.
 *   bitmap1   go1.20, go1.21: heapArena.bitmap, one bit a word, and
 *             heapArena.noMorePtrs, which ends an object's pointers at a
 *             bitmap word's end.
 *   headers   go1.22+: a small scan object (minSizeForMallocHeader or
 *             less) has its bits at the end of its span (before Green
 *             Tea's spanInlineMarkBits when the build uses it); a larger
 *             one has its type in its allocation header, a large one in
 *             span.largeType, whose GC mask is tiled over the slot, one
 *             element after another.
 *
 * The pure bit readers are exposed for the unit tests.
 */
#ifndef GOSNAP_GOPTRS_H
#define GOSNAP_GOPTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "decode/goheap.h"
#include "decode/gomem.h"
#include "decode/gospan.h"
#include "decode/needs.h"
#include "layout/layout.h"

enum go_ptrs_scheme {
	GP_NONE,		/* unknown: no object can be scanned */
	GP_BITMAP2,
	GP_BITMAP1,
	GP_HEADERS,
};

/* What became of one object's pointer words. */
enum go_ptrs_res {
	GP_OK,			/* mask filled */
	GP_NOMEM,		/* bits, header or type not in the snapshot */
	GP_NOTYPE,		/* a nil header or largeType */
	GP_BADTYPE,		/* its type's size or mask make no sense */
	GP_GCPROG,		/* the type's mask is a GC program (go1.22, 1.23) */
	GP_UNBUILT,		/* an on-demand mask (go1.24+) not built yet */
	GP_NR_RES,
};

struct go_ptrs_arena;

struct go_ptrs {
	enum go_ptrs_scheme scheme;
	bool		greentea;	/* spanInlineMarkBits precede span bits */
	int		go_minor;
	uint64_t	header_min, header_size;
	int64_t		off_bitmap, off_nomore, off_largetype;
	uint64_t	bitmap_bytes, nomore_bytes;
	const struct goheap *h;
	const struct gs_mem *mem;
	struct go_ptrs_arena *arenas;	/* per h->arenas[i], read on demand */
	uint8_t		*gcmask;	/* the last type mask read (reused) */
	size_t		gcmask_cap;
	char		why[192];	/* GP_NONE: why */
};

/* "ok", "not-in-snapshot", ... (JSON and text). */
const char *go_ptrs_res_name(enum go_ptrs_res r);
const char *go_ptrs_scheme_name(enum go_ptrs_scheme s);

/*
 * Choose the scheme from the graph's needs (a, gograph_needs.h) and the
 * version (h->version; Green
 * Tea's on by default from go1.26, by experiment in go1.25). A scheme of
 * GP_NONE carries why. Returns false only when out of memory.
 */
bool go_ptrs_init(struct go_ptrs *p, const struct gs_need_ans *a,
		  const struct goheap *h, const struct gs_mem *mem, int go_minor);
void go_ptrs_free(struct go_ptrs *p);

/*
 * The pointer words of the object in slot addr of span sp (slots sl):
 * bit i of mask (size / 8 bits, cleared here) is the slot's word i.
 */
enum go_ptrs_res go_ptrs_object(struct go_ptrs *p, const struct gh_span *sp,
				const struct go_slots *sl, uint64_t addr,
				uint64_t *mask);

static inline void go_mask_set(uint64_t *mask, uint64_t i)
{
	mask[i / 64] |= 1ULL << (i % 64);
}

static inline bool go_mask_test(const uint64_t *mask, uint64_t i)
{
	return mask[i / 64] >> (i % 64) & 1;
}

/* ---- the bit readers (unit-tested) ---------------------------------- */

/*
 * go1.19: words [0, n) of an object whose first word is word w0 of an
 * arena whose bitmap (4 words a byte: pointer bits low, scan bits high)
 * is bm (len bytes). Returns the words read before the scan bit ended
 * them (the rest have no pointers).
 */
uint64_t go_bits2(const uint8_t *bm, size_t len, uint64_t w0, uint64_t n,
		  uint64_t *mask);
/*
 * go1.20, 1.21: the same from the one-bit bitmap (bm: little-endian
 * uint64 words, len of them) and noMorePtrs (nomore, nlen bytes: bit j of
 * byte i for bitmap word 8i + j). Returns the words read.
 */
uint64_t go_bits1(const uint64_t *bm, size_t len, const uint8_t *nomore,
		  size_t nlen, uint64_t w0, uint64_t n, uint64_t *mask);
/*
 * go1.22+: a type's GC mask (gcmask, ptrbytes / 8 bits) tiled over
 * words [first, n) of a slot, one element of typesize bytes after another.
 * False if the type's sizes make no sense.
 */
bool go_bits_tile(const uint8_t *gcmask, uint64_t ptrbytes, uint64_t typesize,
		  uint64_t first, uint64_t n, uint64_t *mask);

#endif /* GOSNAP_GOPTRS_H */
