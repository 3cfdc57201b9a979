// SPDX-License-Identifier: GPL-2.0
/*
 * A Go function re-enters itself only through morestack, which its
 * prologue's stack check calls: no call of morestack, no re-entry; a check
 * of a form Go emits, a body to put the second probe on. See reentry.h.
 */
#include <stdlib.h>

#include "decode/gomem.h"
#include "decode/reentry.h"
#include "exe/elfsym.h"
#include "exe/splitcheck.h"
#include "decode/needs.h"

/* Functions read whole to look for a morestack call, at most. */
#define FUNC_CODE_MAX	(1U << 20)

/* The addresses a stack check calls; how many were found. */
static size_t morestack_addrs(const struct gs_symtab *st, uint64_t out[2])
{
	static const char *const names[] = {
		"runtime.morestack", "runtime.morestack_noctxt",
	};
	size_t i, n = 0;

	for (i = 0; i < 2; i++) {
		const struct gs_func *fn = gs_symtab_find_name(st, names[i]);

		if (fn)
			out[n++] = fn->entry;
	}
	return n;
}

enum gs_reentry gs_func_reentry(const struct gs_symtab *st, const struct gs_mem *m,
				const struct gs_func *fn, long guard_off,
				size_t *check_len)
{
	enum gs_reentry r = GS_REENTRY_GUESS;
	uint64_t more[2];
	size_t nmore = morestack_addrs(st, more), avail;
	uint8_t *code;

	if (!fn->size || fn->size > FUNC_CODE_MAX)
		return r;
	code = malloc(fn->size);
	if (!code)
		return r;
	for (avail = fn->size; avail && !gs_mem_read(m, fn->entry, code, avail); )
		avail--;
	/* both found and the whole function read, or it cannot say "never" */
	if (avail == fn->size && nmore == 2 &&
	    !gs_code_branches_to(code, avail, fn->entry, more, nmore)) {
		r = GS_REENTRY_NEVER;
	} else if (guard_off >= 0) {
		*check_len = gs_split_check_len(code, avail, guard_off);
		if (*check_len)
			r = GS_REENTRY_BODY;
	}
	free(code);
	return r;
}

const char *gs_reentry_name(enum gs_reentry r)
{
	switch (r) {
	case GS_REENTRY_NEVER:
		return "never";
	case GS_REENTRY_BODY:
		return "body";
	default:
		return "guess";
	}
}

/* What the stack check compares with; without it, no body probe. */
static const struct gs_need re_needs[] = {
	GS_NEED_F_OPT("runtime.g", "stackguard0"),
};
const struct gs_needs gs_reentry_needs = { "reentry", re_needs, 1 };

long gs_g_guard_offset(struct gs_layout *l)
{
	struct gs_need_ans a = { 0 };

	if (l)
		gs_needs_resolve(l, &gs_reentry_needs, &a);
	return a.ok && a.size == 8 ? (long)a.value : -1;
}
