/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a probe on a Go function's entry tells a call from its re-entry
 * through morestack (see GOSNAP_PROBE_BODY and _NO_REENTRY in the ABI):
 * read from the function's code, for capture and for `pcsp` to show.
 */
#ifndef GOSNAP_REENTRY_H
#define GOSNAP_REENTRY_H

#include <stddef.h>
#include <stdint.h>

struct gs_func;
struct gs_layout;
struct gs_mem;
struct gs_symtab;

enum gs_reentry {
	GS_REENTRY_GUESS,	/* not read: the module guesses by signature */
	GS_REENTRY_NEVER,	/* never calls morestack: every entry is a call */
	GS_REENTRY_BODY,	/* a stack check: a second probe past it */
};

/*
 * The function fn, its code read through m; guard_off is g.stackguard0's
 * offset (-1 unknown: no body probe). With GS_REENTRY_BODY, *check_len is
 * the length of the stack check: the body starts at fn->entry + it.
 */
enum gs_reentry gs_func_reentry(const struct gs_symtab *st, const struct gs_mem *m,
				const struct gs_func *fn, long guard_off,
				size_t *check_len);

/* "guess", "never", "body". */
const char *gs_reentry_name(enum gs_reentry r);

/* g.stackguard0's offset in the binary's layout l (NULL: none), or -1. */
long gs_g_guard_offset(struct gs_layout *l);

#endif /* GOSNAP_REENTRY_H */
