// SPDX-License-Identifier: GPL-2.0
/*
 * A type's leaves (dwtypes.h, dwt_leaves): the words the type flow acts
 * on, found once through the type's structs and arrays, so that walking
 * ten million objects of one type is a loop over a short list instead of
 * a walk down its fields each time.
 */
#include "exe/dwtypes.h"

#include <string.h>

#define DWT_LEAF_DEPTH	64

static bool is_leaf(const struct dwt *d)
{
	switch (d->kind) {
	case DWT_PTR:
	case DWT_SLICE:
	case DWT_STRING:
	case DWT_EFACE:
	case DWT_IFACE:
		return true;
	case DWT_STRUCT:
		return d->swiss_map;	/* its dirPtr depends on dirLen */
	default:
		return false;
	}
}

/* Append ty's leaves at off to v (*n of max); false when they do not fit. */
static bool flatten(const struct dwtypes *t, uint32_t ty, uint64_t off,
		    struct dwt_leaf *v, size_t *n, int depth)
{
	const struct dwt *d = dwt_get(t, ty);
	uint64_t i, esize;
	uint32_t f;

	if (!d->hasptr)
		return true;
	if (depth > DWT_LEAF_DEPTH)
		return false;
	if (is_leaf(d)) {
		if (*n == DWT_MAX_LEAVES)
			return false;
		v[(*n)++] = (struct dwt_leaf){ off, ty };
		return true;
	}
	if (d->kind == DWT_STRUCT) {
		for (f = 0; f < d->nfields; f++) {
			const struct dwt_field *fl = dwt_field(t, ty, f);

			if (!flatten(t, fl->type, off + fl->off, v, n, depth + 1))
				return false;
		}
		return true;
	}
	if (d->kind == DWT_ARRAY && d->elem != DWT_NONE) {
		esize = dwt_get(t, d->elem)->size;
		if (d->count > DWT_MAX_LEAVES)
			return false;
		for (i = 0; esize && i < d->count; i++)
			if (!flatten(t, d->elem, off + i * esize, v, n, depth + 1))
				return false;
	}
	return true;
}

const struct dwt_leaf *dwt_leaves(struct dwtypes *t, uint32_t ty, size_t *n)
{
	struct dwt_leaf tmp[DWT_MAX_LEAVES], *v;
	struct dwt *d = dwt_mut(t, ty);
	size_t k = 0, at;

	if (d->leaves_state == 0) {
		/* flatten builds nothing (struct fields and array elements
		 * are built with their type): d stays valid */
		if (!flatten(t, ty, 0, tmp, &k, 0)) {
			d->leaves_state = 2;
		} else {
			v = dwt_leaf_table(t, k, &at);
			if (!v)
				return NULL;	/* out of memory: walk it */
			memcpy(v + at, tmp, k * sizeof(*tmp));
			d->leaves = (uint32_t)at;
			d->nleaves = (uint32_t)k;
			d->leaves_state = 1;
		}
	}
	if (d->leaves_state != 1)
		return NULL;
	v = dwt_leaf_table(t, 0, &at);
	if (!v)
		return NULL;
	*n = d->nleaves;
	return v + d->leaves;
}
