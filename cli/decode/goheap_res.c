// SPDX-License-Identifier: GPL-2.0
/*
 * The residency join: how the OS pages of an address range stand in the
 * snapshot's page runs (present, swapped, THP-backed, never populated).
 * Runs cover populated pages only; a page no run covers was never touched.
 */
#include "decode/goheap.h"

#include <linux/gosnap.h>

/* The first run of v that ends after addr (v->nr_runs if none). */
static size_t first_run_after(const struct gs_vma *v, uint64_t addr,
			      uint64_t ps)
{
	size_t lo = 0, hi = v->nr_runs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gosnap_page_run *r = &v->runs[mid];

		if (r->addr + (uint64_t)r->npages * ps <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* thp: GOSNAP_PG_THP, or with pte facts (no THP flag) GOSNAP_PG_PMD */
static void count_run(const struct gosnap_page_run *r, uint64_t n,
		      uint32_t thp, struct gh_res *out)
{
	if (r->flags & GOSNAP_PG_PRESENT) {
		out->resident += n;
		if (r->flags & thp)
			out->thp += n;
	} else if (r->flags & (GOSNAP_PG_SWAP | GOSNAP_PG_MIGRATION)) {
		out->swapped += n;
	} else {
		out->untouched += n;	/* a marker: nothing mapped */
	}
}

/* The lowest VMA start above addr, or end if none is below it. */
static uint64_t next_vma_start(const struct gs_snapshot *snap, uint64_t addr,
			       uint64_t end)
{
	uint64_t best = end;
	size_t i;

	for (i = 0; i < snap->nr_vmas; i++) {
		uint64_t s = snap->vmas[i].rec->start;

		if (s > addr && s < best)
			best = s;
	}
	return best;
}

void gh_res_range(const struct gs_snapshot *snap, uint64_t start, uint64_t end,
		  struct gh_res *out)
{
	uint64_t ps = snap->hdr ? snap->hdr->page_size : 4096;
	uint32_t thp = snap->hdr && (snap->hdr->flags & GOSNAP_SF_PTE_FACTS) ?
		       GOSNAP_PG_PMD : GOSNAP_PG_THP;
	uint64_t addr = start;

	if (!ps || end <= start)
		return;
	out->pages += (end - start) / ps;
	while (addr < end) {
		const struct gs_vma *v = gs_find_vma(snap, addr);
		uint64_t vend, cur;
		size_t i;

		if (!v) {
			uint64_t next = next_vma_start(snap, addr, end);

			out->untouched += (next - addr) / ps;
			addr = next;
			continue;
		}
		vend = v->rec->end < end ? v->rec->end : end;
		cur = addr;
		for (i = first_run_after(v, addr, ps); i < v->nr_runs; i++) {
			const struct gosnap_page_run *r = &v->runs[i];
			uint64_t rend = r->addr + (uint64_t)r->npages * ps;
			uint64_t rs = r->addr > cur ? r->addr : cur;
			uint64_t re = rend < vend ? rend : vend;

			if (r->addr >= vend)
				break;
			if (rs > cur)
				out->untouched += (rs - cur) / ps;
			if (re > rs)
				count_run(r, (re - rs) / ps, thp, out);
			cur = re > cur ? re : cur;
		}
		if (vend > cur)
			out->untouched += (vend - cur) / ps;
		addr = vend;
	}
}
