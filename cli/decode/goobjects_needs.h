/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the object enumerator (goobjects.c) reads of the runtime beyond
 * the heap decoder's spans, by index into gs_objects_needs
 * (goobjects_needs.c), resolved once.
 */
#ifndef GOSNAP_GOOBJECTS_NEEDS_H
#define GOSNAP_GOOBJECTS_NEEDS_H

#include "decode/needs.h"

enum go_need {
	NO_MSPAN,		/* sizeof(runtime.mspan) */
	NO_MSPAN_ALLOCBITS,	/* *gcBits: 1 = allocated at the last sweep */
	NO_MSPAN_FREEINDEX,	/* slots below it are allocated */
	NO_MSPAN_LARGETYPE,	/* go1.22+: a large object's type */
	NO_HEADER_MIN,		/* go1.22+: minSizeForMallocHeader */
	NO_HEADER_SIZE,		/* go1.22+: mallocHeaderSize */
	NO_N
};

#endif /* GOSNAP_GOOBJECTS_NEEDS_H */
