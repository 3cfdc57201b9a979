/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heap's allocated objects, one by one, grouped by what the object
 * itself says it is (docs/objects.md). The spans come from the heap
 * decoder (goheap.h); each in-use span's objects are its slots that are
 * allocated the way the runtime's mspan.isFree reads it (below freeindex,
 * or set in allocBits), so the objects are exactly what MemStats.HeapAlloc
 * counts: swept or not, reachable or not.
 *
 * A type is taken first where the object carries one: the allocation
 * header of a small scan object above minSizeForMallocHeader, and a large
 * scan object's span.largeType (go1.22 and later); else from the type
 * flow (gotypeflow.h), when the executable has DWARF: the type of the
 * first typed pointer to the object's start. Every other object goes to
 * an untyped group of its size class and shape (scan or noscan), with
 * the reason it has no type; nothing is guessed.
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
#include "decode/goobjects_group.h"
#include "decode/gotypeflow.h"
#include "decode/gomem.h"
#include "layout/layout.h"
#include "snap/snapshot.h"

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

	/* The type flow the objects were typed by (borrowed; NULL: none). */
	const struct gotypeflow *flow;

	struct gs_problems problems;
};

/*
 * Enumerate h's in-use spans, typing what carries no type by flow (may
 * be NULL) over graph (the spans flow typed; NULL when flow is). Returns NULL only when out of memory;
 * what cannot be read is in problems (and the layout's unavailable list).
 */
struct goobjects *goobjects_decode(const struct gs_snapshot *snap,
				   const struct gs_mem *mem,
				   struct gs_layout *layout,
				   const struct goheap *h,
				   const struct gotypeflow *flow);
void goobjects_free(struct goobjects *o);

/* Did the decode enumerate any object or span? */
bool goobjects_decoded_anything(const struct goobjects *o);

#endif /* GOSNAP_GOOBJECTS_H */
