// SPDX-License-Identifier: GPL-2.0
/*
 * The GC decoders' list of problems (gogc.h): bounded, the last slot
 * saying that more were not shown. Apart from gogc.c so that its parts
 * (gogc_spanq.c) report without using each other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gogc.h"

void gs_gc_problem(struct gs_gc *g, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (g->nr_problems >= GS_GC_MAX_PROBLEMS)
		return;
	if (g->nr_problems == GS_GC_MAX_PROBLEMS - 1) {
		snprintf(buf, sizeof(buf), "more problems not shown");
	} else {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
	}
	g->problems[g->nr_problems] = strdup(buf);
	if (g->problems[g->nr_problems])
		g->nr_problems++;
}
