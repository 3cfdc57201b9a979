// SPDX-License-Identifier: GPL-2.0
/*
 * What every subcommand shares (commands.h), apart from main(): output
 * options, JSON-aware error reporting, size parsing. Kept out of main.c
 * so that tests and fuzzers can link the subcommands.
 */
#include "commands.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool json_output;
bool pretty_output;
struct json_writer *json_wtr;
int main_argc;
char **main_argv;
static struct json_writer stdout_writer;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", PROG, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (json_wtr) {
		char *msg = NULL;

		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		/*
		 * Commands check before they print, so this is at depth 0;
		 * inside a half-written document, stderr keeps stdout parseable.
		 */
		if (json_wtr->depth == 0) {
			jw_start_object(json_wtr);
			jw_kv_string(json_wtr, "error", msg ? msg : "out of memory");
			jw_end_object(json_wtr);
		} else {
			fprintf(stderr, "%s: error: %s\n", PROG, msg ? msg : "out of memory");
		}
		free(msg);
	} else {
		vreport("error: ", fmt, ap);
	}
	va_end(ap);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

bool common_option(int opt)
{
	switch (opt) {
	case 'p':
		pretty_output = true;
		/* fall through */
	case 'j':
		json_output = true;
		return true;
	default:
		return false;
	}
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

