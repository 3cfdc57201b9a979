// SPDX-License-Identifier: GPL-2.0
/*
 * What the heap decoder (goheap.c) reads of the runtime, declared for
 * `gosnap-cli layout --needs` and selftests/host/layout.t. The decoder
 * asks for these as it goes (a span's fields only once an arena is
 * found), so each miss is recorded when it matters; alternatives are the
 * names of other releases. Keep in step with goheap.c.
 */
#include "decode/needs.h"

static const struct gs_need h_needs[] = {
	GS_NEED_C_ALT("runtime.pageSize", "runtime._PageSize"),
	GS_NEED_C("runtime.heapArenaBytes"),
	GS_NEED_C("runtime.arenaL1Bits"),
	GS_NEED_C("runtime.arenaL2Bits"),
	GS_NEED_C_ALT("runtime.arenaBaseOffsetUintptr", "runtime.arenaBaseOffset"),
	GS_NEED_C("runtime.pallocChunkPages"),
	GS_NEED_C("runtime.pallocChunksL1Bits"),
	GS_NEED_C("runtime.pallocChunksL2Bits"),
	GS_NEED_C("runtime.mSpanInUse"),
	GS_NEED_C("runtime.mSpanManual"),
	GS_NEED_C("runtime.mSpanDead"),
	GS_NEED_C_ALT("internal/runtime/gc.NumSizeClasses", "runtime._NumSizeClasses"),
	GS_NEED_G("runtime.mheap_"),
	GS_NEED_G("runtime.buildVersion"),
	GS_NEED_G("runtime.memstats"),
	GS_NEED_G("runtime.gcController"),
	GS_NEED_G("runtime.allp"),
	GS_NEED_G_ALT("internal/runtime/gc.SizeClassToSize", "runtime.class_to_size"),
	GS_NEED_F("runtime.mheap", "sweepgen"),
	GS_NEED_F("runtime.mheap", "allspans"),
	GS_NEED_F("runtime.mheap", "arenas"),
	GS_NEED_F_ALT("runtime.mheap", "heapArenas", "allArenas"),
	GS_NEED_F("runtime.mheap", "pages.chunks"),
	GS_NEED_F("runtime.mheap", "pages.inUse.ranges"),
	GS_NEED_F("runtime.heapArena", "spans"),
	GS_NEED_S("runtime.mspan"),
	GS_NEED_F("runtime.mspan", "startAddr"),
	GS_NEED_F("runtime.mspan", "npages"),
	GS_NEED_F_ALT("runtime.mspan", "state", "state.s"),
	GS_NEED_F("runtime.mspan", "spanclass"),
	GS_NEED_F("runtime.mspan", "elemsize"),
	GS_NEED_F("runtime.mspan", "nelems"),
	GS_NEED_F("runtime.mspan", "allocCount"),
	GS_NEED_F("runtime.mspan", "sweepgen"),
	GS_NEED_S("runtime.addrRange"),
	GS_NEED_F("runtime.addrRange", "base.a"),
	GS_NEED_F("runtime.addrRange", "limit.a"),
	GS_NEED_S("runtime.pallocData"),
	GS_NEED_F("runtime.pallocData", "pallocBits"),
	GS_NEED_F("runtime.pallocData", "scavenged"),
	GS_NEED_F("runtime.p", "pcache"),
	GS_NEED_F("runtime.pageCache", "base"),
	GS_NEED_F("runtime.pageCache", "cache"),
	GS_NEED_F("runtime.pageCache", "scav"),
	GS_NEED_F("runtime.mstats", "heapStats.stats"),
	GS_NEED_F("runtime.heapStatsDelta", "inStacks"),
	/* the runtime's own counters: gcController's or memstats' (1.19) */
	GS_NEED_F_OPT("runtime.gcControllerState", "heapInUse"),
	GS_NEED_F_OPT("runtime.gcControllerState", "heapFree"),
	GS_NEED_F_OPT("runtime.gcControllerState", "heapReleased"),
};

const struct gs_needs gs_heap_needs = {
	"heap", h_needs, sizeof(h_needs) / sizeof(h_needs[0])
};
