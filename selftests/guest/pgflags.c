// SPDX-License-Identifier: GPL-2.0
/* Bit-to-name tables, used only to make failure messages readable. */
#include "pgflags.h"

#include <stdio.h>
#include <string.h>
#include <linux/gosnap.h>

struct bit_name {
	uint64_t bit;
	const char *name;
};

static const struct bit_name pg_names[] = {
	{ GOSNAP_PG_PRESENT,	"PRESENT" },
	{ GOSNAP_PG_SWAP,	"SWAP" },
	{ GOSNAP_PG_MIGRATION,	"MIGRATION" },
	{ GOSNAP_PG_FILE,	"FILE" },
	{ GOSNAP_PG_ANON,	"ANON" },
	{ GOSNAP_PG_THP,	"THP" },
	{ GOSNAP_PG_PUD,	"PUD" },
	{ GOSNAP_PG_ZERO,	"ZERO" },
	{ GOSNAP_PG_PTE_DIRTY,	"PTE_DIRTY" },
	{ GOSNAP_PG_YOUNG,	"YOUNG" },
	{ GOSNAP_PG_PAGE_DIRTY,	"PAGE_DIRTY" },
	{ GOSNAP_PG_WRITE,	"WRITE" },
	{ GOSNAP_PG_SOFT_DIRTY,	"SOFT_DIRTY" },
	{ GOSNAP_PG_EXCLUSIVE,	"EXCLUSIVE" },
	{ GOSNAP_PG_UFFD_WP,	"UFFD_WP" },
	{ GOSNAP_PG_SPECIAL,	"SPECIAL" },
	{ GOSNAP_PG_MARKER,	"MARKER" },
	{ GOSNAP_PG_PFN,	"PFN" },
	{ GOSNAP_PG_SWAPCACHE,	"SWAPCACHE" },
	{ GOSNAP_PG_PMD,	"PMD" },
};

static const struct bit_name vma_names[] = {
	{ GOSNAP_VMA_READ,	"READ" },
	{ GOSNAP_VMA_WRITE,	"WRITE" },
	{ GOSNAP_VMA_EXEC,	"EXEC" },
	{ GOSNAP_VMA_SHARED,	"SHARED" },
	{ GOSNAP_VMA_MAYSHARE,	"MAYSHARE" },
	{ GOSNAP_VMA_GROWSDOWN,	"GROWSDOWN" },
	{ GOSNAP_VMA_FILE,	"FILE" },
	{ GOSNAP_VMA_ANON,	"ANON" },
	{ GOSNAP_VMA_HUGEPAGE,	"HUGEPAGE" },
	{ GOSNAP_VMA_NOHUGEPAGE, "NOHUGEPAGE" },
	{ GOSNAP_VMA_PFNMAP,	"PFNMAP" },
	{ GOSNAP_VMA_HUGETLB,	"HUGETLB" },
	{ GOSNAP_VMA_LOCKED,	"LOCKED" },
	{ GOSNAP_VMA_SOFTDIRTY,	"SOFTDIRTY" },
	{ GOSNAP_VMA_STACK,	"STACK" },
	{ GOSNAP_VMA_HEAP,	"HEAP" },
	{ GOSNAP_VMA_SPECIAL,	"SPECIAL" },
	{ GOSNAP_VMA_DONTDUMP,	"DONTDUMP" },
};

static const struct bit_name kpf_names[] = {
	{ KPF(DIRTY),		"DIRTY" },
	{ KPF(ANON),		"ANON" },
	{ KPF(SWAPCACHE),	"SWAPCACHE" },
	{ KPF(NOPAGE),		"NOPAGE" },
	{ KPF(THP),		"THP" },
	{ KPF(ZERO_PAGE),	"ZERO_PAGE" },
};

static const char *bits_str(uint64_t v, const struct bit_name *names,
			    size_t n, char *buf, size_t len)
{
	size_t used = 0, i;
	uint64_t known = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		known |= names[i].bit;
		if (!(v & names[i].bit))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 used ? "|" : "", names[i].name);
	}
	if (v & ~known)
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%#llx", used ? "|" : "",
				 (unsigned long long)(v & ~known));
	if (!used)
		snprintf(buf, len, "0");
	return buf;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *pg_flags_str(uint32_t flags, char *buf, size_t len)
{
	return bits_str(flags, pg_names, N(pg_names), buf, len);
}

const char *vma_flags_str(uint32_t flags, char *buf, size_t len)
{
	return bits_str(flags, vma_names, N(vma_names), buf, len);
}

const char *kpf_str(uint64_t kpf, char *buf, size_t len)
{
	/* Only the bits the tests compare: the full word is printed beside. */
	return bits_str(kpf & (KPF(DIRTY) | KPF(ANON) | KPF(SWAPCACHE) |
			       KPF(NOPAGE) | KPF(THP) | KPF(ZERO_PAGE)),
			kpf_names, N(kpf_names), buf, len);
}

const char *pme_str(uint64_t pme, char *buf, size_t len)
{
	uint64_t frame = pme & PME_PFN_MASK;

	snprintf(buf, len, "%#018llx (%s%s%s%s%s%s%s",
		 (unsigned long long)pme,
		 pme & PME_PRESENT ? "present " : "",
		 pme & PME_SWAP ? "swapped " : "",
		 pme & PME_FILE ? "file " : "",
		 pme & PME_EXCLUSIVE ? "excl " : "",
		 pme & PME_SOFT_DIRTY ? "soft-dirty " : "",
		 pme & PME_UFFD_WP ? "uffd-wp " : "",
		 pme & PME_GUARD ? "guard " : "");
	if (pme & PME_PRESENT)
		snprintf(buf + strlen(buf), len - strlen(buf), "pfn=%#llx)",
			 (unsigned long long)frame);
	else if (pme & PME_SWAP)
		snprintf(buf + strlen(buf), len - strlen(buf),
			 "type=%llu offset=%#llx)",
			 (unsigned long long)(frame & ((1U << PME_SWAP_TYPE_BITS) - 1)),
			 (unsigned long long)(frame >> PME_SWAP_TYPE_BITS));
	else
		snprintf(buf + strlen(buf), len - strlen(buf), "none)");
	return buf;
}
