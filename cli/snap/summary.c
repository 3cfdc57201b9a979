// SPDX-License-Identifier: GPL-2.0
#include "snap/summary.h"

#include <string.h>

bool gs_run_resident(uint32_t flags)
{
	if (flags & GOSNAP_PG_MIGRATION)
		return true;
	return (flags & GOSNAP_PG_PRESENT) &&
	       !(flags & (GOSNAP_PG_ZERO | GOSNAP_PG_SPECIAL));
}

void gs_sum_vma(const struct gs_snapshot *snap, const struct gs_vma *v,
		struct gs_sum *out)
{
	uint64_t ps = snap->hdr->page_size;
	bool pte_facts = snap->hdr->flags & GOSNAP_SF_PTE_FACTS;
	/* pte facts: an anonymous VMA's pages are its own */
	uint32_t anon = pte_facts && (v->rec->flags & GOSNAP_VMA_ANON) ? GOSNAP_PG_ANON : 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->page_facts = !pte_facts;
	out->size = v->rec->end - v->rec->start;
	for (i = 0; i < v->nr_runs; i++) {
		uint32_t f = v->runs[i].flags | anon;
		uint64_t bytes = (uint64_t)v->runs[i].npages * ps;

		if (gs_run_resident(f))
			out->rss += bytes;
		if ((f & GOSNAP_PG_SWAP) && !(f & GOSNAP_PG_MIGRATION))
			out->swap += bytes;
		/*
		 * smaps' AnonHugePages: anonymous pages mapped by a PMD. A THP
		 * that was split into PTEs (mprotect, partial munmap) still has
		 * the THP flag, but no longer counts.
		 */
		if ((f & GOSNAP_PG_PMD) && (f & GOSNAP_PG_ANON) &&
		    (f & GOSNAP_PG_PRESENT) && !(f & GOSNAP_PG_ZERO))
			out->thp += bytes;
		if (f & GOSNAP_PG_ZERO)
			out->zero += bytes;
		if (f & GOSNAP_PG_PTE_DIRTY)
			out->pte_dirty += bytes;
		if (f & GOSNAP_PG_PAGE_DIRTY)
			out->page_dirty += bytes;
	}
}

void gs_sum_add(struct gs_sum *to, const struct gs_sum *from)
{
	to->size += from->size;
	to->rss += from->rss;
	to->swap += from->swap;
	to->thp += from->thp;
	to->zero += from->zero;
	to->pte_dirty += from->pte_dirty;
	to->page_dirty += from->page_dirty;
	to->page_facts = from->page_facts;	/* one snapshot: all alike */
}
