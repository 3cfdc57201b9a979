/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growing stack of 64-bit words: the work lists of the object graph
 * (decode/gograph.c) and the type flow (decode/gotypeflow.c), each entry
 * an object (span << 20 | slot) still to scan.
 */
#ifndef GOSNAP_WORDSTACK_H
#define GOSNAP_WORDSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct gs_wordstack {
	uint64_t	*v;
	size_t		n, cap;
};

/* Push w; false (nothing pushed) when out of memory. */
static inline bool gs_wordstack_push(struct gs_wordstack *s, uint64_t w)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return false;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = w;
	return true;
}

static inline uint64_t gs_wordstack_pop(struct gs_wordstack *s)
{
	return s->v[--s->n];
}

static inline void gs_wordstack_free(struct gs_wordstack *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

#endif /* GOSNAP_WORDSTACK_H */
