// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli export-core SNAP -o CORE: the snapshot as an ELF core file
 * for gdb, Delve and other readers of Linux cores (docs/core.md). Says
 * which threads have full registers and which have none in the snapshot
 * (left out of the core).
 */
#include "commands.h"
#include "decode/snapctx.h"
#include "out/core_elf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void export_core_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s export-core SNAP -o CORE [--exe PATH] [--seq N] [-j|-p]\n\n"
		"Write snapshot SNAP as an ELF core file: a NT_PRSTATUS note per thread\n"
		"with registers (the hitting thread first), NT_PRPSINFO, NT_FILE, and a\n"
		"PT_LOAD per captured memory range, plus the executable's read-only\n"
		"segments from the executable (or the copy capture --embed stored).\n"
		"Memory that was not captured is absent, not zero-filled: take the\n"
		"snapshot with --stop-world --mode full for a core gdb can walk.\n"
		"Open it with 'gdb EXE CORE' or 'dlv core EXE CORE'.\n\n"
		"  -o, --output CORE  the core file (replaced)\n"
		"  --exe PATH         the executable (default: the one the snapshot names)\n"
		"  --seq N            the snapshot of that sequence number in SNAP\n"
		"  -j, --json         say what was written as JSON; -p pretty\n"
		"  -h, --help         this text\n", PROG);
}

static void report(const struct gs_snapshot *s, const char *core,
		   const struct core_summary *sum)
{
	size_t i;

	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_kv_string(json_wtr, "core", core);
		jw_key(json_wtr, "threads");
		jw_start_array(json_wtr);
		for (i = 0; i < s->nr_threads; i++) {
			const struct gosnap_rec_thread *t = s->threads[i];

			jw_start_object(json_wtr);
			jw_kv_i64(json_wtr, "tid", t->tid);
			jw_kv_bool(json_wtr, "hit", t->flags & GOSNAP_THR_HIT);
			jw_kv_bool(json_wtr, "registers", t->flags & GOSNAP_THR_REGS);
			jw_end_object(json_wtr);
		}
		jw_end_array(json_wtr);
		jw_kv_u64(json_wtr, "loads", sum->loads);
		jw_kv_u64(json_wtr, "loads_from_exe", sum->from_exe);
		jw_kv_u64(json_wtr, "memory_bytes", sum->mem_bytes);
		jw_kv_u64(json_wtr, "files", sum->files);
		jw_end_object(json_wtr);
		return;
	}
	printf("%s: %zu thread%s with registers, %zu segments (%zu from the executable), "
	       "%llu bytes of memory, %zu mapped files\n", core, sum->threads,
	       sum->threads == 1 ? "" : "s", sum->loads, sum->from_exe, sum->mem_bytes,
	       sum->files);
	for (i = 0; i < s->nr_threads; i++) {
		const struct gosnap_rec_thread *t = s->threads[i];

		printf("  tid %-8d %s%s\n", t->tid,
		       t->flags & GOSNAP_THR_REGS ? "full registers" :
						    "no registers recorded: left out",
		       t->flags & GOSNAP_THR_HIT ? " (hit the probe: thread 1)" : "");
	}
}

int cmd_export_core(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output",	required_argument,	NULL, 'o' },
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 's' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	const char *exe = NULL, *core = NULL;
	struct core_summary sum;
	struct gs_snapctx ctx;
	char err[512], tmp[4096];
	long seq = -1;
	FILE *out;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "o:e:s:", opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'o': core = optarg; break;
		case 'e': exe = optarg; break;
		case 's':
			if (parse_seq("export-core", optarg, &seq))
				return EXIT_USAGE;
			break;
		case 'h': export_core_usage(stdout); return 0;
		default: export_core_usage(stderr); return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind + 1 != argc || !core) {
		p_err("export-core takes one SNAP and -o CORE (try '%s export-core --help')", PROG);
		return EXIT_USAGE;
	}
	if (gs_snapctx_open(&ctx, argv[optind], exe, seq)) {
		gs_snapctx_close(&ctx);
		return 1;
	}
	/* written beside, then renamed: a failed export leaves no half core */
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", core, (int)getpid());
	out = fopen(tmp, "wbx");
	if (!out) {
		p_err("%s: %s", tmp, strerror(errno));
		goto done;
	}
	if (core_write(&ctx.snap, ctx.x, out, &sum, err, sizeof(err))) {
		p_err("%s: %s", argv[optind], err);
		fclose(out);
		unlink(tmp);
		goto done;
	}
	if (fclose(out) || rename(tmp, core)) {
		p_err("%s: %s", core, strerror(errno));
		unlink(tmp);
		goto done;
	}
	report(&ctx.snap, core, &sum);
	ret = 0;
done:
	gs_snapctx_close(&ctx);
	return ret;
}
