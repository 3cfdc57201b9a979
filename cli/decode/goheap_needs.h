/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the heap decoder reads of the runtime, by index into
 * gs_heap_needs (goheap_needs.c): goheap.c resolves the table once and
 * reads every offset, size, constant and address through it, so the
 * table `gosnap-cli layout --needs` prints is what the decoder reads.
 */
#ifndef GOSNAP_GOHEAP_NEEDS_H
#define GOSNAP_GOHEAP_NEEDS_H

#include "decode/needs.h"

enum gh_need {
	/* constants */
	NH_PAGE_SIZE, NH_ARENA_BYTES, NH_ARENA_L1_BITS, NH_ARENA_L2_BITS,
	NH_ARENA_BASE_OFF, NH_CHUNK_PAGES, NH_CHUNK_L1_BITS, NH_CHUNK_L2_BITS,
	NH_SPAN_INUSE, NH_SPAN_MANUAL, NH_SPAN_DEAD, NH_NUM_CLASSES,
	/* globals */
	NH_MHEAP, NH_BUILD_VERSION, NH_MEMSTATS, NH_GCCONTROLLER, NH_ALLP,
	NH_CLASS_TO_SIZE,
	/* mheap */
	NH_MHEAP_SWEEPGEN, NH_MHEAP_ALLSPANS, NH_MHEAP_ARENAS,
	NH_MHEAP_ALLARENAS, NH_MHEAP_CHUNKS, NH_MHEAP_INUSE_RANGES,
	NH_ARENA_SPANS,
	/* mspan */
	NH_MSPAN, NH_MSPAN_START, NH_MSPAN_NPAGES, NH_MSPAN_STATE,
	NH_MSPAN_SPANCLASS, NH_MSPAN_ELEMSIZE, NH_MSPAN_NELEMS,
	NH_MSPAN_ALLOCCOUNT, NH_MSPAN_SWEEPGEN,
	/* the page allocator */
	NH_ADDRRANGE, NH_ADDRRANGE_BASE, NH_ADDRRANGE_LIMIT, NH_PALLOCDATA,
	NH_PALLOC_BITS, NH_PALLOC_SCAV, NH_P_PCACHE, NH_PCACHE_BASE,
	NH_PCACHE_CACHE, NH_PCACHE_SCAV,
	/* the runtime's own counters */
	NH_MSTATS_HEAPSTATS, NH_STATSDELTA, NH_STATSDELTA_INSTACKS,
	NH_GCC_HEAPINUSE, NH_GCC_HEAPFREE, NH_GCC_HEAPRELEASED,
	NH_N
};

/* The types the globals must have for the fields above to apply. */
#define GH_GCCONTROLLER_TYPE	"runtime.gcControllerState"
#define GH_MSTATS_TYPE		"runtime.mstats"

#endif /* GOSNAP_GOHEAP_NEEDS_H */
