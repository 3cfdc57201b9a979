// SPDX-License-Identifier: GPL-2.0
/* The root entries of a graph in the order both outputs print them. */
#include "out/retain_out.h"

#include <stdlib.h>
#include <string.h>

static int by_bytes(const void *a, const void *b)
{
	const struct gg_rootent *x = *(const struct gg_rootent *const *)a;
	const struct gg_rootent *y = *(const struct gg_rootent *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

const struct gg_rootent **retain_sorted(const struct gograph *g)
{
	const struct gg_rootent **v;
	size_t i;

	if (!g->nr_rootents)
		return NULL;
	v = malloc(g->nr_rootents * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < g->nr_rootents; i++)
		v[i] = &g->rootents[i];
	qsort(v, g->nr_rootents, sizeof(*v), by_bytes);
	return v;
}

static int cmp_path_bytes(const void *a, const void *b, void *ctx)
{
	const struct gograph *g = ctx;
	const struct gg_path *x = &g->paths[*(const uint32_t *)a];
	const struct gg_path *y = &g->paths[*(const uint32_t *)b];

	return (x->bytes < y->bytes) - (x->bytes > y->bytes);
}

uint32_t *retain_paths_sorted(const struct gograph *g)
{
	uint32_t *ix = malloc((g->nr_paths ? g->nr_paths : 1) * sizeof(*ix));
	size_t i;

	for (i = 0; ix && i < g->nr_paths; i++)
		ix[i] = (uint32_t)i;
	if (ix)
		qsort_r(ix, g->nr_paths, sizeof(*ix), cmp_path_bytes, (void *)g);
	return ix;
}
