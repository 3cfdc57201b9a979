// SPDX-License-Identifier: GPL-2.0
/*
 * Scale and hostile targets (issue 10, item 2): processes that are big or
 * odd in one way (selftests/targets/c/scale.c), captured with gosnap-cli
 * and checked against the kernel's own account: /proc/PID/pagemap,
 * /proc/kpageflags, smaps, /proc/PID/task/.
 *
 *   sparse    64 GiB MADV_HUGEPAGE, one byte every 4 MiB: 16,384 PMD leaves
 *             with holes between them (review C1); variant thp writes the
 *             first 256 (real THPs, each its own run with PFNs shown).
 *             Captured --pid, and at a probe in pages, meta and full mode,
 *             each with and without --no-pfn.
 *   reserve   64 GiB PROT_NONE: a quick walk, the VMA and no run.
 *   vmas      20,000 VMAs of alternating protections.
 *   threads   2,000 blocked threads, captured at a probe with --stop-world.
 *   hugetlb   MAP_HUGETLB pages (the VM boots with hugepages=16).
 *   max_bytes a snapshot bound far too small: truncated, well-formed.
 *
 * Every test also asserts that the target is alive afterwards (it answers).
 * Run as root in the test VM with gosnap.ko loaded and gosnap-cli on PATH;
 * the target "scale" is installed beside this test.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "child.h"
#include "clisnap.h"
#include "pagecmp.h"
#include "pagemap.h"
#include "pgflags.h"
#include "procmaps.h"
#include "target.h"

#define TIMEOUT_MS	300000
#define MAX_LOGGED	20
#define GIB		(1ULL << 30)
#define LEAF_STEP	(4ULL << 20)
#define PMD_PAGES	512
#define SPARSE_GIB	64
#define THP_WRITTEN	256
#define NR_VMAS		20000
#define NR_THREADS	2000
#define HUGETLB_PAGES	8
#define HOLD_TIMEOUT_US	2000000	/* the module's default hold_timeout_ms */
#define PARAM_MAX_BYTES	"/sys/module/gosnap/parameters/max_bytes"
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

/*
 * SCALE_ONLY="fixture.test ..." runs only those (the 6.1 harness has no
 * filter of its own): for trying one case at a time.
 */
static bool unselected(const struct __test_metadata *m)
{
	const char *only = getenv("SCALE_ONLY");
	char name[128];

	if (!only || !*only)
		return false;
	snprintf(name, sizeof(name), "%s.%s", m->fixture->name, m->name);
	for (const char *p = strstr(only, name); p; p = strstr(p + 1, name))
		if ((p == only || p[-1] == ' ') &&
		    (p[strlen(name)] == ' ' || !p[strlen(name)]))
			return false;
	return true;
}

/* Each test starts with this: setup records instead of asserting. */
#define SETUP_OK(self) do {						\
	if ((self)->skip)						\
		SKIP(return, "not in SCALE_ONLY");			\
	ASSERT_STREQ("", (self)->error);				\
} while (0)

/* ---- the target: start it, talk to it -------------------------------- */

static int start_scale(struct target *t, const char *const args[], char *err,
		       size_t errlen)
{
	char prog[4096];
	char *argv[6] = { prog };

	for (int i = 0; args[i] && i < 4; i++)
		argv[i + 1] = (char *)args[i];
	target_program_path("scale", prog, sizeof(prog));
	return target_start(t, argv, "ready", TIMEOUT_MS, err, errlen);
}

/* Send a one-byte command; its answer line (starting with want) to line. */
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
		fprintf(stderr, "# target: %s\n", buf);
	}
	if (line)
		snprintf(line, len, "%.*s", (int)len - 1, buf);
	return 0;
}

/* Alive: it answers, and is no zombie. */
static bool target_alive(struct target *t)
{
	return kill(t->child.pid, 0) == 0 && !command(t, 'p', "pong", NULL, 0);
}

/* The probe site: marker() every 20 ms from 'm' to the next command. */
static int kick_marker(void *arg, bool start)
{
	return start ? command(arg, 'm', "marking", NULL, 0) :
		       command(arg, 'p', "pong", NULL, 0);
}

/* ---- oracles ----------------------------------------------------------- */

/* Page by page against pagemap over the VMAs inside [start, end). */
static void compare_pages(struct __test_metadata *_metadata, pid_t pid,
			  const struct gs_snapshot *s, uint64_t start,
			  uint64_t end, struct pagecmp_stats *st)
{
	struct proc_vma *vmas = NULL;
	size_t nr, first, n;
	int ret;

	ret = vmas_in(pid, start, end, &vmas, &nr, &first, &n);
	ASSERT_EQ(0, ret) TH_LOG("smaps: %s", strerror(-ret));
	ASSERT_LT(0, n) TH_LOG("no VMA in %#llx-%#llx", (unsigned long long)start,
			       (unsigned long long)end);
	ret = pagecmp_run(pid, s, vmas + first, n, MAX_LOGGED, st);
	free(vmas);
	ASSERT_EQ(0, ret) TH_LOG("pagemap/kpageflags: %s", strerror(-ret));
	TH_LOG("compared %" PRIu64 " pages in %" PRIu64 " VMAs: present %" PRIu64
	       " huge-zero %" PRIu64 " THP %" PRIu64 " PMD-mapped %" PRIu64
	       "; mismatches %" PRIu64, st->pages, st->vmas, st->present,
	       st->huge_zero, st->kpf_thp, st->pmd_mapped, st->mismatches);
}

/* ---- sparse: 16,384 PMD leaves with holes (C1) --------------------------- */

FIXTURE(sparse) {
	struct target t;
	const struct region *r;
	bool skip;
	char error[1024];
};

FIXTURE_VARIANT(sparse) {
	unsigned int written;	/* leaves written (real THPs); the rest read */
};

FIXTURE_VARIANT_ADD(sparse, zero) { .written = 0 };
FIXTURE_VARIANT_ADD(sparse, thp) { .written = THP_WRITTEN };

FIXTURE_SETUP(sparse)
{
	char gib[16], written[16], thp[128] = "";
	const char *args[] = { "sparse", gib, written, NULL };
	FILE *f;

	self->skip = unselected(_metadata);
	if (self->skip)
		return;
	f = fopen(THP_ENABLED, "r");
	if (f) {
		if (!fgets(thp, sizeof(thp), f))
			thp[0] = '\0';
		fclose(f);
	}
	if (strstr(thp, "[never]") || !thp[0]) {
		snprintf(self->error, sizeof(self->error),
			 "transparent huge pages are off (%s: %s)", THP_ENABLED, thp);
		return;
	}
	snprintf(gib, sizeof(gib), "%d", SPARSE_GIB);
	snprintf(written, sizeof(written), "%u", variant->written);
	if (start_scale(&self->t, args, self->error, sizeof(self->error)))
		return;
	self->r = target_region(&self->t, "sparse");
	if (!self->r)
		snprintf(self->error, sizeof(self->error), "no region \"sparse\"");
}

FIXTURE_TEARDOWN(sparse)
{
	target_release(&self->t);
}

/*
 * What every capture of the sparse target must say: runs inside their
 * VMAs, the region's VMA exactly the mapping, at least one run per leaf
 * and exactly as many as pagemap implies, every page as pagemap has it.
 */
static void check_sparse(struct __test_metadata *_metadata,
			 FIXTURE_DATA(sparse) *self,
			 const FIXTURE_VARIANT(sparse) *variant,
			 const struct snap *sn, bool want_pfn, const char *how)
{
	const struct gs_snapshot *s = &sn->s;
	const struct region *r = self->r;
	uint64_t leaves = (r->end - r->start) / LEAF_STEP, bad;
	const struct gs_vma *gv;
	struct region_oracle o;
	struct pagecmp_stats st;
	int ret;

	TH_LOG("%s: %.2f s, %zu VMAs, walk %.3f s, hold %.3f s, %s%s", how,
	       sn->secs, s->nr_vmas,
	       s->capture ? (double)s->capture->walk_ns / 1e9 : -1.0,
	       s->capture ? (double)s->capture->hold_ns / 1e9 : -1.0,
	       s->hdr->flags & GOSNAP_SF_PFN ? "PFNs" : "no PFNs",
	       s->hdr->flags & GOSNAP_SF_TRUNCATED ? ", truncated" : "");
	EXPECT_EQ(want_pfn, !!(s->hdr->flags & GOSNAP_SF_PFN));
	bad = runs_outside(s);
	EXPECT_EQ(0, bad) TH_LOG("%" PRIu64 " runs outside their VMA", bad);
	gv = gs_find_vma(s, r->start);
	ASSERT_NE(NULL, gv) TH_LOG("no VMA at the mapping %#llx",
				   (unsigned long long)r->start);
	EXPECT_EQ(r->start, gv->rec->start);
	EXPECT_EQ(r->end, gv->rec->end);
	ret = region_oracle(self->t.child.pid, r->start, r->end, want_pfn, &o);
	ASSERT_EQ(0, ret) TH_LOG("pagemap: %s", strerror(-ret));
	TH_LOG("%s: %zu runs in the mapping; pagemap: %" PRIu64 " runs, %" PRIu64
	       " present pages (huge-zero %" PRIu64 ", THP %" PRIu64 ")", how,
	       gv->nr_runs, o.runs, o.present, o.huge_zero, o.thp);
	/* The layout is what the test is about, by the kernel's account. */
	ASSERT_EQ(leaves * PMD_PAGES, o.present);
	EXPECT_LE((uint64_t)variant->written * PMD_PAGES * 3 / 4, o.thp)
		TH_LOG("too few real THPs to test anything");
	EXPECT_LE((leaves - variant->written) * PMD_PAGES, o.huge_zero);
	EXPECT_LE(leaves, gv->nr_runs);
	EXPECT_EQ(o.runs, gv->nr_runs);
	compare_pages(_metadata, self->t.child.pid, s, r->start, r->end, &st);
	EXPECT_EQ(0, st.mismatches);
	EXPECT_EQ(leaves * PMD_PAGES, st.present);
}

TEST_F_TIMEOUT(sparse, pid, 900)
{
	static const char *const nopfn[] = { "--no-pfn", NULL };
	struct snap sn = { 0 };
	struct pagecmp_stats st;

	SETUP_OK(self);
	ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, NULL, &sn, self->error,
				     sizeof(self->error))) TH_LOG("%s", self->error);
	check_sparse(_metadata, self, variant, &sn, true, "--pid");
	/* The whole process too, not only the mapping. */
	compare_pages(_metadata, self->t.child.pid, &sn.s, 0, USER_END, &st);
	EXPECT_EQ(0, st.mismatches);
	snap_free(&sn);
	ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, nopfn, &sn, self->error,
				     sizeof(self->error))) TH_LOG("%s", self->error);
	check_sparse(_metadata, self, variant, &sn, false, "--pid --no-pfn");
	snap_free(&sn);
	EXPECT_TRUE(target_alive(&self->t));
}

/* Captured at a probe, in the target's own context, in each mode. */
static void probe_modes(struct __test_metadata *_metadata,
			FIXTURE_DATA(sparse) *self,
			const FIXTURE_VARIANT(sparse) *variant, const char *mode)
{
	/* meta and full would copy GiBs of the zero page: bound them. */
	const char *const pfn[] = { "--mode", mode, "--max-bytes", "8M", NULL };
	const char *const nopfn[] = { "--mode", mode, "--max-bytes", "8M",
				      "--no-pfn", NULL };
	struct snap sn = { 0 };
	char how[64];

	for (int i = 0; i < 2; i++) {
		snprintf(how, sizeof(how), "--at marker --mode %s%s", mode,
			 i ? " --no-pfn" : "");
		ASSERT_EQ(0, cli_capture_probe(self->t.child.pid, "marker",
					       i ? nopfn : pfn, kick_marker, &self->t,
					       &sn, self->error, sizeof(self->error)))
			TH_LOG("%s", self->error);
		ASSERT_NE(NULL, sn.s.capture);
		EXPECT_EQ(GOSNAP_TRIG_PROBE, sn.s.capture->trigger);
		EXPECT_TRUE(sn.s.hdr->flags & GOSNAP_SF_PROBE);
		check_sparse(_metadata, self, variant, &sn, !i, how);
		if (!strcmp(mode, "full")) {
			/* full copies every resident writable page: GiBs here */
			EXPECT_TRUE(sn.s.hdr->flags & GOSNAP_SF_TRUNCATED);
			EXPECT_LT(0, sn.s.capture->mem_skipped);
		} else if (!strcmp(mode, "meta")) {
			/*
			 * meta leaves out 64 MiB-aligned runs of anonymous
			 * memory (what Go arenas look like): whether the
			 * mapping is copied depends on where mmap put it. What
			 * holds either way: skipped bytes and the flag agree.
			 */
			EXPECT_EQ(!!(sn.s.hdr->flags & GOSNAP_SF_TRUNCATED),
				  sn.s.capture->mem_skipped > 0);
		}
		snap_free(&sn);
	}
	EXPECT_TRUE(target_alive(&self->t));
}

TEST_F_TIMEOUT(sparse, probe_pages, 900)
{
	SETUP_OK(self);
	probe_modes(_metadata, self, variant, "pages");
}

TEST_F_TIMEOUT(sparse, probe_meta, 900)
{
	SETUP_OK(self);
	probe_modes(_metadata, self, variant, "meta");
}

TEST_F_TIMEOUT(sparse, probe_full, 900)
{
	SETUP_OK(self);
	probe_modes(_metadata, self, variant, "full");
}

/*
 * A thread of the target maps and unmaps a page in a loop during the
 * capture: mmap() needs mmap_lock for writing, so its longest call bounds
 * how long the walk held the lock. It must stay below the hold timeout.
 */
TEST_F_TIMEOUT(sparse, mmap_lock_hold, 900)
{
	char line[256];
	unsigned long max_us = 0, calls = 0;
	struct snap sn = { 0 };

	SETUP_OK(self);
	ASSERT_EQ(0, command(&self->t, 'l', "looping", NULL, 0));
	usleep(200000);
	ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, NULL, &sn, self->error,
				     sizeof(self->error))) TH_LOG("%s", self->error);
	ASSERT_EQ(0, command(&self->t, 'L', "mmap_max_us", line, sizeof(line)));
	ASSERT_EQ(2, sscanf(line, "mmap_max_us %lu calls %lu", &max_us, &calls));
	TH_LOG("capture %.2f s (walk %.3f s); the longest of %lu mmap() calls "
	       "meanwhile took %lu us (bound %d us)", sn.secs,
	       sn.s.capture ? (double)sn.s.capture->walk_ns / 1e9 : -1.0, calls,
	       max_us, HOLD_TIMEOUT_US);
	printf("# mmap_lock: longest mmap() %lu us during a capture of %.2f s "
	       "(walk %.3f s)\n", max_us, sn.secs,
	       sn.s.capture ? (double)sn.s.capture->walk_ns / 1e9 : -1.0);
	EXPECT_LT(0, calls);
	EXPECT_GT(HOLD_TIMEOUT_US, max_us);
	EXPECT_EQ(0, runs_outside(&sn.s));
	snap_free(&sn);
	EXPECT_TRUE(target_alive(&self->t));
}

/* ---- the other shapes ---------------------------------------------------- */

FIXTURE(shape) {
	struct target t;
	bool skip;
	char error[1024];
};

FIXTURE_SETUP(shape)
{
	self->skip = unselected(_metadata);
}

FIXTURE_TEARDOWN(shape)
{
	target_release(&self->t);
}

static void start_shape(struct __test_metadata *_metadata,
			FIXTURE_DATA(shape) *self, const char *const args[])
{
	ASSERT_EQ(0, start_scale(&self->t, args, self->error, sizeof(self->error)))
		TH_LOG("%s", self->error);
}

/* 64 GiB of PROT_NONE: listed, no run, and the walk does not visit it. */
TEST_F_TIMEOUT(shape, reserve, 600)
{
	static const char *const args[] = { "reserve", "64", NULL };
	const struct region *r;
	const struct gs_vma *gv;
	struct snap sn = { 0 };
	struct pagecmp_stats st;

	SETUP_OK(self);
	start_shape(_metadata, self, args);
	r = target_region(&self->t, "reserve");
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, NULL, &sn, self->error,
				     sizeof(self->error))) TH_LOG("%s", self->error);
	gv = gs_find_vma(&sn.s, r->start);
	ASSERT_NE(NULL, gv);
	EXPECT_EQ(r->start, gv->rec->start);
	EXPECT_EQ(r->end, gv->rec->end);
	EXPECT_EQ(0, gv->rec->flags & (GOSNAP_VMA_READ | GOSNAP_VMA_WRITE |
				       GOSNAP_VMA_EXEC));
	EXPECT_EQ(0, gv->nr_runs);
	ASSERT_NE(NULL, sn.s.capture);
	TH_LOG("64 GiB PROT_NONE: gosnap-cli %.2f s, walk %.4f s", sn.secs,
	       (double)sn.s.capture->walk_ns / 1e9);
	/* Page by page it would be 16 Mi PTE slots: seconds under TCG. */
	EXPECT_GT(200000000ULL, sn.s.capture->walk_ns);
	compare_pages(_metadata, self->t.child.pid, &sn.s, 0, USER_END, &st);
	EXPECT_EQ(0, st.mismatches);
	EXPECT_LE(64 * GIB / (uint64_t)getpagesize(), st.pages);
	snap_free(&sn);
	EXPECT_TRUE(target_alive(&self->t));
}

/* 20,000 VMAs: every one that smaps lists, with its bounds and protection. */
TEST_F_TIMEOUT(shape, vmas, 900)
{
	static const char *const args[] = { "vmas", "20000", NULL };
	struct proc_vma *vmas = NULL;
	size_t nr = 0, first, n, compared = 0, bad = 0;
	const struct region *r;
	struct snap sn = { 0 };
	struct pagecmp_stats st;

	SETUP_OK(self);
	start_shape(_metadata, self, args);
	r = target_region(&self->t, "vmas");
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, NULL, &sn, self->error,
				     sizeof(self->error))) TH_LOG("%s", self->error);
	ASSERT_EQ(0, vmas_in(self->t.child.pid, 0, UINT64_MAX, &vmas, &nr,
			     &first, &n));
	for (size_t i = 0; i < nr; i++) {
		const struct proc_vma *v = &vmas[i];
		const struct gs_vma *gv;
		uint32_t want = 0, got;

		if (pagecmp_vma_kind(v) == PAGECMP_VMA_GATE)
			continue;
		compared++;
		gv = gs_find_vma(&sn.s, v->start);
		want |= v->perms[0] == 'r' ? GOSNAP_VMA_READ : 0;
		want |= v->perms[1] == 'w' ? GOSNAP_VMA_WRITE : 0;
		want |= v->perms[2] == 'x' ? GOSNAP_VMA_EXEC : 0;
		got = gv ? gv->rec->flags & (GOSNAP_VMA_READ | GOSNAP_VMA_WRITE |
					     GOSNAP_VMA_EXEC) : 0;
		if (gv && gv->rec->start == v->start && gv->rec->end == v->end &&
		    got == want)
			continue;
		if (bad++ < 5)
			TH_LOG("smaps %#" PRIx64 "-%#" PRIx64 " %s: %s", v->start,
			       v->end, v->perms, gv ? "differs in the snapshot" :
			       "missing from the snapshot");
	}
	TH_LOG("%zu VMAs in smaps (%zu in the mapping), %zu in the snapshot, "
	       "%zu differ; capture %.2f s", compared,
	       (size_t)((r->end - r->start) / getpagesize()), sn.s.nr_vmas, bad,
	       sn.secs);
	free(vmas);
	EXPECT_LE(NR_VMAS, compared);
	EXPECT_EQ(compared, sn.s.nr_vmas);
	EXPECT_EQ(0, bad);
	EXPECT_FALSE(sn.s.hdr->flags & GOSNAP_SF_TRUNCATED);
	compare_pages(_metadata, self->t.child.pid, &sn.s, 0, USER_END, &st);
	EXPECT_EQ(0, st.mismatches);
	EXPECT_LE(NR_VMAS, st.vmas);
	snap_free(&sn);
	EXPECT_TRUE(target_alive(&self->t));
}

/* State letter of /proc/PID/task/TID/status ("T (stopped)" -> 'T'). */
static char task_state(pid_t pid, const char *tid)
{
	char path[320], line[256];
	char state = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid, tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "State: %c", &state) == 1)
			break;
	fclose(f);
	return state;
}

#define HOLD_PARAM	"/sys/module/gosnap/parameters/hold_timeout_ms"

/* Set the module's hold_timeout_ms to ms; the old value in *old (0: none). */
static int set_hold_timeout(unsigned long ms, unsigned long *old)
{
	char buf[32];
	FILE *f = fopen(HOLD_PARAM, "r");
	int ok;

	*old = 0;
	if (!f)
		return -errno;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	*old = strtoul(buf, NULL, 10);
	f = fopen(HOLD_PARAM, "w");
	if (!f)
		return -errno;
	ok = fprintf(f, "%lu\n", ms) > 0;
	ok = !fclose(f) && ok;
	return ok ? 0 : -EIO;
}

/*
 * 2,000 threads, --stop-world: every other thread stopped for the
 * capture and recorded, then all of them run on and none stays stopped.
 * The module stops the world only within its hold timeout (2 s by
 * default): on a debug kernel beside other VMs, stopping 2,000 threads
 * took 3.6 s, so the test gives it 60 s, which is what it asserts.
 */
TEST_F_TIMEOUT(shape, threads_stop_world, 900)
{
	static const char *const args[] = { "threads", "2000", NULL };
	static const char *const extra[] = { "--mode", "pages", "--stop-world", NULL };
	size_t held = 0, stopped = 0, regs = 0, others = 0, tasks = 0, left = 0;
	unsigned long released = 0, old_hold = 0, ignored;
	char line[128], path[64];
	struct snap sn = { 0 };
	int ret;
	struct dirent *de;
	DIR *d;

	SETUP_OK(self);
	start_shape(_metadata, self, args);
	ASSERT_EQ(0, set_hold_timeout(60000, &old_hold)) TH_LOG("writing %s", HOLD_PARAM);
	ret = cli_capture_probe(self->t.child.pid, "marker", extra, kick_marker,
				&self->t, &sn, self->error, sizeof(self->error));
	ASSERT_EQ(0, set_hold_timeout(old_hold, &ignored)) TH_LOG("restoring %s", HOLD_PARAM);
	ASSERT_EQ(0, ret) TH_LOG("%s", self->error);
	ASSERT_NE(NULL, sn.s.task);
	for (size_t i = 0; i < sn.s.nr_threads; i++) {
		const struct gosnap_rec_thread *th = sn.s.threads[i];

		if (th->state == GOSNAP_TS_HELD) {
			held++;
			continue;
		}
		others++;
		stopped += th->state == GOSNAP_TS_STOPPED;
		regs += !!(th->flags & GOSNAP_THR_REGS);
	}
	TH_LOG("%zu THREAD records (task says %u threads): %zu held, %zu of "
	       "%zu others stopped, %zu with registers; hold %.3f s, CLI %.2f s; "
	       "%s", sn.s.nr_threads, sn.s.task->nr_threads, held, stopped,
	       others, regs, sn.s.capture ? (double)sn.s.capture->hold_ns / 1e9 : -1.0,
	       sn.secs, sn.s.hdr->flags & GOSNAP_SF_TRUNCATED ? "truncated" :
	       "not truncated");
	EXPECT_TRUE(sn.s.hdr->flags & GOSNAP_SF_STOP_WORLD);
	EXPECT_EQ(NR_THREADS + 1, sn.s.task->nr_threads);
	/* Every thread, or a snapshot that says it is not complete. */
	if (!(sn.s.hdr->flags & GOSNAP_SF_TRUNCATED))
		EXPECT_EQ(NR_THREADS + 1, sn.s.nr_threads);
	EXPECT_EQ(1, held);
	EXPECT_EQ(others, stopped);
	EXPECT_EQ(others, regs);
	snap_free(&sn);

	/* All of them go on: each counts once more. */
	ASSERT_EQ(0, command(&self->t, 'r', "released", line, sizeof(line)));
	ASSERT_EQ(1, sscanf(line, "released %lu", &released));
	EXPECT_EQ(NR_THREADS, released);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)self->t.child.pid);
	d = opendir(path);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		tasks++;
		if (task_state(self->t.child.pid, de->d_name) == 'T' && left++ < 5)
			TH_LOG("thread %s is still stopped", de->d_name);
	}
	closedir(d);
	EXPECT_EQ(NR_THREADS + 1, tasks);
	EXPECT_EQ(0, left);
	EXPECT_TRUE(target_alive(&self->t));
}

/*
 * hugetlbfs: the VMA is reported GOSNAP_VMA_HUGETLB and not walked (no
 * runs, uapi gosnap.h), though pagemap shows its pages present.
 */
TEST_F_TIMEOUT(shape, hugetlb, 600)
{
	char n[16];
	const char *const args[] = { "hugetlb", n, NULL };
	struct proc_vma *vmas = NULL, *walked;
	size_t nr = 0, first, cnt, nw = 0;
	uint64_t *pme, present = 0, pages;
	const struct region *r;
	const struct gs_vma *gv;
	struct snap sn = { 0 };
	struct pagecmp_stats st;
	int pm, ret;

	snprintf(n, sizeof(n), "%d", HUGETLB_PAGES);
	SETUP_OK(self);
	start_shape(_metadata, self, args);
	r = target_region(&self->t, "hugetlb");
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, NULL, &sn, self->error,
				     sizeof(self->error))) TH_LOG("%s", self->error);
	gv = gs_find_vma(&sn.s, r->start);
	ASSERT_NE(NULL, gv);
	EXPECT_EQ(r->start, gv->rec->start);
	EXPECT_EQ(r->end, gv->rec->end);
	EXPECT_TRUE(gv->rec->flags & GOSNAP_VMA_HUGETLB);
	EXPECT_EQ(0, gv->nr_runs);
	/* The kernel's word: every page is there. */
	pages = (r->end - r->start) / getpagesize();
	pme = calloc(pages, sizeof(*pme));
	ASSERT_NE(NULL, pme);
	pm = pagemap_open(self->t.child.pid);
	ASSERT_LE(0, pm);
	ASSERT_EQ(0, pagemap_read(pm, r->start, pme, pages));
	close(pm);
	for (uint64_t i = 0; i < pages; i++)
		present += !!(pme[i] & PME_PRESENT);
	free(pme);
	TH_LOG("hugetlb: %" PRIu64 " of %" PRIu64 " pages present per pagemap, "
	       "%zu runs in the snapshot (not walked, by design)", present,
	       pages, gv->nr_runs);
	EXPECT_EQ(pages, present);
	/* Every other VMA page by page. */
	ASSERT_EQ(0, vmas_in(self->t.child.pid, 0, UINT64_MAX, &vmas, &nr,
			     &first, &cnt));
	walked = calloc(nr, sizeof(*walked));
	ASSERT_NE(NULL, walked);
	for (size_t i = 0; i < nr; i++)
		if (!proc_vma_flag(&vmas[i], "ht"))
			walked[nw++] = vmas[i];
	EXPECT_EQ(nr - 1, nw);
	ret = pagecmp_run(self->t.child.pid, &sn.s, walked, nw, MAX_LOGGED, &st);
	free(walked);
	free(vmas);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(0, st.mismatches);
	snap_free(&sn);
	EXPECT_TRUE(target_alive(&self->t));
}

/* Write a module parameter; 0 or -errno. */
static int write_param(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

/* What a truncated snapshot must still be, and say. */
static void check_truncated(struct __test_metadata *_metadata,
			    FIXTURE_DATA(shape) *self, const struct snap *sn,
			    uint64_t bound, const char *how)
{
	char *argv[] = { "gosnap-cli", "show", "/tmp/scale.gsnap", NULL };
	char out[8192];

	TH_LOG("%s: %zu bytes, %zu VMAs, %s", how, sn->s.size, sn->s.nr_vmas,
	       sn->s.hdr->flags & GOSNAP_SF_TRUNCATED ? "truncated" : "complete");
	EXPECT_TRUE(sn->s.hdr->flags & GOSNAP_SF_TRUNCATED);
	/* Well-formed: it parsed; the END record is kept beyond the bound. */
	EXPECT_GE(bound + 4096, sn->s.size);
	EXPECT_GT(NR_VMAS, sn->s.nr_vmas);
	ASSERT_NE(NULL, sn->s.capture);
	EXPECT_EQ(bound, sn->s.capture->max_bytes);
	EXPECT_EQ(0, runs_outside(&sn->s));
	EXPECT_EQ(0, run_capture_output(argv, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "truncated    yes")) TH_LOG("%.2000s", out);
	EXPECT_TRUE(target_alive(&self->t));
}

/* max_bytes reached: by the caller's bound, and by the module's. */
TEST_F_TIMEOUT(shape, max_bytes, 600)
{
	static const char *const args[] = { "vmas", "20000", NULL };
	static const char *const small[] = { "--max-bytes", "64K", NULL };
	char saved[64] = "";
	struct snap sn = { 0 };
	FILE *f;
	int ret;

	SETUP_OK(self);
	start_shape(_metadata, self, args);
	ASSERT_EQ(0, cli_capture_pid(self->t.child.pid, small, &sn, self->error,
				     sizeof(self->error))) TH_LOG("%s", self->error);
	check_truncated(_metadata, self, &sn, 65536, "--max-bytes 64K");
	snap_free(&sn);

	f = fopen(PARAM_MAX_BYTES, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(saved, sizeof(saved), f));
	fclose(f);
	ASSERT_EQ(0, write_param(PARAM_MAX_BYTES, "65536"));
	ret = cli_capture_pid(self->t.child.pid, NULL, &sn, self->error, sizeof(self->error));
	write_param(PARAM_MAX_BYTES, saved);
	ASSERT_EQ(0, ret) TH_LOG("%s", self->error);
	check_truncated(_metadata, self, &sn, 65536, "module max_bytes=65536");
	snap_free(&sn);
}

TEST_HARNESS_MAIN
