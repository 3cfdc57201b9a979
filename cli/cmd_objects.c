// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli objects SNAP: the heap's allocated objects grouped by the
 * type they carry or DWARF gives them along pointers (decode/goobjects.c
 * over decode/goheap.c's spans, decode/gotypeflow.c), with count, bytes
 * and resident bytes per group; see docs/objects.md.
 */
#include "commands.h"
#include "decode/goheap.h"
#include "decode/goobjects.h"
#include "decode/gospanset.h"
#include "decode/gotypeflow.h"
#include "decode/snapctx.h"
#include "out/objects_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s objects SNAP [--top N] [--pprof FILE] [--exe PATH] [--seq N]\n"
		"          [-j|-p]\n\n"
		"The Go heap's allocated objects by type: count, bytes and resident\n"
		"bytes per type, from allocation headers and large spans' types\n"
		"(go1.22+), then, when the executable has DWARF, along pointers from\n"
		"typed globals and frame variables; objects still without a type are\n"
		"grouped apart by size class and shape. Headers are read from a\n"
		"full-mode capture; see docs/objects.md.\n\n"
		"  --top N       at most N rows per table (default: all)\n"
		"  --pprof FILE  also write every group as a gzipped pprof profile\n"
		"                to FILE (go tool pprof; --top does not apply)\n"
		"  --exe PATH    the executable (default: the one the snapshot names,\n"
		"                else its embedded copy); its build ID must match\n"
		"  --seq N       the snapshot with this sequence number (default: first)\n"
		"  -j, --json    JSON (docs/json.md, section objects); -p pretty\n"
		"  -h, --help    this text\n",
		PROG);
}

struct objects_pprof { const struct goobjects *ob; const struct goheap *h;
			const struct objects_out_opts *o; };

static int objects_pprof_to(const void *ctx, FILE *out)
{
	const struct objects_pprof *x = ctx;

	return objects_write_pprof(x->ob, x->h, x->o, out);
}

int cmd_objects(int argc, char **argv)
{
	struct goobjects *ob = NULL;
	struct gotypeflow *flow = NULL;
	struct gg_spanset *set = NULL;
	struct goheap *h = NULL;
	struct objects_out_opts o;
	struct heap_cmd_args a;
	struct gs_snapctx c;
	int ret;

	ret = parse_heap_cmd_args("objects", argc, argv, &a, usage);
	if (ret)
		return ret == 1 ? 0 : ret;
	output_begin();
	ret = 1;
	h = snap_heap_open(&c, a.snap_path, a.exe, a.seq);
	if (!h)
		goto out;
	set = gg_spanset_new(&c, h);
	flow = set ? gotypeflow_run(&c, set) : NULL;
	ob = flow ? goobjects_decode(&c.snap, c.mem, c.layout, h, flow) : NULL;
	if (!ob) {
		p_err("out of memory");
		goto out;
	}
	if (ob->headers && gs_snapctx_heap_hint(&c)[0])
		p_warn("objects: allocation headers are read from the objects%s",
		       gs_snapctx_heap_hint(&c));
	o = (struct objects_out_opts){ a.snap_path, c.exe_name, a.top,
				       c.snap.hdr ? c.snap.hdr->realtime_ns : 0 };
	if (json_wtr)
		objects_print_json(ob, h, &o, json_wtr);
	else
		objects_print_plain(ob, h, &o, stdout);
	ret = a.pprof_path &&
	      write_output_file(a.pprof_path, objects_pprof_to,
				&(struct objects_pprof){ ob, h, &o }) ? 1 : 0;
	if (!goobjects_decoded_anything(ob)) {
		p_err("%s: no heap object enumerated%s", a.snap_path,
		      gs_snapctx_heap_hint(&c));
		ret = 1;
	}
out:
	goobjects_free(ob);
	gotypeflow_free(flow);
	gg_spanset_free(set);
	goheap_free(h);
	gs_snapctx_close(&c);
	return ret;
}
