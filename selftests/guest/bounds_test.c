// SPDX-License-Identifier: GPL-2.0
/*
 * The module's bounds and rules, each checked against what the kernel
 * itself shows: module parameters (sysfs), the session queue, who may do
 * what with a session, what a CAP_SYS_PTRACE-only opener sees, a probe
 * set's end after max_snapshots (the target's text in /proc/PID/mem), the
 * hold deadline (the target's own output) and which memory cgroup pays for
 * a probe snapshot (the cgroup's own counters).
 *
 * Run as root in the test VM with gosnap.ko loaded; the target is
 * targets/c/ticker.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/gosnap.h>

#include "kselftest_harness.h"

#include "child.h"
#include "lcutil.h"
#include "snap/snapshot.h"
#include "stallmeter.h"
#include "target.h"

#define TIMEOUT_MS	60000
#define PARAMS		"/sys/module/gosnap/parameters/"

/* ---- helpers ---------------------------------------------------------- */

/* Milliseconds on clock id: CLOCK_BOOTTIME is the stream header's clock. */
static long long clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static long long now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Write a module parameter: 0 or errno. */
static int set_param(const char *name, const char *val)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

/* A module parameter's value, ULLONG_MAX if it cannot be read. */
static unsigned long long get_param(const char *name)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), PARAMS "%s", name);
	if (read_text(path, buf, sizeof(buf)))
		return ULLONG_MAX;
	return strtoull(buf, NULL, 0);
}

/* The ticker, started; *tick_addr is where its tick() is. */
static int start_ticker(struct child *c, const char *mib, uint64_t *tick_addr)
{
	char prog[4096], line[128];
	char *argv[] = { prog, (char *)mib, NULL };
	int ret;

	target_program_path("ticker", prog, sizeof(prog));
	ret = child_start(c, argv);
	if (ret)
		return ret;
	ret = child_read_line(c, line, sizeof(line), TIMEOUT_MS);
	if (ret)
		return ret;
	if (sscanf(line, "tick_addr %" SCNx64, tick_addr) != 1)
		return -EPROTO;
	return child_wait_for(c, "ready", TIMEOUT_MS, NULL, NULL);
}

/* Read away every line the child has written so far. */
static void drain_lines(struct child *c)
{
	char line[128];

	/* 1 ms: long enough to read the pipe, far shorter than a tick */
	while (child_read_line(c, line, sizeof(line), 1) == 0)
		;
}

/* The file offset of the executable mapping of @pid holding @addr. */
static int file_offset(pid_t pid, uint64_t addr, uint64_t *off)
{
	char path[64], line[512];
	FILE *f;
	int ret = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t lo, hi, pgoff;
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64, &lo, &hi,
			   perms, &pgoff) == 4 && lo <= addr && addr < hi &&
		    perms[2] == 'x') {
			*off = addr - lo + pgoff;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Target @pid, probe its tick() and arm: 0 or errno. */
static int arm_tick(int fd, pid_t pid, uint64_t tick_addr, uint32_t flags,
		    uint32_t mode, uint32_t max_snapshots)
{
	struct gosnap_target t = {
		.size = sizeof(t), .flags = flags, .pid = pid, .mode = mode,
		.max_snapshots = max_snapshots,
	};
	struct gosnap_probe p = {
		.size = sizeof(p), .vaddr = tick_addr, .label = "tick",
	};
	struct gosnap_ctl c = { .size = sizeof(c) };
	char exe[64];
	uint64_t off;
	int ret, efd;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);

	ret = file_offset(pid, tick_addr, &off);
	if (ret)
		return -ret;
	p.offset = off;
	ret = do_ioctl(fd, GOSNAP_IOC_TARGET, &t);
	if (ret)
		return ret;
	efd = open(exe, O_PATH | O_CLOEXEC);
	if (efd < 0)
		return errno;
	p.fd = efd;
	ret = do_ioctl(fd, GOSNAP_IOC_PROBE, &p);
	close(efd);
	if (!ret)
		ret = do_ioctl(fd, GOSNAP_IOC_ARM, &c);
	return ret;
}

/*
 * Read one whole snapshot into buf (at most cap bytes), waiting at most
 * timeout_ms. Returns its length, 0 at end of stream, or -errno.
 */
static long read_snapshot(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	size_t have = 0;
	char err[256];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long len = gs_stream_snapshot_len(buf, have, err, sizeof(err));
		ssize_t n;

		if (len < 0)
			return -EPROTO;
		if (len > 0)
			return len;
		if (now_ms() > deadline)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (have == cap)
			return -E2BIG;
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return have ? -EPROTO : 0;
		have += (size_t)n;
	}
}

/* Run fn(arg) in a child process; its return value, or 255. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return 255;
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 255;
	return WEXITSTATUS(st);
}

/* ---- module parameters ------------------------------------------------ */

/*
 * A bound is a promise to the host: it cannot be set to nothing or to
 * "no bound", and what is accepted is what reads back.
 */
TEST(params_bounded)
{
	static const struct {
		const char *name, *low, *high, *ok;
	} p[] = {
		{ "max_bytes", "4096", "99999999999999", "1048576" },
		{ "max_queued", "0", "999999999999999", "2097152" },
		{ "hold_timeout_ms", NULL, "60001", "1500" },
		{ "allow_gid", NULL, "4294967296", "4242" },
		{ "ptrace_policy", NULL, "2", "1" },
	};

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		unsigned long long old = get_param(p[i].name);
		char buf[32];

		ASSERT_NE(ULLONG_MAX, old) TH_LOG("%s unreadable", p[i].name);
		if (p[i].low)
			EXPECT_EQ(ERANGE, set_param(p[i].name, p[i].low));
		EXPECT_EQ(ERANGE, set_param(p[i].name, p[i].high));
		EXPECT_EQ(EINVAL, set_param(p[i].name, "lots"));
		EXPECT_EQ(old, get_param(p[i].name)) TH_LOG("%s changed by a refusal",
							     p[i].name);
		EXPECT_EQ(0, set_param(p[i].name, p[i].ok));
		EXPECT_EQ(strtoull(p[i].ok, NULL, 0), get_param(p[i].name));
		snprintf(buf, sizeof(buf), "%llu", old);
		EXPECT_EQ(0, set_param(p[i].name, buf));
	}
}

/* ---- the queue ---------------------------------------------------------- */

FIXTURE(ticker) {
	struct child c;
	uint64_t tick_addr;
	int fd;
	uint8_t *buf;
	size_t cap;
};

FIXTURE_SETUP(ticker)
{
	self->fd = -1;
	self->cap = 64 << 20;
	self->buf = malloc(self->cap);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, start_ticker(&self->c, "4", &self->tick_addr));
	self->fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(ticker)
{
	if (self->fd >= 0)
		close(self->fd);
	child_stop(&self->c);
	free(self->buf);
}

/*
 * Capturing without reading fills the session's queue: once one more
 * snapshot could pass max_queued, GOSNAP_IOC_CAPTURE refuses with ENOBUFS
 * (the module's memory stays bounded) until the reader drains the queue.
 */
TEST_F(ticker, capture_queue_bounded)
{
	unsigned long long old = get_param("max_queued");
	uint64_t queued = 0;
	int calls, err = 0;
	char oldbuf[32];
	ssize_t n;

	ASSERT_EQ(0, set_param("max_queued", "1048576"));
	for (calls = 0; calls < 4096 && !err; calls++) {
		struct gosnap_capture c = {
			.size = sizeof(c), .pid = self->c.pid,
			.max_bytes = 256 << 10,
		};

		err = do_ioctl(self->fd, GOSNAP_IOC_CAPTURE, &c);
		if (!err)
			queued += c.stream_size;
	}
	snprintf(oldbuf, sizeof(oldbuf), "%llu", old);
	EXPECT_EQ(0, set_param("max_queued", oldbuf));
	EXPECT_EQ(ENOBUFS, err);
	/* refused exactly when one more snapshot of up to 256 KiB could pass 1 MiB */
	EXPECT_LE(queued, 1 << 20);
	EXPECT_GT(queued + (256 << 10), 1 << 20);
	EXPECT_LE(2, calls);
	TH_LOG("ENOBUFS after %d captures, %" PRIu64 " bytes queued", calls, queued);
	do
		n = read(self->fd, self->buf, self->cap);
	while (n > 0);
	EXPECT_EQ(0, n);
	{
		struct gosnap_capture c = { .size = sizeof(c), .pid = self->c.pid };

		EXPECT_EQ(0, do_ioctl(self->fd, GOSNAP_IOC_CAPTURE, &c));
	}
}

/*
 * stream_size is written back before the snapshot is queued: when it
 * cannot be, the call fails and nothing is queued.
 */
TEST_F(ticker, capture_efault_queues_nothing)
{
	long page = sysconf(_SC_PAGESIZE);
	struct gosnap_capture *c;
	void *p;

	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	c = p;
	c->size = sizeof(*c);
	c->pid = self->c.pid;
	ASSERT_EQ(0, mprotect(p, page, PROT_READ));
	EXPECT_EQ(EFAULT, do_ioctl(self->fd, GOSNAP_IOC_CAPTURE, c));
	EXPECT_EQ(0, read(self->fd, self->buf, self->cap));
	munmap(p, page);
}

/* ---- who may do what ---------------------------------------------------- */

struct nobody_call {
	int fd;
	unsigned long cmd;
	void *arg;
};

static int call(void *arg)
{
	struct nobody_call *n = arg;

	return do_ioctl(n->fd, n->cmd, n->arg);
}

/*
 * A root-opened session passed to a process without privileges: it may not
 * add access (target, probe, arm), it may still read, disarm and release.
 */
TEST_F(ticker, unprivileged_caller_refused)
{
	struct gosnap_target t = {
		.size = sizeof(t), .pid = self->c.pid, .mode = GOSNAP_MODE_PAGES,
	};
	struct gosnap_probe p = { .size = sizeof(p), .label = "tick" };
	struct gosnap_ctl ctl = { .size = sizeof(ctl) };
	struct nobody_call n = { .fd = self->fd };
	char exe[64];
	uint64_t off;

	n.cmd = GOSNAP_IOC_TARGET;
	n.arg = &t;
	EXPECT_EQ(EPERM, as_nobody(call, &n));
	ASSERT_EQ(0, do_ioctl(self->fd, GOSNAP_IOC_TARGET, &t));

	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)self->c.pid);
	ASSERT_EQ(0, file_offset(self->c.pid, self->tick_addr, &off));
	p.offset = off;
	p.fd = open(exe, O_PATH | O_CLOEXEC);
	ASSERT_LE(0, p.fd);
	n.cmd = GOSNAP_IOC_PROBE;
	n.arg = &p;
	EXPECT_EQ(EPERM, as_nobody(call, &n));
	ASSERT_EQ(0, do_ioctl(self->fd, GOSNAP_IOC_PROBE, &p));
	close(p.fd);

	n.cmd = GOSNAP_IOC_ARM;
	n.arg = &ctl;
	EXPECT_EQ(EPERM, as_nobody(call, &n));
	n.cmd = GOSNAP_IOC_RELEASE;
	EXPECT_EQ(0, as_nobody(call, &n));
	n.cmd = GOSNAP_IOC_DISARM;
	EXPECT_EQ(0, as_nobody(call, &n));
}

struct ptrace_only {
	pid_t pid;
	uint32_t hdr_flags;
	uint64_t runs, mapped, hidden;	/* hidden: runs with a fact it must not see */
};

/* Keep uid 0 but only CAP_SYS_PTRACE, then capture @pid. */
static int capture_ptrace_only(void *arg)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	struct ptrace_only *o = arg;
	struct gosnap_capture c = { .size = sizeof(c), .pid = o->pid };
	struct gs_snapshot s;
	static uint8_t buf[16 << 20];
	char err[256];
	ssize_t n;
	int fd;

	d[0].effective = d[0].permitted = 1U << CAP_SYS_PTRACE;
	if (syscall(SYS_capset, &h, d))
		return 250;
	fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (ioctl(fd, GOSNAP_IOC_CAPTURE, &c))
		return errno;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0 || gs_snapshot_parse(buf, (size_t)n, &s, err, sizeof(err)))
		return 251;
	/* report through a shared page */
	o->hdr_flags = s.hdr->flags;
	for (size_t i = 0; i < s.nr_vmas; i++)
		for (size_t j = 0; j < s.vmas[i].nr_runs; j++) {
			const struct gosnap_page_run *r = &s.vmas[i].runs[j];

			o->runs++;
			o->mapped += r->mapcount != 0;
			o->hidden += !!(r->flags & (GOSNAP_PG_PAGE_DIRTY |
						       GOSNAP_PG_SWAPCACHE |
						       GOSNAP_PG_PFN));
		}
	gs_snapshot_free(&s);
	return 0;
}

/*
 * An opener with CAP_SYS_PTRACE alone sees what pagemap shows it: no PFNs
 * and none of what only /proc/kpageflags and kpagecount tell (page dirty
 * bit, swap cache, mapcount), as root sees them.
 */
TEST_F(ticker, ptrace_only_opener_sees_no_kpageflags)
{
	struct ptrace_only *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct gosnap_capture c = { .size = sizeof(c), .pid = self->c.pid };
	uint64_t mapped = 0, runs = 0;
	struct gs_snapshot s;
	char err[256];
	ssize_t n;

	ASSERT_NE(MAP_FAILED, o);
	o->pid = self->c.pid;
	ASSERT_EQ(0, in_child(capture_ptrace_only, o));
	EXPECT_EQ(0, o->hdr_flags & GOSNAP_SF_PFN);
	EXPECT_LE(4, o->runs);
	EXPECT_EQ(0, o->mapped);
	EXPECT_EQ(0, o->hidden);

	/* root, the same process: the facts are there to hide */
	ASSERT_EQ(0, do_ioctl(self->fd, GOSNAP_IOC_CAPTURE, &c));
	n = read(self->fd, self->buf, self->cap);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, gs_snapshot_parse(self->buf, (size_t)n, &s, err, sizeof(err)));
	EXPECT_NE(0, s.hdr->flags & GOSNAP_SF_PFN);
	for (size_t i = 0; i < s.nr_vmas; i++)
		for (size_t j = 0; j < s.vmas[i].nr_runs; j++, runs++)
			mapped += s.vmas[i].runs[j].mapcount != 0;
	EXPECT_LE(16, runs);
	EXPECT_LE(16, mapped);
	gs_snapshot_free(&s);
	munmap(o, sizeof(*o));
}

/* ---- probe sets ------------------------------------------------------------ */

/* The first byte of the target's code at @addr, as the target sees it. */
static int text_byte(pid_t pid, uint64_t addr)
{
	char path[64];
	unsigned char b;
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = pread(fd, &b, 1, (off_t)addr) == 1 ? b : -EIO;
	close(fd);
	return ret;
}

/* The same byte in the executable file. */
static int file_byte(pid_t pid, uint64_t addr)
{
	char path[64];
	unsigned char b;
	uint64_t off;
	int fd, ret;

	if (file_offset(pid, addr, &off))
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = pread(fd, &b, 1, (off_t)off) == 1 ? b : -EIO;
	close(fd);
	return ret;
}

/*
 * max_snapshots: after the last one the stream ends (the session still
 * open, nothing disarmed by hand), and the next hit takes the breakpoint
 * out of the target: its text is the file's again.
 */
TEST_F(ticker, max_snapshots_ends_and_unpatches)
{
	char line[64];
	int i;

	ASSERT_EQ(0, arm_tick(self->fd, self->c.pid, self->tick_addr, 0,
			      GOSNAP_MODE_PAGES, 2));
	EXPECT_EQ(0xcc, text_byte(self->c.pid, self->tick_addr));
	for (i = 0; i < 2; i++)
		ASSERT_LT(0, read_snapshot(self->fd, self->buf, self->cap, TIMEOUT_MS));
	EXPECT_EQ(0, read_snapshot(self->fd, self->buf, self->cap, 10000));
	/*
	 * Two lines printed after this point: at least one whole call of
	 * tick() after the stream ended, and the first such takes the
	 * breakpoint out.
	 */
	drain_lines(&self->c);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, child_read_line(&self->c, line, sizeof(line), TIMEOUT_MS));
	EXPECT_EQ(file_byte(self->c.pid, self->tick_addr),
		  text_byte(self->c.pid, self->tick_addr));
	EXPECT_NE(0xcc, text_byte(self->c.pid, self->tick_addr));
}

/*
 * One deadline per hit: a held thread nobody releases goes on by
 * hold_timeout_ms after its hit, capture included. Measured from when the
 * capture began (the stream header's CLOCK_BOOTTIME, a little after the
 * hit), so the hold is bounded on both sides. Under TCG the guest's clock
 * runs while the host does not run its vCPUs, so whatever the stall meter
 * saw over the same time is added to either bound: the module answers for
 * the deadline, not for a guest nobody ran.
 */
TEST_F(ticker, hold_ends_at_deadline)
{
	const long long hold = 1000, jiffy = 10, late = 500;
	unsigned long long old = get_param("hold_timeout_ms");
	const struct gosnap_stream_hdr *h = (const void *)self->buf;
	struct stall_meter meter;
	long long since, stall;
	char line[64], oldbuf[32], holdbuf[32];
	long len;

	snprintf(holdbuf, sizeof(holdbuf), "%lld", hold);
	ASSERT_EQ(0, stall_meter_start(&meter));
	ASSERT_EQ(0, set_param("hold_timeout_ms", holdbuf));
	ASSERT_EQ(0, arm_tick(self->fd, self->c.pid, self->tick_addr,
			      GOSNAP_TARGET_HOLD, GOSNAP_MODE_PAGES, 1));
	len = read_snapshot(self->fd, self->buf, self->cap, TIMEOUT_MS);
	snprintf(oldbuf, sizeof(oldbuf), "%llu", old);
	EXPECT_EQ(0, set_param("hold_timeout_ms", oldbuf));
	ASSERT_LT((long)sizeof(*h), len) stall_meter_stop(&meter);
	/* what it printed before the hit, then the first line after it */
	drain_lines(&self->c);
	ASSERT_EQ(0, child_read_line(&self->c, line, sizeof(line), TIMEOUT_MS))
		stall_meter_stop(&meter);
	since = clock_ms(CLOCK_BOOTTIME) - (long long)(h->boottime_ns / 1000000);
	stall = stall_meter_stop(&meter);
	TH_LOG("went on %lld ms after its capture began; the guest's CPUs stalled %lld ms at most meanwhile",
	       since, stall);
	/* the deadline is in jiffies: it may end up to one early */
	EXPECT_GE(since + stall, hold - jiffy);
	EXPECT_LE(since, hold + late + stall);
}

/* ---- memory cgroups ------------------------------------------------------ */

#define CG	"/sys/fs/cgroup"
#define CG_T	CG "/gosnap-bounds"

static unsigned long long cg_read_ull(const char *path, const char *key)
{
	char buf[4096], *p;

	if (read_text(path, buf, sizeof(buf)))
		return ~0ULL;
	if (!key)
		return strtoull(buf, NULL, 0);
	p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 0) : ~0ULL;
}

/* cgroup2 at CG, the memory controller given to its children: NULL, or why not */
static const char *cg_memory_ready(void)
{
	static char why[128];

	if (access(CG "/cgroup.controllers", F_OK) &&
	    mount("none", CG, "cgroup2", 0, NULL)) {
		snprintf(why, sizeof(why), "no cgroup2 on this kernel (%s)", strerror(errno));
		return why;
	}
	if (lc_write_text(CG "/cgroup.subtree_control", "+memory"))
		return "no memory controller on this kernel";
	return NULL;
}

/*
 * A full-mode probe snapshot of a target in a tight memory cgroup: it is
 * built in the target's thread but must be charged to whoever opened the
 * device, so the target's cgroup neither runs out (no OOM kill, no
 * allocation failure) nor grows by the snapshot's size.
 */
TEST_F(ticker, probe_snapshot_not_charged_to_target)
{
	unsigned long long before, peak;
	const struct gosnap_rec_capture *rc;
	const char *why;
	struct gs_snapshot s;
	char buf[64], err[256];
	long len;

	why = cg_memory_ready();
	if (why)
		SKIP(return, "%s", why);
	rmdir(CG_T);
	ASSERT_EQ(0, mkdir(CG_T, 0755));
	snprintf(buf, sizeof(buf), "%d", (int)self->c.pid);
	ASSERT_EQ(0, lc_write_text(CG_T "/cgroup.procs", buf));
	before = cg_read_ull(CG_T "/memory.current", NULL);
	/* room for the target, not for a copy of its 4 MiB as well */
	snprintf(buf, sizeof(buf), "%llu", before + (2 << 20));
	ASSERT_EQ(0, lc_write_text(CG_T "/memory.max", buf));

	ASSERT_EQ(0, arm_tick(self->fd, self->c.pid, self->tick_addr, 0,
			      GOSNAP_MODE_FULL, 1));
	len = read_snapshot(self->fd, self->buf, self->cap, TIMEOUT_MS);
	ASSERT_LT(0, len);
	ASSERT_EQ(0, gs_snapshot_parse(self->buf, (size_t)len, &s, err, sizeof(err)));
	rc = s.capture;
	ASSERT_NE(NULL, rc);
	TH_LOG("snapshot %ld bytes, %llu copied; cgroup %llu bytes before",
	       len, (unsigned long long)rc->mem_bytes, before);
	EXPECT_LE(4 << 20, rc->mem_bytes);
	EXPECT_EQ(0, s.hdr->flags & GOSNAP_SF_TRUNCATED);
	gs_snapshot_free(&s);

	EXPECT_EQ(0, kill(self->c.pid, 0));
	EXPECT_EQ(0, cg_read_ull(CG_T "/memory.events", "oom_kill "));
	peak = cg_read_ull(CG_T "/memory.peak", NULL);
	if (peak != ~0ULL)	/* memory.peak: 5.19+ */
		EXPECT_LT(peak, before + (2 << 20));
	/* out of the cgroup before it goes */
	snprintf(buf, sizeof(buf), "%d", (int)self->c.pid);
	lc_write_text(CG "/cgroup.procs", buf);
	rmdir(CG_T);
}

#define CG_O	CG "/gosnap-bounds-opener"

/*
 * A full snapshot costs about its own size in kernel memory: the opener's
 * cgroup, which pays for it, grows by no more than the snapshot's length
 * and a little while it waits in the queue. MEM records of 256 KiB of
 * data once needed chunks a page past 256 KiB, which kmalloc rounds up
 * to 512 KiB: twice the snapshot.
 */
TEST_F(ticker, full_snapshot_costs_its_size)
{
	unsigned long long before, queued, grew;
	const char *why;
	struct pollfd pfd;
	char buf[64];
	long len;
	int fd;

	why = cg_memory_ready();
	if (why)
		SKIP(return, "%s", why);
	memset(self->buf, 0, self->cap);	/* charged where it was, not below */
	rmdir(CG_O);
	ASSERT_EQ(0, mkdir(CG_O, 0755));
	snprintf(buf, sizeof(buf), "%d", (int)getpid());
	ASSERT_EQ(0, lc_write_text(CG_O "/cgroup.procs", buf));
	fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);	/* its session pays in CG_O */
	ASSERT_LE(0, fd);
	before = cg_read_ull(CG_O "/memory.current", NULL);

	ASSERT_EQ(0, arm_tick(fd, self->c.pid, self->tick_addr, 0, GOSNAP_MODE_FULL, 1));
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, TIMEOUT_MS));
	queued = cg_read_ull(CG_O "/memory.current", NULL);
	len = read_snapshot(fd, self->buf, self->cap, TIMEOUT_MS);
	ASSERT_LT(0, len);
	grew = queued - before;
	TH_LOG("snapshot %ld bytes; the opener's cgroup grew %llu bytes (%.2f times) while it was queued",
	       len, grew, (double)grew / (double)len);
	/* the target's 4 MiB are in it, and the charge is really the opener's */
	EXPECT_LE(4 << 20, len);
	EXPECT_LE((unsigned long long)len / 2, grew);
	/* slack: memcg charges in per-CPU batches of 64 pages */
	EXPECT_GE((unsigned long long)len + len / 4 + (1 << 20), grew);
	close(fd);
	lc_write_text(CG "/cgroup.procs", buf);
	rmdir(CG_O);
}

TEST_HARNESS_MAIN
