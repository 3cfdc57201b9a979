/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heap side of `gosnap-cli diff` (docs/diff.md): resident memory by
 * region in A and B (decode/regions.h), and the arenas and spans that
 * appeared, went or changed, matched by base address.
 */
#ifndef GOSNAP_SNAPDIFF_HEAP_H
#define GOSNAP_SNAPDIFF_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/regions.h"
#include "decode/snapctx.h"

#define SD_MAX_ARENAS_LISTED	64

struct sd_heap {
	struct gs_regions reg_a, reg_b;
	bool		ok;			/* both heaps decoded */
	char		why[256];		/* !ok: which and why not */
	uint64_t	arenas_a, arenas_b;
	uint64_t	arenas_added[SD_MAX_ARENAS_LISTED];	/* bases, in B only */
	size_t		nadded;			/* listed (all up to the bound) */
	uint64_t	spans_a, spans_b;
	uint64_t	spans_created;		/* base in B only */
	uint64_t	spans_freed;		/* base in A only */
	uint64_t	spans_changed;		/* same base: another state, size or class */
};

/* Fill h from both snapshots; 0 (see h->ok), or -1 out of memory. */
int snapdiff_heap(const struct gs_snapctx *a, const struct gs_snapctx *b, struct sd_heap *h);

#endif /* GOSNAP_SNAPDIFF_HEAP_H */
