// SPDX-License-Identifier: GPL-2.0
/*
 * What the heap decoder (goheap.c) reads of the runtime: the one table it
 * resolves, indexed by enum gh_need. Alternatives are the names other
 * releases use.
 */
#include "decode/goheap_needs.h"

static const struct gs_need h_needs[NH_N] = {
	[NH_PAGE_SIZE]		= GS_NEED_C_ALT("runtime.pageSize", "runtime._PageSize"),
	[NH_ARENA_BYTES]	= GS_NEED_C("runtime.heapArenaBytes"),
	[NH_ARENA_L1_BITS]	= GS_NEED_C("runtime.arenaL1Bits"),
	[NH_ARENA_L2_BITS]	= GS_NEED_C("runtime.arenaL2Bits"),
	/* an untyped constant that DWARF may drop, hence the typed twin */
	[NH_ARENA_BASE_OFF]	= GS_NEED_C_ALT("runtime.arenaBaseOffsetUintptr",
						"runtime.arenaBaseOffset"),
	[NH_CHUNK_PAGES]	= GS_NEED_C("runtime.pallocChunkPages"),
	[NH_CHUNK_L1_BITS]	= GS_NEED_C("runtime.pallocChunksL1Bits"),
	[NH_CHUNK_L2_BITS]	= GS_NEED_C("runtime.pallocChunksL2Bits"),
	[NH_SPAN_INUSE]		= GS_NEED_C("runtime.mSpanInUse"),
	[NH_SPAN_MANUAL]	= GS_NEED_C("runtime.mSpanManual"),
	[NH_SPAN_DEAD]		= GS_NEED_C("runtime.mSpanDead"),
	/* the size classes moved to internal/runtime/gc in go1.25 */
	[NH_NUM_CLASSES]	= GS_NEED_C_ALT("internal/runtime/gc.NumSizeClasses",
						"runtime._NumSizeClasses"),
	[NH_MHEAP]		= GS_NEED_G("runtime.mheap_"),
	[NH_BUILD_VERSION]	= GS_NEED_G("runtime.buildVersion"),
	[NH_MEMSTATS]		= GS_NEED_G("runtime.memstats"),
	[NH_GCCONTROLLER]	= GS_NEED_G("runtime.gcController"),
	[NH_ALLP]		= GS_NEED_G("runtime.allp"),
	[NH_CLASS_TO_SIZE]	= GS_NEED_G_ALT("internal/runtime/gc.SizeClassToSize",
						"runtime.class_to_size"),
	[NH_MHEAP_SWEEPGEN]	= GS_NEED_F("runtime.mheap", "sweepgen"),
	[NH_MHEAP_ALLSPANS]	= GS_NEED_F("runtime.mheap", "allspans"),
	[NH_MHEAP_ARENAS]	= GS_NEED_F("runtime.mheap", "arenas"),
	/* renamed heapArenas in go1.25 */
	[NH_MHEAP_ALLARENAS]	= GS_NEED_F_ALT("runtime.mheap", "heapArenas", "allArenas"),
	[NH_MHEAP_CHUNKS]	= GS_NEED_F("runtime.mheap", "pages.chunks"),
	[NH_MHEAP_INUSE_RANGES]	= GS_NEED_F("runtime.mheap", "pages.inUse.ranges"),
	[NH_ARENA_SPANS]	= GS_NEED_F("runtime.heapArena", "spans"),
	[NH_MSPAN]		= GS_NEED_S("runtime.mspan"),
	[NH_MSPAN_START]	= GS_NEED_F("runtime.mspan", "startAddr"),
	[NH_MSPAN_NPAGES]	= GS_NEED_F("runtime.mspan", "npages"),
	/* mSpanStateBox wraps the state byte (go1.14+) */
	[NH_MSPAN_STATE]	= GS_NEED_F_ALT("runtime.mspan", "state", "state.s"),
	[NH_MSPAN_SPANCLASS]	= GS_NEED_F("runtime.mspan", "spanclass"),
	[NH_MSPAN_ELEMSIZE]	= GS_NEED_F("runtime.mspan", "elemsize"),
	[NH_MSPAN_NELEMS]	= GS_NEED_F("runtime.mspan", "nelems"),
	[NH_MSPAN_ALLOCCOUNT]	= GS_NEED_F("runtime.mspan", "allocCount"),
	[NH_MSPAN_SWEEPGEN]	= GS_NEED_F("runtime.mspan", "sweepgen"),
	[NH_ADDRRANGE]		= GS_NEED_S("runtime.addrRange"),
	[NH_ADDRRANGE_BASE]	= GS_NEED_F("runtime.addrRange", "base.a"),
	[NH_ADDRRANGE_LIMIT]	= GS_NEED_F("runtime.addrRange", "limit.a"),
	[NH_PALLOCDATA]		= GS_NEED_S("runtime.pallocData"),
	[NH_PALLOC_BITS]	= GS_NEED_F("runtime.pallocData", "pallocBits"),
	[NH_PALLOC_SCAV]	= GS_NEED_F("runtime.pallocData", "scavenged"),
	[NH_P_PCACHE]		= GS_NEED_F("runtime.p", "pcache"),
	[NH_PCACHE_BASE]	= GS_NEED_F("runtime.pageCache", "base"),
	[NH_PCACHE_CACHE]	= GS_NEED_F("runtime.pageCache", "cache"),
	[NH_PCACHE_SCAV]	= GS_NEED_F("runtime.pageCache", "scav"),
	/* StackInuse: inStacks over the consistent stats' ring */
	[NH_MSTATS_HEAPSTATS]	= GS_NEED_F(GH_MSTATS_TYPE, "heapStats.stats"),
	[NH_STATSDELTA]		= GS_NEED_S("runtime.heapStatsDelta"),
	[NH_STATSDELTA_INSTACKS] = GS_NEED_F("runtime.heapStatsDelta", "inStacks"),
	/* ReadMemStats' HeapInuse, HeapFree, HeapReleased (go1.19+) */
	[NH_GCC_HEAPINUSE]	= GS_NEED_F(GH_GCCONTROLLER_TYPE, "heapInUse"),
	[NH_GCC_HEAPFREE]	= GS_NEED_F(GH_GCCONTROLLER_TYPE, "heapFree"),
	[NH_GCC_HEAPRELEASED]	= GS_NEED_F(GH_GCCONTROLLER_TYPE, "heapReleased"),
};

const struct gs_needs gs_heap_needs = { "heap", h_needs, NH_N };
