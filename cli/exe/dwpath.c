// SPDX-License-Identifier: GPL-2.0
/*
 * The field path of a byte offset in a DWARF type (dwtypes.h,
 * dwt_field_path): ".buf", "[*].elems[*]", as retain names what a
 * pointer word of an object is, down to the first pointer, slice,
 * string or interface (or a word no field covers: "+0x18").
 */
#include "exe/dwtypes.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define DWT_PATH_DEPTH	16

/* The field of struct ty that holds offset off (the last one starting at or before it). */
static const struct dwt_field *field_at(const struct dwtypes *t, uint32_t ty, uint64_t off)
{
	const struct dwt *d = dwt_get(t, ty);
	const struct dwt_field *best = NULL;
	uint32_t i;

	for (i = 0; i < d->nfields; i++) {
		const struct dwt_field *f = dwt_field(t, ty, i);
		uint64_t size = dwt_get(t, f->type)->size;

		if (f->off <= off && off < f->off + (size ? size : 1))
			best = f;
	}
	return best;
}

void dwt_field_path(const struct dwtypes *t, uint32_t ty, uint64_t off, char *buf,
		    size_t len)
{
	size_t at = 0;
	int depth;

	buf[0] = '\0';
	for (depth = 0; depth < DWT_PATH_DEPTH && at < len; depth++) {
		const struct dwt *d = dwt_get(t, ty);
		const struct dwt_field *f;
		uint64_t esize;
		int n = 0;

		if (d->kind == DWT_STRUCT) {
			f = field_at(t, ty, off);
			if (!f) {
				n = snprintf(buf + at, len - at, "+0x%" PRIx64, off);
				at += n > 0 ? (size_t)n : 0;
				return;
			}
			n = snprintf(buf + at, len - at, ".%s", f->name);
			off -= f->off;
			ty = f->type;
		} else if (d->kind == DWT_ARRAY && d->elem != DWT_NONE &&
			   (esize = dwt_get(t, d->elem)->size)) {
			n = snprintf(buf + at, len - at, "[*]");
			off %= esize;
			ty = d->elem;
		} else {
			return;	/* a pointer, slice, string, interface, scalar */
		}
		at += n > 0 ? (size_t)n : 0;
	}
}
