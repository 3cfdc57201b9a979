// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli retain --pprof FILE`: every root of the marked graph as one
 * sample of a pprof profile, whatever --top says. The values are the
 * objects and bytes the root reaches first, exactly as the text and JSON
 * print them; the stack is the reference path as far as this command
 * follows it: the root (a global, a goroutine's frame) called from its
 * kind ("bss", "stacks"), so `go tool pprof -top` lists the roots and
 * -peek or -tree groups them by kind (docs/objects.md, "pprof").
 */
#include "out/pprof.h"
#include "out/heap_out.h"
#include "out/retain_out.h"

#include <inttypes.h>

static void add_root(struct pprof *p, const struct gg_rootent *e)
{
	int64_t v[2] = { (int64_t)e->objects, (int64_t)e->bytes };
	char addr[24], goid[24];
	struct pprof_label labels[] = {
		{ .key = "kind", .str = gg_root_name(e->kind) },
		{ .key = "address", .str = addr },
		/* a string: goroutine ids are names, and pprof drops a number 0 */
		{ .key = "goroutine", .str = goid },
	};
	uint64_t locs[2];

	snprintf(addr, sizeof(addr), "0x%" PRIx64, e->addr);
	snprintf(goid, sizeof(goid), "%" PRId64, e->goid);
	locs[0] = pprof_location(p, pprof_function(p, e->name));
	locs[1] = pprof_location(p, pprof_function(p, gg_root_name(e->kind)));
	pprof_sample(p, locs, 2, v, labels, e->goid >= 0 ? 3 : 2);
}

int retain_write_pprof(const struct gograph *g, const struct goheap *h,
		       const struct retain_out_opts *o, FILE *out)
{
	struct pprof *p = heap_pprof_new("retain", h, o->snap_path, o->exe_path,
					 o->realtime_ns, false);
	size_t i;

	if (!p)
		return -1;
	pprof_comment(p, "reached %" PRIu64 " of %" PRIu64 " objects, %" PRIu64 " of %"
		      PRIu64 " bytes; goroutine frames: %" PRIu64 " by their stack maps, %"
		      PRIu64 " conservatively", g->reached_objects, g->objects,
		      g->reached_bytes, g->bytes, g->frames_precise, g->frames_conservative);
	for (i = 0; i < g->nr_rootents; i++)
		add_root(p, &g->rootents[i]);
	return heap_pprof_finish(p, out);
}
