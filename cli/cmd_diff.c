// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli diff A B: what changed between two snapshots of one process
 * (docs/diff.md): mappings, resident pages, goroutines, threads.
 */
#include "commands.h"
#include "decode/goroutines.h"
#include "decode/snapdiff.h"
#include "decode/threadwalk.h"
#include "out/diff_out.h"

#include <stdio.h>
#include <string.h>

static void diff_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s diff A B [--force] [--exe PATH] [-j|-p]\n\n"
		"What changed from snapshot A to snapshot B of one process: mappings\n"
		"added, removed, grown, shrunk or whose resident pages changed;\n"
		"resident memory by region (text, data, bss, heap, stacks, runtime,\n"
		"other); heap arenas added, spans created, freed or changed;\n"
		"goroutines created and ended; threads that came and went. Snapshots\n"
		"of two processes (another pid, or the same pid started at another\n"
		"time) are refused unless --force.\n\n"
		"  --force       compare snapshots of two processes anyway\n"
		"  --exe PATH    the executable of both (default: the one each names)\n"
		"  -j, --json    JSON (docs/json.md); -p pretty\n"
		"  -h, --help    this text\n", PROG);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force",	no_argument,		NULL, 'f' },
		{ "exe",	required_argument,	NULL, 'e' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	struct gs_thread_walks none = { 0 };
	struct gs_goroutines ga = { 0 }, gb = { 0 };
	struct gs_snapctx a, b;
	struct snapdiff d = { 0 };
	const char *exe = NULL;
	bool force = false, have_a = false, have_b = false;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "e:", opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'f': force = true; break;
		case 'e': exe = optarg; break;
		case 'h': diff_usage(stdout); return 0;
		default: diff_usage(stderr); return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind + 2 != argc) {
		p_err("diff takes two snapshots, A and B (try '%s diff --help')", PROG);
		return EXIT_USAGE;
	}
	have_a = !gs_snapctx_open(&a, argv[optind], exe, -1);
	have_b = have_a && !gs_snapctx_open(&b, argv[optind + 1], exe, -1);
	if (!have_a || !have_b)
		goto out;
	if (gs_goroutines_decode(&a, 1, &none, &ga) || gs_goroutines_decode(&b, 1, &none, &gb) ||
	    snapdiff_compute(&a, &ga, &b, &gb, &d) || snapdiff_heap(&a, &b, &d.heap)) {
		p_err("out of memory");
		goto out;
	}
	if (!d.same_process && !force) {
		p_err("%s and %s are snapshots of two processes (%s): use --force to compare them",
		      argv[optind], argv[optind + 1], d.why);
		goto out;
	}
	if (json_wtr)
		diff_print_json(&d, argv[optind], argv[optind + 1], json_wtr);
	else
		diff_print_plain(&d, argv[optind], argv[optind + 1], stdout);
	ret = 0;
out:
	snapdiff_free(&d);
	gs_goroutines_free(&ga);
	gs_goroutines_free(&gb);
	if (have_b)
		gs_snapctx_close(&b);
	gs_snapctx_close(&a);
	return ret;
}
