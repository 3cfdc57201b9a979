// SPDX-License-Identifier: GPL-2.0
/*
 * A real Go program (selftests/targets/go/idle: ~64 MiB of live heap,
 * blocked reading a pipe) captured with gosnap-cli: the snapshot's VMAs
 * include the Go heap arena at 0xc000000000, and the resident total that
 * `gosnap-cli show --json` reports equals the Rss the kernel reports in
 * /proc/PID/smaps, read right before and right after the capture (and
 * equal then: the program is idle; the test waits for its Rss to settle
 * first). The capture has the CLI's default facts, pte.
 *
 * Run as root in the test VM with gosnap.ko loaded, gosnap-cli on PATH
 * and the Go program installed as "idle" beside this test.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/gosnap.h>

#include "kselftest_harness.h"

#include "child.h"
#include "gosnap_dev.h"
#include "pagecmp.h"
#include "procmaps.h"
#include "target.h"

#define TIMEOUT_MS	180000
#define GO_HEAP_ARENA	0xc000000000ULL	/* linux/amd64, Go before 1.26 */
#define SNAPFILE	"/tmp/go-idle.gsnap"
#define JSON_MAX	(4 << 20)

FIXTURE(go_idle) {
	struct child prog;
	char error[1024];
	long long rss_before_kb, rss_after_kb;
	struct proc_vma *vmas;	/* smaps right after the capture */
	size_t nr_vmas;
	char *json;		/* gosnap-cli show --json output */
};

/* Run argv; 0 or a message in err. */
static int run_ok(char *const argv[], char *out, size_t len, char *err,
		  size_t errlen)
{
	int status = run_capture_output(argv, out, len);

	if (status == 0)
		return 0;
	snprintf(err, errlen, "%s %s: status %#x: %.700s", argv[0], argv[1],
		 status, out);
	return -1;
}

/*
 * The Go runtime goes on briefly after main blocks (sweeping, the
 * scavenger, sysmon): wait until smaps Rss has not changed for
 * SETTLE_SAMPLES samples in a row. Returns the last Rss, or -1.
 */
#define SETTLE_SAMPLES	10
#define SETTLE_US	200000
#define SETTLE_MAX	300

static long long wait_rss_settled(pid_t pid)
{
	long long last = -1, rss;
	int same = 0;

	for (int i = 0; i < SETTLE_MAX && same < SETTLE_SAMPLES; i++) {
		usleep(SETTLE_US);
		rss = procmaps_rss_kb(pid);
		same = rss == last ? same + 1 : 0;
		last = rss;
	}
	return same >= SETTLE_SAMPLES ? last : -1;
}

FIXTURE_SETUP(go_idle)
{
	char prog[4096], pid[16], line[256], out[4096];
	char *argv[] = { prog, NULL };
	char *capture[] = { "gosnap-cli", "capture", "--pid", pid, "-o", SNAPFILE, NULL };
	char *show[] = { "gosnap-cli", "show", "--json", SNAPFILE, NULL };
	int ret;

	target_program_path("idle", prog, sizeof(prog));
	ret = child_start(&self->prog, argv);
	if (!ret)
		ret = child_read_line(&self->prog, line, sizeof(line), TIMEOUT_MS);
	if (ret) {
		snprintf(self->error, sizeof(self->error), "starting %.200s: %s",
			 prog, strerror(-ret));
		return;
	}
	fprintf(stderr, "# idle: %s\n", line);
	snprintf(pid, sizeof(pid), "%d", (int)self->prog.pid);

	if (wait_rss_settled(self->prog.pid) < 0) {
		snprintf(self->error, sizeof(self->error),
			 "smaps Rss of the Go program did not settle in %d s",
			 SETTLE_MAX * SETTLE_US / 1000000);
		return;
	}
	/* Rss right before and right after, the capture in between. */
	self->rss_before_kb = procmaps_rss_kb(self->prog.pid);
	if (run_ok(capture, out, sizeof(out), self->error, sizeof(self->error)))
		return;
	self->rss_after_kb = procmaps_rss_kb(self->prog.pid);
	if (procmaps_read(self->prog.pid, &self->vmas, &self->nr_vmas)) {
		snprintf(self->error, sizeof(self->error), "reading smaps: %s",
			 strerror(errno));
		return;
	}

	self->json = malloc(JSON_MAX);
	if (!self->json) {
		snprintf(self->error, sizeof(self->error), "out of memory");
		return;
	}
	run_ok(show, self->json, JSON_MAX, self->error, sizeof(self->error));
}

FIXTURE_TEARDOWN(go_idle)
{
	free(self->json);
	free(self->vmas);
	unlink(SNAPFILE);
	child_stop(&self->prog);
}

/* The value after "key": (whitespace allowed) at or after p, or NULL. */
static const char *json_value(const char *p, const char *key)
{
	char quoted[64];
	size_t len;

	len = (size_t)snprintf(quoted, sizeof(quoted), "\"%s\"", key);
	while ((p = strstr(p, quoted))) {
		p += len;
		p += strspn(p, " \t\r\n");
		if (*p == ':') {
			p++;
			return p + strspn(p, " \t\r\n");
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(go_idle, program_stays_idle, 300)
{
	ASSERT_STREQ("", self->error);
	TH_LOG("smaps Rss: %lld kB before the capture, %lld kB after",
	       self->rss_before_kb, self->rss_after_kb);
	ASSERT_LT(0, self->rss_before_kb);
	/* Otherwise the comparison below has nothing fixed to compare with. */
	EXPECT_EQ(self->rss_before_kb, self->rss_after_kb);
}

TEST_F_TIMEOUT(go_idle, heap_arena_vma, 300)
{
	const char *p;
	size_t vmas = 0;
	bool found = false;

	ASSERT_STREQ("", self->error);
	p = json_value(self->json, "vmas");
	ASSERT_NE(NULL, p) TH_LOG("no \"vmas\" in the JSON");
	while ((p = json_value(p, "start"))) {
		unsigned long long start;

		/* "start": "0xc000000000" */
		if (sscanf(p, "\"%llx\"", &start) != 1)
			continue;
		vmas++;
		found |= start == GO_HEAP_ARENA;
	}
	TH_LOG("%zu VMAs in the snapshot", vmas);
	EXPECT_TRUE(found) TH_LOG("no VMA starts at %#llx (the Go heap arena)",
				  GO_HEAP_ARENA);
}

/* Where the totals differ: each VMA's rss_bytes against its smaps Rss. */
static void log_vma_differences(struct __test_metadata *_metadata,
				FIXTURE_DATA(go_idle) *self)
{
	const char *p = json_value(self->json, "vmas");

	while (p && (p = json_value(p, "start"))) {
		unsigned long long start, rss = 0;
		const struct proc_vma *v = NULL;
		const char *r;

		if (sscanf(p, "\"%llx\"", &start) != 1)
			continue;
		r = json_value(p, "rss_bytes");
		if (r)
			sscanf(r, "%llu", &rss);
		for (size_t i = 0; i < self->nr_vmas; i++)
			if (self->vmas[i].start == start)
				v = &self->vmas[i];
		if (!v)
			TH_LOG("VMA %#llx: not in smaps", start);
		else if (v->rss_kb != rss / 1024)
			TH_LOG("VMA %#llx-%#" PRIx64 " %s: snapshot %llu kB, smaps Rss "
			       "%" PRIu64 " kB (AnonHugePages %" PRIu64 " kB, VmFlags %s)",
			       start, v->end, v->path, rss / 1024, v->rss_kb,
			       v->anon_huge_kb, v->vmflags);
	}
}

/*
 * Is it the capture or the summing? Capture again through the device
 * and compare that snapshot page by page with pagemap.
 */
static void diagnose_with_pagemap(struct __test_metadata *_metadata,
				  FIXTURE_DATA(go_idle) *self)
{
	struct proc_vma *vmas = NULL;
	struct pagecmp_stats st;
	struct gs_snapshot snap;
	char err[512];
	size_t len, n;
	void *buf;

	if (gosnap_capture_pid(self->prog.pid, 0, &buf, &len, err, sizeof(err))) {
		TH_LOG("diagnosis: %s", err);
		return;
	}
	if (!procmaps_read(self->prog.pid, &vmas, &n) &&
	    !gs_snapshot_parse(buf, len, &snap, err, sizeof(err))) {
		if (!pagecmp_run(self->prog.pid, &snap, vmas, n, 20, &st))
			TH_LOG("diagnosis: a new capture against pagemap: %" PRIu64
			       " pages, %" PRIu64 " present, %" PRIu64 " mismatches",
			       st.pages, st.present, st.mismatches);
		gs_snapshot_free(&snap);
	}
	free(vmas);
	free(buf);
}

TEST_F_TIMEOUT(go_idle, resident_equals_smaps_rss, 300)
{
	unsigned long long rss_bytes;
	const char *p;

	ASSERT_STREQ("", self->error);
	p = json_value(self->json, "totals");
	ASSERT_NE(NULL, p) TH_LOG("no \"totals\" in the JSON");
	p = json_value(p, "rss_bytes");
	ASSERT_NE(NULL, p) TH_LOG("no totals.rss_bytes in the JSON");
	ASSERT_EQ(1, sscanf(p, "%llu", &rss_bytes));
	TH_LOG("snapshot resident %llu kB, smaps Rss %lld kB (before) %lld kB (after)",
	       rss_bytes / 1024, self->rss_before_kb, self->rss_after_kb);
	/* The Go heap alone is 64 MiB: this is no empty process. */
	EXPECT_LT(64LL << 10, self->rss_before_kb);
	EXPECT_EQ(0, rss_bytes % 1024);
	if ((long long)(rss_bytes / 1024) != self->rss_after_kb) {
		log_vma_differences(_metadata, self);
		diagnose_with_pagemap(_metadata, self);
	}
	EXPECT_EQ((long long)(rss_bytes / 1024), self->rss_before_kb);
	EXPECT_EQ((long long)(rss_bytes / 1024), self->rss_after_kb);
}

/*
 * capture asks for pte facts unless told otherwise (the resident total
 * above is then told by the page-table entries alone); the module's own
 * default, with no flag, is page facts (pagestate_test).
 */
TEST_F_TIMEOUT(go_idle, default_facts_are_pte, 300)
{
	const char *p;

	ASSERT_STREQ("", self->error);
	p = json_value(self->json, "facts");
	ASSERT_NE(NULL, p) TH_LOG("no \"facts\" in the JSON");
	EXPECT_EQ(0, strncmp(p, "\"pte\"", 5)) TH_LOG("facts: %.10s", p);
}

TEST_HARNESS_MAIN
