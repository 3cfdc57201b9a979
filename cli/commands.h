/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the subcommands share: their entry points, the global output
 * options, and error reporting that follows -j (an {"error": …} object
 * on stdout instead of a message on stderr).
 */
#ifndef GOSNAP_COMMANDS_H
#define GOSNAP_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <getopt.h>

#include "base/json.h"
#include "base/report.h"

/* Exit statuses. */
#define EXIT_USAGE	2

/*
 * Subcommands: argv[0] is the subcommand's name; options follow, getopt
 * is reset. Return an exit status.
 */
int cmd_capture(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_goinfo(int argc, char **argv);	/* cmd_goinfo.c: "go" */
/*
 * cmd_symbols.c is written separately; until it is linked in, the weak
 * reference stays NULL and main() leaves the subcommand out.
 */
int cmd_symbols(int argc, char **argv) __attribute__((weak));
/* cmd_pcsp.c, cmd_stacks.c, cmd_sched.c (docs/stacks.md) */
int cmd_pcsp(int argc, char **argv) __attribute__((weak));
/* cmd_heap.c (docs/heap.md) */
int cmd_heap(int argc, char **argv) __attribute__((weak));
int cmd_stacks(int argc, char **argv) __attribute__((weak));
int cmd_sched(int argc, char **argv) __attribute__((weak));
int cmd_gc(int argc, char **argv) __attribute__((weak));	/* cmd_gc.c (docs/gc.md) */
int cmd_layout(int argc, char **argv) __attribute__((weak));	/* cmd_layout.c (docs/layout.md) */
int cmd_export_core(int argc, char **argv) __attribute__((weak));	/* docs/core.md */
int cmd_diff(int argc, char **argv) __attribute__((weak));	/* docs/diff.md */
int cmd_timeline(int argc, char **argv) __attribute__((weak));	/* docs/timeline.md */
int cmd_objects(int argc, char **argv) __attribute__((weak));	/* docs/objects.md */
int cmd_retain(int argc, char **argv) __attribute__((weak));	/* docs/objects.md */

/*
 * Long options every subcommand accepts (-j, -p, -q, -h): append to a
 * subcommand's table with COMMON_LONG_OPTS and handle with
 * common_option(); "jpqh" goes into its short option string.
 */
#define COMMON_SHORT_OPTS	"jpqh"
#define COMMON_LONG_OPTS					\
	{ "json",	no_argument,	NULL, 'j' },		\
	{ "pretty",	no_argument,	NULL, 'p' },		\
	{ "quiet",	no_argument,	NULL, 'q' },		\
	{ "help",	no_argument,	NULL, 'h' }

/* scandir() filter of snapshot files (*.gsnap): gc DIR, timeline. */
struct dirent;
int snapshot_file_entry(const struct dirent *e);

/* Handle -j/-p/-q; returns false for any other option. */
bool common_option(int opt);
/* Start the JSON writer if -j/-p was given (call after option parsing). */
void output_begin(void);

/*
 * A --seq argument (a snapshot's sequence number, >= 0) of command cmd:
 * 0, or EXIT_USAGE after saying what is wrong.
 */
int parse_seq(const char *cmd, const char *arg, long *seq);
/* What objects and retain take: SNAP [--top N] [--pprof FILE] [--exe PATH] [--seq N]. */
struct heap_cmd_args {
	const char	*snap_path;
	const char	*pprof_path;	/* NULL: no profile */
	const char	*exe;
	uint64_t	top;		/* rows; 0: all */
	long		seq;		/* -1: the first snapshot */
	unsigned int	depth;		/* retain --depth; 0: its default */
};

#define HEAP_CMD_MAX_DEPTH	32	/* = GG_PATH_MAX_DEPTH (decode/gograph.h) */

/*
 * Parse them for command cmd (with -j/-p/-q/-h): 0; 1 after printing
 * usage(stdout) for --help; EXIT_USAGE after saying what is wrong.
 */
int parse_heap_cmd_args(const char *cmd, int argc, char **argv,
			struct heap_cmd_args *a, void (*usage)(FILE *out));

/*
 * Write the file path (an SVG, a profile) with fn(ctx, f): 0, or -1
 * after saying which file and why (p_err).
 */
int write_output_file(const char *path, int (*fn)(const void *ctx, FILE *out),
		      const void *ctx);
/* After getopt: the one SNAP argument left, into *path; else EXIT_USAGE, said. */
int one_snapshot_arg(const char *cmd, int argc, char **argv, const char **path);

/*
 * Open snapshot seq (-1: the first) of path with exe (NULL: as the
 * snapshot says) into c and decode its Go heap: heap and objects start
 * so. NULL after reporting the error (p_err); close c either way.
 */
struct gs_snapctx;
struct goheap;
struct goheap *snap_heap_open(struct gs_snapctx *c, const char *path,
			      const char *exe, long seq);

/* Parse "64M", "1g", "4096": bytes. Returns 0, or -1 if malformed. */
int parse_size(const char *s, unsigned long long *out);

#endif /* GOSNAP_COMMANDS_H */
