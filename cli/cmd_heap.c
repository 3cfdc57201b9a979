// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli heap SNAP: decode the Go heap of a snapshot (goheap.c) with
 * its executable (snapctx.c: the one it names, --exe, or the copy embedded
 * in the file), then print it as text, JSON, and/or an SVG heat map.
 */
#include "commands.h"
#include "decode/goheap.h"
#include "out/heap_out.h"
#include "decode/snapctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s heap SNAP [--spans] [--svg FILE] [--exe PATH] [--seq N] [-j|-p]\n\n"
		"Decode the Go heap of a snapshot: MemStats counters beside the\n"
		"page tables' truth, arenas, size classes; see docs/heap.md.\n\n"
		"  --spans       list every live span and free page range\n"
		"  --svg FILE    also write a heat map of the heap to FILE\n"
		"  --exe PATH    the executable (default: the one the snapshot names,\n"
		"                else its embedded copy); its build ID must match\n"
		"  --seq N       the snapshot with this sequence number (default: first)\n"
		"  -j, --json    JSON (docs/json.md, section heap); -p pretty\n"
		"  -h, --help    this text\n",
		PROG);
}

struct heap_args {
	const char *snap_path, *svg_path, *exe;
	bool spans;
	long seq;
};

static int parse_args(int argc, char **argv, struct heap_args *a)
{
	static const struct option opts[] = {
		{ "spans",	no_argument,		NULL, 's' },
		{ "svg",	required_argument,	NULL, 'S' },
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 'n' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	int opt;

	memset(a, 0, sizeof(*a));
	a->seq = -1;
	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS, opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 's': a->spans = true; break;
		case 'S': a->svg_path = optarg; break;
		case 'e': a->exe = optarg; break;
		case 'n':
			if (parse_seq("heap", optarg, &a->seq))
				return EXIT_USAGE;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	return one_snapshot_arg("heap", argc, argv, &a->snap_path);
}

struct heap_svg { const struct goheap *h; const struct heap_out_opts *o; };

static int heap_svg_to(const void *ctx, FILE *out)
{
	const struct heap_svg *x = ctx;

	return heap_write_svg(x->h, x->o, out);
}

int cmd_heap(int argc, char **argv)
{
	struct goheap *h = NULL;
	struct heap_out_opts o;
	struct gs_snapctx c;
	struct heap_args a;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret == 1 ? 0 : ret;
	output_begin();
	ret = 1;
	h = snap_heap_open(&c, a.snap_path, a.exe, a.seq);
	if (!h)
		goto out;
	o = (struct heap_out_opts){ a.snap_path, c.exe_name, a.spans };
	if (json_wtr)
		heap_print_json(h, &o, json_wtr);
	else
		heap_print_plain(h, &o, stdout);
	ret = a.svg_path &&
	      write_output_file(a.svg_path, heap_svg_to, &(struct heap_svg){ h, &o }) ? 1 : 0;
	if (!goheap_decoded_anything(h)) {
		p_err("%s: no heap arena and no runtime counter decoded", a.snap_path);
		ret = 1;
	}
	goheap_free(h);
out:
	gs_snapctx_close(&c);
	return ret;
}
