/* SPDX-License-Identifier: GPL-2.0 */
/* What the object graph (gograph.c, goptrs.c) reads of the runtime. */
#ifndef GOSNAP_GOGRAPH_NEEDS_H
#define GOSNAP_GOGRAPH_NEEDS_H

#include "decode/needs.h"

enum gg_need {
	GN_MSPAN_ALLOCBITS,	/* the allocated slots, as goobjects reads them */
	GN_MSPAN_FREEINDEX,
	GN_MSPAN_LARGETYPE,	/* go1.22+: a large object's type */
	GN_HEADER_MIN,		/* go1.22+: minSizeForMallocHeader */
	GN_HEADER_SIZE,		/* go1.22+: mallocHeaderSize */
	GN_ARENA_BITMAP,	/* before go1.22: the heap bitmap */
	GN_ARENA_NOMORE,	/* go1.20, 1.21: noMorePtrs */
	GN_MODULEDATA,		/* runtime.firstmoduledata */
	GN_MD_DATA, GN_MD_EDATA, GN_MD_BSS, GN_MD_EBSS,
	GN_MD_GCDATAMASK,	/* bitvector: data's pointer words */
	GN_MD_GCBSSMASK,
	GN_BV_N,		/* bitvector.n: bits */
	GN_BV_BYTEDATA,		/* bitvector.bytedata */
	GN_MD_TYPES,		/* where DWARF's runtime type offsets start */
	GN_N
};

#endif /* GOSNAP_GOGRAPH_NEEDS_H */
