// SPDX-License-Identifier: GPL-2.0
/*
 * Other users of the same probed function (issue 10, review M2, M8):
 *   - two sessions on two targets of one binary, and on one target: each
 *     sees its hits, and closing one leaves the other's probes in place;
 *   - an EXEC-mode session before its first hit while another session on
 *     the same (inode, offset) closes: the EXEC target is still captured;
 *   - gosnap and a tracefs uprobe (uprobe_events) on one function: both
 *     count every hit, closing either leaves the other working, and
 *     removing the tracefs probe while gosnap holds a thread is bounded.
 *
 * Run as root in the test VM with gosnap.ko loaded, hitloop beside it,
 * tracefs at /sys/kernel/tracing.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/gosnap.h>

#include "kselftest_harness.h"

#include "lcutil.h"
#include "target.h"

#define TRACING		"/sys/kernel/tracing"
#define EVENT		"gosnap_lc/lc_t"
#define PROMPT_MS	10000

static int remove_event(int timeout_ms);

FIXTURE(co) {
	unsigned long hold_timeout_ms;
	struct child c[2];
	struct lc_sess s[2];
	int kmsg;
	char err[512];
};

FIXTURE_SETUP(co)
{
	ASSERT_EQ(0, lc_param_get("hold_timeout_ms", &self->hold_timeout_ms))
		TH_LOG("gosnap.ko not loaded?");
	memset(self->c, 0, sizeof(self->c));
	self->s[0].fd = self->s[1].fd = -1;
	self->kmsg = lc_kmsg_open();
}

FIXTURE_TEARDOWN(co)
{
	char trouble[512];
	int i, n;

	for (i = 0; i < 2; i++) {
		lc_close(&self->s[i]);
		child_stop(&self->c[i]);
	}
	lc_param_set("hold_timeout_ms", self->hold_timeout_ms);
	if (!access(TRACING "/events/" EVENT, F_OK))
		remove_event(30000);
	n = lc_kmsg_trouble(self->kmsg, trouble, sizeof(trouble));
	EXPECT_EQ(0, n);
	if (n)
		TH_LOG("kernel report: %s", trouble);
}

/* One round of "threads 1 R": its one hitter calls lc_probe once. */
static int round_of(struct child *c, int r)
{
	char line[64];
	int ret = child_poke(c);

	snprintf(line, sizeof(line), "round %d", r);
	return ret ? ret : lc_wait_prefix(c, line, line, sizeof(line), 60000);
}

/* Exactly one snapshot, of pid's hit; then nothing more for a moment. */
static void expect_one(struct __test_metadata *_metadata, struct lc_sess *s,
		       pid_t pid, const char *what)
{
	struct lc_snap sn;
	char err[256];

	ASSERT_EQ(1, lc_next(s, PROMPT_MS, &sn, err, sizeof(err)))
		TH_LOG("%s: %s", what, err);
	ASSERT_TRUE(sn.s.task != NULL) TH_LOG("%s: no TASK record", what);
	EXPECT_EQ(pid, sn.s.task->tgid) TH_LOG("%s: a snapshot of another process", what);
	lc_snap_free(&sn);
	EXPECT_EQ(-ETIMEDOUT, lc_next(s, 300, &sn, err, sizeof(err)))
		TH_LOG("%s: more snapshots than hits", what);
	lc_snap_free(&sn);
}

TEST_F_TIMEOUT(co, two_targets_one_binary, 180)
{
	char *args[] = { "threads", "1", "3", NULL };
	char path[4096];
	uint64_t off;
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, lc_start(&self->c[i], args, &off, path, sizeof(path),
				      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
		ASSERT_EQ(0, lc_arm(&self->s[i], self->c[i].pid, 0, 0, path, off,
				    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, round_of(&self->c[i], 1));
	expect_one(_metadata, &self->s[0], self->c[0].pid, "session 1, round 1");
	expect_one(_metadata, &self->s[1], self->c[1].pid, "session 2, round 1");
	/* closing session 1 unregisters its consumer: session 2's stays */
	lc_close(&self->s[0]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, round_of(&self->c[i], 2));
	expect_one(_metadata, &self->s[1], self->c[1].pid, "session 2 after closing 1");
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, lc_child_finish(&self->c[i], PROMPT_MS));
}

TEST_F_TIMEOUT(co, two_sessions_one_target, 180)
{
	char *args[] = { "threads", "1", "4", NULL };
	char path[4096];
	uint64_t off;
	int i;

	ASSERT_EQ(0, lc_start(&self->c[0], args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, lc_arm(&self->s[i], self->c[0].pid, 0, 0, path, off,
				    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, round_of(&self->c[0], 1));
	expect_one(_metadata, &self->s[0], self->c[0].pid, "session 1, round 1");
	expect_one(_metadata, &self->s[1], self->c[0].pid, "session 2, round 1");
	lc_close(&self->s[1]);
	ASSERT_EQ(0, round_of(&self->c[0], 2));
	expect_one(_metadata, &self->s[0], self->c[0].pid, "session 1 after closing 2");
	lc_close(&self->s[0]);

	/* session 2 holds the thread; closing session 1 meanwhile is bounded */
	ASSERT_EQ(0, lc_param_set("hold_timeout_ms", 5000));
	ASSERT_EQ(0, lc_arm(&self->s[0], self->c[0].pid, 0, 0, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_arm(&self->s[1], self->c[0].pid, GOSNAP_TARGET_HOLD, 5000, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, child_poke(&self->c[0]));
	{
		struct lc_snap sn;
		long long t0;

		ASSERT_EQ(1, lc_next(&self->s[1], PROMPT_MS, &sn, self->err,
				     sizeof(self->err))) TH_LOG("%s", self->err);
		lc_snap_free(&sn);
		t0 = lc_now_ms();
		lc_close(&self->s[0]);
		t0 = lc_now_ms() - t0;
		TH_LOG("closing a session while another holds the thread: %lld ms", t0);
		EXPECT_LT(t0, 5000 + PROMPT_MS);
		EXPECT_EQ(0, lc_ctl(&self->s[1], GOSNAP_IOC_RELEASE, 0, 0));
		ASSERT_EQ(0, lc_wait_prefix(&self->c[0], "round 3", path, sizeof(path), 60000));
		/* and session 2's probe is still there */
		ASSERT_EQ(0, child_poke(&self->c[0]));
		EXPECT_EQ(1, lc_next(&self->s[1], PROMPT_MS, &sn, self->err, sizeof(self->err)))
			TH_LOG("closing session 1 took session 2's probe: %s", self->err);
		lc_snap_free(&sn);
		EXPECT_EQ(0, lc_ctl(&self->s[1], GOSNAP_IOC_RELEASE, 0, 0));
	}
	EXPECT_EQ(0, lc_child_finish(&self->c[0], PROMPT_MS));
}

/*
 * Like child_start(), but the child waits for a byte on *gate before it
 * execs: a pid to point GOSNAP_TARGET_EXEC at.
 */
static int start_gated(struct child *c, char *const argv[], int *gate)
{
	int in[2], out[2], g[2];

	memset(c, 0, sizeof(*c));
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(g, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		char b;

		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		if (read(g[0], &b, 1) != 1)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(g[0]);
	c->to_child = in[1];
	c->from_child = out[0];
	*gate = g[1];
	return 0;
}

/* M8: the other session's unregister must not take the EXEC target's probe. */
TEST_F_TIMEOUT(co, exec_mode_survives_other_close, 180)
{
	char *args[] = { "threads", "1", "2", NULL };
	char prog[4096], path[4096], line[128];
	char *argv[] = { prog, "threads", "1", "2", NULL };
	uint64_t off;
	int gate;

	/* session 0: a running target, pid mode */
	ASSERT_EQ(0, lc_start(&self->c[0], args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, lc_arm(&self->s[0], self->c[0].pid, 0, 0, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	/* session 1: EXEC mode, armed before its target execs the binary */
	target_program_path("hitloop", prog, sizeof(prog));
	ASSERT_EQ(0, start_gated(&self->c[1], argv, &gate));
	ASSERT_EQ(0, lc_arm(&self->s[1], self->c[1].pid, GOSNAP_TARGET_EXEC, 0, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(1, write(gate, "x", 1));
	close(gate);
	ASSERT_EQ(0, lc_wait_prefix(&self->c[1], "ready", line, sizeof(line), 60000));
	/* session 0 captures a hit, then closes before session 1's first hit */
	ASSERT_EQ(0, round_of(&self->c[0], 1));
	expect_one(_metadata, &self->s[0], self->c[0].pid, "pid-mode session");
	lc_close(&self->s[0]);
	ASSERT_EQ(0, round_of(&self->c[1], 1));
	expect_one(_metadata, &self->s[1], self->c[1].pid,
		   "EXEC-mode session after the other closed (M8)");
	EXPECT_EQ(0, lc_child_finish(&self->c[1], PROMPT_MS));
}

/* ---- tracefs ----------------------------------------------------------- */

static int write_file(const char *path, const char *s, int flags)
{
	int fd = open(path, O_WRONLY | flags), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* Lines of the trace buffer that are hits of our event. */
static int trace_hits(void)
{
	char line[1024];
	FILE *f = fopen(TRACING "/trace", "r");
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && strstr(line, " lc_t:"))
			n++;
	fclose(f);
	return n;
}

/* The count once it reaches want, or as it is after ms (the trace file
 * shows another CPU's newest events a moment late). */
static int trace_hits_wait(int want, int ms)
{
	long long deadline = lc_now_ms() + ms;
	int n;

	while ((n = trace_hits()) < want && lc_now_ms() < deadline)
		lc_sleep_ms(50);
	return n;
}

static void dump_trace(void)
{
	char line[1024];
	FILE *f = fopen(TRACING "/trace", "r");

	while (f && fgets(line, sizeof(line), f))
		if (line[0] != '#')
			fprintf(stderr, "# trace: %s", line);
	if (f)
		fclose(f);
}

/* Disable and delete the event in a child: a hang fails, not blocks. */
static int remove_event(int timeout_ms)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (write_file(TRACING "/events/" EVENT "/enable", "0\n", 0) ||
		    write_file(TRACING "/uprobe_events", "-:" EVENT "\n", O_APPEND))
			_exit(1);
		_exit(0);
	}
	if (pid < 0)
		return -errno;
	st = lc_wait_exit(pid, timeout_ms);
	if (st == -ETIMEDOUT)
		kill(pid, SIGKILL);
	return st;
}

TEST_F_TIMEOUT(co, tracefs_uprobe_and_gosnap, 240)
{
	char *args[] = { "threads", "1", "4", NULL };
	const unsigned int hold = 5000;
	char path[4096], def[4300];
	struct lc_snap sn;
	long long t0;
	uint64_t off;
	int st;

	ASSERT_EQ(0, access(TRACING "/uprobe_events", W_OK))
		TH_LOG("no %s/uprobe_events: tracefs with CONFIG_UPROBE_EVENTS needed",
		       TRACING);
	ASSERT_EQ(0, lc_start(&self->c[0], args, &off, path, sizeof(path),
			      self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	if (!access(TRACING "/events/" EVENT, F_OK))	/* left by a failed run */
		remove_event(30000);
	snprintf(def, sizeof(def), "p:%s %s:%#llx\n", EVENT, path, (unsigned long long)off);
	ASSERT_EQ(0, write_file(TRACING "/uprobe_events", def, O_APPEND));
	ASSERT_EQ(0, write_file(TRACING "/events/" EVENT "/enable", "1\n", 0));
	ASSERT_EQ(0, write_file(TRACING "/trace", "", O_TRUNC));
	ASSERT_EQ(0, lc_arm(&self->s[0], self->c[0].pid, 0, 0, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	/* round 1: both see it */
	ASSERT_EQ(0, round_of(&self->c[0], 1));
	expect_one(_metadata, &self->s[0], self->c[0].pid, "gosnap beside tracefs");
	EXPECT_EQ(1, trace_hits_wait(1, 3000));
	/* round 2: gosnap closed, tracefs still counts */
	lc_close(&self->s[0]);
	ASSERT_EQ(0, round_of(&self->c[0], 2));
	EXPECT_EQ(2, trace_hits_wait(2, 3000)) {
		TH_LOG("closing gosnap removed the tracefs probe");
		dump_trace();
	}
	/* round 3: gosnap holds the thread; removing the tracefs probe is bounded */
	ASSERT_EQ(0, lc_param_set("hold_timeout_ms", hold));
	ASSERT_EQ(0, lc_arm(&self->s[0], self->c[0].pid, GOSNAP_TARGET_HOLD, hold, path, off,
			    self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, child_poke(&self->c[0]));
	ASSERT_EQ(1, lc_next(&self->s[0], PROMPT_MS, &sn, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	lc_snap_free(&sn);
	/* (tracefs's handler may run before gosnap's or after the hold) */
	t0 = lc_now_ms();
	st = remove_event(hold + 2 * PROMPT_MS);
	TH_LOG("removing the tracefs probe during a hold took %lld ms", lc_now_ms() - t0);
	EXPECT_EQ(0, st) TH_LOG("status %d", st);
	EXPECT_EQ(0, lc_ctl(&self->s[0], GOSNAP_IOC_RELEASE, 0, 0));
	ASSERT_EQ(0, lc_wait_prefix(&self->c[0], "round 3", path, sizeof(path), 60000));
	/* round 4: tracefs gone, gosnap's probe stays */
	ASSERT_EQ(0, child_poke(&self->c[0]));
	ASSERT_EQ(1, lc_next(&self->s[0], PROMPT_MS, &sn, self->err, sizeof(self->err)))
		TH_LOG("removing the tracefs probe removed gosnap's: %s", self->err);
	lc_snap_free(&sn);
	EXPECT_EQ(0, lc_ctl(&self->s[0], GOSNAP_IOC_RELEASE, 0, 0));
	ASSERT_EQ(0, lc_wait_prefix(&self->c[0], "round 4", path, sizeof(path), 60000));
	EXPECT_EQ(0, lc_child_finish(&self->c[0], PROMPT_MS));
}

TEST_HARNESS_MAIN
