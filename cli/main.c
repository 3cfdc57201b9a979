// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli: the subcommand table, prefix matching, main() and its
 * check that standard output was really written.
 */
#include "commands.h"

#include <linux/gosnap.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "capture",	cmd_capture,	"capture a process's memory state into a snapshot file" },
	{ "show",	cmd_show,	"print a snapshot file: header, mappings, page runs" },
	{ "symbols",	cmd_symbols,	"resolve symbols of a Go executable" },
	{ "go",		cmd_goinfo,	"Go version and runtime globals of a binary or snapshot" },
	{ "heap",	cmd_heap,	"decode the Go heap of a snapshot: arenas, spans, residency" },
	{ "objects",	cmd_objects,	"the Go heap's objects by type: count, bytes, resident bytes" },
	{ "retain",	cmd_retain,	"what keeps the heap alive: the objects each root reaches first" },
	{ "pcsp",	cmd_pcsp,	"decode a Go function's pclntab tables (SP delta, lines, pcdata)" },
	{ "stacks",	cmd_stacks,	"unwind the hitting thread and every goroutine of a snapshot" },
	{ "sched",	cmd_sched,	"list a snapshot's Ms, Ps and scheduler counters" },
	{ "gc",		cmd_gc,		"the collector's state: cycle, workbuf lists, each P's gcWork" },
	{ "layout",	cmd_layout,	"Go runtime layouts of a binary and where each offset came from" },
	{ "export-core", cmd_export_core, "write a snapshot as an ELF core file for gdb and Delve" },
	{ "diff",	cmd_diff,	"what changed between two snapshots of one process" },
	{ "timeline",	cmd_timeline,	"freeze a starting Go program at each start-up moment, tabulate them" },
};

#define NR_CMDS	(sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: %s [-j|--json] [-p|--pretty] [-q|--quiet] COMMAND [ARGS]\n"
		"       %s help [COMMAND]\n"
		"       %s --version\n\n"
		"Commands (any unambiguous prefix works):\n", PROG, PROG, PROG);
	for (i = 0; i < NR_CMDS; i++)
		if (cmds[i].fn)
			fprintf(out, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n-q, --quiet: no progress line on a terminal (long waits, big files).\n"
		"Run '%s COMMAND --help' for a command's options.\n", PROG);
}

/* Exact name, else the one command name starts with; NULL if none or many. */
static const struct cmd *cmd_select(const char *name, int *ambiguous)
{
	const struct cmd *found = NULL;
	size_t i, len = strlen(name);

	*ambiguous = 0;
	for (i = 0; i < NR_CMDS; i++) {
		if (!cmds[i].fn)
			continue;
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
		if (len && !strncmp(cmds[i].name, name, len)) {
			if (found)
				*ambiguous = 1;
			found = &cmds[i];
		}
	}
	return *ambiguous ? NULL : found;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version",	no_argument,	NULL, 'V' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	const struct cmd *cmd;
	int opt, ambiguous;

	/* '+': stop at the subcommand; its own options are its business. */
	while ((opt = getopt_long(argc, argv, "+" COMMON_SHORT_OPTS "V", opts,
				  NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'V':
			printf("%s %s (ABI %d)\n", PROG, GOSNAP_VERSION,
			       GOSNAP_ABI_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		if (argc > 1 && (cmd = cmd_select(argv[1], &ambiguous))) {
			char *help_argv[] = { (char *)cmd->name, "--help", NULL };

			optind = 0;
			return cmd->fn(2, help_argv);
		}
		if (argc > 1) {
			p_err("%s command '%s' (try '%s help')",
			      ambiguous ? "ambiguous" : "unknown", argv[1], PROG);
			return EXIT_USAGE;
		}
		usage(stdout);
		return 0;
	}
	cmd = cmd_select(argv[0], &ambiguous);
	if (!cmd) {
		output_begin();
		p_err("%s command '%s' (try '%s help')",
		      ambiguous ? "ambiguous" : "unknown", argv[0], PROG);
		return EXIT_USAGE;
	}
	optind = 0;	/* glibc: start the subcommand's getopt afresh */
	return cmd->fn(argc, argv);
}

int main(int argc, char **argv)
{
	int ret;

	main_argc = argc;
	main_argv = argv;
	ret = run(argc, argv);

	/* A full disk or closed pipe must not look like success. */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: error writing standard output: %s\n", PROG,
			strerror(errno));
		fclose(stdout);
		return 1;
	}
	if (fclose(stdout)) {
		fprintf(stderr, "%s: error closing standard output: %s\n", PROG,
			strerror(errno));
		return 1;
	}
	return ret;
}
