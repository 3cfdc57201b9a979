/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels gosnap supports (6.1 to 7.x) lives
 * here, so the rest of the module reads as if there were one kernel.
 */
#ifndef GOSNAP_COMPAT_H
#define GOSNAP_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uprobes.h>
#include <linux/userfaultfd_k.h>

/* ---- uprobes ------------------------------------------------------------
 * 6.1-6.11: register by (inode, offset, consumer), synchronous unregister.
 * 6.12:     uprobe_register() returns the uprobe; unregister is split into
 *           uprobe_unregister_nosync() per probe + one uprobe_unregister_sync().
 *           The filter lost its context argument.
 * 6.13+:    handlers take a __u64 *data cookie.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define GOSNAP_UPROBE_HANDLE	1
#endif

/* What unregistering needs besides (inode, offset, consumer). */
struct gosnap_uprobe_handle {
	struct uprobe	*uprobe;	/* 6.12+: uprobe_register()'s result */
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define GOSNAP_UPROBE_HANDLER_ARGS \
	struct uprobe_consumer *self, struct pt_regs *regs, __u64 *data
#else
#define GOSNAP_UPROBE_HANDLER_ARGS \
	struct uprobe_consumer *self, struct pt_regs *regs
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define GOSNAP_UPROBE_FILTER_ARGS \
	struct uprobe_consumer *self, struct mm_struct *mm
#else
#define GOSNAP_UPROBE_FILTER_ARGS \
	struct uprobe_consumer *self, enum uprobe_filter_ctx ctx, \
	struct mm_struct *mm
#endif

/* Returns 0 and fills *up, or -errno. */
static inline int gosnap_uprobe_register(struct inode *inode, loff_t offset,
					 struct uprobe_consumer *uc,
					 struct gosnap_uprobe_handle *up)
{
#ifdef GOSNAP_UPROBE_HANDLE
	struct uprobe *u = uprobe_register(inode, offset, 0, uc);

	if (IS_ERR(u))
		return PTR_ERR(u);
	up->uprobe = u;
	return 0;
#else
	up->uprobe = NULL;
	return uprobe_register(inode, offset, uc);
#endif
}

/*
 * Start removing one consumer. On 6.1-6.11 this is the whole (synchronous)
 * unregister; from 6.12 gosnap_uprobe_unregister_sync() must follow before
 * the consumer is freed.
 */
static inline void gosnap_uprobe_unregister(struct inode *inode, loff_t offset,
					    struct uprobe_consumer *uc,
					    struct gosnap_uprobe_handle *up)
{
#ifdef GOSNAP_UPROBE_HANDLE
	uprobe_unregister_nosync(up->uprobe, uc);
#else
	uprobe_unregister(inode, offset, uc);
#endif
}

static inline void gosnap_uprobe_unregister_sync(void)
{
#ifdef GOSNAP_UPROBE_HANDLE
	uprobe_unregister_sync();
#endif
}

/* ---- page tables --------------------------------------------------------
 * pmdp_get_lockless() is generic only from 6.x; on x86-64 a pmd is one
 * word, so a single READ_ONCE() is the lockless read on every version.
 */
static inline pmd_t gosnap_pmdp_get(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}

static inline pud_t gosnap_pudp_get(pud_t *pudp)
{
	return READ_ONCE(*pudp);
}

/*
 * Non-present entries. 6.1-6.x: swp_entry_t helpers in swapops.h. 7.x
 * replaced them with "software leaf" helpers (linux/leafops.h) and renamed
 * the uffd-wp bit helpers (pte_uffd_wp -> pte_uffd, ...).
 */
#ifdef __has_include	/* sparse 0.6.4 has none: it checks the 6.1 build */
#if __has_include("linux/leafops.h")
#include <linux/leafops.h>
#define GOSNAP_SOFTLEAF	1
#endif
#endif

struct gosnap_swp {
	bool		marker;		/* a PTE marker, nothing mapped */
	bool		marker_uffd_wp;
	bool		has_pfn;	/* migration, device, hwpoison */
	bool		migration;
	unsigned int	type;
	u64		offset;		/* swap offset, or the PFN with has_pfn */
	struct page	*page;		/* with has_pfn */
};

static inline void gosnap_decode_swp(pte_t pte, struct gosnap_swp *o)
{
#ifdef GOSNAP_SOFTLEAF
	softleaf_t e = softleaf_from_pte(pte);

	o->marker = softleaf_is_marker(e);
	o->marker_uffd_wp = softleaf_is_uffd_wp_marker(e);
	o->has_pfn = softleaf_has_pfn(e);
	o->migration = softleaf_is_migration(e);
	o->type = swp_type(e);
	o->offset = o->has_pfn ? softleaf_to_pfn(e) : swp_offset(e);
	o->page = o->has_pfn ? softleaf_to_page(e) : NULL;
#else
	swp_entry_t e = pte_to_swp_entry(pte);

	o->marker = is_pte_marker_entry(e);
	o->marker_uffd_wp = pte_marker_entry_uffd_wp(e);
	o->has_pfn = is_pfn_swap_entry(e);
	o->migration = is_migration_entry(e);
	o->type = swp_type(e);
	o->offset = o->has_pfn ? swp_offset_pfn(e) : swp_offset(e);
	o->page = o->has_pfn ? pfn_swap_entry_to_page(e) : NULL;
#endif
}

#ifdef GOSNAP_SOFTLEAF
#define gosnap_pte_uffd_wp(pte)		pte_uffd(pte)
#define gosnap_pmd_uffd_wp(pmd)		pmd_uffd(pmd)
#define gosnap_pte_swp_uffd_wp(pte)	pte_swp_uffd(pte)
#else
#define gosnap_pte_uffd_wp(pte)		pte_uffd_wp(pte)
#define gosnap_pmd_uffd_wp(pmd)		pmd_uffd_wp(pmd)
#define gosnap_pte_swp_uffd_wp(pte)	pte_swp_uffd_wp(pte)
#endif

/* ---- page facts, each computed the way /proc/kpageflags and pagemap do -- */

/*
 * The page's own PG_dirty as kpageflags reports it: up to 6.9 the bit of
 * this struct page, from 6.10 the folio's.
 */
static inline bool gosnap_page_dirty(struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	return folio_test_dirty(page_folio(page));
#else
	return test_bit(PG_dirty, &page->flags);
#endif
}

/*
 * From 6.10 kpageflags reads PG_dirty of the folio, so every subpage of a
 * huge page answers as its head; before, it is each subpage's own bit.
 * (THP is the compound page's in both.)
 */
static inline bool gosnap_subpage_flags_are_folios(void)
{
	return LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0);
}

/*
 * "Is a THP" as kpageflags says: up to 6.9 any transparent compound page
 * whose head is on an LRU or anonymous; from 6.10 any large rmappable
 * folio (mTHP included). The huge zero page is handled by the caller.
 */
static inline bool gosnap_page_thp(struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	struct folio *folio = page_folio(page);

	return folio_test_large(folio) && !folio_test_hugetlb(folio) &&
	       folio_test_large_rmappable(folio);
#else
	struct page *head;

	if (!PageTransCompound(page) || PageHuge(page))
		return false;
	head = compound_head(page);
	return PageLRU(head) || PageAnon(head);
#endif
}

/*
 * pagemap's PMD path took the huge zero page for a file page (it looked at
 * pmd_page()) up to 6.18; later kernels ask vm_normal_page_pmd(), which
 * has no page for it, so neither FILE nor exclusive is set.
 */
#define GOSNAP_PAGEMAP_HUGE_ZERO_FILE \
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0))

/*
 * Up to 6.11 pagemap also calls non-present PFN entries (device-private,
 * hwpoison) exclusive when mapped once; from 6.12 only present pages.
 */
#define GOSNAP_PAGEMAP_EXCL_SWAP \
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0))

/*
 * The mapcount pagemap's "exclusively mapped" bit is computed from: up to
 * 6.11 page_mapcount(); from 6.12 the page's precise mapcount (its own
 * PTE mappings plus the folio's PMD mappings), which mm/internal.h keeps
 * to itself, so it is computed here the same way. Kernels built without
 * per-page mapcounts (CONFIG_NO_PAGE_MAPCOUNT) only know whether the folio
 * may be shared: 1 or 2 stands for that.
 */
static inline int gosnap_page_mapcount(struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	struct folio *folio = page_folio(page);
#ifndef CONFIG_NO_PAGE_MAPCOUNT
	int mc;
#endif

#ifdef CONFIG_NO_PAGE_MAPCOUNT
	if (!folio_mapped(folio))
		return 0;
	return folio_maybe_mapped_shared(folio) ? 2 : 1;
#else
	mc = atomic_read(&page->_mapcount) + 1;
	if (page_mapcount_is_type(mc))
		mc = 0;
	if (folio_test_large(folio))
		mc += folio_entire_mapcount(folio);
	return mc;
#endif
#else
	return page_mapcount(page);
#endif
}

static inline bool gosnap_page_swapcache(struct page *page)
{
	return folio_test_swapcache(page_folio(page));
}

/* ---- registers: rdmsrl() became rdmsrq() in 6.16 ------------------------ */
#include <asm/msr.h>
#ifndef rdmsrl
#define rdmsrl(msr, val)	rdmsrq(msr, val)
#endif

/*
 * mmap_assert_locked() under CONFIG_DEBUG_VM calls dump_mm(), which no
 * kernel exports to modules: a module using it does not load on a debug
 * kernel. The same check, from exported pieces.
 */
static inline void gosnap_mmap_assert_locked(struct mm_struct *mm)
{
	lockdep_assert_held(&mm->mmap_lock);
	WARN_ON_ONCE(!rwsem_is_locked(&mm->mmap_lock));
}

/* ---- the executable and dumpability --------------------------------------
 * mm->exe_file: a module can take no reference to it (get_mm_exe_file is
 * not exported), so it is only compared, under RCU: a struct file is
 * RCU-freed (6.7+: SLAB_TYPESAFE_BY_RCU, so its fields are read as
 * pointers and compared, never followed). On overlayfs a VMA maps the real
 * file while exe_file stays the overlay's:
 * 6.1-6.7:  the overlay file's private_data is the real file it maps;
 * 6.8+:     the VMA's file is a backing file whose user path is exe_file's.
 */
static inline bool gosnap_vma_is_exe(const struct vm_area_struct *vma,
				     struct mm_struct *mm)
{
	struct file *vf = vma->vm_file, *exe;
	bool same;

	if (!vf)
		return false;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	same = exe && (vf == exe || (unlikely(vf->f_mode & FMODE_BACKING) &&
				     file_user_path(vf)->dentry == READ_ONCE(exe->f_path.dentry)));
#else
	same = exe && (vf == exe || READ_ONCE(exe->private_data) == vf);
#endif
	rcu_read_unlock();
	return same;
}

/*
 * The path a mapped file is shown by in /proc/PID/maps: 6.8+ a backing
 * file's user path (overlayfs), before then its own.
 */
static inline const struct path *gosnap_file_user_path(struct file *f)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return file_user_path(f);
#else
	return &f->f_path;
#endif
}

/*
 * Is @task's process dumpable by its owner (SUID_DUMP_USER, what ptrace
 * asks of a tracer without CAP_SYS_PTRACE)? Until 7.x on the mm; since,
 * on the task's exec state. The caller holds the task's exec_update_lock.
 */
#ifdef __has_include
#if __has_include("linux/sched/exec_state.h")
#include <linux/sched/exec_state.h>
#define GOSNAP_EXEC_STATE	1
#endif
#endif
#include <linux/sched/coredump.h>

static inline bool gosnap_owner_dumpable(struct task_struct *task)
{
	bool yes;
#ifdef GOSNAP_EXEC_STATE
	struct task_exec_state *es;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	yes = es && READ_ONCE(es->dumpable) == TASK_DUMPABLE_OWNER;
	rcu_read_unlock();
#else
	task_lock(task);
	yes = task->mm && get_dumpable(task->mm) == SUID_DUMP_USER;
	task_unlock(task);
#endif
	return yes;
}

#endif /* GOSNAP_COMPAT_H */
