/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What barewalk needs that differs between the test kernels (6.1 to 7.3).
 *
 * - pmdp_get() and pudp_get() are generic by 6.10 (6.1 has neither); on
 *   x86-64 an entry is one word, so READ_ONCE() is the same read on every
 *   version.
 * - pte_offset_map_lock() cannot be used from a module on 6.5 and later:
 *   it calls __pte_offset_map_lock(), which is not exported (7.3). The
 *   walk maps a PTE table the way that function does instead: under
 *   rcu_read_lock() (from 6.6 khugepaged may free a PTE table after an RCU
 *   grace period, with only mmap_lock held for read), with the pmd read
 *   again under the PTE lock. On 6.1 the RCU section costs nothing and the
 *   re-check never fails.
 * - walk_page_range() itself is exported on none of them (mm/pagewalk.c
 *   has no EXPORT_SYMBOL), so barewalk_main.c walks the levels the same
 *   way it does, with the same callbacks.
 */
#ifndef BAREWALK_COMPAT_H
#define BAREWALK_COMPAT_H

#include <linux/version.h>
#include <linux/pgtable.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define bw_pmdp_get(p)	pmdp_get(p)
#define bw_pudp_get(p)	pudp_get(p)
#else
static inline pmd_t bw_pmdp_get(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}

static inline pud_t bw_pudp_get(pud_t *pudp)
{
	return READ_ONCE(*pudp);
}
#endif

#endif /* BAREWALK_COMPAT_H */
