/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One group of objects (decode/goobjects.h): what the counting
 * (goobjects_tally.c) and the enumeration (goobjects.c) both hold.
 */
#ifndef GOSNAP_GOOBJECTS_GROUP_H
#define GOSNAP_GOOBJECTS_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "layout/layout.h"

/* Where a group's type came from, or why it has none. */
enum go_typesrc {
	GO_TY_HEADER,		/* the object's allocation header */
	GO_TY_LARGETYPE,	/* its span's largeType */
	GO_TY_DWARF,		/* a typed pointer to it (decode/gotypeflow.h) */
	GO_UNTY_NOSCAN,		/* noscan: the runtime keeps no type */
	GO_UNTY_SPANBITS,	/* small scan object: pointer bits only */
	GO_UNTY_BITMAP,		/* before go1.22: the heap bitmap, no type */
	GO_UNTY_NOLAYOUT,	/* headers, but their layout is unknown */
	GO_UNTY_NOMEM,		/* the object's memory is not in the snapshot */
	GO_UNTY_EMPTY,		/* a nil header or largeType */
	GO_UNTY_BADTYPE,	/* it points to no type descriptor */
	GO_NR_TYPESRC,
};

/* Does this source name a type? */
static inline bool go_typesrc_typed(enum go_typesrc s)
{
	return s == GO_TY_HEADER || s == GO_TY_LARGETYPE || s == GO_TY_DWARF;
}

const char *go_typesrc_name(enum go_typesrc s);

struct go_group {
	enum go_typesrc	src;
	/* typed: the descriptor (0: DWARF names a type the runtime has no
	 * descriptor of), its name and size; array when the object holds two
	 * or more of it (a slice's backing array) */
	uint64_t	type;
	uint64_t	dwarf_die;	/* GO_TY_DWARF: the type's DIE (its identity) */
	char		name[GS_TYPE_NAME_MAX];
	uint64_t	type_size;
	bool		array;
	/* untyped: the shape */
	uint8_t		sizeclass;	/* 0: large objects */
	bool		noscan;
	uint64_t	elemsize;	/* slot size; a large object's span bytes */

	uint64_t	objects;
	uint64_t	bytes;		/* objects * slot size, as HeapAlloc counts */
	uint64_t	resident;	/* bytes on present OS pages */
};

#endif /* GOSNAP_GOOBJECTS_GROUP_H */
