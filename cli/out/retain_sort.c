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
