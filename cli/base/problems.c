// SPDX-License-Identifier: GPL-2.0
/*
 * The bounded problem list of problems.h.
 */
#include "base/problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gs_vproblem(char ***v, size_t *nr, size_t max, const char *fmt, va_list ap)
{
	char buf[256];
	char **n;

	if (*nr >= max)
		return;
	if (*nr == max - 1)
		snprintf(buf, sizeof(buf), "more problems not shown");
	else
		vsnprintf(buf, sizeof(buf), fmt, ap);
	n = realloc(*v, (*nr + 1) * sizeof(*n));
	if (!n)
		return;
	*v = n;
	n[*nr] = strdup(buf);
	if (n[*nr])
		(*nr)++;
}

void gs_problem(struct gs_problems *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gs_vproblem(&p->v, &p->nr, p->max, fmt, ap);
	va_end(ap);
}

void gs_problems_free(struct gs_problems *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->nr = 0;
}
