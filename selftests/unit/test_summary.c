// SPDX-License-Identifier: GPL-2.0
/*
 * gs_sum_vma: the per-mapping sums of `show`, each as smaps defines its
 * field. thp_bytes is smaps' AnonHugePages: anonymous pages mapped by a
 * PMD, not a THP split into PTEs, not the huge zero page, not a shmem or
 * file huge page.
 */
#include "snap/summary.h"
#include "tap.h"

#include <string.h>
#include <linux/gosnap.h>

#define P	GOSNAP_PG_PRESENT
#define RUN(a, n, f)	{ .addr = (a), .npages = (n), .flags = (f) }

static void test_thp(void)
{
	struct gosnap_page_run runs[] = {
		/* a PMD-mapped anonymous THP: counted */
		RUN(0x200000, 512, P | GOSNAP_PG_ANON | GOSNAP_PG_THP | GOSNAP_PG_PMD),
		/* a THP split into PTEs (mprotect of one page): not counted */
		RUN(0x400000, 16, P | GOSNAP_PG_ANON | GOSNAP_PG_THP),
		RUN(0x410000, 1, P | GOSNAP_PG_ANON | GOSNAP_PG_THP),
		RUN(0x411000, 495, P | GOSNAP_PG_ANON | GOSNAP_PG_THP),
		/* the huge zero page: a zero page, not a THP of ours */
		RUN(0x600000, 512, P | GOSNAP_PG_THP | GOSNAP_PG_PMD | GOSNAP_PG_ZERO),
		/* a shmem huge page mapped by a PMD: ShmemPmdMapped, not Anon */
		RUN(0x800000, 512, P | GOSNAP_PG_FILE | GOSNAP_PG_THP | GOSNAP_PG_PMD),
		/* swapped: nothing resident */
		RUN(0xa00000, 4, GOSNAP_PG_SWAP),
	};
	struct gosnap_rec_vma rec = { .start = 0x200000, .end = 0xa04000 };
	struct gosnap_stream_hdr hdr = { .page_size = 4096 };
	struct gs_vma v = { .rec = &rec, .runs = runs,
			    .nr_runs = sizeof(runs) / sizeof(runs[0]) };
	struct gs_snapshot s = { .hdr = &hdr, .vmas = &v, .nr_vmas = 1 };
	struct gs_sum sum;

	gs_sum_vma(&s, &v, &sum);
	ok(sum.thp == 2 << 20, "thp: only the PMD-mapped anonymous huge page (%llu bytes)",
	   (unsigned long long)sum.thp);
	ok(sum.zero == 2 << 20, "zero: the huge zero page (%llu bytes)",
	   (unsigned long long)sum.zero);
	ok(sum.rss == (512 + 512 + 512) * 4096ULL,
	   "rss: the two THPs and the shmem page, not the zero page (%llu bytes)",
	   (unsigned long long)sum.rss);
	ok(sum.swap == 4 * 4096, "swap: the swapped run");
}

int main(void)
{
	test_thp();
	return tap_done();
}
