// SPDX-License-Identifier: GPL-2.0
/*
 * A Go program whose heap is 4 GiB of huge pages (issue 10, item 2; the
 * Go cousin of review C1): selftests/targets/go/bigheap allocates 4 GiB
 * in 64 MiB objects and writes one byte every 2 MiB. The VM boots with
 * transparent_hugepage=always, so each write faults in a real THP: 2,048
 * PMD leaves (Go 1.19 maps its arenas as many VMAs of 64 MiB), faulted
 * round-robin so that neighbours are rarely physically adjacent: with
 * PFNs each is its own run.
 *
 *   pid        gosnap-cli capture --pid, with and without --no-pfn: runs
 *              inside their VMAs, at least as many as pagemap implies and
 *              at most one per huge page, every page
 *              of the heap VMAs equal to pagemap and kpageflags (and the
 *              PMD-mapped total to smaps AnonHugePages)
 *   heap_meta  capture --at main.marker --mode meta: gosnap-cli heap
 *              decodes it and its HeapSys/HeapInuse are the runtime's own
 *              (within 1 MiB: the runtime reads them after the capture)
 *
 * Run as root in the test VM (--thp always, --mem 6G) with gosnap.ko
 * loaded and gosnap-cli on PATH; "bigheap" is installed beside this test.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "child.h"
#include "clisnap.h"
#include "pagecmp.h"
#include "procmaps.h"
#include "target.h"

#define TIMEOUT_MS	600000
#define MAX_LOGGED	20
#define HEAP_GIB	4
#define PMD_SIZE	(2ULL << 20)
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

FIXTURE(goheap) {
	struct target t;
	const struct region *r;
	char error[1024];
};

FIXTURE_SETUP(goheap)
{
	char prog[4096], gb[16], thp[128] = "";
	char *argv[] = { prog, "-gb", gb, NULL };
	FILE *f = fopen(THP_ENABLED, "r");

	if (f) {
		if (!fgets(thp, sizeof(thp), f))
			thp[0] = '\0';
		fclose(f);
	}
	if (!strstr(thp, "[always]")) {
		snprintf(self->error, sizeof(self->error),
			 "%s is \"%s\": boot with transparent_hugepage=always "
			 "(vm/run --thp always)", THP_ENABLED, thp);
		return;
	}
	snprintf(gb, sizeof(gb), "%d", HEAP_GIB);
	target_program_path("bigheap", prog, sizeof(prog));
	if (target_start(&self->t, argv, "ready", TIMEOUT_MS, self->error,
			 sizeof(self->error)))
		return;
	self->r = target_region(&self->t, "heap");
	if (!self->r)
		snprintf(self->error, sizeof(self->error), "no region \"heap\"");
}

FIXTURE_TEARDOWN(goheap)
{
	target_release(&self->t);
}

/* Send a command; the answer line starting with want goes to line. */
static int command(struct target *t, char cmd, const char *want, char *line,
		   size_t len)
{
	char buf[512];
	int ret;

	if (write(t->child.to_child, &cmd, 1) != 1)
		return -errno;
	for (;;) {
		ret = child_read_line(&t->child, buf, sizeof(buf), TIMEOUT_MS);
		if (ret)
			return ret;
		if (!strncmp(buf, want, strlen(want)))
			break;
		fprintf(stderr, "# bigheap: %s\n", buf);
	}
	if (line)
		snprintf(line, len, "%.*s", (int)len - 1, buf);
	return 0;
}

struct kick {
	struct target *t;
	char pong[256];		/* the answer after the capture */
};

static int kick_marker(void *arg, bool start)
{
	struct kick *k = arg;

	return start ? command(k->t, 'm', "marking", NULL, 0) :
		       command(k->t, 'p', "pong", k->pong, sizeof(k->pong));
}

/* The heap's VMAs: every smaps entry that overlaps the region. */
static size_t heap_vmas(struct __test_metadata *_metadata, pid_t pid,
			const struct region *r, struct proc_vma **out)
{
	struct proc_vma *all = NULL;
	size_t nr = 0, n = 0;

	ASSERT_EQ(0, procmaps_read(pid, &all, &nr));
	for (size_t i = 0; i < nr; i++)
		if (all[i].end > r->start && all[i].start < r->end)
			all[n++] = all[i];
	*out = all;
	return n;
}

TEST_F_TIMEOUT(goheap, pid, 1800)
{
	static const char *const nopfn[] = { "--no-pfn", NULL };
	uint64_t heap_pages = (self->r ? self->r->end - self->r->start : 0) /
			      (uint64_t)getpagesize();

	ASSERT_STREQ("", self->error);
	for (int i = 0; i < 2; i++) {
		uint64_t runs = 0, want_runs = 0, thp = 0, present = 0;
		struct proc_vma *vmas = NULL;
		struct pagecmp_stats st;
		struct snap sn = { 0 };
		size_t n;

		ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, i ? nopfn : NULL,
					     &sn, self->error, sizeof(self->error)))
			TH_LOG("%s", self->error);
		EXPECT_EQ(!i, !!(sn.s.hdr->flags & GOSNAP_SF_PFN));
		EXPECT_EQ(0, runs_outside(&sn.s));
		n = heap_vmas(_metadata, self->t.child.pid, self->r, &vmas);
		ASSERT_LT(0, n);
		for (size_t v = 0; v < n; v++) {
			const struct gs_vma *gv = gs_find_vma(&sn.s, vmas[v].start);
			struct region_oracle o;

			ASSERT_NE(NULL, gv);
			EXPECT_EQ(vmas[v].start, gv->rec->start);
			EXPECT_EQ(vmas[v].end, gv->rec->end);
			ASSERT_EQ(0, region_oracle(self->t.child.pid, vmas[v].start,
						   vmas[v].end, !i, &o));
			/* pagemap's state changes are run boundaries, and more
			 * may come from bits it does not show (young, dirty,
			 * write: 7.3 splits THPs of one VMA without PFNs) */
			EXPECT_LE(o.runs, gv->nr_runs)
				TH_LOG("VMA %#" PRIx64 "-%#" PRIx64, vmas[v].start,
				       vmas[v].end);
			runs += gv->nr_runs;
			want_runs += o.runs;
			thp += o.thp;
			present += o.present;
		}
		TH_LOG("%s: %.2f s (walk %.3f s); %zu heap VMAs: %" PRIu64
		       " runs, pagemap %" PRIu64 "; %" PRIu64 " pages present, %"
		       PRIu64 " in THPs (heap %" PRIu64 " pages)",
		       i ? "--pid --no-pfn" : "--pid", sn.secs,
		       sn.s.capture ? (double)sn.s.capture->walk_ns / 1e9 : -1.0,
		       n, runs, want_runs, present, thp, heap_pages);
		/* The kernel really backed the heap with huge pages. */
		EXPECT_LE(heap_pages * 9 / 10, thp);
		EXPECT_LE(want_runs, runs);
		/* but a PMD leaf is never split: at most a run per THP */
		EXPECT_GE(thp / (PMD_SIZE / getpagesize()) + (present - thp), runs);
		/*
		 * bigheap faults its huge pages round-robin over 64 objects,
		 * so with PFNs nearly every THP is a run of its own (a fresh
		 * VM hands out physically adjacent ones in a row: in order,
		 * 2,048 THPs made 166 runs); without, a VMA's THPs merge.
		 */
		if (!i)
			EXPECT_LE(thp / (PMD_SIZE / getpagesize()) / 2, runs);
		if (!i) {
			ASSERT_EQ(0, pagecmp_run(self->t.child.pid, &sn.s, vmas, n,
						 MAX_LOGGED, &st));
			TH_LOG("compared %" PRIu64 " pages: present %" PRIu64
			       " THP %" PRIu64 " PMD-mapped %" PRIu64
			       "; mismatches %" PRIu64, st.pages, st.present,
			       st.kpf_thp, st.pmd_mapped, st.mismatches);
			EXPECT_EQ(0, st.mismatches);
			EXPECT_LE(heap_pages * 9 / 10, st.pmd_mapped);
		}
		free(vmas);
		snap_free(&sn);
	}
	EXPECT_EQ(0, command(&self->t, 'p', "pong", NULL, 0));
}

/* "  NAME   N ..." of gosnap-cli heap's MEMSTATS table: the RUNTIME column. */
static int heap_counter(const char *out, const char *name, uint64_t *v)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n  %s ", name);
	p = strstr(out, key);
	if (!p || sscanf(p + strlen(key), "%" SCNu64, v) != 1)
		return -ENOENT;
	return 0;
}

TEST_F_TIMEOUT(goheap, heap_meta, 1800)
{
	static const char *const extra[] = { "--mode", "meta", NULL };
	struct kick k = { .t = &self->t };
	uint64_t sys = 0, inuse = 0, got_sys = 0, got_inuse = 0;
	char *argv[] = { "gosnap-cli", "heap", NULL, NULL };
	static char out[1 << 20];
	struct snap sn = { 0 };
	int status;

	ASSERT_STREQ("", self->error);
	ASSERT_EQ(0, cli_capture_probe(self->t.child.pid, "main.marker", extra,
				       kick_marker, &k, &sn, self->error,
				       sizeof(self->error)))
		TH_LOG("%s", self->error);
	EXPECT_EQ(0, runs_outside(&sn.s));
	EXPECT_FALSE(sn.s.hdr->flags & GOSNAP_SF_TRUNCATED);
	ASSERT_EQ(2, sscanf(k.pong, "pong HeapSys %" SCNu64 " HeapInuse %" SCNu64,
			    &sys, &inuse)) TH_LOG("%s", k.pong);
	argv[2] = sn.path;
	status = run_capture_output(argv, out, sizeof(out));
	TH_LOG("meta snapshot %zu bytes, CLI %.2f s, hold %.3f s; heap exited %#x",
	       sn.s.size, sn.secs,
	       sn.s.capture ? (double)sn.s.capture->hold_ns / 1e9 : -1.0, status);
	EXPECT_EQ(0, status) TH_LOG("%.3000s", out);
	EXPECT_EQ(NULL, strstr(out, "\nNot decoded")) TH_LOG("%.3000s", out);
	ASSERT_EQ(0, heap_counter(out, "HeapSys", &got_sys)) TH_LOG("%.3000s", out);
	ASSERT_EQ(0, heap_counter(out, "HeapInuse", &got_inuse));
	TH_LOG("HeapSys %" PRIu64 " (runtime after: %" PRIu64 "), HeapInuse %"
	       PRIu64 " (runtime after: %" PRIu64 ")", got_sys, sys, got_inuse,
	       inuse);
	EXPECT_LE((uint64_t)HEAP_GIB << 30, got_inuse);
	/*
	 * The runtime read its numbers after the capture: a span may have
	 * moved meanwhile, also from the heap to a stack (HeapSys excludes
	 * stacks; 7.3 once showed 32 KiB less after).
	 */
	EXPECT_GE(1ULL << 20, got_sys > sys ? got_sys - sys : sys - got_sys);
	EXPECT_GE(1ULL << 20, got_inuse > inuse ? got_inuse - inuse : inuse - got_inuse);
	snap_free(&sn);
	EXPECT_EQ(0, command(&self->t, 'p', "pong", NULL, 0));
}

TEST_HARNESS_MAIN
