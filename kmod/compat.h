/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels gosnap supports (6.1 to 7.x) lives
 * here, so the rest of the module reads as if there were one kernel.
 */
#ifndef GOSNAP_COMPAT_H
#define GOSNAP_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
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
typedef struct uprobe *gosnap_uprobe_t;
#else
typedef int gosnap_uprobe_t;	/* nothing to keep: (inode, offset) names it */
#endif

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
					 gosnap_uprobe_t *up)
{
#ifdef GOSNAP_UPROBE_HANDLE
	struct uprobe *u = uprobe_register(inode, offset, 0, uc);

	if (IS_ERR(u))
		return PTR_ERR(u);
	*up = u;
	return 0;
#else
	*up = 0;
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
					    gosnap_uprobe_t up)
{
#ifdef GOSNAP_UPROBE_HANDLE
	uprobe_unregister_nosync(up, uc);
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

/* ---- files: struct fd became opaque in 6.12 ---------------------------- */
#include <linux/file.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#define fd_file(f)	((f).file)
#endif

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

/* pte_marker_entry_uffd_wp() exists since 5.19 on every supported kernel. */
static inline bool gosnap_is_marker(swp_entry_t entry)
{
	return is_pte_marker_entry(entry);
}

static inline bool gosnap_marker_uffd_wp(swp_entry_t entry)
{
	return pte_marker_entry_uffd_wp(entry);
}

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

/* Up to 6.11 pagemap also calls non-present PFN entries (device-private,
 * hwpoison) exclusive when mapped once; from 6.12 only present pages. */
#define GOSNAP_PAGEMAP_EXCL_SWAP \
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0))

/* The mapcount pagemap's "exclusively mapped" bit is computed from. */
static inline int gosnap_page_mapcount(struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	return folio_precise_page_mapcount(page_folio(page), page);
#else
	return page_mapcount(page);
#endif
}

#endif /* GOSNAP_COMPAT_H */
