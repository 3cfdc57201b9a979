// SPDX-License-Identifier: GPL-2.0
/*
 * thp: transparent huge pages mapped three ways, for the THP accounting
 * test (14-thp.t):
 *   thp    4 MiB, MADV_HUGEPAGE, written: two THPs mapped by PMDs;
 *   split  4 MiB the same, then one page of its second half made
 *          read-only: that PMD is split into PTEs, the huge page stays
 *          (smaps no longer counts it in AnonHugePages);
 *   zero   4 MiB, MADV_HUGEPAGE, only read: the huge zero page.
 * It prints "region NAME START END" (hex) for each, then "ready", and
 * exits when stdin reaches EOF.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB		(1024UL * 1024)
#define PMD_SIZE	(2 * MIB)
#define LEN		(4 * MIB)

static void die(const char *what)
{
	fprintf(stderr, "thp: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* LEN bytes at a PMD boundary, MADV_HUGEPAGE. */
static char *huge_region(void)
{
	char *p = mmap(NULL, LEN + PMD_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		die("mmap");
	a = ((uintptr_t)p + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	if (madvise((void *)a, LEN, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	return (char *)a;
}

static void region(const char *name, const char *p)
{
	printf("region %s %#lx %#lx\n", name, (unsigned long)p,
	       (unsigned long)(p + LEN));
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile char sink = 0;
	char *thp, *split, *zero;
	size_t i;

	thp = huge_region();
	memset(thp, 0x5a, LEN);
	split = huge_region();
	memset(split, 0xa5, LEN);
	if (mprotect(split + PMD_SIZE + 16 * page, page, PROT_READ))
		die("mprotect");
	zero = huge_region();
	for (i = 0; i < LEN; i += page)
		sink += zero[i];
	region("thp", thp);
	region("split", split);
	region("zero", zero);
	printf("ready\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	return sink;
}
