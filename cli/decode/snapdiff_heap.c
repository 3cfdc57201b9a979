// SPDX-License-Identifier: GPL-2.0
/*
 * Heap and region changes between two snapshots (see snapdiff_heap.h).
 * Both span lists come ascending by base (mheap_.allspans, sorted by the
 * heap decoder), so one merge walk matches them.
 */
#include "decode/snapdiff_heap.h"
#include "decode/goheap.h"

#include <stdio.h>
#include <string.h>

static bool has_arena(const struct goheap *h, uint64_t base)
{
	size_t i;

	for (i = 0; i < h->nr_arenas; i++)
		if (h->arenas[i].base == base)
			return true;
	return false;
}

static void diff_spans(const struct goheap *ha, const struct goheap *hb, struct sd_heap *d)
{
	size_t i = 0, j = 0;

	d->spans_a = ha->nr_spans;
	d->spans_b = hb->nr_spans;
	while (i < ha->nr_spans && j < hb->nr_spans) {
		const struct gh_span *sa = &ha->spans[i], *sb = &hb->spans[j];

		if (sa->base < sb->base) {
			d->spans_freed++;
			i++;
		} else if (sb->base < sa->base) {
			d->spans_created++;
			j++;
		} else {
			d->spans_changed += sa->state != sb->state || sa->npages != sb->npages ||
					    sa->spanclass != sb->spanclass;
			i++;
			j++;
		}
	}
	d->spans_freed += ha->nr_spans - i;	/* past B's last span */
	d->spans_created += hb->nr_spans - j;
}

int snapdiff_heap(const struct gs_snapctx *a, const struct gs_snapctx *b, struct sd_heap *d)
{
	struct goheap *ha = goheap_decode(&a->snap, a->mem, a->layout, a->go_version);
	struct goheap *hb = ha ? goheap_decode(&b->snap, b->mem, b->layout, b->go_version) : NULL;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!ha || !hb) {
		goheap_free(ha);
		return -1;
	}
	gs_regions_compute(&a->snap, &a->x->im, a->bias, ha, &d->reg_a);
	gs_regions_compute(&b->snap, &b->x->im, b->bias, hb, &d->reg_b);
	if (!goheap_pages_decoded(ha) || !goheap_pages_decoded(hb)) {
		const struct goheap *bad = goheap_pages_decoded(ha) ? hb : ha;

		snprintf(d->why, sizeof(d->why), "%s's heap: %.200s", bad == ha ? "A" : "B",
			 bad->nr_problems ? bad->problems[0] : "no arena decoded");
		goto out;
	}
	d->ok = true;
	d->arenas_a = ha->nr_arenas;
	d->arenas_b = hb->nr_arenas;
	for (i = 0; i < hb->nr_arenas && d->nadded < SD_MAX_ARENAS_LISTED; i++)
		if (!has_arena(ha, hb->arenas[i].base))
			d->arenas_added[d->nadded++] = hb->arenas[i].base;
	diff_spans(ha, hb, d);
out:
	goheap_free(ha);
	goheap_free(hb);
	return 0;
}
