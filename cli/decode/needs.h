/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a decoder reads of the Go runtime, declared as a static table:
 * struct fields (dotted paths), type sizes, constants and globals. A
 * decoder resolves its table once through the layout (layout/layout.h),
 * which records every miss in its unavailable list; `gosnap-cli layout
 * --needs` prints every decoder's table with the answers, and
 * selftests/host/layout.t requires each non-optional need answered
 * without DWARF.
 */
#ifndef GOSNAP_NEEDS_H
#define GOSNAP_NEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/layout.h"

enum gs_need_kind {
	GS_NEED_FIELD,		/* type.name: offset and size */
	GS_NEED_SIZE,		/* type's size */
	GS_NEED_CONST,		/* name's value */
	GS_NEED_GLOBAL,		/* name's address */
};

struct gs_need {
	enum gs_need_kind kind;
	const char	*type;		/* FIELD, SIZE; NULL otherwise */
	const char	*name;		/* FIELD: dotted path; CONST, GLOBAL */
	const char	*alt;		/* the other releases' spelling, or NULL */
	bool		optional;	/* some releases lack it: not required */
};

#define GS_NEED_F(t, n)		{ GS_NEED_FIELD, (t), (n), NULL, false }
#define GS_NEED_F_ALT(t, n, a)	{ GS_NEED_FIELD, (t), (n), (a), false }
#define GS_NEED_F_OPT(t, n)	{ GS_NEED_FIELD, (t), (n), NULL, true }
#define GS_NEED_S(t)		{ GS_NEED_SIZE, (t), NULL, NULL, false }
#define GS_NEED_C(n)		{ GS_NEED_CONST, NULL, (n), NULL, false }
#define GS_NEED_C_OPT(n)	{ GS_NEED_CONST, NULL, (n), NULL, true }
#define GS_NEED_C_ALT(n, a)	{ GS_NEED_CONST, NULL, (n), (a), false }
#define GS_NEED_G(n)		{ GS_NEED_GLOBAL, NULL, (n), NULL, false }
#define GS_NEED_G_ALT(n, a)	{ GS_NEED_GLOBAL, NULL, (n), (a), false }

struct gs_needs {
	const char		*decoder;	/* "goroutines", "sched", ... */
	const struct gs_need	*v;
	size_t			n;
};

/* The tables, one per decoder (defined in each decoder's file). */
extern const struct gs_needs gs_goroutines_needs;
extern const struct gs_needs gs_sched_needs;
extern const struct gs_needs gs_threads_needs;
extern const struct gs_needs gs_heap_needs;
extern const struct gs_needs gs_gc_needs;
extern const struct gs_needs gs_gc_spanq_needs;
extern const struct gs_needs gs_reentry_needs;
extern const struct gs_needs gs_objects_needs;
extern const struct gs_needs gs_graph_needs;

/* One need answered: which spelling, and the value. */
struct gs_need_ans {
	bool		ok;
	const char	*name;		/* the spelling that answered */
	enum gs_layout_src src;
	uint64_t	value;		/* offset, size, constant, address */
	uint64_t	size;		/* FIELD: the field's size */
	char		type[GS_TYPE_NAME_MAX];	/* FIELD, GLOBAL: its type, or "" */
};

/*
 * Ask l for every need of t into ans[t->n]. A miss of a non-optional
 * need is recorded as unavailable (its first spelling); an optional one
 * is not. Alternatives are probed first, silently.
 */
void gs_needs_resolve(struct gs_layout *l, const struct gs_needs *t,
		      struct gs_need_ans *ans);

/* A FIELD answer's offset, or -1. */
static inline int64_t gs_need_off(const struct gs_need_ans *a)
{
	return a->ok ? (int64_t)a->value : -1;
}

const char *gs_need_kind_name(enum gs_need_kind k);

#endif /* GOSNAP_NEEDS_H */
