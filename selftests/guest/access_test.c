// SPDX-License-Identifier: GPL-2.0
/*
 * The access model (docs/security.md, "Access model"), rule by rule, each
 * with a case it allows and a case it refuses, the errno checked:
 *  - CAP_SYS_ADMIN alone: pages mode of a dumpable target with the
 *    opener's ids (PFNs shown); refused for memory and probes, a target
 *    that is not dumpable, one whose real uid differs, a setuid program;
 *  - CAP_SYS_PTRACE alone: all of those;
 *  - a descriptor passed to a process without privileges reads what is
 *    queued but captures nothing;
 *  - VM_DONTDUMP memory (MADV_DONTDUMP, memfd_secret) is never copied,
 *    its page state still given, while the memory beside it is copied;
 *  - every capture and refusal is recorded: audit off, a rate-limited
 *    kernel log line; audit on, an AUDIT_KERNEL_OTHER record.
 *
 * Run as root in the test VM (with secretmem.enable=1 for 6.1), the
 * "secrets" target beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/gosnap.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"

#include "access_calls.h"
#include "child.h"
#include "lcutil.h"
#include "pagemap.h"
#include "target.h"

#define REGION		(64 << 10)
#define SUID_COPY	"/tmp/secrets-suid"

FIXTURE(acc) {
	struct secrets t;
	struct call *call;	/* shared with the capturing children */
};

FIXTURE_SETUP(acc)
{
	self->t.c.pid = 0;
	self->call = mmap(NULL, sizeof(*self->call), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->call);
}

FIXTURE_TEARDOWN(acc)
{
	child_stop(&self->t.c);
	munmap(self->call, sizeof(*self->call));
}

/*
 * CAP_SYS_ADMIN alone is pagemap's reader without CAP_SYS_PTRACE: the page
 * state (and PFNs, as /proc/kpageflags gives them) of a dumpable process
 * with its own ids; never memory, never probes.
 */
TEST_F(acc, admin_only_pages_of_own_dumpable)
{
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "dump", NULL }));
	self->call->pid = self->t.c.pid;
	EXPECT_EQ(0, with_caps(ADMIN_ONLY, capture_pid, self->call));
	EXPECT_TRUE(self->call->pfn);
	self->call->mode = GOSNAP_MODE_META;
	EXPECT_EQ(EPERM, with_caps(ADMIN_ONLY, target_pid, self->call));
	self->call->mode = GOSNAP_MODE_PAGES;
	EXPECT_EQ(EPERM, with_caps(ADMIN_ONLY, target_pid, self->call))
		TH_LOG("probes write the target's text: CAP_SYS_PTRACE only");
	/* the same calls with CAP_SYS_PTRACE */
	EXPECT_EQ(0, with_caps(PTRACE_ONLY, target_pid, self->call));
	self->call->mode = GOSNAP_MODE_FULL;
	EXPECT_EQ(0, with_caps(PTRACE_ONLY, target_pid, self->call));
	EXPECT_EQ(0, with_caps(PTRACE_ONLY, capture_pid, self->call));
	EXPECT_FALSE(self->call->pfn);
}

/* Not dumpable (PR_SET_DUMPABLE 0): CAP_SYS_PTRACE only. */
TEST_F(acc, admin_only_refused_not_dumpable)
{
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "nodump", NULL }));
	self->call->pid = self->t.c.pid;
	EXPECT_EQ(EPERM, with_caps(ADMIN_ONLY, capture_pid, self->call));
	EXPECT_EQ(0, with_caps(PTRACE_ONLY, capture_pid, self->call));
}

/* Another real uid, effective uid still the opener's: CAP_SYS_PTRACE only. */
TEST_F(acc, admin_only_refused_other_real_uid)
{
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "ruid", NULL }));
	ASSERT_EQ(NOBODY, self->t.uid);
	ASSERT_EQ(0, self->t.euid);
	self->call->pid = self->t.c.pid;
	EXPECT_EQ(EPERM, with_caps(ADMIN_ONLY, capture_pid, self->call));
	EXPECT_EQ(0, with_caps(PTRACE_ONLY, capture_pid, self->call));
}

/* A setuid-root program run by nobody: CAP_SYS_PTRACE only; nobody none. */
TEST_F(acc, setuid_target)
{
	char prog[4096];

	target_program_path("secrets", prog, sizeof(prog));
	ASSERT_EQ(0, lc_copy_file(prog, SUID_COPY, 04755));
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "asnobody", SUID_COPY, "dump",
							 NULL }));
	ASSERT_EQ(NOBODY, self->t.uid);
	ASSERT_EQ(0, self->t.euid) TH_LOG("is %s on a nosuid mount?", SUID_COPY);
	self->call->pid = self->t.c.pid;
	EXPECT_EQ(EPERM, with_caps(ADMIN_ONLY, capture_pid, self->call));
	EXPECT_EQ(0, with_caps(PTRACE_ONLY, capture_pid, self->call));
	unlink(SUID_COPY);
}

struct passed {
	int fd;
	pid_t pid;
	ssize_t got;		/* out: bytes read */
};

static int passed_fd(void *arg)
{
	struct passed *p = arg;
	struct gosnap_capture cap = { .size = sizeof(cap), .pid = p->pid };
	static char buf[4 << 20];

	if (!ioctl(p->fd, GOSNAP_IOC_CAPTURE, &cap))
		return 252;
	if (errno != EPERM)
		return errno;
	p->got = read(p->fd, buf, sizeof(buf));
	return p->got > 0 ? EPERM : 253;
}

/* A descriptor root opened, passed on: reads what is queued, captures not. */
TEST_F(acc, passed_descriptor_reads_only)
{
	struct passed *p = mmap(NULL, sizeof(*p), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct gosnap_capture cap = { .size = sizeof(cap) };

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "dump", NULL }));
	p->pid = cap.pid = self->t.c.pid;
	p->fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, p->fd);
	ASSERT_EQ(0, ioctl(p->fd, GOSNAP_IOC_CAPTURE, &cap));
	EXPECT_EQ(EPERM, as_nobody(passed_fd, p));
	EXPECT_EQ((ssize_t)cap.stream_size, p->got);
	close(p->fd);
	munmap(p, sizeof(*p));
}

/* Does any MEM record of s hold a byte of [addr, addr + len)? */
static bool copied_any(const struct gs_snapshot *s, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < s->nr_mems; i++) {
		const struct gosnap_rec_mem *m = s->mems[i];

		if (m->addr < addr + len && addr < m->addr + m->len)
			return true;
	}
	return false;
}

#define PM_PRESENT	(1ULL << 63)

/* Pages of [addr, addr + len) the snapshot and pagemap both show present. */
static int present_both(const struct gs_snapshot *s, pid_t pid, uint64_t addr,
			uint64_t len)
{
	uint64_t pm[REGION / 4096];
	int fd = pagemap_open(pid), n = 0;
	size_t i;

	if (fd < 0 || len > sizeof(pm) / 8 * 4096 ||
	    pagemap_read(fd, addr, pm, len / 4096)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	for (i = 0; i < len / 4096; i++) {
		const struct gosnap_page_run *r = gs_find_run(s, addr + i * 4096);

		n += r && (r->flags & GOSNAP_PG_PRESENT) && (pm[i] & PM_PRESENT);
	}
	return n;
}

/*
 * A full capture at a probe copies the plain region, and nothing of the
 * MADV_DONTDUMP or memfd_secret regions (not a byte of their markers
 * anywhere in the snapshot), whose pages it still shows present.
 */
TEST_F(acc, dontdump_and_secret_never_copied)
{
	struct lc_sess s;
	struct lc_snap sn;
	const struct gs_vma *v;
	char err[256], head[16];

	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "dump", NULL }));
	ASSERT_NE(0, self->t.secret)
		TH_LOG("memfd_secret: %s (boot with secretmem.enable=1)",
		       strerror(self->t.secret_errno));
	ASSERT_EQ(0, lc_open(&s, self->t.c.pid, GOSNAP_TARGET_EVERY_ENTRY, 0,
			     GOSNAP_MODE_FULL, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, lc_add(&s, self->t.path, self->t.off, 1, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, lc_ctl(&s, GOSNAP_IOC_ARM, 0, 0));
	ASSERT_EQ(0, child_poke(&self->t.c));
	ASSERT_EQ(1, lc_next(&s, PROMPT_MS, &sn, err, sizeof(err))) TH_LOG("%s", err);
	lc_close(&s);

	EXPECT_EQ(sizeof(head), gs_read_mem(&sn.s, self->t.plain, head, sizeof(head)));
	EXPECT_EQ(0, memcmp(head, "GOSNAP-PLAINMEM!", 16)) TH_LOG("the control is copied");
	EXPECT_FALSE(copied_any(&sn.s, self->t.dontdump, REGION));
	EXPECT_FALSE(copied_any(&sn.s, self->t.secret, REGION));
	EXPECT_EQ(NULL, memmem(sn.buf, sn.len, "GOSNAP-DONTDUMP!", 16));
	EXPECT_EQ(NULL, memmem(sn.buf, sn.len, "GOSNAP-SECRET!!!", 16));
	v = gs_find_vma(&sn.s, self->t.dontdump);
	ASSERT_NE(NULL, v);
	EXPECT_NE(0, v->rec->flags & GOSNAP_VMA_DONTDUMP);
	EXPECT_EQ(REGION / 4096, present_both(&sn.s, self->t.c.pid, self->t.dontdump, REGION));
	v = gs_find_vma(&sn.s, self->t.secret);
	ASSERT_NE(NULL, v);
	EXPECT_NE(0, v->rec->flags & GOSNAP_VMA_DONTDUMP);
	lc_snap_free(&sn);
}

/* Turn the audit subsystem on or off (AUDIT_SET): 0 or -errno. */
static int audit_enable(bool on)
{
	struct {
		struct nlmsghdr nh;
		struct audit_status st;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = AUDIT_SET,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		.st = { .mask = AUDIT_STATUS_ENABLED, .enabled = on },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[512];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), ret;

	if (fd < 0)
		return -errno;
	ret = sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ?
	      -errno : 0;
	if (!ret && recv(fd, buf, sizeof(buf), 0) < (ssize_t)sizeof(*nh))
		ret = -EIO;
	if (!ret && nh->nlmsg_type == NLMSG_ERROR)
		ret = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	close(fd);
	return ret;
}

/* Wait up to ms for a kernel log line (from fd on) holding every needle. */
static bool kmsg_has(int fd, const char *const needles[], int ms, char *seen,
		     size_t seenlen)
{
	long long end = lc_now_ms() + ms;
	char rec[8192];

	seen[0] = '\0';
	while (lc_now_ms() < end) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);
		size_t i;

		if (r < 0 && errno == EPIPE)
			continue;
		if (r <= 0) {
			lc_sleep_ms(50);
			continue;
		}
		rec[r] = '\0';
		if (!strstr(rec, "gosnap") || strlen(seen) + r + 2 >= seenlen)
			continue;
		strcat(seen, rec);
		for (i = 0; needles[i] && strstr(rec, needles[i]); i++)
			;
		if (!needles[i])
			return true;
	}
	return false;
}

/*
 * Every capture and refusal is recorded with who asked, the target, the
 * mode and the result: audit off, a kernel log line (rate-limited: the
 * test waits out the limit's interval first); audit on, an
 * AUDIT_KERNEL_OTHER record, which kauditd prints with no auditd.
 */
TEST_F(acc, captures_recorded)
{
	char me[48], tgt[48], seen[16384];
	int kfd;

	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "nodump", NULL }));
	snprintf(me, sizeof(me), "capture by pid %d ", (int)getpid());
	snprintf(tgt, sizeof(tgt), ": pid %d mode pages probe - res 0", (int)self->t.c.pid);
	self->call->pid = self->t.c.pid;
	lc_sleep_ms(5500);
	kfd = lc_kmsg_open();
	ASSERT_LE(0, kfd);
	ASSERT_EQ(0, capture_pid(self->call));
	EXPECT_TRUE(kmsg_has(kfd, (const char *[]){ me, tgt, NULL }, 3000, seen,
			     sizeof(seen))) TH_LOG("kernel log: %s", seen);

	ASSERT_EQ(0, audit_enable(true));
	snprintf(me, sizeof(me), "opid=%d ", (int)getpid());
	snprintf(tgt, sizeof(tgt), " pid=%d mode=pages ", (int)self->t.c.pid);
	ASSERT_EQ(0, capture_pid(self->call));
	EXPECT_TRUE(kmsg_has(kfd, (const char *[]){ "type=1316", "op=gosnap-capture",
						    me, tgt, "res=1 errno=0", NULL },
			     3000, seen, sizeof(seen))) TH_LOG("kernel log: %s", seen);
	/* a refusal: CAP_SYS_ADMIN alone, the target not dumpable */
	EXPECT_EQ(EPERM, with_caps(ADMIN_ONLY, capture_pid, self->call));
	EXPECT_TRUE(kmsg_has(kfd, (const char *[]){ "type=1316", tgt, "res=0 errno=1",
						    NULL },
			     3000, seen, sizeof(seen))) TH_LOG("kernel log: %s", seen);
	EXPECT_EQ(0, audit_enable(false));
	close(kfd);
}

#define GROUP		4242

/*
 * In a child, as nobody in group GROUP: capture c->pid; then TARGET it,
 * which must be refused. 0, or the errno that failed.
 */
static int as_member(struct call *c)
{
	pid_t pid = fork();
	gid_t g = GROUP;
	int err, status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setgroups(1, &g) || setgid(NOBODY) || setuid(NOBODY))
			_exit(250);
		err = capture_pid(c);
		if (err)
			_exit(err);
		c->mode = GOSNAP_MODE_PAGES;
		_exit(target_pid(c) == EPERM ? 0 : 252);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * allow_gid: its members (no capability) get what /proc/PID/pagemap gives
 * them: the page state of their own processes, no PFNs, no probes; anyone
 * else (and everyone without the parameter) not even the device, whatever
 * the node's mode.
 */
TEST_F(acc, allow_gid_member_gets_pagemap_view)
{
	char prog[4096];

	target_program_path("secrets", prog, sizeof(prog));
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "asnobody", prog, "dump", NULL }));
	ASSERT_EQ(NOBODY, self->t.euid);
	self->call->pid = self->t.c.pid;
	/* the node open to all: only the module decides */
	ASSERT_EQ(0, chmod(GOSNAP_DEVICE, 0666));
	EXPECT_EQ(EPERM, as_member(self->call)) TH_LOG("allow_gid unset: no access");
	ASSERT_EQ(0, lc_write_text(PARAMS "allow_gid", "4242"));
	EXPECT_EQ(0, as_member(self->call));
	EXPECT_FALSE(self->call->pfn);
	EXPECT_EQ(EPERM, as_nobody(capture_pid, self->call)) TH_LOG("not a member");
	self->call->pid = getpid();	/* root's */
	EXPECT_EQ(EPERM, as_member(self->call));
	EXPECT_EQ(0, lc_write_text(PARAMS "allow_gid", "4294967295"));
	EXPECT_EQ(0, chmod(GOSNAP_DEVICE, 0600));
}

/*
 * ptrace_policy=1 follows Yama: at ptrace_scope 3 (no attach by anyone)
 * memory and probes are refused, page state is not (a read, as pagemap).
 * Last: scope 3 cannot be lowered until the next boot.
 */
TEST_F(acc, ptrace_policy_follows_yama_scope_3)
{
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "dump", NULL }));
	self->call->pid = self->t.c.pid;
	ASSERT_EQ(0, lc_write_text(PARAMS "ptrace_policy", "1"));
	self->call->mode = GOSNAP_MODE_META;
	EXPECT_EQ(0, target_pid(self->call)) TH_LOG("scope 0: allowed");
	ASSERT_EQ(0, lc_write_text("/proc/sys/kernel/yama/ptrace_scope", "3"))
		TH_LOG("no Yama in this kernel?");
	EXPECT_EQ(EPERM, target_pid(self->call));
	self->call->mode = GOSNAP_MODE_PAGES;
	EXPECT_EQ(EPERM, target_pid(self->call)) TH_LOG("a probe writes the target's text");
	EXPECT_EQ(0, capture_pid(self->call)) TH_LOG("page state: a read");
	ASSERT_EQ(0, lc_write_text(PARAMS "ptrace_policy", "0"));
	self->call->mode = GOSNAP_MODE_META;
	EXPECT_EQ(0, target_pid(self->call)) TH_LOG("policy off: the module's grant");
}

TEST_HARNESS_MAIN
