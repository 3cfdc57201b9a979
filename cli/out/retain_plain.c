// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli retain` as plain text: how each object's pointers were
 * read and how each root kind was scanned, the totals (allocated,
 * reached, not reached), then the roots by the bytes they reach first.
 * docs/objects.md describes every column.
 */
#include "out/heap_out.h"
#include "out/retain_out.h"

#include <inttypes.h>
#include <stdlib.h>

static const char *const root_how[GG_NR_ROOTS] = {
	[GG_ROOT_DATA]		= "precise (moduledata.gcdatamask)",
	[GG_ROOT_BSS]		= "precise (moduledata.gcbssmask)",
	[GG_ROOT_STACKS]	= "stack maps (funcdata); conservative where a frame has none or a thread stopped it anywhere",
	[GG_ROOT_REGS]		= "conservative (each thread's general registers)",
};

static void print_summary(const struct gograph *g, const struct goheap *h,
			  const struct retain_out_opts *o, FILE *out)
{
	int r, k;

	fprintf(out, "%s: %s\n", o->snap_path,
		h->version[0] ? h->version : "Go version unknown");
	fprintf(out, "  executable %s\n", o->exe_path);
	fprintf(out, "  pointers   %s%s\n", go_ptrs_scheme_name(g->scheme),
		g->greentea ? ", Green Tea" : "");
	for (r = 0; r < GG_NR_ROOTS; r++) {
		const struct gg_rootset *rs = &g->roots[r];

		if (rs->scanned)
			fprintf(out, "  %-10s %s, %" PRIu64 " word%s%s%s\n", gg_root_name(r),
				root_how[r], rs->words, rs->words == 1 ? "" : "s",
				rs->why[0] ? "; " : "", rs->why);
		else
			fprintf(out, "  %-10s not scanned: %s\n", gg_root_name(r),
				rs->why[0] ? rs->why : "no object to mark");
	}
	if (g->roots[GG_ROOT_STACKS].scanned)
		fprintf(out, "  (%" PRIu64 " goroutine stacks scanned: %" PRIu64 " frames by their "
			"stack maps, %" PRIu64 " conservatively)\n", g->goroutines,
			g->frames_precise, g->frames_conservative);
	fprintf(out, "\n  %-34s %12s %15s\n", "", "OBJECTS", "BYTES");
	fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "\n", "allocated", g->objects,
		g->bytes);
	fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "\n", "reached from the roots",
		g->reached_objects, g->reached_bytes);
	fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "\n", "not reached",
		g->objects - g->reached_objects, g->bytes - g->reached_bytes);
	for (r = 0; r < GG_NR_ROOTS; r++) {
		char what[48];

		snprintf(what, sizeof(what), "first reached from %s", gg_root_name(r));
		fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "\n", what,
			g->roots[r].objects, g->roots[r].bytes);
	}
	for (k = 0; k < GP_NR_RES; k++)
		if (g->unscanned[k])
			fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "  (%s)\n",
				"reached, pointers not read", g->unscanned[k],
				g->unscanned_bytes[k], go_ptrs_res_name(k));
	fprintf(out, "  (%" PRIu64 " objects scanned, %" PRIu64 " heap pointers followed, %"
		PRIu64 " into free slots)\n", g->scanned, g->pointers, g->to_free);
}

static void print_roots(const struct gograph *g, const struct retain_out_opts *o,
			FILE *out)
{
	const struct gg_rootent **v = retain_sorted(g);
	uint64_t more_objects = 0, more_bytes = 0, rows = 0;
	size_t i;

	fprintf(out, "\nRoots (what each reaches first, by bytes)\n"
		"  %12s %15s %-9s %-18s %s\n", "OBJECTS", "BYTES", "KIND", "ADDRESS", "ROOT");
	for (i = 0; v && i < g->nr_rootents; i++) {
		if (o->top && rows == o->top) {
			more_objects += v[i]->objects;
			more_bytes += v[i]->bytes;
			continue;
		}
		rows++;
		fprintf(out, "  %12" PRIu64 " %15" PRIu64 " %-9s 0x%016" PRIx64 " %s\n",
			v[i]->objects, v[i]->bytes, gg_root_name(v[i]->kind), v[i]->addr,
			v[i]->name);
	}
	if (!rows)
		fprintf(out, "  (none)\n");
	if (rows < g->nr_rootents)
		fprintf(out, "  %12" PRIu64 " %15" PRIu64 " in %zu more roots\n",
			more_objects, more_bytes, g->nr_rootents - rows);
	free(v);
}

/* The field paths by bytes, up to o->top rows (only with DWARF's types). */
static void print_paths(const struct gograph *g, const struct retain_out_opts *o, FILE *out)
{
	uint32_t *ix;
	char name[512];
	size_t i, n;

	if (!g->paths) {
		fprintf(out, "\nNo field paths: the executable has no DWARF\n");
		return;
	}
	ix = retain_paths_sorted(g);
	if (!ix)
		return;
	n = o->top && o->top < g->nr_paths ? o->top : g->nr_paths;
	fprintf(out, "\nBy field path (objects first reached there; at most %u selectors "
		"deep)\n  %12s %15s  %s\n", g->max_depth, "OBJECTS", "BYTES", "PATH");
	for (i = 0; i < n; i++) {
		gograph_path_name(g, ix[i], name, sizeof(name));
		fprintf(out, "  %12" PRIu64 " %15" PRIu64 "  %s\n", g->paths[ix[i]].objects,
			g->paths[ix[i]].bytes, name);
	}
	if (n < g->nr_paths)
		fprintf(out, "  (%zu more paths)\n", g->nr_paths - n);
	free(ix);
}

void retain_print_plain(const struct gograph *g, const struct goheap *h,
			const struct retain_out_opts *o, FILE *out)
{
	print_summary(g, h, o, out);
	print_roots(g, o, out);
	print_paths(g, o, out);
	heap_print_not_decoded(h, &g->problems, out);
}
