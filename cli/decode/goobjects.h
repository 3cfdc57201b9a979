/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heap's allocated objects, one by one, grouped by what the object
 * itself says it is (docs/objects.md). The spans come from the heap
 * decoder (goheap.h); each in-use span's objects are its slots that are
 * allocated the way the runtime's mspan.isFree reads it (below freeindex,
 * or set in allocBits), so the objects are exactly what MemStats.HeapAlloc
 * counts: swept or not, reachable or not.
 *
 * A type is taken only where the object carries one: the allocation
 * header of a small scan object above minSizeForMallocHeader, and a large
 * scan object's span.largeType (go1.22 and later). Every other object
 * goes to an untyped group of its size class and shape (scan or noscan),
 * with the reason it has no type; nothing is guessed.
 *
 * Resident bytes are, per object, its bytes on OS pages the snapshot's
 * page runs show present.
 */
#ifndef GOSNAP_GOOBJECTS_H
#define GOSNAP_GOOBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "decode/goheap.h"
#include "decode/gomem.h"
#include "layout/layout.h"
#include "snap/snapshot.h"

/* Where a group's type came from, or why it has none. */
enum go_typesrc {
	GO_TY_HEADER,		/* the object's allocation header */
	GO_TY_LARGETYPE,	/* its span's largeType */
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
	return s == GO_TY_HEADER || s == GO_TY_LARGETYPE;
}

const char *go_typesrc_name(enum go_typesrc s);

struct go_group {
	enum go_typesrc	src;
	/* typed: the descriptor, its name and size; array when the object
	 * holds two or more of it (a slice's backing array) */
	uint64_t	type;
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

struct goobjects {
	bool		headers;	/* the release has allocation headers */
	uint64_t	header_min;	/* minSizeForMallocHeader */
	uint64_t	header_size;	/* mallocHeaderSize */

	struct go_group	*groups;	/* by bytes, descending */
	size_t		nr_groups;

	uint64_t	objects, bytes, resident;	/* every enumerated object */
	uint64_t	typed_objects, typed_bytes;
	uint64_t	spans;		/* in-use spans enumerated */
	/* The spans' own count (allocCount), which the bits must equal. */
	uint64_t	alloc_count_objects, alloc_count_bytes;
	uint64_t	spans_mismatch;	/* bits and allocCount disagree */
	/* In-use spans whose allocation bits could not be read, or which
	 * lie outside the decoded arenas: their allocCount, not enumerated. */
	uint64_t	spans_skipped, skipped_objects, skipped_bytes;

	struct gs_problems problems;
};

/*
 * Enumerate h's in-use spans. Returns NULL only when out of memory;
 * what cannot be read is in problems (and the layout's unavailable list).
 */
struct goobjects *goobjects_decode(const struct gs_snapshot *snap,
				   const struct gs_mem *mem,
				   struct gs_layout *layout,
				   const struct goheap *h);
void goobjects_free(struct goobjects *o);

/* Did the decode enumerate any object or span? */
bool goobjects_decoded_anything(const struct goobjects *o);

#endif /* GOSNAP_GOOBJECTS_H */
