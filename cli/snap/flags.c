// SPDX-License-Identifier: GPL-2.0
#include "snap/flags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/gosnap.h>

#define BIT(mask)	[__builtin_ctz(mask)]
#define TABLE(arr)	{ .names = (arr), .nr = sizeof(arr) / sizeof((arr)[0]) }

static const char *const page_flag_names[32] = {
	BIT(GOSNAP_PG_PRESENT)		= "present",
	BIT(GOSNAP_PG_SWAP)		= "swap",
	BIT(GOSNAP_PG_MIGRATION)	= "migration",
	BIT(GOSNAP_PG_FILE)		= "file",
	BIT(GOSNAP_PG_ANON)		= "anon",
	BIT(GOSNAP_PG_THP)		= "thp",
	BIT(GOSNAP_PG_PUD)		= "pud",
	BIT(GOSNAP_PG_ZERO)		= "zero",
	BIT(GOSNAP_PG_PTE_DIRTY)	= "pte_dirty",
	BIT(GOSNAP_PG_YOUNG)		= "young",
	BIT(GOSNAP_PG_PAGE_DIRTY)	= "page_dirty",
	BIT(GOSNAP_PG_WRITE)		= "write",
	BIT(GOSNAP_PG_SOFT_DIRTY)	= "soft_dirty",
	BIT(GOSNAP_PG_EXCLUSIVE)	= "exclusive",
	BIT(GOSNAP_PG_UFFD_WP)		= "uffd_wp",
	BIT(GOSNAP_PG_SPECIAL)		= "special",
	BIT(GOSNAP_PG_MARKER)		= "marker",
	BIT(GOSNAP_PG_PFN)		= "pfn",
	BIT(GOSNAP_PG_SWAPCACHE)	= "swapcache",
	BIT(GOSNAP_PG_PMD)		= "pmd",
};

static const char *const vma_flag_names[32] = {
	BIT(GOSNAP_VMA_READ)		= "read",
	BIT(GOSNAP_VMA_WRITE)		= "write",
	BIT(GOSNAP_VMA_EXEC)		= "exec",
	BIT(GOSNAP_VMA_SHARED)		= "shared",
	BIT(GOSNAP_VMA_MAYSHARE)	= "mayshare",
	BIT(GOSNAP_VMA_GROWSDOWN)	= "growsdown",
	BIT(GOSNAP_VMA_FILE)		= "file",
	BIT(GOSNAP_VMA_ANON)		= "anon",
	BIT(GOSNAP_VMA_HUGEPAGE)	= "hugepage",
	BIT(GOSNAP_VMA_NOHUGEPAGE)	= "nohugepage",
	BIT(GOSNAP_VMA_PFNMAP)		= "pfnmap",
	BIT(GOSNAP_VMA_HUGETLB)		= "hugetlb",
	BIT(GOSNAP_VMA_LOCKED)		= "locked",
	BIT(GOSNAP_VMA_SOFTDIRTY)	= "softdirty",
	BIT(GOSNAP_VMA_STACK)		= "stack",
	BIT(GOSNAP_VMA_HEAP)		= "heap",
	BIT(GOSNAP_VMA_SPECIAL)		= "special",
	BIT(GOSNAP_VMA_DONTDUMP)	= "dontdump",
	BIT(GOSNAP_VMA_CHANGED)		= "changed",
};

static const char *const stream_flag_names[32] = {
	BIT(GOSNAP_SF_PFN)		= "pfn",
	BIT(GOSNAP_SF_TRUNCATED)	= "truncated",
	BIT(GOSNAP_SF_PROBE)		= "probe",
	BIT(GOSNAP_SF_STOP_WORLD)	= "stop_world",
	BIT(GOSNAP_SF_MM_CHANGED)	= "mm_changed",
	BIT(GOSNAP_SF_PTE_FACTS)	= "pte_facts",
};

const struct gs_flag_names gs_page_flags = TABLE(page_flag_names);
const struct gs_flag_names gs_vma_flags = TABLE(vma_flag_names);
const struct gs_flag_names gs_stream_flags = TABLE(stream_flag_names);

uint32_t gs_flags_known(const struct gs_flag_names *t)
{
	uint32_t mask = 0;
	size_t bit;

	for (bit = 0; bit < t->nr && bit < 32; bit++)
		if (t->names[bit])
			mask |= 1U << bit;
	return mask;
}

char *gs_flags_str(const struct gs_flag_names *t, uint32_t flags, char *buf,
		   size_t len)
{
	size_t used = 0;
	unsigned int bit;

	if (len)
		buf[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		char unnamed[8];
		const char *name;
		int n;

		if (!(flags & (1U << bit)))
			continue;
		name = bit < t->nr ? t->names[bit] : NULL;
		if (!name) {
			snprintf(unnamed, sizeof(unnamed), "bit%u", bit);
			name = unnamed;
		}
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

static int lookup(const struct gs_flag_names *t, const char *name, size_t n)
{
	size_t bit;

	for (bit = 0; bit < t->nr; bit++)
		if (t->names[bit] && strlen(t->names[bit]) == n &&
		    !strncmp(t->names[bit], name, n))
			return (int)bit;
	return -1;
}

int gs_flags_parse(const struct gs_flag_names *t, const char *s,
		   uint32_t *set, uint32_t *clear, char *err, size_t errlen)
{
	*set = *clear = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int negate = *s == '!';
		int bit = lookup(t, s + negate, n - negate);

		if (bit < 0) {
			snprintf(err, errlen, "unknown flag '%.*s'",
				 (int)(n - negate), s + negate);
			return -1;
		}
		if (negate)
			*clear |= 1U << bit;
		else
			*set |= 1U << bit;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

const char *gs_trigger_name(uint32_t trigger)
{
	switch (trigger) {
	case GOSNAP_TRIG_PID:	return "pid";
	case GOSNAP_TRIG_PROBE:	return "probe";
	default:		return "unknown";
	}
}

const char *gs_mode_name(uint32_t mode)
{
	switch (mode) {
	case GOSNAP_MODE_PAGES:	return "pages";
	case GOSNAP_MODE_META:	return "meta";
	case GOSNAP_MODE_FULL:	return "full";
	default:		return "unknown";
	}
}

const char *gs_thread_state_name(uint32_t state)
{
	static const char *const names[] = {
		[GOSNAP_TS_RUNNING]	= "running",
		[GOSNAP_TS_SLEEPING]	= "sleeping",
		[GOSNAP_TS_DISK]	= "disk",
		[GOSNAP_TS_STOPPED]	= "stopped",
		[GOSNAP_TS_TRACED]	= "traced",
		[GOSNAP_TS_DEAD]	= "dead",
		[GOSNAP_TS_HELD]	= "held",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

const char *gs_mem_why_name(uint32_t why)
{
	switch (why) {
	case GOSNAP_MEM_EXE_DATA:	return "exe_data";
	case GOSNAP_MEM_ANON:		return "anon";
	case GOSNAP_MEM_STACK:		return "stack";
	case GOSNAP_MEM_OTHER:		return "other";
	default:			return "unknown";
	}
}

const char *gs_build_id_type_name(uint32_t type)
{
	switch (type) {
	case GOSNAP_BUILD_ID_NONE:	return "none";
	case GOSNAP_BUILD_ID_GNU:	return "gnu";
	case GOSNAP_BUILD_ID_GO:	return "go";
	default:			return "unknown";
	}
}

const char *gs_arch_name(uint32_t arch)
{
	return arch == GOSNAP_ARCH_X86_64 ? "x86_64" : "unknown";
}
