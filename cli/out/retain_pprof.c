// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli retain --pprof FILE`: every root of the marked graph, and
 * with the type flow every field path under it, as samples of a pprof
 * profile, whatever --top says. The stack is the reference path: each
 * field path ("main.cache.m[*].buf") called from its parent path, the
 * outermost from its root (a global, a goroutine's frame), the root from
 * its kind ("bss", "stacks"). A sample's values are the objects and bytes
 * first reached exactly there, as the text and JSON print them, so a
 * root's cumulative value is what it retains and `go tool pprof -top`
 * lists roots and paths by what each holds itself (docs/objects.md,
 * "pprof").
 */
#include "out/pprof.h"
#include "out/heap_out.h"
#include "out/retain_out.h"

#include <inttypes.h>
#include <stdlib.h>

/* Stack room: every selector of the deepest path, its root and its kind. */
#define RETAIN_MAX_FRAMES	(GG_PATH_MAX_DEPTH + 2)

/*
 * One sample under root e: at path + 1 (0: the root itself), with the
 * objects and bytes first reached exactly there.
 */
static void add_sample(struct pprof *p, const struct gograph *g, const struct gg_rootent *e,
		       uint32_t path, uint64_t objects, uint64_t bytes)
{
	int64_t v[2] = { (int64_t)objects, (int64_t)bytes };
	char addr[24], goid[24], name[512];
	struct pprof_label labels[] = {
		{ .key = "kind", .str = gg_root_name(e->kind) },
		{ .key = "address", .str = addr },
		/* a string: goroutine ids are names, and pprof drops a number 0 */
		{ .key = "goroutine", .str = goid },
	};
	uint64_t locs[RETAIN_MAX_FRAMES];
	size_t n = 0;

	snprintf(addr, sizeof(addr), "0x%" PRIx64, e->addr);
	snprintf(goid, sizeof(goid), "%" PRId64, e->goid);
	for (; path && n < RETAIN_MAX_FRAMES - 2; path = g->paths[path - 1].parent) {
		gograph_path_name(g, path - 1, name, sizeof(name));
		locs[n++] = pprof_location(p, pprof_function(p, name));
	}
	locs[n++] = pprof_location(p, pprof_function(p, e->name));
	locs[n++] = pprof_location(p, pprof_function(p, gg_root_name(e->kind)));
	pprof_sample(p, locs, n, v, labels, e->goid >= 0 ? 3 : 2);
}

/*
 * Every root, at the root itself with what none of its paths took, and
 * every path with what it took. False when out of memory.
 */
static bool add_roots(struct pprof *p, const struct gograph *g)
{
	uint64_t *own = calloc(g->nr_rootents ? g->nr_rootents * 2 : 1, sizeof(*own));
	size_t i;

	if (!own)
		return false;
	for (i = 0; i < g->nr_rootents; i++) {
		own[2 * i] = g->rootents[i].objects;
		own[2 * i + 1] = g->rootents[i].bytes;
	}
	for (i = 0; g->paths && i < g->nr_paths; i++) {
		const struct gg_path *pa = &g->paths[i];

		if (!pa->objects)
			continue;
		own[2 * (pa->rootent - 1)] -= pa->objects;
		own[2 * (pa->rootent - 1) + 1] -= pa->bytes;
		add_sample(p, g, &g->rootents[pa->rootent - 1], (uint32_t)i + 1, pa->objects,
			   pa->bytes);
	}
	for (i = 0; i < g->nr_rootents; i++)
		add_sample(p, g, &g->rootents[i], 0, own[2 * i], own[2 * i + 1]);
	free(own);
	return true;
}

int retain_write_pprof(const struct gograph *g, const struct goheap *h,
		       const struct retain_out_opts *o, FILE *out)
{
	struct pprof *p = heap_pprof_new("retain", h, o->snap_path, o->exe_path,
					 o->realtime_ns, false);
	if (!p)
		return -1;
	pprof_comment(p, "reached %" PRIu64 " of %" PRIu64 " objects, %" PRIu64 " of %"
		      PRIu64 " bytes; goroutine frames: %" PRIu64 " by their stack maps, %"
		      PRIu64 " conservatively", g->reached_objects, g->objects,
		      g->reached_bytes, g->bytes, g->frames_precise, g->frames_conservative);
	if (!add_roots(p, g)) {
		pprof_free(p);
		return -1;
	}
	return heap_pprof_finish(p, out);
}
