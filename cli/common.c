// SPDX-License-Identifier: GPL-2.0
/*
 * What every subcommand shares (commands.h), apart from main(): output
 * options (errors themselves: base/report.c), --seq and size parsing.
 * Kept out of main.c so that tests and fuzzers can link the subcommands.
 */
#include "commands.h"
#include "base/progress.h"
#include "decode/goheap.h"
#include "decode/snapctx.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct json_writer stdout_writer;

bool common_option(int opt)
{
	switch (opt) {
	case 'p':
		pretty_output = true;
		/* fall through */
	case 'j':
		json_output = true;
		return true;
	case 'q':
		progress_quiet = true;
		return true;
	default:
		return false;
	}
}

struct goheap *snap_heap_open(struct gs_snapctx *c, const char *path,
			      const char *exe, long seq)
{
	struct goheap *h;

	if (gs_snapctx_open(c, path, exe, seq))
		return NULL;
	if (!c->layout) {
		p_err("out of memory");
		return NULL;
	}
	if (c->note[0])
		p_warn("%s", c->note);
	h = goheap_decode(&c->snap, c->mem, c->layout, c->go_version);
	if (!h)
		p_err("out of memory");
	return h;
}

int one_snapshot_arg(const char *cmd, int argc, char **argv, const char **path)
{
	if (optind != argc - 1) {
		output_begin();
		p_err("%s: %s (try '%s %s --help')", cmd,
		      optind < argc ? "one snapshot file, please" : "which snapshot file?",
		      PROG, cmd);
		return EXIT_USAGE;
	}
	*path = argv[optind];
	return 0;
}

/* A --top argument (rows per table, > 0): 0, or EXIT_USAGE after saying why. */
static int parse_top(const char *cmd, const char *arg, uint64_t *top)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v == 0) {
		output_begin();
		p_err("%s: --top wants a positive number, not '%s'", cmd, arg);
		return EXIT_USAGE;
	}
	*top = v;
	return 0;
}

int parse_heap_cmd_args(const char *cmd, int argc, char **argv,
			struct heap_cmd_args *a, void (*usage)(FILE *out))
{
	static const struct option opts[] = {
		{ "top",	required_argument,	NULL, 't' },
		{ "pprof",	required_argument,	NULL, 'P' },
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 'n' },
		{ "depth",	required_argument,	NULL, 'D' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	unsigned long long depth;
	char *end;
	int opt;

	memset(a, 0, sizeof(*a));
	a->seq = -1;
	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS, opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 't':
			if (parse_top(cmd, optarg, &a->top))
				return EXIT_USAGE;
			break;
		case 'P': a->pprof_path = optarg; break;
		case 'e': a->exe = optarg; break;
		case 'n':
			if (parse_seq(cmd, optarg, &a->seq))
				return EXIT_USAGE;
			break;
		case 'D':
			/* retain's alone: the depth of its field paths */
			if (strcmp(cmd, "retain")) {
				usage(stderr);
				return EXIT_USAGE;
			}
			errno = 0;
			depth = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || !depth ||
			    depth > HEAP_CMD_MAX_DEPTH) {
				output_begin();
				p_err("%s: --depth wants 1 to %d, not '%s'", cmd,
				      HEAP_CMD_MAX_DEPTH, optarg);
				return EXIT_USAGE;
			}
			a->depth = (unsigned int)depth;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	return one_snapshot_arg(cmd, argc, argv, &a->snap_path);
}

int write_output_file(const char *path, int (*fn)(const void *ctx, FILE *out),
		      const void *ctx)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f) {
		p_err("%s: %s", path, strerror(errno));
		return -1;
	}
	bad = fn(ctx, f);
	bad |= fclose(f);
	if (bad) {
		p_err("%s: write failed: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int parse_seq(const char *cmd, const char *arg, long *seq)
{
	char *end;

	errno = 0;
	*seq = strtol(arg, &end, 0);
	if (errno || end == arg || *end || *seq < 0) {
		output_begin();
		p_err("%s --seq: '%s' is not a number", cmd, arg);
		return EXIT_USAGE;
	}
	return 0;
}

void output_begin(void)
{
	if (json_output && !json_wtr) {
		jw_init(&stdout_writer, stdout, pretty_output);
		json_wtr = &stdout_writer;
	}
}

int parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 'k': mult = 1ULL << 10; end++; break;
	case 'm': mult = 1ULL << 20; end++; break;
	case 'g': mult = 1ULL << 30; end++; break;
	case 't': mult = 1ULL << 40; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'I')	/* 64MiB */
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || (v && mult > ~0ULL / v))
		return -1;
	*out = v * mult;
	return 0;
}


int snapshot_file_entry(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return len > 6 && !strcmp(e->d_name + len - 6, ".gsnap");
}
