// SPDX-License-Identifier: GPL-2.0
/*
 * The object graph's table of what it reads (decode/needs.h); `layout
 * --needs` lists it with the answers.
 */
#include "decode/gograph_needs.h"

#define MD(f)	GS_NEED_F("runtime.moduledata", f)

static const struct gs_need g_needs[GN_N] = {
	[GN_MSPAN_ALLOCBITS]	= GS_NEED_F("runtime.mspan", "allocBits"),
	[GN_MSPAN_FREEINDEX]	= GS_NEED_F("runtime.mspan", "freeindex"),
	[GN_MSPAN_LARGETYPE]	= GS_NEED_F_OPT("runtime.mspan", "largeType"),
	[GN_HEADER_MIN]		= GS_NEED_C_OPT("runtime.minSizeForMallocHeader"),
	[GN_HEADER_SIZE]	= GS_NEED_C_OPT("runtime.mallocHeaderSize"),
	/* gone with allocation headers (go1.22) */
	[GN_ARENA_BITMAP]	= GS_NEED_F_OPT("runtime.heapArena", "bitmap"),
	[GN_ARENA_NOMORE]	= GS_NEED_F_OPT("runtime.heapArena", "noMorePtrs"),
	[GN_MODULEDATA]		= GS_NEED_G("runtime.firstmoduledata"),
	[GN_MD_DATA]		= MD("data"),
	[GN_MD_EDATA]		= MD("edata"),
	[GN_MD_BSS]		= MD("bss"),
	[GN_MD_EBSS]		= MD("ebss"),
	[GN_MD_GCDATAMASK]	= MD("gcdatamask"),
	[GN_MD_GCBSSMASK]	= MD("gcbssmask"),
	[GN_BV_N]		= GS_NEED_F("runtime.bitvector", "n"),
	[GN_BV_BYTEDATA]	= GS_NEED_F("runtime.bitvector", "bytedata"),
	/* the type flow's (gotypeflow.c): DW_AT_go_runtime_type's base */
	[GN_MD_TYPES]		= MD("types"),
};

const struct gs_needs gs_graph_needs = { "graph", g_needs, GN_N };
