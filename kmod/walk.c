// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walk: VMA and PAGES records for every mapping of an mm.
 *
 * Each level is one small function looping over its entries; empty entries
 * at any level are skipped whole, so the cost follows the populated page
 * tables, not the reserved address space. Nothing is faulted in: entries
 * are read, never acted on. Pages in equal state are merged into runs
 * (struct gosnap_page_run); PFNs and swap offsets must ascend by one page
 * per page to stay in a run.
 *
 * Locking: mmap_read_lock(mm) keeps the VMA tree and the upper page-table
 * levels in place. A PTE table can still be freed under us from 6.6 on
 * (retracted by khugepaged under the i_mmap lock, freed after an RCU grace
 * period), so each one is mapped inside rcu_read_lock(), its pmd re-checked
 * under the PTE lock. PMD leaves are read under the pmd lock. Runs found
 * under a spinlock are written in place, into a PAGES record whose room
 * was reserved in the snapshot before (gosnap_sbuf_reserve()): nothing is
 * allocated under a lock, and nothing is copied twice.
 *
 * Cost: with pte_facts (GOSNAP_SF_PTE_FACTS) no struct page is read for a
 * 4 KiB page, and an entry that maps the next frame with the same bits as
 * the one before it only lengthens the run. Otherwise each page costs its
 * struct page's flags and mapcount, as pagemap + kpageflags would. A huge
 * page's subpages are added in stretches of equal flags, not one by one.
 *
 * Bounds: the target decides how many runs its page tables hold, so a
 * walker that finds the reserved room full stops at the entry it reached
 * (inside a PTE table or a huge page too) and returns to gosnap_walk_vma(),
 * as they all do every GOSNAP_WALK_BATCH populated PMDs. There the record
 * is added to the stream and new room reserved; the walk reschedules,
 * gives way to a fatal signal, and drops mmap_lock
 * when a writer waits or it was held GOSNAP_LOCK_SLICE_NS: a capture never
 * blocks the target's mmap()/munmap() (and, behind a queued writer, its
 * page faults) for long. When the VMA being walked changed meanwhile, its
 * record is clipped to what was walked and marked GOSNAP_VMA_CHANGED.
 *
 * Why not walk_page_range(): mm/pagewalk.c exports nothing to modules
 * (6.1, 6.12 and 7.3 alike), and its walk needs mmap_lock held from start
 * to end of the range, with no way for a callback to drop it, flush the
 * runs and come back, which the bounds above need.
 */
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include "gosnap.h"
#include "compat.h"

/* Most runs in one PAGES record */
#define GOSNAP_RUNS_PER_REC	4096

/*
 * The scratch a walk needs: a path. One is kept in the module for the walk
 * that finds it free (most captures; a new one would cost an allocation
 * the kernel clears, with init_on_alloc); a walk that finds it taken
 * allocates.
 */
struct gosnap_walk_scratch {
	char			path[PATH_MAX];
};

static struct gosnap_walk_scratch gosnap_scratch;
static DEFINE_MUTEX(gosnap_scratch_lock);	/* owns gosnap_scratch */

static struct gosnap_walk_scratch *gosnap_scratch_get(void)
{
	if (mutex_trylock(&gosnap_scratch_lock))
		return &gosnap_scratch;
	return kvmalloc(sizeof(struct gosnap_walk_scratch), GFP_KERNEL);
}

static void gosnap_scratch_put(struct gosnap_walk_scratch *s)
{
	if (s == &gosnap_scratch)
		mutex_unlock(&gosnap_scratch_lock);
	else
		kvfree(s);
}

/* Populated PMDs walked between two looks at the clock and the lock. */
#define GOSNAP_WALK_BATCH	64
/* Longest mmap_lock is held in one go. */
#define GOSNAP_LOCK_SLICE_NS	(10 * NSEC_PER_MSEC)

struct gosnap_walk {
	struct gosnap_sbuf	*sb;
	struct mm_struct	*mm;
	struct vm_area_struct	*vma;
	u32			vma_index;
	u32			vma_pgflags;	/* flags every page of this VMA gets */
	bool			show_pfn;
	bool			show_pageflags;	/* else as pagemap alone tells */
	bool			pte_facts;	/* read no struct page of a 4 KiB page */
	struct gosnap_rec_vma	*rv;		/* the VMA's record, clipped if it changes */
	struct gosnap_page_run	cur;		/* run being extended (npages 0: none) */
	struct gosnap_rec_pages	*rp;		/* reserved, not yet added; or NULL */
	unsigned int		nr_runs;	/* finished runs written in rp */
	unsigned int		cap_runs;	/* runs rp has room for */
	unsigned long		stop;		/* where a walker stopped, if stopped */
	bool			stopped;	/* a walker found the room full */
	bool			overflow;	/* a run was lost: a bug, see run_finish */
	bool			relocked;	/* mmap_lock was dropped: VMA iterator stale */
	unsigned int		batch;		/* populated PMDs since the last pause */
	u64			locked_ns;	/* when mmap_lock was taken */
	spinlock_t		*ptl;		/* the PTE or pmd lock held, if any */
	struct gosnap_walk_stats *st;
};

/* The address space changed under the walk: say so in the VMA and stream. */
static void gosnap_walk_mark_changed(struct gosnap_walk *w)
{
	w->rv->flags |= GOSNAP_VMA_CHANGED;
	w->sb->hdr->flags |= GOSNAP_SF_MM_CHANGED;
}

/* Must the walkers return to gosnap_walk_vma() before the next pmd? */
static bool gosnap_walk_must_pause(struct gosnap_walk *w)
{
	return ++w->batch >= GOSNAP_WALK_BATCH || need_resched();
}

/*
 * May the walker add pages at @addr? Adding pages finishes at most one
 * run, and one slot is kept for the run still being extended when the VMA
 * ends. If not, it records where it stopped and returns.
 */
static bool gosnap_walk_room(struct gosnap_walk *w, unsigned long addr)
{
	if (w->nr_runs + 1 < w->cap_runs)
		return true;
	w->stop = addr;
	w->stopped = true;
	return false;
}

/* ---- runs ---------------------------------------------------------------- */

static bool gosnap_run_extends(const struct gosnap_page_run *r,
			       unsigned long addr, unsigned long n, u32 flags,
			       u64 pfn, u32 mapcount, u8 swap_type)
{
	if (!r->npages || r->flags != flags || r->mapcount != mapcount ||
	    r->swap_type != swap_type)
		return false;
	if (r->addr + ((u64)r->npages << PAGE_SHIFT) != addr)
		return false;
	if (n > U32_MAX - r->npages)	/* npages is a __u32: start another run */
		return false;
	if (flags & GOSNAP_PG_PFN)
		return r->pfn + r->npages == pfn;
	return true;
}

static void gosnap_run_finish(struct gosnap_walk *w)
{
	if (!w->cur.npages)
		return;
	/* gosnap_walk_room() keeps room: reaching this is a bug */
	if (WARN_ON_ONCE(w->nr_runs >= w->cap_runs)) {
		w->overflow = true;
		w->cur.npages = 0;
		return;
	}
	w->rp->runs[w->nr_runs++] = w->cur;
	w->cur.npages = 0;
}

/* Account @n pages from @addr in one state. Never sleeps. */
static void gosnap_add_pages(struct gosnap_walk *w, unsigned long addr,
			     unsigned long n, u32 flags, u64 pfn, u32 mapcount,
			     u8 swap_type)
{
	flags |= w->vma_pgflags;
	if (!w->show_pageflags) {
		/* /proc/kpageflags and kpagecount are CAP_SYS_ADMIN's only */
		flags &= ~(GOSNAP_PG_PAGE_DIRTY | GOSNAP_PG_SWAPCACHE);
		mapcount = 0;
	}
	if (!w->show_pfn) {
		flags &= ~GOSNAP_PG_PFN;
		pfn = 0;
		swap_type = 0;
	}
	if (flags & GOSNAP_PG_PRESENT)
		w->st->present += n;
	if (flags & GOSNAP_PG_SWAP)
		w->st->swapped += n;

	if (gosnap_run_extends(&w->cur, addr, n, flags, pfn, mapcount, swap_type)) {
		w->cur.npages += n;
		return;
	}
	gosnap_run_finish(w);
	w->cur.addr = addr;
	w->cur.pfn = pfn;
	w->cur.npages = n;
	w->cur.flags = flags;
	w->cur.mapcount = mapcount;
	w->cur.swap_type = swap_type;
}

/* Add the reserved record to the stream with the runs written in it. */
static void gosnap_runs_close(struct gosnap_walk *w)
{
	struct gosnap_rec_pages *rp = w->rp;

	if (!rp)
		return;
	w->rp = NULL;
	if (!w->nr_runs)
		return;		/* nothing written: the room stays zero */
	rp->vma_index = w->vma_index;
	rp->nr_runs = w->nr_runs;
	gosnap_sbuf_commit(w->sb, rp, GOSNAP_REC_PAGES,
			   struct_size(rp, runs, w->nr_runs));
	w->st->nr_runs += w->nr_runs;
	w->nr_runs = 0;
}

/*
 * Room for at least two more runs (one for an entry, one kept for the run
 * being extended), as much as the snapshot's current chunk has up to one
 * record's worth. May sleep.
 */
static int gosnap_runs_open(struct gosnap_walk *w)
{
	struct gosnap_rec_pages *rp = NULL;
	size_t room;

	if (w->rp && w->nr_runs + 2 <= w->cap_runs)
		return 0;
	gosnap_runs_close(w);
	rp = gosnap_sbuf_reserve(w->sb, struct_size(rp, runs, 2),
				 struct_size(rp, runs, GOSNAP_RUNS_PER_REC), &room);
	if (IS_ERR(rp))
		return PTR_ERR(rp);
	w->rp = rp;
	w->cap_runs = (room - sizeof(*rp)) / sizeof(rp->runs[0]);
	return 0;
}

/* ---- what a page is -------------------------------------------------------- */

/* Flags that come from the struct page itself, as kpageflags/pagemap see it. */
static u32 gosnap_page_flags(struct page *page, bool migration, u32 *mapcount)
{
	u32 flags = 0;
	int mc = gosnap_page_mapcount(page);

	*mapcount = mc > 0 ? mc : 0;
	if (PageAnon(page))
		flags |= GOSNAP_PG_ANON;
	else
		flags |= GOSNAP_PG_FILE;
	if (gosnap_page_thp(page))
		flags |= GOSNAP_PG_THP;
	if (gosnap_page_dirty(page))
		flags |= GOSNAP_PG_PAGE_DIRTY;
	if (gosnap_page_swapcache(page))
		flags |= GOSNAP_PG_SWAPCACHE;
	if (!migration && mc == 1)
		flags |= GOSNAP_PG_EXCLUSIVE;
	return flags;
}

/* PG_dirty of one subpage of a PMD-mapped huge page, as kpageflags reads it. */
static u32 gosnap_subpage_dirty(struct page *page)
{
	return gosnap_page_dirty(page) ? GOSNAP_PG_PAGE_DIRTY : 0;
}

/*
 * A present PTE, and the @n - 1 after it when they map the frames after
 * its own with the same bits (pte_facts only). Called under the PTE lock.
 */
static void gosnap_pte_present(struct gosnap_walk *w, unsigned long addr,
			       pte_t pte, unsigned long n)
{
	unsigned long pfn = pte_pfn(pte);
	u32 flags = GOSNAP_PG_PRESENT | GOSNAP_PG_PFN;
	u32 mapcount = 0;

	lockdep_assert_held(w->ptl);

	if (pte_dirty(pte))
		flags |= GOSNAP_PG_PTE_DIRTY;
	if (pte_young(pte))
		flags |= GOSNAP_PG_YOUNG;
	if (pte_write(pte))
		flags |= GOSNAP_PG_WRITE;
	if (pte_soft_dirty(pte))
		flags |= GOSNAP_PG_SOFT_DIRTY;
	if (gosnap_pte_uffd_wp(pte))
		flags |= GOSNAP_PG_UFFD_WP;

	/* vm_normal_page() is not exported; on x86 this is what it decides. */
	if (is_zero_pfn(pfn))
		flags |= GOSNAP_PG_ZERO;
	else if (pte_special(pte))
		flags |= GOSNAP_PG_SPECIAL;
	else if (w->pte_facts)
		;	/* the entry's facts only: pfn_valid() is the page's */
	else if (!pfn_valid(pfn))
		flags |= GOSNAP_PG_SPECIAL;
	else
		flags |= gosnap_page_flags(pfn_to_page(pfn), false, &mapcount);

	gosnap_add_pages(w, addr, n, flags, pfn, mapcount, 0);
}

/* A non-present, non-none PTE: swap, migration, marker... PTE lock held. */
static void gosnap_pte_swap(struct gosnap_walk *w, unsigned long addr,
			    pte_t pte)
{
	u32 flags = GOSNAP_PG_SWAP | GOSNAP_PG_PFN;	/* pagemap: "swapped" */
	struct gosnap_swp e;
	u32 mapcount = 0;

	lockdep_assert_held(w->ptl);

	gosnap_decode_swp(pte, &e);
	if (pte_swp_soft_dirty(pte))
		flags |= GOSNAP_PG_SOFT_DIRTY;
	if (gosnap_pte_swp_uffd_wp(pte) || e.marker_uffd_wp)
		flags |= GOSNAP_PG_UFFD_WP;
	if (e.marker)
		flags |= GOSNAP_PG_MARKER;
	if (e.migration)
		flags |= GOSNAP_PG_MIGRATION;
	if (e.has_pfn && e.page && !w->pte_facts) {
		u32 pf = gosnap_page_flags(e.page, e.migration, &mapcount);

		if (!GOSNAP_PAGEMAP_EXCL_SWAP)
			pf &= ~GOSNAP_PG_EXCLUSIVE;
		flags |= pf & (GOSNAP_PG_FILE | GOSNAP_PG_ANON |
			       GOSNAP_PG_EXCLUSIVE);
	}
	gosnap_add_pages(w, addr, 1, flags, e.offset, mapcount, e.type);
}

/* ---- the levels ------------------------------------------------------------ */

/*
 * With pte_facts, entries with the same bits have the same flags: how many
 * of the @left entries from @pte do, @pte's own included. With PFNs shown
 * (@by_frame) each must also map the frame after the one before, as a
 * run's frames do; without, any frame will do, so the stretch follows the
 * page state, not where the allocator put the pages. The zero page has
 * flags of its own (they come from its frame), so a stretch stops before
 * it; but the zero page is never mapped writable (a write to it faults and
 * copies), so a stretch of writable entries needs no look at their frames.
 * PTE lock held.
 */
static unsigned long gosnap_pte_stretch(pte_t *pte, unsigned long left,
					bool by_frame)
{
	pte_t first = ptep_get(pte);
	u64 want = pte_val(first) + PAGE_SIZE;
	unsigned long k, pfn = pte_pfn(first), zero = page_to_pfn(ZERO_PAGE(0));
	pteval_t flags = pte_flags(first);

	if (pfn == zero)
		return 1;
	if (!by_frame) {
		bool may_reach_zero = !pte_write(first);

		for (k = 1; k < left; k++) {
			pte_t e = ptep_get(pte + k);

			if (pte_flags(e) != flags ||
			    (may_reach_zero && pte_pfn(e) == zero))
				break;
		}
		return k;
	}
	for (k = 1; k < left; k++, want += PAGE_SIZE)
		if (pte_val(ptep_get(pte + k)) != want)
			break;
	if (zero > pfn && zero - pfn < k)
		k = zero - pfn;		/* the zero page ends it */
	return k;
}

/*
 * Returns false, having walked nothing, when the pmd is no longer a PTE
 * table (emptied, or made huge, since the caller read it): the caller
 * looks at it again.
 */
static bool gosnap_walk_pte_table(struct gosnap_walk *w, pmd_t *pmdp,
				  unsigned long addr, unsigned long end)
{
	spinlock_t *ptl;	/* the PTE table's lock */
	pmd_t pmdval;
	pte_t *pte;

again:
	rcu_read_lock();
	pmdval = gosnap_pmdp_get(pmdp);
	if (pmd_none(pmdval) || !pmd_present(pmdval) || pmd_leaf(pmdval) ||
	    pmd_bad(pmdval)) {
		rcu_read_unlock();
		return false;
	}
	pte = pte_offset_kernel(&pmdval, addr);
	ptl = pte_lockptr(w->mm, &pmdval);
	spin_lock(ptl);
	if (unlikely(!pmd_same(pmdval, gosnap_pmdp_get(pmdp)))) {
		spin_unlock(ptl);
		rcu_read_unlock();
		goto again;
	}
	w->ptl = ptl;
	for (; addr != end; pte++, addr += PAGE_SIZE) {
		pte_t e = ptep_get(pte);

		if (pte_none(e))
			continue;
		if (!gosnap_walk_room(w, addr))
			break;
		if (pte_present(e) && w->pte_facts) {
			unsigned long k = gosnap_pte_stretch(pte, (end - addr) >> PAGE_SHIFT,
							     w->show_pfn);

			gosnap_pte_present(w, addr, e, k);
			pte += k - 1;
			addr += (k - 1) << PAGE_SHIFT;
		} else if (pte_present(e)) {
			gosnap_pte_present(w, addr, e, 1);
		} else {
			gosnap_pte_swap(w, addr, e);
		}
	}
	w->ptl = NULL;
	spin_unlock(ptl);
	rcu_read_unlock();
	return true;
}

/*
 * A PMD leaf: a transparent huge page (or the huge zero page). Called
 * under the pmd lock: the huge page can be neither split nor freed.
 */
static void gosnap_walk_pmd_leaf(struct gosnap_walk *w, pmd_t pmd,
				 unsigned long addr, unsigned long end)
{
	unsigned long n = (end - addr) >> PAGE_SHIFT;
	unsigned long idx = (addr & ~PMD_MASK) >> PAGE_SHIFT;
	u32 flags = GOSNAP_PG_PRESENT | GOSNAP_PG_PMD | GOSNAP_PG_PFN;
	unsigned long pfn = pmd_pfn(pmd) + idx;
	struct page *page;
	u32 mapcount = 0;

	lockdep_assert_held(w->ptl);

	if (!gosnap_walk_room(w, addr))
		return;
	if (pmd_dirty(pmd))
		flags |= GOSNAP_PG_PTE_DIRTY;
	if (pmd_young(pmd))
		flags |= GOSNAP_PG_YOUNG;
	if (pmd_write(pmd))
		flags |= GOSNAP_PG_WRITE;
	if (pmd_soft_dirty(pmd))
		flags |= GOSNAP_PG_SOFT_DIRTY;
	if (gosnap_pmd_uffd_wp(pmd))
		flags |= GOSNAP_PG_UFFD_WP;

	if (!pfn_valid(pfn)) {
		gosnap_add_pages(w, addr, n, flags | GOSNAP_PG_SPECIAL, pfn, 0, 0);
		return;
	}
	/*
	 * huge_zero_pfn is not exported: a PMD-mapped page in an anonymous
	 * private VMA that is not itself anonymous can only be the huge zero
	 * page. kpageflags calls it THP and ZERO_PAGE; pagemap calls it a
	 * file page up to 6.18 (see compat.h).
	 */
	page = pfn_to_page(pfn);
	if (vma_is_anonymous(w->vma) && !PageAnon(page)) {
		flags |= GOSNAP_PG_ZERO;
		if (!w->pte_facts)
			flags |= GOSNAP_PG_THP;
		if (GOSNAP_PAGEMAP_HUGE_ZERO_FILE && !w->pte_facts)
			flags |= GOSNAP_PG_FILE;
		gosnap_add_pages(w, addr, n, flags, pfn, 0, 0);
		return;
	}
	if (w->pte_facts) {
		gosnap_add_pages(w, addr, n, flags, pfn, 0, 0);
		return;
	}
	/*
	 * pagemap computes "exclusive" once per PMD from the head page (6.1:
	 * page_mapcount(head); 6.12+: the head's precise mapcount), and gives
	 * every subpage that answer; do the same.
	 */
	flags |= gosnap_page_flags(pmd_page(pmd), false, &mapcount);
	/* kpageflags' THP is the compound page's: every subpage has the head's */
	flags &= ~GOSNAP_PG_PAGE_DIRTY;
	/*
	 * PG_dirty is each subpage's own up to 6.9 (the folio's after): a
	 * stretch of subpages that agree on it is added at once.
	 */
	while (n && gosnap_walk_room(w, addr)) {
		u32 f = flags | gosnap_subpage_dirty(page);
		unsigned long k = 1;

		if (gosnap_subpage_flags_are_folios())
			k = n;
		else
			while (k < n && (flags | gosnap_subpage_dirty(page + k)) == f)
				k++;
		gosnap_add_pages(w, addr, k, f, pfn, mapcount, 0);
		n -= k;
		addr += k << PAGE_SHIFT;
		pfn += k;
		page += k;
	}
}

/*
 * One pmd: a leaf (read under the pmd lock), a PTE table, or nothing.
 * Returns false when it changed kind under us and must be looked at again.
 */
static bool gosnap_walk_pmd(struct gosnap_walk *w, pmd_t *pmdp,
			    unsigned long addr, unsigned long next)
{
	pmd_t pmd = gosnap_pmdp_get(pmdp);

	if (pmd_none(pmd))
		return true;
	if (pmd_leaf(pmd) || !pmd_present(pmd)) {
		spinlock_t *ptl = pmd_lock(w->mm, pmdp);

		pmd = gosnap_pmdp_get(pmdp);
		if (pmd_present(pmd) && pmd_leaf(pmd)) {
			w->ptl = ptl;
			gosnap_walk_pmd_leaf(w, pmd, addr, next);
			w->ptl = NULL;
			spin_unlock(ptl);
			return true;
		}
		spin_unlock(ptl);
		if (pmd_none(pmd) || !pmd_present(pmd))
			return true;	/* THP migration entry: in flux */
	}
	return gosnap_walk_pte_table(w, pmdp, addr, next);
}

/* Pmds looked at again before one that keeps changing kind is left out. */
#define GOSNAP_PMD_RETRIES	8

/*
 * Returns the address reached: end, or earlier when the walk must pause
 * (see gosnap_walk_must_pause()) or stopped, room full (w->stop); the
 * caller comes back there.
 */
static unsigned long gosnap_walk_pmd_range(struct gosnap_walk *w, pud_t *pudp,
					   unsigned long addr, unsigned long end)
{
	unsigned long next;
	pmd_t *pmdp = pmd_offset(pudp, addr);

	do {
		int tries = 0;

		next = pmd_addr_end(addr, end);
		if (pmd_none(gosnap_pmdp_get(pmdp)))
			continue;
		while (!gosnap_walk_pmd(w, pmdp, addr, next))
			if (++tries == GOSNAP_PMD_RETRIES) {
				gosnap_walk_mark_changed(w);
				break;
			}
		if (w->stopped)
			return w->stop;
		if (next != end && gosnap_walk_must_pause(w))
			return next;
	} while (pmdp++, addr = next, addr != end);
	return end;
}

/* A PUD leaf, a DAX or PFN-map 1 GiB mapping: its state only. */
static void gosnap_walk_pud_leaf(struct gosnap_walk *w, pud_t pud,
				 unsigned long addr, unsigned long end)
{
	gosnap_add_pages(w, addr, (end - addr) >> PAGE_SHIFT,
			 GOSNAP_PG_PRESENT | GOSNAP_PG_PUD | GOSNAP_PG_SPECIAL |
			 GOSNAP_PG_PFN,
			 pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT), 0, 0);
}

/*
 * Returns the address the walk got to (end, or earlier to pause). Called
 * with mmap_lock held: the upper levels cannot be freed under us.
 */
static unsigned long gosnap_walk_range(struct gosnap_walk *w,
				       unsigned long addr, unsigned long end)
{
	pgd_t *pgd = pgd_offset(w->mm, addr);
	unsigned long pgd_next, p4d_next, pud_next;

	gosnap_mmap_assert_locked(w->mm);

	do {
		p4d_t *p4d;

		pgd_next = pgd_addr_end(addr, end);
		if (pgd_none(*pgd) || pgd_bad(*pgd))
			continue;
		p4d = p4d_offset(pgd, addr);
		do {
			pud_t *pud;

			p4d_next = p4d_addr_end(addr, pgd_next);
			if (p4d_none(*p4d) || p4d_bad(*p4d))
				continue;
			pud = pud_offset(p4d, addr);
			do {
				pud_t pv = gosnap_pudp_get(pud);

				pud_next = pud_addr_end(addr, p4d_next);
				if (pud_none(pv))
					continue;
				if (pud_leaf(pv)) {
					if (!gosnap_walk_room(w, addr))
						return addr;
					gosnap_walk_pud_leaf(w, pv, addr, pud_next);
				} else if (!pud_bad(pv)) {
					addr = gosnap_walk_pmd_range(w, pud, addr,
								     pud_next);
					if (addr != pud_next)
						return addr;
				}
				if (pud_next != end && gosnap_walk_must_pause(w))
					return pud_next;
			} while (pud++, addr = pud_next, addr != p4d_next);
		} while (p4d++, addr = p4d_next, addr != pgd_next);
	} while (pgd++, addr = pgd_next, addr != end);
	return end;
}

/* ---- VMAs -------------------------------------------------------------------- */

static u32 gosnap_vma_flags(struct vm_area_struct *vma, struct mm_struct *mm)
{
	unsigned long f = vma->vm_flags;
	u32 o = 0;

	o |= (f & VM_READ) ? GOSNAP_VMA_READ : 0;
	o |= (f & VM_WRITE) ? GOSNAP_VMA_WRITE : 0;
	o |= (f & VM_EXEC) ? GOSNAP_VMA_EXEC : 0;
	o |= (f & VM_SHARED) ? GOSNAP_VMA_SHARED : 0;
	o |= (f & VM_MAYSHARE) ? GOSNAP_VMA_MAYSHARE : 0;
	o |= (f & VM_GROWSDOWN) ? GOSNAP_VMA_GROWSDOWN : 0;
	o |= (f & VM_HUGEPAGE) ? GOSNAP_VMA_HUGEPAGE : 0;
	o |= (f & VM_NOHUGEPAGE) ? GOSNAP_VMA_NOHUGEPAGE : 0;
	o |= (f & (VM_PFNMAP | VM_IO | VM_MIXEDMAP)) ? GOSNAP_VMA_PFNMAP : 0;
	o |= (f & VM_LOCKED) ? GOSNAP_VMA_LOCKED : 0;
	o |= (f & VM_SOFTDIRTY) ? GOSNAP_VMA_SOFTDIRTY : 0;
	o |= (f & VM_DONTDUMP) ? GOSNAP_VMA_DONTDUMP : 0;
	o |= is_vm_hugetlb_page(vma) ? GOSNAP_VMA_HUGETLB : 0;
	o |= vma->vm_file ? GOSNAP_VMA_FILE : 0;
	o |= vma->vm_file ? 0 : GOSNAP_VMA_ANON;
	if (vma->vm_start <= mm->start_stack && mm->start_stack < vma->vm_end)
		o |= GOSNAP_VMA_STACK;
	if (!vma->vm_file && vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		o |= GOSNAP_VMA_HEAP;
	if (vma->vm_ops && vma->vm_ops->name)
		o |= GOSNAP_VMA_SPECIAL;
	return o;
}

/* Name of a VMA as /proc/PID/maps shows it, into buf; returns its length. */
static size_t gosnap_vma_name(struct vm_area_struct *vma, u32 vflags,
			      char *buf, size_t len)
{
	const char *name = NULL;
	char *p;

	if (vma->vm_file) {
		p = d_path(gosnap_file_user_path(vma->vm_file), buf, len);
		if (IS_ERR(p))
			return 0;
		memmove(buf, p, strlen(p) + 1);
		return strlen(buf);
	}
	if (vma->vm_ops && vma->vm_ops->name)
		name = vma->vm_ops->name(vma);
	else if (vflags & GOSNAP_VMA_HEAP)
		name = "[heap]";
	else if (vflags & GOSNAP_VMA_STACK)
		name = "[stack]";
	if (!name)
		return 0;
	return strscpy(buf, name, len) < 0 ? 0 : strlen(buf);
}

/* The record of w->vma, from @start (above vm_start if it changed under us). */
static int gosnap_emit_vma(struct gosnap_walk *w, unsigned long start,
			   char *pathbuf)
{
	struct vm_area_struct *vma = w->vma;
	struct gosnap_rec_vma *rv;
	u32 vflags = gosnap_vma_flags(vma, w->mm);
	size_t plen = gosnap_vma_name(vma, vflags, pathbuf, PATH_MAX);

	rv = gosnap_sbuf_record(w->sb, GOSNAP_REC_VMA, sizeof(*rv) + plen);
	if (IS_ERR(rv))
		return PTR_ERR(rv);
	rv->start = start;
	rv->end = vma->vm_end;
	rv->file_offset = ((u64)vma->vm_pgoff << PAGE_SHIFT) +
			  (start - vma->vm_start);
	if (vma->vm_file) {
		struct inode *inode = file_inode(vma->vm_file);

		rv->inode = inode->i_ino;
		rv->dev = new_encode_dev(inode->i_sb->s_dev);
	}
	rv->flags = vflags;
	rv->index = w->vma_index;
	rv->path_len = plen;
	memcpy(rv->path, pathbuf, plen);
	w->rv = rv;
	if (start != vma->vm_start)
		gosnap_walk_mark_changed(w);

	/* pagemap reports every page of a VM_SOFTDIRTY VMA as soft-dirty */
	w->vma_pgflags = (vma->vm_flags & VM_SOFTDIRTY) ? GOSNAP_PG_SOFT_DIRTY : 0;
	return 0;
}

/*
 * Between two stretches of the walk: give way to the scheduler, to a
 * fatal signal, and to writers of mmap_lock. Returns 0 with the lock held
 * (*changed set when w->vma is no longer what it was: the caller must not
 * touch it), or -EINTR with the lock dropped.
 */
static int gosnap_walk_pause(struct gosnap_walk *w, unsigned long addr,
			     bool *changed)
{
	struct vm_area_struct *vma = w->vma;
	unsigned long start = vma->vm_start, end = vma->vm_end;
	unsigned long vm_flags = vma->vm_flags;
	struct file *file = vma->vm_file;

	gosnap_mmap_assert_locked(w->mm);
	*changed = false;
	w->batch = 0;
	if (fatal_signal_pending(current)) {
		mmap_read_unlock(w->mm);
		return -EINTR;
	}
	if (!mmap_lock_is_contended(w->mm) &&
	    ktime_get_ns() - w->locked_ns < GOSNAP_LOCK_SLICE_NS) {
		cond_resched();
		return 0;
	}
	mmap_read_unlock(w->mm);
	w->relocked = true;
	cond_resched();
	if (mmap_read_lock_killable(w->mm))
		return -EINTR;
	w->locked_ns = ktime_get_ns();
	/* the same VMA if nothing about it changed (file is compared only) */
	vma = find_vma(w->mm, addr);
	*changed = vma != w->vma || !vma || vma->vm_start != start ||
		   vma->vm_end != end || vma->vm_flags != vm_flags ||
		   vma->vm_file != file;
	return 0;
}

/*
 * Walk w->vma from @addr. Returns 0 and the address where the walk goes
 * on in *resume: vm_end, or an address inside a VMA that changed while
 * mmap_lock was dropped (its record is then clipped there).
 */
static int gosnap_walk_vma(struct gosnap_walk *w, unsigned long addr,
			   unsigned long *resume)
{
	unsigned long end = w->vma->vm_end;
	bool changed;
	int err;

	*resume = end;
	/* pagemap shows PFN-map and hugetlb VMAs as holes; we do not walk them */
	if (w->vma->vm_flags & VM_PFNMAP || is_vm_hugetlb_page(w->vma))
		return 0;
	for (;;) {
		err = gosnap_runs_open(w);
		if (err)
			return err;
		w->stopped = false;
		addr = gosnap_walk_range(w, addr, end);
		if (w->overflow) {
			gosnap_runs_close(w);
			return -EOVERFLOW;
		}
		if (addr >= end) {
			gosnap_run_finish(w);
			gosnap_runs_close(w);
			return 0;
		}
		err = gosnap_walk_pause(w, addr, &changed);
		if (err) {
			gosnap_runs_close(w);
			return err;
		}
		if (changed) {
			gosnap_run_finish(w);
			gosnap_runs_close(w);
			w->rv->end = addr;
			gosnap_walk_mark_changed(w);
			*resume = addr;
			return 0;
		}
	}
}

/**
 * gosnap_emit_vmas - VMA and PAGES records for every mapping of @mm
 * @sb:       the snapshot
 * @mm:       the address space, with a reference held by the caller
 * @opts:     what to report of each page (struct gosnap_walk_opts)
 * @st:       counters, filled in
 *
 * Locking: takes mmap_read_lock(@mm) (killable), dropping it now and then
 * (see the top of this file); PTE and PMD locks inside. The caller holds
 * no mm locks. May sleep.
 *
 * Return: 0, -ENOSPC if the snapshot's bound was reached (what fitted is
 * kept), -EINTR on a fatal signal, or another -errno.
 */
int gosnap_emit_vmas(struct gosnap_sbuf *sb, struct mm_struct *mm,
		     const struct gosnap_walk_opts *opts,
		     struct gosnap_walk_stats *st)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct gosnap_walk w = {
		.sb = sb, .mm = mm, .show_pfn = opts->show_pfn,
		.show_pageflags = opts->show_pageflags,
		.pte_facts = opts->pte_facts, .st = st,
	};
	struct gosnap_walk_scratch *scratch;
	unsigned long addr = 0;
	char *pathbuf;
	int err;

	scratch = gosnap_scratch_get();
	if (!scratch)
		return -ENOMEM;
	pathbuf = scratch->path;

	err = mmap_read_lock_killable(mm);
	if (err)
		goto put_scratch;
	w.locked_ns = ktime_get_ns();
	for_each_vma(vmi, w.vma) {
		err = gosnap_emit_vma(&w, max(addr, w.vma->vm_start), pathbuf);
		if (!err)
			err = gosnap_walk_vma(&w, max(addr, w.vma->vm_start), &addr);
		if (err == -EINTR)
			goto put_scratch;	/* the lock is already dropped */
		if (err)
			break;
		st->nr_vmas++;
		w.vma_index++;
		/* mmap_lock was dropped: the tree may have changed, look it up afresh */
		if (w.relocked) {
			vma_iter_init(&vmi, mm, addr);
			w.relocked = false;
		}
	}
	mmap_read_unlock(mm);
put_scratch:
	gosnap_scratch_put(scratch);
	return err;
}
