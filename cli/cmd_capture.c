// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli capture: take snapshots from /dev/gosnap and write them to a
 * snapshot file. The pid path (GOSNAP_IOC_CAPTURE) is here; whatever the
 * trigger, snapshots end in capture_save(), which validates, writes and
 * reports.
 */
#include "capture/capture.h"
#include "capture/capture_probe.h"
#include "capture/gc_cycle.h"
#include "commands.h"
#include "capture/device.h"
#include "exe/exe.h"
#include "snap/flags.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"
#include "snap/summary.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>


/* ---------------------------------------------------------------------- */
/* capture --pid                                                           */
/* ---------------------------------------------------------------------- */

struct capture_opts {
	pid_t pid;
	const char *output;
	const char *device;
	uint32_t mode;
	unsigned long long max_bytes;
	bool no_pfn;
	bool pte_facts;
	bool embed;
};

static int capture_pid(const struct capture_opts *o)
{
	struct gosnap_capture cap = { 0 };
	struct gosnap_info info;
	struct capture_snap snap, embed = { 0 };
	struct gs_stream st = { 0 };
	struct gs_meta meta;
	char err[512], exe[64];
	long len;
	int fd, ret = -1;

	/* Before the capture: the process may be gone after it. */
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)o->pid);
	if (o->embed) {
		struct gs_exe *x = gs_exe_open(exe, err, sizeof(err));

		ret = x ? capture_embed_exe(x, &embed) : -1;
		if (!x)
			p_err("%s", err);
		gs_exe_close(x);
		if (ret)
			return -1;
	}
	fd = gs_device_open(o->device, err, sizeof(err));
	if (fd < 0) {
		p_err("%s", err);
		return -1;
	}
	if (gs_device_info(fd, &info, err, sizeof(err)))
		goto out_close;
	cap.flags = (o->no_pfn ? GOSNAP_CAPTURE_NO_PFN : 0) |
		    (o->pte_facts ? GOSNAP_CAPTURE_PTE_FACTS : 0);
	cap.pid = o->pid;
	cap.mode = o->mode;
	cap.max_bytes = o->max_bytes;
	if (gs_device_capture(fd, &cap, err, sizeof(err)))
		goto out_close;
	if (cap.stream_size == 0) {
		snprintf(err, sizeof(err), "the module queued an empty snapshot");
		goto out_close;
	}
	/* The ioctl says how much it queued: read exactly that. */
	len = gs_stream_next(fd, &st, cap.stream_size, err, sizeof(err));
	if (len < 0)
		goto out_close;
	if (len == 0 || (uint64_t)len != cap.stream_size) {
		snprintf(err, sizeof(err),
			 "the module announced a %llu-byte snapshot, the stream holds %ld",
			 (unsigned long long)cap.stream_size, len);
		goto out_close;
	}
	close(fd);
	fd = -1;

	capture_meta_init(&meta, &info);
	gs_meta_addf(&meta, "capture.trigger", "pid");
	gs_meta_addf(&meta, "capture.pid", "%d", (int)o->pid);
	gs_meta_add(&meta, "capture.mode", gs_mode_name(o->mode));
	gs_meta_addf(&meta, "capture.max_bytes", "%llu", o->max_bytes);
	gs_meta_add(&meta, "capture.no_pfn", o->no_pfn ? "1" : "0");
	gs_meta_add(&meta, "capture.facts", o->pte_facts ? "pte" : "page");
	gs_meta_add(&meta, "capture.embed", o->embed ? "1" : "0");
	snap.data = st.buf;
	snap.size = (size_t)len;
	ret = capture_save_embed(o->output, &meta, &snap, 1, o->embed ? &embed : NULL);
	gs_meta_free(&meta);
	gs_stream_free(&st);
	free((void *)embed.data);
	return ret;

out_close:
	p_err("%s", err);
	gs_stream_free(&st);
	free((void *)embed.data);
	if (fd >= 0)
		close(fd);
	return -1;
}

static void capture_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s capture --pid PID -o FILE [--mode pages] [--max-bytes N] [--no-pfn] [--embed]\n"
		"       %s capture --at SYM [--at SYM]... -o DIR [OPTIONS] -- PROG [ARGS...]\n"
		"       %s capture --at SYM [--at SYM]... -o DIR [OPTIONS] --pid PID\n"
		"       %s capture --gc-cycle [N] -o DIR [OPTIONS] (-- PROG [ARGS...] | --pid PID)\n\n"
		"Without --at: capture the page state of a running process now and write\n"
		"it to FILE (replaced atomically, mode 0600).\n"
		"With --at: freeze the process each time a thread reaches one of the\n"
		"functions, capture it, let it go, and write DIR/NNN-SYM.gsnap per hit.\n"
		"PROG is started under capture (so start-up functions are caught); with\n"
		"--pid a running process is probed. Ctrl-C disarms and leaves it running.\n\n"
		"  --pid PID          the process (thread group) to capture\n"
		"  -o, --output F     the snapshot file (or, with --at, the directory)\n"
		"  --at SPEC          a function name, NAME+0xOFF or an address; SPEC#N\n"
		"                     captures only its Nth hit (repeatable, up to %d)\n"
		"  --hits N           capture only the Nth hit of every --at without #N\n"
		"  --gc-cycle [N]     instead of --at: the moments of GC cycle N (default\n"
		"                     1; gctrace's 'gc N'): the last gcStart before it,\n"
		"                     each mark worker's start, the first gcDrain and\n"
		"                     gcMarkDone, and gcMarkTermination; other hits are\n"
		"                     dropped, and the target is let go once it ends\n"
		"  --max-snapshots N  stop after N snapshots\n"
		"  --mode M           pages: page state, threads, registers;\n"
		"                     meta (default with --at): + writable exe data,\n"
		"                     off-heap anon, the hitting thread's stack;\n"
		"                     full: + every resident writable page\n"
		"  --max-bytes N      bound on each snapshot (K, M, G suffixes); 0 = module max\n"
		"  --stop-world       also stop the other threads while capturing\n"
		"  --hold             keep the thread held after each capture until the\n"
		"                     snapshot is written (and --while-held has run)\n"
		"  --while-held CMD   with --hold: run CMD (sh -c) while held; it gets\n"
		"                     GOSNAP_PID and GOSNAP_SNAPSHOT in its environment\n"
		"  --hold-ms N        longest hold, in ms (the module bounds it too)\n"
		"  --every-entry      count a Go function's re-entry through morestack\n"
		"                     (its prologue found the stack short, or the\n"
		"                     goroutine asked to yield) as another hit\n"
		"  --no-pfn           do not report physical frame numbers\n"
		"  --facts pte|page   what is told of each page: pte (the default) what\n"
		"                     its page-table entry says; page also what pagemap\n"
		"                     and kpageflags tell (anon/file, THP, exclusive, page\n"
		"                     dirty, swap cache, mapcount), for a walk that reads\n"
		"                     every page's struct page: 5 to 40 times slower\n"
		"  --embed            store the executable's sections that decoding needs\n"
		"                     (symbols, pclntab, DWARF, data) in each file, so it\n"
		"                     can be decoded where the executable is not\n"
		"  --device PATH      the device node (default %s)\n",
		PROG, PROG, PROG, PROG, PROBE_MAX_AT, GOSNAP_DEVICE);
}

static int parse_mode(const char *s, uint32_t *mode)
{
	uint32_t m;

	for (m = 0; m <= GOSNAP_MODE_MAX; m++) {
		if (!strcmp(s, gs_mode_name(m))) {
			*mode = m;
			return 0;
		}
	}
	return -1;
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid",	required_argument,	NULL, 'P' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "mode",	required_argument,	NULL, 'm' },
		{ "max-bytes",	required_argument,	NULL, 'M' },
		{ "no-pfn",	no_argument,		NULL, 'N' },
		{ "facts",	required_argument,	NULL, 'F' },
		{ "embed",	no_argument,		NULL, 'B' },
		{ "device",	required_argument,	NULL, 'D' },
		{ "at",		required_argument,	NULL, 'A' },
		{ "hits",	required_argument,	NULL, 'H' },
		{ "max-snapshots", required_argument,	NULL, 'S' },
		{ "stop-world",	no_argument,		NULL, 'W' },
		{ "hold",	no_argument,		NULL, 'L' },
		{ "while-held",	required_argument,	NULL, 'X' },
		{ "hold-ms",	required_argument,	NULL, 'T' },
		{ "every-entry", no_argument,		NULL, 'E' },
		{ "gc-cycle",	optional_argument,	NULL, 'G' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	/* pte facts by default: the walk, which the target waits for, costs
	 * little more than reading its page tables (docs/performance.md) */
	struct capture_opts o = { .mode = GOSNAP_MODE_PAGES, .pte_facts = true };
	struct probe_opts po = { .mode = GOSNAP_MODE_META };
	bool mode_set = false;
	unsigned long long num;
	char *end;
	long pid;
	int opt;

	while ((opt = getopt_long(argc, argv, "+" COMMON_SHORT_OPTS "o:", opts,
				  NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'P':
			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (errno || *end || pid <= 0 || pid > INT32_MAX) {
				output_begin();
				p_err("capture: --pid '%s' is not a process id", optarg);
				return EXIT_USAGE;
			}
			o.pid = (pid_t)pid;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'm':
			mode_set = true;
			if (parse_mode(optarg, &o.mode)) {
				output_begin();
				p_err("capture: --mode '%s': use pages, meta or full", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M':
			if (parse_size(optarg, &o.max_bytes)) {
				output_begin();
				p_err("capture: --max-bytes '%s' is not a size", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'N':
			o.no_pfn = true;
			break;
		case 'F':
			if (strcmp(optarg, "pte") && strcmp(optarg, "page")) {
				output_begin();
				p_err("capture: --facts '%s': use pte or page", optarg);
				return EXIT_USAGE;
			}
			o.pte_facts = !strcmp(optarg, "pte");
			break;
		case 'B':
			o.embed = true;
			break;
		case 'D':
			o.device = optarg;
			break;
		case 'A':
			if (po.nr_at == PROBE_MAX_AT) {
				output_begin();
				p_err("capture: at most %d --at", PROBE_MAX_AT);
				return EXIT_USAGE;
			}
			po.at[po.nr_at++] = optarg;
			break;
		case 'H':
		case 'S':
		case 'T':
			if (parse_size(optarg, &num) || num > UINT32_MAX) {
				output_begin();
				p_err("capture: '%s' is not a count", optarg);
				return EXIT_USAGE;
			}
			if (opt == 'H')
				po.hits = num;
			else if (opt == 'S')
				po.max_snapshots = num;
			else
				po.hold_ms = num;
			break;
		case 'G':
			/* "--gc-cycle N" as well as "--gc-cycle=N" */
			if (!optarg && optind < argc &&
			    strspn(argv[optind], "0123456789") == strlen(argv[optind]) &&
			    argv[optind][0])
				optarg = argv[optind++];
			po.gc_cycle = 1;
			if (optarg && (parse_size(optarg, &num) || !num ||
				       num > UINT32_MAX)) {
				output_begin();
				p_err("capture: --gc-cycle '%s' is not a cycle number (1, 2, ...)",
				      optarg);
				return EXIT_USAGE;
			}
			if (optarg)
				po.gc_cycle = num;
			break;
		case 'W':
			po.stop_world = true;
			break;
		case 'L':
			po.hold = true;
			break;
		case 'E':
			po.every_entry = true;
			break;
		case 'X':
			po.while_held = optarg;
			break;
		case 'h':
			capture_usage(stdout);
			return 0;
		default:
			capture_usage(stderr);
			return EXIT_USAGE;
		}
	}
	output_begin();
	if (po.gc_cycle) {
		unsigned int m;

		if (po.nr_at || po.hits) {
			p_err("capture: --gc-cycle arms its own probes: leave out --at and --hits");
			return EXIT_USAGE;
		}
		for (m = 0; m < GCM_NR; m++)
			po.at[po.nr_at++] = gc_moment_symbol[m];
	}
	if (po.nr_at) {
		po.pid = o.pid;
		po.outdir = o.output;
		po.device = o.device;
		po.max_bytes = o.max_bytes;
		po.no_pfn = o.no_pfn;
		po.pte_facts = o.pte_facts;
		po.embed = o.embed;
		if (mode_set)
			po.mode = o.mode;
		po.argv = argv + optind;
		if (!po.outdir || (!po.pid) == (optind == argc)) {
			p_err("capture --at needs -o DIR and either --pid PID or -- PROG [ARGS] (try '%s capture --help')",
			      PROG);
			return EXIT_USAGE;
		}
		if (po.while_held && !po.hold) {
			p_err("capture: --while-held goes with --hold");
			return EXIT_USAGE;
		}
		return capture_probes(&po);
	}
	if (optind != argc) {
		p_err("capture: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!o.pid || !o.output) {
		p_err("capture needs --pid PID and -o FILE (try '%s capture --help')",
		      PROG);
		return EXIT_USAGE;
	}
	return capture_pid(&o) ? 1 : 0;
}
