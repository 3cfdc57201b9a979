// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli stacks SNAP: the frames of the thread that hit the probe
 * and of every other thread with captured registers (threadwalk.h), and
 * of every goroutine in allgs (from its thread, else g.sched), each
 * frame as function, file:line, pc, sp and frame size, inlined calls
 * expanded. See docs/stacks.md.
 */
#include "commands.h"
#include "out/stacks_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void stacks_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s stacks SNAP [--exe PATH] [--seq N] [--max-frames N] [-j|-p]\n"
		"       %s stacks --wait-reasons go1.NN\n\n"
		"Unwind the thread that hit the probe and, with --stop-world captures,\n"
		"every other thread (from their captured registers, following a switch\n"
		"from g0 back to the goroutine's stack), and every goroutine of\n"
		"runtime.allgs (from its thread, else g.sched): goid, status, wait\n"
		"reason, stack bounds and resident stack pages, and each frame's function,\n"
		"file:line, pc, sp and frame size, inlined calls expanded. Each walk ends\n"
		"with why it stopped (goexit, mstart, rt0_go, system-stack switch, missing\n"
		"stack page, ...). Goroutine stacks need a --mode full capture.\n\n"
		"  --exe PATH        the executable (default: the one the snapshot names,\n"
		"                    else its embedded copy); its build ID must match\n"
		"  --seq N           the snapshot with this sequence number (default: first)\n"
		"  --max-frames N    bound on physical frames per stack (default %d)\n"
		"  --wait-reasons V  print the wait reason table used for Go release V\n"
		"  -j, --json        JSON (docs/json.md, section stacks); -p pretty\n"
		"  -h, --help        this text\n",
		PROG, PROG, GS_UNWIND_MAX_FRAMES);
}

static int print_wait_reasons(const char *ver)
{
	unsigned int i;
	const char *s;
	int minor;

	if (strncmp(ver, "go1.", 4) || (minor = atoi(ver + 4)) <= 0) {
		p_err("--wait-reasons: '%s' is not go1.NN", ver);
		return EXIT_USAGE;
	}
	if (!gs_wait_reason(minor, 0)) {
		p_err("no wait reason table for %s", ver);
		return 1;
	}
	for (i = 0; (s = gs_wait_reason(minor, i)); i++)
		printf("%u\t%s\n", i, s);
	return 0;
}

int cmd_stacks(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exe",		required_argument,	NULL, 'e' },
		{ "seq",		required_argument,	NULL, 's' },
		{ "max-frames",		required_argument,	NULL, 'm' },
		{ "wait-reasons",	required_argument,	NULL, 'W' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	const char *exe = NULL, *wr = NULL;
	struct stacks_model sm = { 0 };
	struct gs_snapctx ctx;
	unsigned long max_frames = 0;
	long seq = -1;
	char *end;
	int opt, ret = 0;
	size_t i;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "e:s:m:W:", opts,
				  NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'e': exe = optarg; break;
		case 'W': wr = optarg; break;
		case 's':
			if (parse_seq("stacks", optarg, &seq))
				return EXIT_USAGE;
			break;
		case 'm':
			errno = 0;
			max_frames = strtoul(optarg, &end, 0);
			if (errno || end == optarg || *end || !max_frames || optarg[0] == '-') {
				output_begin();
				p_err("stacks --max-frames: '%s' is not a positive number", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			stacks_usage(stdout);
			return 0;
		default:
			stacks_usage(stderr);
			return EXIT_USAGE;
		}
	}
	output_begin();
	if (wr)
		return print_wait_reasons(wr);
	if (optind + 1 != argc) {
		p_err("stacks takes one SNAP (try '%s stacks --help')", PROG);
		return EXIT_USAGE;
	}
	sm.snap_path = argv[optind];
	if (gs_snapctx_open(&ctx, sm.snap_path, exe, seq)) {
		gs_snapctx_close(&ctx);
		return 1;
	}
	sm.ctx = &ctx;
	if (gs_thread_walks_decode(&ctx, max_frames, &sm.tw) ||
	    gs_goroutines_decode(&ctx, max_frames, &sm.tw, &sm.gr)) {
		p_err("out of memory");
		ret = 1;
		goto free_all;
	}
	sm.hit = gs_thread_walks_hit(&sm.tw);
	for (i = 0; sm.hit && sm.hit->g && i < sm.gr.n; i++)
		if (sm.gr.gs[i].g == sm.hit->goroutine)
			sm.hit_goroutine = &sm.gr.gs[i];
	(json_wtr ? stacks_print_json : stacks_print_plain)(&sm);
free_all:
	gs_goroutines_free(&sm.gr);
	gs_thread_walks_free(&sm.tw);
	gs_snapctx_close(&ctx);
	return ret;
}
