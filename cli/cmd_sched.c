// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli sched SNAP: every M (id, thread, g0 stack, curg, p, the
 * thread's captured registers when the snapshot has them), every P (id,
 * status, run-queue length, mcache) and runtime.sched's counters.
 */
#include "commands.h"
#include "decode/gosched.h"
#include "out/sched_out.h"

#include <stdio.h>
#include <stdlib.h>

static void sched_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s sched SNAP [--exe PATH] [--seq N] [-j|-p]\n\n"
		"List the snapshot's Ms (OS threads: id, thread id, g0 stack, current\n"
		"goroutine, P, captured registers), Ps (status, local run queue, mcache)\n"
		"and runtime.sched counters (Ms alive, idle Ms and Ps, global run queue).\n"
		"Counters a Go release does not have print as -1 / null.\n\n"
		"  --exe PATH   the executable (default: the one the snapshot names,\n"
		"               else its embedded copy); its build ID must match\n"
		"  --seq N      the snapshot with this sequence number (default: first)\n"
		"  -j, --json   JSON (docs/json.md, section sched); -p pretty\n"
		"  -h, --help   this text\n", PROG);
}

int cmd_sched(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 's' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	const char *exe = NULL;
	struct gs_snapctx ctx;
	struct gs_sched s;
	long seq = -1;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "e:s:", opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'e': exe = optarg; break;
		case 's':
			if (parse_seq("sched", optarg, &seq))
				return EXIT_USAGE;
			break;
		case 'h': sched_usage(stdout); return 0;
		default: sched_usage(stderr); return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind + 1 != argc) {
		p_err("sched takes one SNAP (try '%s sched --help')", PROG);
		return EXIT_USAGE;
	}
	if (gs_snapctx_open(&ctx, argv[optind], exe, seq)) {
		gs_snapctx_close(&ctx);
		return 1;
	}
	if (gs_sched_decode(&ctx, &s)) {
		p_err("out of memory");
		ret = 1;
	} else {
		struct sched_out_opts o = { ctx.exe, ctx.go_version, ctx.layout };

		if (json_wtr)
			sched_print_json(&s, &o, json_wtr);
		else
			sched_print_plain(&s, &o, stdout);
		if (!gs_sched_decoded_anything(&s)) {
			p_err("%s: no M, no P and no scheduler counter decoded",
			      argv[optind]);
			ret = 1;
		}
	}
	gs_sched_free(&s);
	gs_snapctx_close(&ctx);
	return ret;
}
