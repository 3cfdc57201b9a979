// SPDX-License-Identifier: GPL-2.0
/*
 * Page-by-page comparison of a snapshot with pagemap and kpageflags.
 *
 * For each page the snapshot's run (or its absence) is turned into the
 * pagemap word it implies, and that word must equal the kernel's. Bits
 * pagemap does not carry (THP, zero page, anon, the page's dirty flag,
 * swap cache) are compared with kpageflags of the page's PFN. Whether a
 * page is mapped by a PMD neither says: a PMD-mapped page must be a THP
 * page (kpageflags), and the number of PMD-mapped pages per VMA must equal
 * what smaps counts (AnonHugePages + ShmemPmdMapped + FilePmdMapped).
 */
#include "pagecmp.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "pgflags.h"

#define CHUNK_PAGES	65536	/* pagemap entries read at once */
#define KPF_WINDOW	512	/* kpageflags entries read at once */

#define PG_SWAP_LIKE	(GOSNAP_PG_SWAP | GOSNAP_PG_MIGRATION | GOSNAP_PG_MARKER)
/* What only the page tells: never set with GOSNAP_SF_PTE_FACTS. */
#define PG_PAGE_FACTS	(GOSNAP_PG_ANON | GOSNAP_PG_FILE | GOSNAP_PG_THP | \
			 GOSNAP_PG_EXCLUSIVE | GOSNAP_PG_PAGE_DIRTY | GOSNAP_PG_SWAPCACHE)
/* The pagemap bits we model: 55-57 and 61-63 (58, the guard bit, is not). */
#define PME_FLAGS	(PME_SOFT_DIRTY | PME_EXCLUSIVE | PME_UFFD_WP | \
			 PME_FILE | PME_SWAP | PME_PRESENT)

struct cmp {
	pid_t pid;
	int pagemap_fd;
	int kpf_fd;
	uint64_t page_size;
	bool pfn_reported;		/* GOSNAP_SF_PFN */
	bool pte_facts;			/* GOSNAP_SF_PTE_FACTS */
	unsigned int max_logged;	/* in all */
	unsigned int vma_logged;	/* in the current VMA */
	uint64_t vma_mismatches;
	struct pagecmp_stats *st;
	/* The last window of kpageflags read: huge (zero) pages repeat PFNs. */
	uint64_t kpf_base;		/* its first PFN, UINT64_MAX if none */
	uint64_t kpf_buf[KPF_WINDOW];
};

/* Pages logged per VMA: distinct problems in other VMAs get shown too. */
#define MAX_LOGGED_PER_VMA	4

enum pagecmp_vma_kind pagecmp_vma_kind(const struct proc_vma *v)
{
	if (!strcmp(v->path, "[vsyscall]"))
		return PAGECMP_VMA_GATE;
	/* The page walker hands VM_PFNMAP VMAs to pagemap as holes. */
	if (proc_vma_flag(v, "pf"))
		return PAGECMP_VMA_PFNMAP;
	return PAGECMP_VMA_WALKED;
}

/* The pagemap word a run implies for its page idx; *frame_known says
 * whether bits 0-54 can be compared. */
static uint64_t implied_pme(const struct cmp *c, const struct gosnap_page_run *run,
			    uint64_t idx, uint32_t vma_flags, bool *frame_known)
{
	uint64_t pme = 0;

	*frame_known = true;
	if (!run)
		return vma_flags & GOSNAP_VMA_SOFTDIRTY ? PME_SOFT_DIRTY : 0;
	if (run->flags & GOSNAP_PG_PRESENT) {
		pme |= PME_PRESENT;
		/* With PFNs reported, a present page without one is wrong. */
		if (!c->pfn_reported)
			*frame_known = false;
		else if (run->flags & GOSNAP_PG_PFN)
			pme |= (run->pfn + idx) & PME_PFN_MASK;
	} else if (run->flags & PG_SWAP_LIKE) {
		pme |= PME_SWAP;
		/* pagemap: type in the low bits, offset (or PFN) above. */
		if (!c->pfn_reported)
			*frame_known = false;
		else if (run->flags & GOSNAP_PG_PFN)
			pme |= ((run->swap_type & ((1U << PME_SWAP_TYPE_BITS) - 1)) |
				((run->pfn + idx) << PME_SWAP_TYPE_BITS)) & PME_PFN_MASK;
		else if (!(run->flags & GOSNAP_PG_SWAP))
			*frame_known = false;	/* a marker need not carry one */
	}
	if (run->flags & GOSNAP_PG_FILE)
		pme |= PME_FILE;
	if (run->flags & GOSNAP_PG_EXCLUSIVE)
		pme |= PME_EXCLUSIVE;
	if (run->flags & GOSNAP_PG_SOFT_DIRTY)
		pme |= PME_SOFT_DIRTY;
	if (run->flags & GOSNAP_PG_UFFD_WP)
		pme |= PME_UFFD_WP;
	return pme;
}

static void log_page(struct cmp *c, const struct proc_vma *v, uint64_t addr,
		     const struct gosnap_page_run *run, uint64_t pme,
		     const uint64_t *kpf, const char *what)
{
	char ours[256], pg[192], pm[160], kf[96];

	c->st->mismatches++;
	c->vma_mismatches++;
	if (c->vma_logged >= MAX_LOGGED_PER_VMA || !c->max_logged)
		return;
	c->vma_logged++;
	c->max_logged--;
	if (run)
		snprintf(ours, sizeof(ours), "%s pfn=%#" PRIx64 " swap_type=%u",
			 pg_flags_str(run->flags, pg, sizeof(pg)),
			 (uint64_t)(run->pfn + (addr - run->addr) / c->page_size),
			 run->swap_type);
	else
		snprintf(ours, sizeof(ours), "no run");
	fprintf(stderr, "# %#" PRIx64 " in %#" PRIx64 "-%#" PRIx64 " %s: %s\n"
		"#   ours: %s\n#   pagemap: %s\n",
		addr, v->start, v->end, v->path[0] ? v->path : "[anon]", what,
		ours, pme_str(pme, pm, sizeof(pm)));
	if (kpf)
		fprintf(stderr, "#   kpageflags: %#" PRIx64 " (%s)\n", *kpf,
			kpf_str(*kpf, kf, sizeof(kf)));
}

/* kpageflags checks of one present page; kpf is its word. */
static void compare_kpf(struct cmp *c, const struct proc_vma *v, uint64_t addr,
			const struct gosnap_page_run *run, uint64_t pme,
			uint64_t kpf)
{
	uint32_t f = run->flags;
	bool thp = kpf & KPF(THP), zero = kpf & KPF(ZERO_PAGE);

	if (kpf & KPF(NOPAGE))
		return;
	c->st->anon += !!(kpf & KPF(ANON));
	c->st->kpf_thp += thp;
	c->st->zero += zero && !thp;
	c->st->huge_zero += zero && thp;
	c->st->pmd_mapped += !!(f & GOSNAP_PG_PMD);
	c->st->pte_mapped_large += thp && !(f & GOSNAP_PG_PMD);

	if (!!(f & GOSNAP_PG_ZERO) != zero)
		log_page(c, v, addr, run, pme, &kpf, "ZERO differs from kpageflags ZERO_PAGE");
	else if ((f & GOSNAP_PG_PMD) && !thp)
		log_page(c, v, addr, run, pme, &kpf, "PMD-mapped but kpageflags has no THP");
	else if (c->pte_facts && ((f & PG_PAGE_FACTS) || run->mapcount))
		log_page(c, v, addr, run, pme, &kpf, "pte facts, yet a fact of the page");
	else if (c->pte_facts)
		return;		/* the page's own facts are not told */
	else if (!!(f & GOSNAP_PG_ANON) != !!(kpf & KPF(ANON)))
		log_page(c, v, addr, run, pme, &kpf, "ANON differs from kpageflags ANON");
	else if (!!(f & GOSNAP_PG_PAGE_DIRTY) != !!(kpf & KPF(DIRTY)))
		log_page(c, v, addr, run, pme, &kpf, "PAGE_DIRTY differs from kpageflags DIRTY");
	else if (!!(f & GOSNAP_PG_THP) != thp)
		log_page(c, v, addr, run, pme, &kpf, "THP differs from kpageflags THP");
	else if ((f & GOSNAP_PG_PMD) && !thp)
		log_page(c, v, addr, run, pme, &kpf, "PMD-mapped but kpageflags has no THP");
	else if (!!(f & GOSNAP_PG_SWAPCACHE) != !!(kpf & KPF(SWAPCACHE)))
		log_page(c, v, addr, run, pme, &kpf, "SWAPCACHE differs from kpageflags SWAPCACHE");
}

/* kpageflags of one PFN, a window at a time (one read per THP, not 512). */
static int read_kpf(struct cmp *c, uint64_t pfn, uint64_t *kpf)
{
	uint64_t base = pfn & ~(uint64_t)(KPF_WINDOW - 1);

	if (c->kpf_base != base) {
		if (kpageflags_read(c->kpf_fd, base, c->kpf_buf, KPF_WINDOW)) {
			/* near the end of memory: one entry */
			c->kpf_base = UINT64_MAX;
			return kpageflags_read(c->kpf_fd, pfn, kpf, 1);
		}
		c->kpf_base = base;
	}
	*kpf = c->kpf_buf[pfn - base];
	return 0;
}

static void compare_page(struct cmp *c, const struct proc_vma *v,
			 const struct gs_vma *gv, uint64_t addr,
			 const struct gosnap_page_run *run, uint64_t pme)
{
	uint64_t idx = run ? (addr - run->addr) / c->page_size : 0;
	uint64_t want, mask = PME_FLAGS, kpf;
	bool frame_known;
	int err;

	want = implied_pme(c, run, idx, gv->rec->flags, &frame_known);
	if (frame_known)
		mask |= PME_PFN_MASK;
	/* pte facts: pagemap's file and exclusive bits are the page's */
	if (c->pte_facts)
		mask &= ~(PME_FILE | PME_EXCLUSIVE);
	c->st->pages++;
	c->st->present += !!(pme & PME_PRESENT);
	c->st->swapped += !!(pme & PME_SWAP);
	c->st->soft_dirty += !!(pme & PME_SOFT_DIRTY);
	c->st->file += !!(pme & PME_FILE);
	if (!run && pme == PME_SOFT_DIRTY)
		c->st->unpopulated_soft_dirty++;

	if ((want & mask) != (pme & mask)) {
		log_page(c, v, addr, run, pme, NULL, "pagemap differs");
		return;
	}
	if (!run || !(pme & PME_PRESENT) || !(pme & PME_PFN_MASK) ||
	    (run->flags & GOSNAP_PG_SPECIAL))
		return;
	err = read_kpf(c, pme & PME_PFN_MASK, &kpf);
	if (err) {
		log_page(c, v, addr, run, pme, NULL, "kpageflags unreadable");
		return;
	}
	compare_kpf(c, v, addr, run, pme, kpf);
}

/* Runs must lie inside their VMA: the parser checked; we only walk them. */
static int compare_vma(struct cmp *c, const struct proc_vma *v,
		       const struct gs_vma *gv, uint64_t *buf)
{
	uint64_t addr = v->start, pmd_pages = 0, smaps_pmd_kb;
	size_t ri = 0, n, i;
	int err;

	c->vma_logged = 0;
	c->vma_mismatches = 0;

	while (addr < v->end) {
		n = (v->end - addr) / c->page_size;
		if (n > CHUNK_PAGES)
			n = CHUNK_PAGES;
		err = pagemap_read(c->pagemap_fd, addr, buf, n);
		if (err)
			return err;
		for (i = 0; i < n; i++, addr += c->page_size) {
			const struct gosnap_page_run *run = NULL;

			while (ri < gv->nr_runs &&
			       gv->runs[ri].addr + gv->runs[ri].npages * c->page_size <= addr)
				ri++;
			if (ri < gv->nr_runs && gv->runs[ri].addr <= addr)
				run = &gv->runs[ri];
			if (run && (run->flags & GOSNAP_PG_PMD) &&
			    !(run->flags & GOSNAP_PG_ZERO))
				pmd_pages++;
			compare_page(c, v, gv, addr, run, buf[i]);
		}
	}
	if (c->vma_mismatches > c->vma_logged)
		fprintf(stderr, "# VMA %#" PRIx64 "-%#" PRIx64 " %s: %" PRIu64
			" pages differ (%u shown)\n", v->start, v->end,
			v->path[0] ? v->path : "[anon]", c->vma_mismatches,
			c->vma_logged);
	/* smaps counts PMD mappings of real THPs (never the huge zero page). */
	smaps_pmd_kb = v->anon_huge_kb + v->shmem_pmd_kb + v->file_pmd_kb;
	if (pmd_pages * (c->page_size / 1024) != smaps_pmd_kb) {
		c->st->mismatches++;
		fprintf(stderr,
			"# VMA %#" PRIx64 "-%#" PRIx64 " %s: %" PRIu64
			" pages PMD-mapped in the snapshot, smaps says %" PRIu64
			" KiB (AnonHugePages %" PRIu64 " + ShmemPmdMapped %" PRIu64
			" + FilePmdMapped %" PRIu64 ")\n",
			v->start, v->end, v->path, pmd_pages, smaps_pmd_kb,
			v->anon_huge_kb, v->shmem_pmd_kb, v->file_pmd_kb);
	}
	return 0;
}

int pagecmp_run(pid_t pid, const struct gs_snapshot *snap,
		const struct proc_vma *vmas, size_t nr_vmas, unsigned int max_logged,
		struct pagecmp_stats *st)
{
	struct cmp c = {
		.pid = pid,
		.page_size = snap->hdr->page_size,
		.pfn_reported = snap->hdr->flags & GOSNAP_SF_PFN,
		.pte_facts = snap->hdr->flags & GOSNAP_SF_PTE_FACTS,
		.max_logged = max_logged,
		.st = st,
		.kpf_base = UINT64_MAX,
	};
	uint64_t *buf;
	size_t i;
	int err = 0;

	memset(st, 0, sizeof(*st));
	c.pagemap_fd = pagemap_open(pid);
	if (c.pagemap_fd < 0)
		return c.pagemap_fd;
	c.kpf_fd = kpageflags_open();
	if (c.kpf_fd < 0) {
		close(c.pagemap_fd);
		return c.kpf_fd;
	}
	buf = malloc(CHUNK_PAGES * sizeof(*buf));
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nr_vmas && !err; i++) {
		const struct proc_vma *v = &vmas[i];
		const struct gs_vma *gv;

		switch (pagecmp_vma_kind(v)) {
		case PAGECMP_VMA_GATE:
			continue;
		case PAGECMP_VMA_PFNMAP:
			st->vmas_pfnmap++;
			continue;
		case PAGECMP_VMA_WALKED:
			break;
		}
		gv = gs_find_vma(snap, v->start);
		if (!gv || gv->rec->start != v->start || gv->rec->end != v->end) {
			st->mismatches++;
			fprintf(stderr, "# VMA %#" PRIx64 "-%#" PRIx64 " %s: %s\n",
				v->start, v->end, v->path,
				gv ? "the snapshot's VMA there has other bounds" :
				     "not in the snapshot");
			continue;
		}
		st->vmas++;
		err = compare_vma(&c, v, gv, buf);
	}
	free(buf);
out:
	close(c.kpf_fd);
	close(c.pagemap_fd);
	return err;
}
