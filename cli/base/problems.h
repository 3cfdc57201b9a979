/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A decoder's list of problems: what it could not read or make sense of,
 * one message each, bounded (the last slot says that more were not
 * shown), so a corrupt snapshot cannot grow it without end.
 */
#ifndef GOSNAP_PROBLEMS_H
#define GOSNAP_PROBLEMS_H

#include <stdarg.h>
#include <stddef.h>

struct gs_problems {
	char	**v;
	size_t	nr;
	size_t	max;		/* messages kept, the "more" line included */
};

/*
 * Add one message to the list (*v, *nr) of at most max messages, the
 * last of them "more problems not shown"; silently nothing when out of
 * memory. For a decoder whose model keeps the list as two fields.
 */
void gs_vproblem(char ***v, size_t *nr, size_t max, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* Add one message (printf format) to p. */
void gs_problem(struct gs_problems *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gs_problems_free(struct gs_problems *p);

#endif /* GOSNAP_PROBLEMS_H */
