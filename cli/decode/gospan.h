/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slots of one in-use span and which of them hold an allocated
 * object, by the runtime's own rule (mspan.isFree): a slot below
 * freeindex, or one whose bit is set in allocBits. Shared by the object
 * enumerator (goobjects.c) and the object graph (gograph.c), so both
 * count exactly the objects MemStats.HeapAlloc counts.
 */
#ifndef GOSNAP_GOSPAN_H
#define GOSNAP_GOSPAN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/problems.h"
#include "decode/goheap.h"
#include "decode/gomem.h"
#include "decode/needs.h"

#define GO_MAX_NELEMS	(1U << 20)	/* slots of one span */

/* A span's slots, checked to fit its pages. */
struct go_slots {
	uint64_t	size;		/* slot bytes; a large object's span bytes */
	uint64_t	nelems;		/* 1 for a large object */
	uint64_t	bytes;		/* the span's bytes */
	uint8_t		sizeclass;
	bool		noscan, large;
};

/* Where mspan.allocBits and freeindex are (the needs' answers). */
struct go_allocbits_at {
	const struct gs_need_ans *allocbits, *freeindex;
};

/*
 * The slots of sp: false (a problem said in pr) when they do not fit its
 * pages or the span lies outside the arenas h decoded.
 */
bool go_span_slots(const struct goheap *h, const struct gh_span *sp,
		   struct go_slots *s, struct gs_problems *pr);

/*
 * The allocated slots of sp into bits ((nelems + 7) / 8 bytes, 1 =
 * allocated): false (a problem said) when allocBits or freeindex cannot
 * be read or freeindex lies past the slots.
 */
bool go_span_allocated(const struct gs_mem *mem, const struct go_allocbits_at *at,
		       const struct gh_span *sp, uint64_t nelems, uint8_t *bits,
		       struct gs_problems *pr);

/*
 * Whether an object of a span's slots starts with an allocation header:
 * go1.22+ (headers) a scan object, not large (largeType types that), of
 * more than minSizeForMallocHeader (smaller ones use the span's own bits).
 */
static inline bool go_slot_has_header(bool headers, uint64_t header_min, uint64_t size,
				      bool noscan, bool large)
{
	return headers && !noscan && !large && size > header_min;
}

/* Whether slot i is allocated in bits. */
static inline bool go_slot_allocated(const uint8_t *bits, uint64_t i)
{
	return bits[i / 8] >> (i % 8) & 1;
}

/* How many of slots [0, n) are allocated in bits. */
static inline uint64_t go_slots_allocated(const uint8_t *bits, uint64_t n)
{
	uint64_t i, c = 0;

	for (i = 0; i + 8 <= n; i += 8)
		c += (uint64_t)__builtin_popcount(bits[i / 8]);
	for (; i < n; i++)
		c += go_slot_allocated(bits, i);
	return c;
}

#endif /* GOSNAP_GOSPAN_H */
