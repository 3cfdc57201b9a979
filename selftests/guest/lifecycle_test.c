// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile lifecycles of a probe session (issue 10, review M1, M3, M4, L4
 * and §6 items 6-10), each against hitloop's lc_probe:
 *   - a full queue (max_queued) with a reader that does not read;
 *   - GOSNAP_IOC_CAPTURE in a loop without reading: ENOBUFS, bounded;
 *   - an exec by a sibling, and an munmap of the probed code, while a
 *     thread is parked;
 *   - poll(-1) and epoll_wait(-1) after the target exits: POLLHUP;
 *   - HOLD/RELEASE: prompt release, and RELEASE by seq (GOSNAP_CTL_SEQ);
 *   - STOP_WORLD hit by two threads at once, and by two sessions.
 * Every test bounds its waits, checks the target ended or lives as it
 * should, and that the kernel logged no report meanwhile.
 *
 * Run as root in the test VM with gosnap.ko loaded, hitloop beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/gosnap.h>

#include "kselftest_harness.h"

#include "lcutil.h"

#define HOLD_LONG_MS	30000	/* a hold that must not be waited out */
#define PROMPT_MS	5000	/* "at once" on a slow TCG guest */

FIXTURE(lc) {
	unsigned long hold_timeout_ms, max_queued;
	struct child c;
	struct lc_sess s;
	int kmsg;
	char err[512];
};

FIXTURE_SETUP(lc)
{
	ASSERT_EQ(0, lc_param_get("hold_timeout_ms", &self->hold_timeout_ms))
		TH_LOG("gosnap.ko not loaded?");
	ASSERT_EQ(0, lc_param_get("max_queued", &self->max_queued));
	memset(&self->c, 0, sizeof(self->c));
	self->s.fd = -1;
	self->kmsg = lc_kmsg_open();
}

FIXTURE_TEARDOWN(lc)
{
	char trouble[512];
	int n;

	lc_close(&self->s);
	child_stop(&self->c);
	lc_param_set("hold_timeout_ms", self->hold_timeout_ms);
	lc_param_set("max_queued", self->max_queued);
	n = lc_kmsg_trouble(self->kmsg, trouble, sizeof(trouble));
	EXPECT_EQ(0, n);
	if (n)
		TH_LOG("kernel report: %s", trouble);
}

static int poke(struct child *c)
{
	return child_poke(c);
}

/* ---- a: max_queued with a reader that does not read ------------------- */

static long mem_available_kib(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * 24 hits of full-mode snapshots of about 8 MiB each against a 16 MiB
 * queue: unbounded, the queue would hold ~190 MiB. Each hit past the bound
 * waits at most the hold (500 ms), then goes on uncaptured.
 */
TEST_F_TIMEOUT(lc, max_queued_stuck_reader, 240)
{
	char *args[] = { "loop", "24", "0", "8", NULL };
	const unsigned long maxq = 16UL << 20, hold = 500;
	unsigned long total = 0, biggest = 0, n = 0;
	char line[128], path[4096];
	long avail0, avail1, max_us;
	struct lc_snap sn;
	uint64_t off;
	int ret;

	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("max_queued", maxq));
	ASSERT_EQ(0, lc_open(&self->s, self->c.pid, GOSNAP_TARGET_EVERY_ENTRY, hold,
			     GOSNAP_MODE_FULL, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_add(&self->s, path, off, 1, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_ctl(&self->s, GOSNAP_IOC_ARM, 0, 0));
	avail0 = mem_available_kib();
	ASSERT_EQ(0, poke(&self->c));
	/* the target goes on while nobody reads */
	ASSERT_EQ(0, lc_wait_prefix(&self->c, "done ", line, sizeof(line), 120000))
		TH_LOG("the target did not finish 24 hits with the queue full");
	avail1 = mem_available_kib();
	max_us = atol(strstr(line, "max_us=") + 7);
	TH_LOG("%s; MemAvailable %ld -> %ld kB", line, avail0, avail1);
	/* a hit waits at most the hold for room, plus one capture */
	EXPECT_LT(max_us, (long)(hold + PROMPT_MS) * 1000);
	/*
	 * ~190 MiB if unbounded; the bound is 16 MiB + one snapshot, each
	 * up to twice its size in chunks (review M1, low)
	 */
	EXPECT_LT(avail0 - avail1, 96L << 10)
		TH_LOG("kernel memory grew by %ld kB with max_queued %lu", avail0 - avail1, maxq);

	/* once the target has ended (and is reaped), the stream ends */
	EXPECT_GE(lc_child_finish(&self->c, 10000), 0);
	while ((ret = lc_next(&self->s, 10000, &sn, self->err, sizeof(self->err))) == 1) {
		EXPECT_EQ(++n, sn.s.hdr->seq);
		total += sn.len;
		if (sn.len > biggest)
			biggest = sn.len;
		lc_snap_free(&sn);
	}
	EXPECT_EQ(0, ret) TH_LOG("%s", self->err);
	TH_LOG("%lu snapshots, %lu bytes, the biggest %lu", n, total, biggest);
	EXPECT_GE(n, 1);
	EXPECT_LT(n, 24) TH_LOG("max_queued %lu did not bound the queue", maxq);
	EXPECT_GE(biggest, 8UL << 20) TH_LOG("not a full-mode snapshot of 8 MiB");
	EXPECT_LE(total, maxq + biggest);
}

/*
 * Eight threads hitting at once must not overshoot by a snapshot each (M1):
 * 64 hits of ~5 KiB against the smallest queue the module allows.
 */
TEST_F_TIMEOUT(lc, max_queued_concurrent, 240)
{
	char *args[] = { "threads", "8", "8", NULL };
	unsigned long total = 0, biggest = 0, n = 0;
	const unsigned long maxq = 64UL << 10;
	char line[128], path[4096];
	struct lc_snap sn;
	uint64_t off;
	int r, ret;

	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("max_queued", maxq));
	ASSERT_EQ(0, lc_arm(&self->s, self->c.pid, 0, 300, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	for (r = 1; r <= 8; r++) {
		ASSERT_EQ(0, poke(&self->c));
		snprintf(line, sizeof(line), "round %d", r);
		ASSERT_EQ(0, lc_wait_prefix(&self->c, line, line, sizeof(line), 60000));
	}
	ASSERT_GE(lc_child_finish(&self->c, 10000), 0);
	while ((ret = lc_next(&self->s, 10000, &sn, self->err, sizeof(self->err))) == 1) {
		n++;
		total += sn.len;
		if (sn.len > biggest)
			biggest = sn.len;
		lc_snap_free(&sn);
	}
	EXPECT_EQ(0, ret) TH_LOG("%s", self->err);
	TH_LOG("%lu snapshots of 64 hits, %lu bytes, the biggest %lu", n, total, biggest);
	EXPECT_GE(n, 1);
	EXPECT_LE(total, maxq + biggest);
}

/* ---- b: IOC_CAPTURE without reading ----------------------------------- */

TEST_F_TIMEOUT(lc, capture_loop_enobufs, 240)
{
	char *args[] = { "loop", "1", "0", NULL };
	const unsigned long maxq = 256UL << 10;
	struct gosnap_capture cap;
	unsigned long i, limit, bytes = 0, first = 0, got = 0;
	char path[4096];
	struct lc_snap sn;
	uint64_t off;
	int fd, e = 0, ret;

	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("max_queued", maxq));
	fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, fd);
	self->s.fd = fd;
	limit = 64;	/* replaced by a bound from the first snapshot's size */
	for (i = 0; i < limit; i++) {
		memset(&cap, 0, sizeof(cap));
		cap.size = sizeof(cap);
		cap.pid = self->c.pid;
		cap.max_bytes = 16384;	/* a bound well below the queue's */
		if (ioctl(fd, GOSNAP_IOC_CAPTURE, &cap)) {
			e = errno;
			break;
		}
		if (!first) {
			first = cap.stream_size;
			ASSERT_GT(first, 0);
			limit = maxq / first + 2;
		}
		bytes += cap.stream_size;
	}
	TH_LOG("%lu captures of %lu bytes each queued %lu bytes, then %s",
	       i, first, bytes, e ? strerror(e) : "no error");
	ASSERT_EQ(ENOBUFS, e) TH_LOG("no ENOBUFS within %lu captures (max_queued %lu)",
				     limit, maxq);
	EXPECT_GE(i, 1);
	EXPECT_LE(bytes, maxq + first);
	/* reading drains the queue ... */
	while ((ret = lc_next(&self->s, 10000, &sn, self->err, sizeof(self->err))) == 1) {
		got++;
		EXPECT_EQ(got, sn.s.hdr->seq);
		lc_snap_free(&sn);
	}
	EXPECT_EQ(0, ret) TH_LOG("%s", self->err);
	EXPECT_EQ(i, got);
	/* ... and captures work again */
	self->s.ended = false;
	memset(&cap, 0, sizeof(cap));
	cap.size = sizeof(cap);
	cap.pid = self->c.pid;
	EXPECT_EQ(0, ioctl(fd, GOSNAP_IOC_CAPTURE, &cap)) TH_LOG("after draining: %s",
								 strerror(errno));
	EXPECT_EQ(1, lc_next(&self->s, 10000, &sn, self->err, sizeof(self->err)));
	lc_snap_free(&sn);
	EXPECT_EQ(0, kill(self->c.pid, 0)) TH_LOG("the target died");
}

/* ---- c, d: exec and munmap while a thread is parked -------------------- */

TEST_F_TIMEOUT(lc, exec_while_parked, 180)
{
	char *args[] = { "exec", NULL };
	char line[128], path[4096];
	struct lc_snap sn;
	long long t0;
	uint64_t off;
	int st;

	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("hold_timeout_ms", HOLD_LONG_MS));
	ASSERT_EQ(0, lc_arm(&self->s, self->c.pid, GOSNAP_TARGET_HOLD, HOLD_LONG_MS,
			    path, off, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, poke(&self->c));
	/* the snapshot is queued before the thread parks */
	ASSERT_EQ(1, lc_next(&self->s, 30000, &sn, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_NE(self->c.pid, sn.s.capture->hit_tid);
	lc_snap_free(&sn);
	lc_sleep_ms(200);
	t0 = lc_now_ms();
	ASSERT_EQ(0, poke(&self->c));
	/* de_thread() kills the parked thread: the exec must not wait the hold out */
	ASSERT_EQ(0, lc_wait_prefix(&self->c, "execd done", line, sizeof(line), HOLD_LONG_MS))
		TH_LOG("the exec did not complete");
	TH_LOG("exec done %lld ms after it began", lc_now_ms() - t0);
	EXPECT_LT(lc_now_ms() - t0, PROMPT_MS);
	st = lc_child_finish(&self->c, 10000);
	EXPECT_TRUE(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("the new program ended with status %#x", st);
	/* its calls of lc_probe are another mm's: the stream just ends */
	EXPECT_EQ(0, lc_next(&self->s, 10000, &sn, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	lc_snap_free(&sn);
}

TEST_F_TIMEOUT(lc, munmap_while_parked, 180)
{
	const char *code = "/tmp/lc_code.bin";
	char *args[] = { "munmap", (char *)code, NULL };
	char line[128], path[4096];
	struct lc_snap sn;
	uint64_t off;
	int st;

	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("hold_timeout_ms", HOLD_LONG_MS));
	ASSERT_EQ(0, lc_arm(&self->s, self->c.pid, GOSNAP_TARGET_HOLD, HOLD_LONG_MS,
			    code, 0, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, poke(&self->c));
	ASSERT_EQ(1, lc_next(&self->s, 30000, &sn, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	lc_snap_free(&sn);
	ASSERT_EQ(0, poke(&self->c));
	ASSERT_EQ(0, lc_wait_prefix(&self->c, "unmapped", line, sizeof(line), PROMPT_MS))
		TH_LOG("munmap did not complete while a thread was parked");
	EXPECT_EQ(0, lc_ctl(&self->s, GOSNAP_IOC_RELEASE, 0, 0));
	/* the released thread returns into unmapped code: SIGSEGV */
	st = lc_child_exit(&self->c, PROMPT_MS);
	ASSERT_GE(st, 0) TH_LOG("the released thread neither died nor went on");
	TH_LOG("the target ended with status %#x", st);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	EXPECT_EQ(0, lc_next(&self->s, 10000, &sn, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	unlink(code);
}

/* ---- e: poll and epoll without a timeout after the target exits ------- */

static void on_alarm(int sig)
{
	(void)sig;
}

static void arm_alarm(unsigned int sec)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: poll returns EINTR */
	alarm(sec);
}

static void start_exit_target(struct __test_metadata *_metadata,
			      FIXTURE_DATA(lc) *self)
{
	char *args[] = { "exit", "2000", NULL };
	char path[4096];
	struct lc_snap sn;
	uint64_t off;

	/* not reaped before poll returns: a zombie can hit no probe either */
	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_arm(&self->s, self->c.pid, 0, 0, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, poke(&self->c));
	/* its one hit; then it sleeps 2 s and exits while we wait */
	ASSERT_EQ(1, lc_next(&self->s, 30000, &sn, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	lc_snap_free(&sn);
}

TEST_F_TIMEOUT(lc, poll_hup_after_exit, 60)
{
	struct pollfd pfd;
	long long t0;
	int n;

	start_exit_target(_metadata, self);
	pfd.fd = self->s.fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	t0 = lc_now_ms();
	arm_alarm(20);
	n = poll(&pfd, 1, -1);
	alarm(0);
	ASSERT_EQ(1, n) TH_LOG("poll(-1) did not return when the target exited (%s)",
			       n < 0 ? strerror(errno) : "0");
	t0 = lc_now_ms() - t0;
	TH_LOG("poll returned after %lld ms", t0);
	/* the target exits 2 s after its hit; the alarm's wakeup is no answer */
	EXPECT_LT(t0, 10000) TH_LOG("poll(-1) returned only when a signal woke it");
	EXPECT_TRUE(pfd.revents & POLLHUP) TH_LOG("revents %#x", pfd.revents);
	n = lc_child_exit(&self->c, 5000);
	EXPECT_TRUE(n >= 0 && WIFEXITED(n) && WEXITSTATUS(n) == 0)
		TH_LOG("POLLHUP, yet the target had not exited (%#x)", n);
	EXPECT_EQ(0, read(self->s.fd, &n, sizeof(n)));
}

TEST_F_TIMEOUT(lc, epoll_hup_after_exit, 60)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	long long t0;
	int ep, n;

	start_exit_target(_metadata, self);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->s.fd, &ev));
	t0 = lc_now_ms();
	arm_alarm(20);
	n = epoll_wait(ep, &out, 1, -1);
	alarm(0);
	close(ep);
	EXPECT_LT(lc_now_ms() - t0, 10000);
	ASSERT_EQ(1, n) TH_LOG("epoll_wait(-1) did not return when the target exited (%s)",
			       n < 0 ? strerror(errno) : "0");
	EXPECT_TRUE(out.events & EPOLLHUP) TH_LOG("events %#x", out.events);
	n = lc_child_exit(&self->c, 5000);
	EXPECT_TRUE(n >= 0 && WIFEXITED(n) && WEXITSTATUS(n) == 0)
		TH_LOG("EPOLLHUP, yet the target had not exited (%#x)", n);
}

/* ---- g: HOLD and RELEASE ---------------------------------------------- */

/* A RELEASE right after reading must not be lost (M4): 20 hits in a row. */
TEST_F_TIMEOUT(lc, release_prompt, 240)
{
	char *args[] = { "loop", "20", "0", NULL };
	char line[128], path[4096];
	long long t, worst = 0;
	struct lc_snap sn;
	uint64_t off;
	int i;

	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("hold_timeout_ms", HOLD_LONG_MS));
	ASSERT_EQ(0, lc_arm(&self->s, self->c.pid, GOSNAP_TARGET_HOLD, HOLD_LONG_MS,
			    path, off, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, poke(&self->c));
	t = lc_now_ms();
	for (i = 1; i <= 20; i++) {
		/* the next hit comes once this RELEASE lets the thread go */
		ASSERT_EQ(1, lc_next(&self->s, HOLD_LONG_MS + 10000, &sn,
				     self->err, sizeof(self->err))) TH_LOG("%s", self->err);
		EXPECT_EQ((uint64_t)i, sn.s.hdr->seq);
		lc_snap_free(&sn);
		if (lc_now_ms() - t > worst)
			worst = lc_now_ms() - t;
		ASSERT_EQ(0, lc_ctl(&self->s, GOSNAP_IOC_RELEASE, 0, 0));
		t = lc_now_ms();
	}
	ASSERT_EQ(0, lc_wait_prefix(&self->c, "done ", line, sizeof(line), HOLD_LONG_MS));
	TH_LOG("%s; slowest RELEASE-to-next-snapshot %lld ms", line, worst);
	EXPECT_LT(worst, PROMPT_MS) TH_LOG("a RELEASE was lost: held until the timeout");
	EXPECT_LT(atol(strstr(line, "max_us=") + 7), PROMPT_MS * 1000L);
}

/* Which thread said "back" within ms, or 0 (-1: more than one). */
static long back_within(struct child *c, int ms)
{
	char line[128];
	long tid = 0;

	while (!child_read_line(c, line, sizeof(line), ms)) {
		if (strncmp(line, "back ", 5))
			continue;
		if (tid)
			return -1;
		tid = atol(line + 5);
		ms = 300;	/* anyone else right behind it? */
	}
	return tid;
}

TEST_F_TIMEOUT(lc, release_by_seq, 180)
{
	char *args[] = { "threads", "3", "1", NULL };
	char path[4096];
	long tid[4] = { 0 };
	struct lc_snap sn;
	uint64_t off;
	int i, ret;

	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("hold_timeout_ms", HOLD_LONG_MS));
	ASSERT_EQ(0, lc_arm(&self->s, self->c.pid, GOSNAP_TARGET_HOLD, HOLD_LONG_MS,
			    path, off, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, poke(&self->c));
	/* three threads parked at once, one snapshot each, seq 1 to 3 */
	for (i = 1; i <= 3; i++) {
		uint64_t seq;

		ASSERT_EQ(1, lc_next(&self->s, 30000, &sn, self->err, sizeof(self->err)))
			TH_LOG("%s", self->err);
		seq = sn.s.hdr->seq;
		ASSERT_TRUE(seq >= 1 && seq <= 3 && !tid[seq]) TH_LOG("seq %llu", (unsigned long long)seq);
		/*
		 * A reader releases up to the seq it has read: a smaller seq
		 * still to come would be let go unread.
		 */
		EXPECT_EQ((uint64_t)i, seq)
			TH_LOG("the stream is out of seq order: seq %llu is snapshot %d",
			       (unsigned long long)seq, i);
		tid[seq] = sn.s.capture->hit_tid;
		lc_snap_free(&sn);
	}
	/* RELEASE up to seq 1: that thread only, not the one parked for 2 */
	ret = lc_ctl(&self->s, GOSNAP_IOC_RELEASE, GOSNAP_CTL_SEQ, 1);
	ASSERT_EQ(0, ret) TH_LOG("RELEASE with GOSNAP_CTL_SEQ: %s", strerror(-ret));
	EXPECT_EQ(tid[1], back_within(&self->c, PROMPT_MS));
	ASSERT_EQ(0, lc_ctl(&self->s, GOSNAP_IOC_RELEASE, GOSNAP_CTL_SEQ, 2));
	EXPECT_EQ(tid[2], back_within(&self->c, PROMPT_MS));
	/* a RELEASE for an old seq releases nobody */
	ASSERT_EQ(0, lc_ctl(&self->s, GOSNAP_IOC_RELEASE, GOSNAP_CTL_SEQ, 1));
	EXPECT_EQ(0, back_within(&self->c, 1000));
	/* a plain RELEASE: everyone */
	ASSERT_EQ(0, lc_ctl(&self->s, GOSNAP_IOC_RELEASE, 0, 0));
	EXPECT_EQ(tid[3], back_within(&self->c, PROMPT_MS));
}

/* ---- h: concurrent STOP_WORLD ------------------------------------------ */

/*
 * A snapshot that claims a stopped world shows every other thread stopped,
 * or held by gosnap itself (parked in its handler: no user code runs).
 */
static int check_stop_world(struct __test_metadata *_metadata,
			    const struct lc_snap *sn)
{
	const struct gs_snapshot *s = &sn->s;
	size_t i;

	if (!(s->hdr->flags & GOSNAP_SF_STOP_WORLD))
		return 0;
	for (i = 0; i < s->nr_threads; i++) {
		const struct gosnap_rec_thread *t = s->threads[i];

		if (t->tid == s->capture->hit_tid)
			continue;
		EXPECT_TRUE(t->state == GOSNAP_TS_STOPPED || t->state == GOSNAP_TS_HELD)
			TH_LOG("seq %llu claims a stopped world, thread %d is in state %u",
			       (unsigned long long)s->hdr->seq, t->tid, t->state);
	}
	return 1;
}

/*
 * nhit threads hit at once, 5 rounds, nsess sessions. Two hitters cannot
 * both stop the other (each is in the kernel): a capture may say it did
 * not stop the world, but must not lie. One hitter must stop it.
 */
static void stop_world_rounds(struct __test_metadata *_metadata,
			      FIXTURE_DATA(lc) *self, int nhit, int nsess)
{
	char nhits[8];
	char *args[] = { "threads", nhits, "5", NULL };
	const unsigned long hold = 2000;
	struct lc_sess s2 = { .fd = -1 };
	struct lc_sess *ss[2] = { &self->s, &s2 };
	char line[128], path[4096], stopped[256];
	int r, i, k, flagged = 0, snaps = 0;
	uint64_t off;

	snprintf(nhits, sizeof(nhits), "%d", nhit);
	ASSERT_EQ(0, lc_start(&self->c, args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_param_set("hold_timeout_ms", hold));
	for (i = 0; i < nsess; i++)
		ASSERT_EQ(0, lc_arm(ss[i], self->c.pid, GOSNAP_TARGET_STOP_WORLD, 0,
				    path, off, self->err, sizeof(self->err)))
			TH_LOG("%s", self->err);
	for (r = 1; r <= 5; r++) {
		long long t0 = lc_now_ms();

		ASSERT_EQ(0, poke(&self->c));
		for (i = 0; i < nsess; i++) {
			for (k = 0; k < nhit; k++) {
				struct lc_snap sn;

				ASSERT_EQ(1, lc_next(ss[i], 30000, &sn, self->err,
						     sizeof(self->err))) TH_LOG("%s", self->err);
				flagged += check_stop_world(_metadata, &sn);
				snaps++;
				lc_snap_free(&sn);
			}
		}
		snprintf(line, sizeof(line), "round %d", r);
		ASSERT_EQ(0, lc_wait_prefix(&self->c, line, line, sizeof(line), 30000));
		TH_LOG("round %d: %lld ms", r, lc_now_ms() - t0);
		/*
		 * Waiting for each other forever is the deadlock; each
		 * session's capture may wait out one hold, no more.
		 */
		EXPECT_LT(lc_now_ms() - t0, (long long)nsess * hold + PROMPT_MS);
	}
	/* nobody left stopped: look a few times, a late SIGSTOP takes a moment */
	for (i = 0; i < 5; i++) {
		lc_sleep_ms(200);
		EXPECT_EQ(0, lc_stopped_threads(self->c.pid, stopped, sizeof(stopped)))
			TH_LOG("threads left stopped:%s", stopped);
	}
	TH_LOG("%d of %d snapshots stopped the world", flagged, snaps);
	if (nhit == 1)
		EXPECT_EQ(snaps, flagged);
	lc_close(&s2);
	EXPECT_EQ(0, lc_child_finish(&self->c, 10000));
}

TEST_F_TIMEOUT(lc, stop_world_two_threads, 240)
{
	stop_world_rounds(_metadata, self, 2, 1);
}

TEST_F_TIMEOUT(lc, stop_world_two_sessions, 240)
{
	stop_world_rounds(_metadata, self, 1, 2);
}

TEST_F_TIMEOUT(lc, stop_world_two_sessions_two_threads, 240)
{
	stop_world_rounds(_metadata, self, 2, 2);
}

TEST_HARNESS_MAIN
