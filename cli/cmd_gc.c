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

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GC_SERIES_MAX	4096	/* snapshots of one gc DIR */

static void gc_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s gc SNAP [--workbufs] [--objects] [--dot FILE] [--svg FILE]\n"
		"          [--exe PATH] [--seq N] [-j|-p]\n"
		"       %s gc DIR [--exe PATH] [-j|-p]\n\n"
		"Print the garbage collector's state in a snapshot: the phase and cycle,\n"
		"the mark workers and root jobs, the pacer's figures, the global workbuf\n"
		"lists (work.full, work.empty), every P's gcWork (wbuf1, wbuf2, bytes\n"
		"marked, scan work, flushed, Green Tea's span queue), the spans the\n"
		"workbufs are carved from, and the grey objects queued per P and globally.\n"
		"Every workbuf is checked: inside a busy workbuf span, aligned, reached\n"
		"once, nobj within capacity, each queued pointer inside an in-use span.\n"
		"A value the Go release or the snapshot lacks is unavailable, with why.\n"
		"With DIR (capture --at's output): one row per snapshot file, in name\n"
		"order: probe, hit, phase, cycle, workers at work, root jobs, lists, the\n"
		"objects the Ps hold, workbuf spans, bytes marked.\n\n"
		"  --workbufs   list every workbuf and its checks (text)\n"
		"  --objects    with -j: each workbuf's queued pointers\n"
		"  --dot FILE   also write a Graphviz graph of the Ps, workbufs, lists\n"
		"  --svg FILE   also write a picture of the queues: every workbuf's fill\n"
		"  --exe PATH   the executable (default: the one the snapshot names,\n"
		"               else its embedded copy); its build ID must match\n"
		"  --seq N      the snapshot with this sequence number (default: first)\n"
		"  -j, --json   JSON (docs/json.md, section gc); -p pretty\n"
		"  -h, --help   this text\n", PROG, PROG);
}

/* One picture of the collector's state (SVG, DOT), for write_output_file. */
struct gc_picture {
	const struct gs_gc *g;
	const struct gc_out_opts *o;
	int (*fn)(const struct gs_gc *, const struct gc_out_opts *, FILE *);
};

static int gc_picture_to(const void *ctx, FILE *out)
{
	const struct gc_picture *x = ctx;

	return x->fn(x->g, x->o, out);
}

/* gc DIR: decode each snapshot file's collector and print one table. */
static int gc_series(const char *dir, const char *exe)
{
	struct gc_moment *m = NULL;
	struct dirent **names = NULL;
	long n, i, done = 0;
	int ret = 0;

	n = scandir(dir, &names, snapshot_file_entry, alphasort);
	if (n < 0) {
		p_err("%s: %s", dir, strerror(errno));
		return 1;
	}
	if (n == 0) {
		p_err("%s: no .gsnap file", dir);
		ret = 1;
		goto out;
	}
	if (n > GC_SERIES_MAX) {
		p_err("%s: %ld snapshot files, more than the %d a series reads", dir, n,
		      GC_SERIES_MAX);
		ret = 1;
		goto out;
	}
	m = calloc((size_t)n, sizeof(*m));
	if (!m) {
		p_err("out of memory");
		ret = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct gs_snapctx c;
		struct gc_moment *x = &m[done];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (gs_snapctx_open(&c, path, exe, -1)) {
			/* said why: one error, no table that leaves a file out */
			gs_snapctx_close(&c);
			ret = 1;
			goto free_moments;
		}
		x->file = names[i]->d_name;
		if (c.snap.capture) {
			snprintf(x->label, sizeof(x->label), "%.*s", GOSNAP_LABEL_LEN,
				 c.snap.capture->label);
			x->hit = c.snap.capture->hit;
			x->hit_tid = c.snap.capture->hit_tid;
		}
		if (gs_gc_decode(&c, NULL, &x->g)) {
			p_err("out of memory");
			gs_snapctx_close(&c);
			ret = 1;
			break;
		}
		if (!gs_gc_decoded_anything(&x->g)) {
			p_err("%s: no GC value, list or P decoded", path);
			ret = 1;
		}
		done++;
		gs_snapctx_close(&c);
	}
	if (json_wtr)
		gc_print_series_json(m, (size_t)done, dir, json_wtr);
	else
		gc_print_series_plain(m, (size_t)done, stdout);
free_moments:
	for (i = 0; i < done; i++)
		gs_gc_free(&m[i].g);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(m);
	return ret;
}

int cmd_gc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 's' },
		{ "workbufs",	no_argument,		NULL, 'w' },
		{ "objects",	no_argument,		NULL, 'o' },
		{ "dot",	required_argument,	NULL, 'D' },
		{ "svg",	required_argument,	NULL, 'S' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	bool workbufs = false, objects = false;
	struct goheap *h = NULL;
	const char *exe = NULL, *dot = NULL, *svg = NULL;
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
		case 'D': dot = optarg; break;
		case 'S': svg = optarg; break;
		case 'h': gc_usage(stdout); return 0;
		default: gc_usage(stderr); return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind + 1 != argc) {
		p_err("gc takes one SNAP (try '%s gc --help')", PROG);
		return EXIT_USAGE;
	}
	{
		struct stat st;

		if (!stat(argv[optind], &st) && S_ISDIR(st.st_mode))
			return gc_series(argv[optind], exe);
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
		if (dot && write_output_file(dot, gc_picture_to,
					     &(struct gc_picture){ &g, &o, gc_write_dot }))
			ret = 1;
		if (svg && write_output_file(svg, gc_picture_to,
					     &(struct gc_picture){ &g, &o, gc_write_svg }))
			ret = 1;
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
