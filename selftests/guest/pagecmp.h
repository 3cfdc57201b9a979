/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compare a snapshot's page runs with the kernel's own view of the same
 * process: every page of every VMA against /proc/PID/pagemap, and present
 * pages against /proc/kpageflags. Mismatches are logged to stderr as
 * "# " lines naming the address, our flags and the kernel's words.
 */
#ifndef GUEST_PAGECMP_H
#define GUEST_PAGECMP_H

#include <stdint.h>
#include <sys/types.h>

#include "procmaps.h"
#include "snap/snapshot.h"

/* What the kernel reported, counted while comparing (pages). */
struct pagecmp_stats {
	uint64_t vmas;			/* compared */
	uint64_t vmas_pfnmap;		/* VM_PFNMAP: pagemap does not walk them */
	uint64_t pages;
	uint64_t present;
	uint64_t swapped;		/* pagemap swapped bit */
	uint64_t soft_dirty;
	uint64_t unpopulated_soft_dirty; /* no run, soft-dirty from VM_SOFTDIRTY */
	uint64_t zero;			/* kpageflags ZERO_PAGE without THP */
	uint64_t huge_zero;		/* kpageflags ZERO_PAGE with THP */
	uint64_t kpf_thp;		/* kpageflags THP (any large folio) */
	uint64_t pmd_mapped;		/* our GOSNAP_PG_PMD pages */
	uint64_t pte_mapped_large;	/* kpageflags THP, not PMD-mapped */
	uint64_t anon;			/* kpageflags ANON */
	uint64_t file;			/* pagemap file bit */
	uint64_t mismatches;		/* pages (and VMAs) that differ */
};

/*
 * Compare everything. At most max_logged mismatching pages are printed (a
 * few per VMA, and a count for each VMA with more). Returns
 * 0 (look at st->mismatches) or -errno if an oracle could not be read.
 */
int pagecmp_run(pid_t pid, const struct gs_snapshot *snap,
		const struct proc_vma *vmas, size_t nr_vmas, unsigned int max_logged,
		struct pagecmp_stats *st);

enum pagecmp_vma_kind {
	PAGECMP_VMA_WALKED,	/* pagemap walks its page tables */
	PAGECMP_VMA_PFNMAP,	/* VM_PFNMAP: pagemap reads it as a hole */
	PAGECMP_VMA_GATE,	/* [vsyscall]: no VMA in the mm at all */
};

enum pagecmp_vma_kind pagecmp_vma_kind(const struct proc_vma *v);

#endif /* GUEST_PAGECMP_H */
