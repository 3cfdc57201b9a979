// SPDX-License-Identifier: GPL-2.0
/*
 * The span set (gospanset.h): enumerated from the heap's spans and their
 * allocation bits, found by address with a binary search over bases.
 */
#include "decode/gospanset.h"
#include "decode/gograph_needs.h"

#include <stdlib.h>
#include <string.h>

#define GG_SPANSET_MAX_PROBLEMS	64

bool gg_spanset_fill(struct gg_spanset *set, struct gs_snapctx *c, const struct goheap *h,
		     const struct gs_need_ans *a, bool roots, struct gs_problems *pr)
{
	struct go_allocbits_at at = { &a[GN_MSPAN_ALLOCBITS], &a[GN_MSPAN_FREEINDEX] };
	size_t i;

	set->spans = calloc(h->nr_spans ? h->nr_spans : 1, sizeof(*set->spans));
	set->of_heap_span = malloc((h->nr_spans ? h->nr_spans : 1) * sizeof(int64_t));
	if (!set->spans || !set->of_heap_span)
		return false;
	for (i = 0; i < h->nr_spans; i++) {
		const struct gh_span *sp = &h->spans[i];
		struct gg_span *s = &set->spans[set->nr_spans];
		uint64_t k;

		set->of_heap_span[i] = -1;
		if (sp->state != h->state_inuse ||
		    !go_span_slots(h, sp, &s->sl, pr))
			continue;
		s->sp = sp;
		s->divmul = (uint32_t)(((1ULL << 32) + s->sl.size - 1) / s->sl.size);
		s->alloc = calloc(1, (s->sl.nelems + 7) / 8);
		s->root = roots ? calloc(s->sl.nelems, sizeof(*s->root)) : NULL;
		if (!s->alloc || (roots && !s->root)) {
			free(s->alloc);
			free(s->root);
			return false;
		}
		if (!go_span_allocated(c->mem, &at, sp, s->sl.nelems, s->alloc, pr)) {
			free(s->alloc);
			free(s->root);
			continue;
		}
		k = go_slots_allocated(s->alloc, s->sl.nelems);
		set->objects += k;
		set->bytes += k * s->sl.size;
		set->of_heap_span[i] = (int64_t)set->nr_spans++;
	}
	return true;
}

struct gg_span *gg_spanset_find(const struct gg_spanset *set, uint64_t p)
{
	size_t lo = 0, hi = set->nr_spans;
	struct gg_span *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->spans[mid].sp->base <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &set->spans[lo - 1];
	return p - s->sp->base < s->sl.nelems * s->sl.size ? s : NULL;
}

struct gg_spanset *gg_spanset_new(struct gs_snapctx *c, const struct goheap *h)
{
	struct gg_spanset *set = calloc(1, sizeof(*set));
	struct gs_need_ans a[GN_N];

	if (!set)
		return NULL;
	set->problems.max = GG_SPANSET_MAX_PROBLEMS;
	gs_needs_resolve(c->layout, &gs_graph_needs, a);
	if (!a[GN_MSPAN_ALLOCBITS].ok || !a[GN_MSPAN_FREEINDEX].ok) {
		gs_problem(&set->problems, "mspan.allocBits or freeindex unavailable: "
			   "no object enumerated");
	} else if (!gg_spanset_fill(set, c, h, a, false, &set->problems)) {
		gg_spanset_free(set);
		return NULL;
	}
	return set;
}

void gg_spanset_release(struct gg_spanset *set)
{
	size_t i;

	for (i = 0; i < set->nr_spans; i++) {
		free(set->spans[i].alloc);
		free(set->spans[i].root);
		free(set->spans[i].path);
	}
	free(set->spans);
	free(set->of_heap_span);
	gs_problems_free(&set->problems);
	memset(set, 0, sizeof(*set));
}

void gg_spanset_free(struct gg_spanset *set)
{
	if (!set)
		return;
	gg_spanset_release(set);
	free(set);
}
