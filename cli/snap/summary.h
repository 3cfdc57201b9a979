/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-VMA page accounting, in bytes, with the definitions smaps uses so
 * that the figures can be checked against /proc/PID/smaps.
 */
#ifndef GOSNAP_SUMMARY_H
#define GOSNAP_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "snap/snapshot.h"

struct gs_sum {
	uint64_t size;		/* the VMA's length */
	uint64_t rss;		/* resident: see gs_run_resident() (smaps Rss) */
	uint64_t swap;		/* swap entries, migration excluded (smaps Swap) */
	uint64_t thp;		/* resident and mapped by a PMD, huge zero page excluded */
	uint64_t zero;		/* mapped to the zero page (small or huge) */
	uint64_t pte_dirty;	/* the page table entry's dirty bit set */
	uint64_t page_dirty;	/* the page's own PG_dirty set */
	bool page_facts;	/* page_dirty is known (not GOSNAP_SF_PTE_FACTS) */
};

/*
 * A page counts as resident when it is mapped with a struct page that is
 * not the zero page (PFN-map/special mappings and the zero page are not),
 * or when a migration entry stands for it: the pages smaps counts in Rss.
 */
bool gs_run_resident(uint32_t flags);

void gs_sum_vma(const struct gs_snapshot *snap, const struct gs_vma *v,
		struct gs_sum *out);
void gs_sum_add(struct gs_sum *to, const struct gs_sum *from);

#endif /* GOSNAP_SUMMARY_H */
