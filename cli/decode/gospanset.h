/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A heap's span set: every in-use span the snapshot lets us enumerate,
 * by base, with its slots and which of them are allocated (gospan.h), and
 * the lookup of the span holding an address. The marking (gograph.h) and
 * the type flow (gotypeflow.h) both index spans by their place here, so a
 * flow run over one set types the spans of any set built from the same
 * heap. Its own object, below both, so neither needs the other's.
 */
#ifndef GOSNAP_GOSPANSET_H
#define GOSNAP_GOSPANSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "decode/goheap.h"
#include "decode/gospan.h"
#include "decode/needs.h"
#include "decode/snapctx.h"

/* One in-use span, its slots and (for the marking) their marks. */
struct gg_span {
	const struct gh_span *sp;
	struct go_slots	sl;
	uint32_t	divmul;		/* ceil(2^32 / slot size): gg_slot_of() */
	uint8_t		*alloc;		/* allocated slots (gospan.h) */
	uint32_t	*root;		/* marking: per slot 0 unreached, else rootent + 1 */
	uint32_t	*path;		/* marking: per slot path + 1, 0 at its root */
};

struct gg_spanset {
	struct gg_span	*spans;		/* enumerated in-use spans, by base */
	size_t		nr_spans;
	int64_t		*of_heap_span;	/* h->spans[i] -> spans index, or -1 */
	uint64_t	objects, bytes;	/* allocated */
	struct gs_problems problems;	/* gg_spanset_new()'s: spans left out */
};

/*
 * The slot of s holding address p (inside its slots): a multiply, as the
 * runtime's divMul does it, not a division (a helper call under qemu's
 * TCG, on every pointer), corrected where a size the snapshot claims is
 * not one the multiply is exact for.
 */
static inline uint64_t gg_slot_of(const struct gg_span *s, uint64_t p)
{
	uint64_t off = p - s->sp->base, i;

	if (s->sl.nelems == 1)
		return 0;
	i = off * s->divmul >> 32;
	while (i && i * s->sl.size > off)
		i--;
	while ((i + 1) * s->sl.size <= off)
		i++;
	return i;
}

/*
 * Enumerate h's in-use spans into set with their allocated slots (and,
 * with roots, a root mark a slot); a span whose bits cannot be read is
 * left out, said in pr. a: gograph_needs.h's answers. False only when out
 * of memory.
 */
bool gg_spanset_fill(struct gg_spanset *set, struct gs_snapctx *c, const struct goheap *h,
		     const struct gs_need_ans *a, bool roots, struct gs_problems *pr);

/*
 * Only the set, nothing marked: what the type flow walks; why a span or
 * every span is missing is in its problems. NULL only when out of memory.
 */
struct gg_spanset *gg_spanset_new(struct gs_snapctx *c, const struct goheap *h);

/* The enumerated span whose slots hold address p, or NULL. */
struct gg_span *gg_spanset_find(const struct gg_spanset *set, uint64_t p);

/* Frees what the set holds, not the set itself. */
void gg_spanset_release(struct gg_spanset *set);
void gg_spanset_free(struct gg_spanset *set);

#endif /* GOSNAP_GOSPANSET_H */
