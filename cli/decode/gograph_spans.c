// SPDX-License-Identifier: GPL-2.0
/*
 * The graph's span set (gograph.h): every enumerated in-use span with its
 * slots and their allocation bits, by base, and the lookup of the span
 * holding an address. Its own object below both the marking (gograph.c)
 * and the type flow (gotypeflow.c), so that marking may use the flow's
 * types without the two objects using each other.
 */
#include "decode/gograph.h"
#include "decode/gograph_needs.h"

#include <stdlib.h>

#define GG_MAX_PROBLEMS	64

bool gg_add_spans(struct gograph *g, struct gs_snapctx *c, const struct goheap *h,
		  const struct gs_need_ans *a, bool roots)
{
	struct go_allocbits_at at = { &a[GN_MSPAN_ALLOCBITS], &a[GN_MSPAN_FREEINDEX] };
	size_t i;

	g->spans = calloc(h->nr_spans ? h->nr_spans : 1, sizeof(*g->spans));
	g->of_heap_span = malloc((h->nr_spans ? h->nr_spans : 1) * sizeof(int64_t));
	if (!g->spans || !g->of_heap_span)
		return false;
	for (i = 0; i < h->nr_spans; i++) {
		const struct gh_span *sp = &h->spans[i];
		struct gg_span *s = &g->spans[g->nr_spans];
		uint64_t k;

		g->of_heap_span[i] = -1;
		if (sp->state != h->state_inuse ||
		    !go_span_slots(h, sp, &s->sl, &g->problems))
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
		if (!go_span_allocated(c->mem, &at, sp, s->sl.nelems, s->alloc,
				       &g->problems)) {
			free(s->alloc);
			free(s->root);
			continue;
		}
		k = go_slots_allocated(s->alloc, s->sl.nelems);
		g->objects += k;
		g->bytes += k * s->sl.size;
		g->of_heap_span[i] = (int64_t)g->nr_spans++;
	}
	return true;
}

struct gg_span *gograph_span_of(const struct gograph *g, uint64_t p)
{
	size_t lo = 0, hi = g->nr_spans;
	struct gg_span *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->spans[mid].sp->base <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &g->spans[lo - 1];
	return p - s->sp->base < s->sl.nelems * s->sl.size ? s : NULL;
}

struct gograph *gograph_spans(struct gs_snapctx *c, const struct goheap *h)
{
	struct gograph *g = calloc(1, sizeof(*g));
	struct gs_need_ans a[GN_N];

	if (!g)
		return NULL;
	g->problems.max = GG_MAX_PROBLEMS;
	gs_needs_resolve(c->layout, &gs_graph_needs, a);
	if (!a[GN_MSPAN_ALLOCBITS].ok || !a[GN_MSPAN_FREEINDEX].ok) {
		gs_problem(&g->problems, "mspan.allocBits or freeindex unavailable: "
			   "no object enumerated");
	} else if (!gg_add_spans(g, c, h, a, false)) {
		gograph_free(g);
		return NULL;
	}
	return g;
}

void gograph_free(struct gograph *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nr_spans; i++) {
		free(g->spans[i].alloc);
		free(g->spans[i].root);
		free(g->spans[i].path);
	}
	free(g->paths);
	free(g->path_index);
	free(g->spans);
	free(g->of_heap_span);
	free(g->rootents);
	gs_problems_free(&g->problems);
	free(g);
}
