// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot difference (cli/decode/snapdiff.c) on two built snapshots
 * of one process: a mapping whose resident pages changed, one that grew
 * downward (the kernel merged a new neighbour into it), one removed, one
 * added, one unchanged (not listed); a thread gone and one added; no
 * goroutines decoded (unavailable, the rest still compared); and two
 * processes told apart by their start time (issue 14).
 */
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "decode/snapdiff.h"
#include "tap.h"

#define RW	(GOSNAP_VMA_READ | GOSNAP_VMA_WRITE | GOSNAP_VMA_ANON)
#define RX	(GOSNAP_VMA_READ | GOSNAP_VMA_EXEC | GOSNAP_VMA_FILE)

static void resident(struct sb *sb, uint32_t vma, uint64_t addr, uint32_t pages)
{
	struct gosnap_page_run r = { .addr = addr, .npages = pages, .flags = GOSNAP_PG_PRESENT };

	sb_pages(sb, vma, &r, 1);
}

static size_t build(struct sb *sb, bool later, uint64_t start_ns)
{
	struct gosnap_rec_task *t;
	uint32_t v;

	sb_init(sb, 0, 0);
	sb_task(sb, 500, "prog", "/opt/prog");
	t = sb_at(sb, sb->nr_records - 1);
	t->start_boottime_ns = start_ns;
	v = sb_vma(sb, 0x400000, 0x410000, RX, "/opt/prog");	/* unchanged */
	resident(sb, v, 0x400000, 4);
	v = sb_vma(sb, 0x600000, 0x610000, RW, "");		/* resident 2 -> 5 */
	resident(sb, v, 0x600000, later ? 5 : 2);
	if (!later) {
		v = sb_vma(sb, 0x700000, 0x701000, RW, "");	/* removed */
		resident(sb, v, 0x700000, 1);
		v = sb_vma(sb, 0x7f0000100000, 0x7f0000200000, RW, "");
		resident(sb, v, 0x7f0000100000, 3);
	} else {
		v = sb_vma(sb, 0x7e0000000000, 0x7e0000001000, RW, "");	/* added */
		resident(sb, v, 0x7e0000000000, 1);
		v = sb_vma(sb, 0x7f0000000000, 0x7f0000200000, RW, "");	/* grown down */
		resident(sb, v, 0x7f0000000000, 259);
	}
	sb_thread(sb, 500, GOSNAP_THR_LEADER, 0x401000, 0x7ffd0000);
	sb_thread(sb, later ? 502 : 501, 0, 0x401000, 0x7ffc0000);
	return sb_end(sb);
}

static const struct sd_vma *change(const struct snapdiff *d, enum sd_vma_change c)
{
	for (size_t i = 0; i < d->nvmas; i++)
		if (d->vmas[i].change == c)
			return &d->vmas[i];
	return NULL;
}

int main(void)
{
	struct gs_goroutines none = { .problem = "no allgs in a test snapshot" };
	struct gs_snapctx a = { 0 }, b = { 0 };
	struct sb sa, sb2;
	struct snapdiff d;
	const struct sd_vma *v;
	char err[256];
	size_t la, lb;

	la = build(&sa, false, 1000);
	lb = build(&sb2, true, 1000);
	if (gs_snapshot_parse(sa.buf, la, &a.snap, err, sizeof(err)) ||
	    gs_snapshot_parse(sb2.buf, lb, &b.snap, err, sizeof(err)))
		return diag("%s", err), 1;
	int r = snapdiff_compute(&a, &none, &b, &none, &d);

	ok(!r && d.same_process && d.nvmas == 4,
	   "one process; 4 mappings changed, the unchanged one not listed (%zu)", d.nvmas);
	v = change(&d, SD_RESIDENT);
	ok(v && v->start == 0x600000 && v->resident_a == 2 && v->resident_b == 5,
	   "resident pages 2 -> 5 at 0x600000");
	v = change(&d, SD_GROWN);
	ok(v && v->start_a == 0x7f0000100000 && v->start == 0x7f0000000000 &&
	   v->end_a == v->end_b && v->resident_b == 259,
	   "a mapping grown downward is one change, not a removal and an addition");
	v = change(&d, SD_REMOVED);
	ok(v && v->start == 0x700000 && !v->end_b, "the mapping unmapped is removed");
	v = change(&d, SD_ADDED);
	ok(v && v->start == 0x7e0000000000 && !v->end_a && v->resident_b == 1,
	   "the new mapping is added");
	ok(d.resident_a == 10 && d.resident_b == 269, "resident totals %llu -> %llu",
	   (unsigned long long)d.resident_a, (unsigned long long)d.resident_b);
	ok(d.nthreads == 2 && ((d.threads[0].tid == 502 && d.threads[0].added &&
				d.threads[1].tid == 501 && !d.threads[1].added)),
	   "thread 502 added, 501 gone");
	ok(!d.gs_ok && strstr(d.gs_why, "no allgs"), "goroutines unavailable, with why: %s",
	   d.gs_why);
	snapdiff_free(&d);
	gs_snapshot_free(&b.snap);
	sb_free(&sb2);

	lb = build(&sb2, true, 2000);
	ok(!gs_snapshot_parse(sb2.buf, lb, &b.snap, err, sizeof(err)) &&
	   !snapdiff_compute(&a, &none, &b, &none, &d) && !d.same_process &&
	   strstr(d.why, "two processes"),
	   "the same pid started at another time is another process: %s", d.why);
	snapdiff_free(&d);
	gs_snapshot_free(&b.snap);
	gs_snapshot_free(&a.snap);
	sb_free(&sb2);
	sb_free(&sa);
	return tap_done();
}
