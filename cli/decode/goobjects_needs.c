// SPDX-License-Identifier: GPL-2.0
/*
 * What the object enumerator (goobjects.c) reads of the runtime: the one
 * table it resolves, indexed by enum go_need. The spans themselves come
 * from the heap decoder's table (goheap_needs.c).
 */
#include "decode/goobjects_needs.h"

static const struct gs_need o_needs[NO_N] = {
	[NO_MSPAN]		= GS_NEED_S("runtime.mspan"),
	[NO_MSPAN_ALLOCBITS]	= GS_NEED_F("runtime.mspan", "allocBits"),
	/* uintptr before go1.22, uint16 since */
	[NO_MSPAN_FREEINDEX]	= GS_NEED_F("runtime.mspan", "freeindex"),
	/* allocation headers (go1.22+); absent before */
	[NO_MSPAN_LARGETYPE]	= GS_NEED_F_OPT("runtime.mspan", "largeType"),
	[NO_HEADER_MIN]		= GS_NEED_C_OPT("runtime.minSizeForMallocHeader"),
	[NO_HEADER_SIZE]	= GS_NEED_C_OPT("runtime.mallocHeaderSize"),
};

const struct gs_needs gs_objects_needs = { "objects", o_needs, NO_N };
