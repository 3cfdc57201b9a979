// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli gc SNAP: the collector's state in a snapshot (docs/gc.md):
 * the cycle, work.full and work.empty, every P's gcWork, the workbuf
 * spans, and the grey objects queued, with each queued pointer checked
 * against the decoded heap's in-use spans.
 */
#include "commands.h"
#include "decode/gogc.h"
#include "decode/goheap.h"
#include "out/gc_out.h"

#include <stdio.h>
#include <stdlib.h>

static void gc_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s gc SNAP [--workbufs] [--objects] [--exe PATH] [--seq N] [-j|-p]\n\n"
		"Print the garbage collector's state in a snapshot: the phase and cycle,\n"
		"the mark workers and root jobs, the pacer's figures, the global workbuf\n"
		"lists (work.full, work.empty), every P's gcWork (wbuf1, wbuf2, bytes\n"
		"marked, scan work, flushed, Green Tea's span queue), the spans the\n"
		"workbufs are carved from, and the grey objects queued per P and globally.\n"
		"Every workbuf is checked: inside a busy workbuf span, aligned, reached\n"
		"once, nobj within capacity, each queued pointer inside an in-use span.\n"
		"A value the Go release or the snapshot lacks is unavailable, with why.\n\n"
		"  --workbufs   list every workbuf and its checks (text)\n"
		"  --objects    with -j: each workbuf's queued pointers\n"
		"  --exe PATH   the executable (default: the one the snapshot names,\n"
		"               else its embedded copy); its build ID must match\n"
		"  --seq N      the snapshot with this sequence number (default: first)\n"
		"  -j, --json   JSON (docs/json.md, section gc); -p pretty\n"
		"  -h, --help   this text\n", PROG);
}

int cmd_gc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 's' },
		{ "workbufs",	no_argument,		NULL, 'w' },
		{ "objects",	no_argument,		NULL, 'o' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	bool workbufs = false, objects = false;
	struct goheap *h = NULL;
	const char *exe = NULL;
	struct gs_snapctx ctx;
	struct gs_gc g;
	long seq = -1;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "e:s:", opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'e': exe = optarg; break;
		case 's':
			if (parse_seq("gc", optarg, &seq))
				return EXIT_USAGE;
			break;
		case 'w': workbufs = true; break;
		case 'o': objects = true; break;
		case 'h': gc_usage(stdout); return 0;
		default: gc_usage(stderr); return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind + 1 != argc) {
		p_err("gc takes one SNAP (try '%s gc --help')", PROG);
		return EXIT_USAGE;
	}
	if (gs_snapctx_open(&ctx, argv[optind], exe, seq)) {
		gs_snapctx_close(&ctx);
		return 1;
	}
	/* the heap's spans, to check the queued pointers against */
	h = goheap_decode(&ctx.snap, ctx.mem, ctx.layout, ctx.go_version);
	if (!h || gs_gc_decode(&ctx, h, &g)) {
		p_err("out of memory");
		ret = 1;
	} else {
		struct gc_out_opts o = { ctx.exe, ctx.go_version, ctx.layout, workbufs,
					 objects ? &ctx : NULL };

		if (json_wtr)
			gc_print_json(&g, &o, json_wtr);
		else
			gc_print_plain(&g, &o, stdout);
		if (!gs_gc_decoded_anything(&g)) {
			p_err("%s: no GC value, list or P decoded", argv[optind]);
			ret = 1;
		}
		gs_gc_free(&g);
	}
	if (h)
		goheap_free(h);
	gs_snapctx_close(&ctx);
	return ret;
}
