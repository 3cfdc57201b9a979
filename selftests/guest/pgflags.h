/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names for the bits the in-guest tests compare: GOSNAP_PG_* and
 * GOSNAP_VMA_* from the ABI, and the pagemap and kpageflags bits the
 * kernel documents (Documentation/admin-guide/mm/pagemap.rst).
 */
#ifndef GUEST_PGFLAGS_H
#define GUEST_PGFLAGS_H

#include <stddef.h>
#include <stdint.h>

/* /proc/PID/pagemap, one 64-bit word per page. */
#define PME_PFN_BITS		55
#define PME_PFN_MASK		((1ULL << PME_PFN_BITS) - 1)
#define PME_SWAP_TYPE_BITS	5	/* swapped: type in bits 0-4, offset above */
#define PME_SOFT_DIRTY		(1ULL << 55)
#define PME_EXCLUSIVE		(1ULL << 56)
#define PME_UFFD_WP		(1ULL << 57)
#define PME_GUARD		(1ULL << 58)	/* guard region marker, 6.15+ */
#define PME_FILE		(1ULL << 61)
#define PME_SWAP		(1ULL << 62)
#define PME_PRESENT		(1ULL << 63)

/* /proc/kpageflags bit numbers. */
#define KPF_BIT_DIRTY		4
#define KPF_BIT_ANON		12
#define KPF_BIT_SWAPCACHE	13
#define KPF_BIT_NOPAGE		20
#define KPF_BIT_THP		22
#define KPF_BIT_ZERO_PAGE	24

#define KPF(name)		(1ULL << KPF_BIT_##name)

/* "PRESENT|ANON|PTE_DIRTY" for GOSNAP_PG_* bits; returns buf. */
const char *pg_flags_str(uint32_t flags, char *buf, size_t len);
/* The same for GOSNAP_VMA_* bits. */
const char *vma_flags_str(uint32_t flags, char *buf, size_t len);
/* "present file excl pfn=0x1234" for a pagemap word. */
const char *pme_str(uint64_t pme, char *buf, size_t len);
/* "ANON|THP|DIRTY" for the kpageflags bits named above. */
const char *kpf_str(uint64_t kpf, char *buf, size_t len);

#endif /* GUEST_PGFLAGS_H */
