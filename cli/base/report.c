// SPDX-License-Identifier: GPL-2.0
/*
 * Errors and warnings for the whole tool, JSON-aware (see report.h). In
 * base/ so that every stage can report without knowing the commands.
 */
#include "base/report.h"
#include "base/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool json_output;
bool pretty_output;
struct json_writer *json_wtr;
int main_argc;
char **main_argv;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	progress_end();		/* a message never shares the status line */
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
		progress_end();
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
