// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli retain SNAP: the heap's object graph marked from its roots
 * (decode/gograph.c), and what each root (a global, a goroutine's frame)
 * reaches first; see docs/objects.md, "What keeps them alive".
 */
#include "commands.h"
#include "decode/goheap.h"
#include "decode/gotypeflow.h"
#include "decode/gograph.h"
#include "decode/snapctx.h"
#include "out/retain_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s retain SNAP [--top N] [--depth N] [--pprof FILE] [--exe PATH]\n"
		"          [--seq N] [-j|-p]\n\n"
		"What keeps the Go heap alive: its allocated objects marked from the\n"
		"roots (data and bss through the runtime's pointer masks, goroutine\n"
		"stacks conservatively) through every object's pointer words, and for\n"
		"each root (a global, a goroutine's frame) the objects and bytes it\n"
		"reaches first; with the executable's DWARF, by field path too\n"
		"(main.cache[*].buf). Needs a full-mode capture; see docs/objects.md.\n\n"
		"  --top N       at most N roots and N paths (default: all)\n"
		"  --depth N     field paths at most N selectors deep (1 to 32,\n"
		"                default 8); deeper objects count at that depth\n"
		"  --pprof FILE  also write every root as a gzipped pprof profile\n"
		"                to FILE (go tool pprof; --top does not apply)\n"
		"  --exe PATH    the executable (default: the one the snapshot names,\n"
		"                else its embedded copy); its build ID must match\n"
		"  --seq N       the snapshot with this sequence number (default: first)\n"
		"  -j, --json    JSON (docs/json.md, section retain); -p pretty\n"
		"  -h, --help    this text\n",
		PROG);
}

struct retain_pprof { const struct gograph *g; const struct goheap *h;
		       const struct retain_out_opts *o; };

static int retain_pprof_to(const void *ctx, FILE *out)
{
	const struct retain_pprof *x = ctx;

	return retain_write_pprof(x->g, x->h, x->o, out);
}

/* Selectors a field path goes down at most by default (then deeper objects count at it). */
#define RETAIN_DEPTH	8

_Static_assert(HEAP_CMD_MAX_DEPTH == GG_PATH_MAX_DEPTH, "--depth's bound is the graph's");

int cmd_retain(int argc, char **argv)
{
	struct gotypeflow *flow = NULL;
	struct gg_spanset *set = NULL;
	struct gograph *g = NULL;
	struct goheap *h = NULL;
	struct retain_out_opts o;
	struct heap_cmd_args a;
	struct gs_snapctx c;
	int ret;

	ret = parse_heap_cmd_args("retain", argc, argv, &a, usage);
	if (ret)
		return ret == 1 ? 0 : ret;
	output_begin();
	ret = 1;
	h = snap_heap_open(&c, a.snap_path, a.exe, a.seq);
	if (!h)
		goto out;
	/* the type flow over a span set names the paths */
	set = gg_spanset_new(&c, h);
	flow = set ? gotypeflow_run(&c, set) : NULL;
	g = flow ? gograph_build_paths(&c, h, flow, a.depth ? a.depth : RETAIN_DEPTH) : NULL;
	if (!g) {
		p_err("out of memory");
		goto out;
	}
	if (gs_snapctx_heap_hint(&c)[0])
		p_warn("retain: objects are read from the heap%s", gs_snapctx_heap_hint(&c));
	o = (struct retain_out_opts){ a.snap_path, c.exe_name, a.top,
				      c.snap.hdr ? c.snap.hdr->realtime_ns : 0 };
	if (json_wtr)
		retain_print_json(g, h, &o, json_wtr);
	else
		retain_print_plain(g, h, &o, stdout);
	ret = a.pprof_path &&
	      write_output_file(a.pprof_path, retain_pprof_to,
				&(struct retain_pprof){ g, h, &o }) ? 1 : 0;
	if (!g->reached_objects) {
		p_err("%s: no heap object reached from the roots%s", a.snap_path,
		      gs_snapctx_heap_hint(&c));
		ret = 1;
	}
out:
	gograph_free(g);
	gotypeflow_free(flow);
	gg_spanset_free(set);
	goheap_free(h);
	gs_snapctx_close(&c);
	return ret;
}
