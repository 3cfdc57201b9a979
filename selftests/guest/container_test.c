// SPDX-License-Identifier: GPL-2.0
/*
 * A target in a container: its own pid and mount namespaces, an overlayfs
 * root it pivoted into. Each snapshot gives ids and paths as its capturer
 * sees them, whoever captures and wherever the capture runs (a probe
 * capture runs in the target itself), against the capturer's own /proc:
 *  - from the host, by pid and at a probe (meta mode): the host's pid and
 *    tids, /proc/PID/exe and /proc/PID/maps as the host reads them, the
 *    executable recognised on overlayfs (build-id; meta mode copies its
 *    data and bss, equal to /proc/PID/mem);
 *  - from inside, by pid: pid 2, the container's /proc;
 *  - gosnap-cli on the host, on a Go program in the container (pid 3):
 *    captured at main.tick in meta mode, its goroutines decoded with the
 *    executable found as /proc/PID/root/idle, and its runtime version
 *    read from the captured data equal to the file's.
 *
 * Run as root in the test VM with overlay.ko loaded, "secrets" and "idle"
 * beside it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/gosnap.h>

#include "kselftest_harness.h"

#include "child.h"
#include "gosnap_dev.h"
#include "lcutil.h"
#include "procmaps.h"
#include "target.h"

#define CTR		"/tmp/gs-ctr"
#define PROMPT_MS	20000
#define MAX_TIDS	64
#define SNAP_MAX	(16 << 20)

/* What the capturer inside the container saw, handed out through memory. */
struct inside {
	int err;			/* 0, or the errno of what failed */
	pid_t target;			/* the target's pid in there */
	char exe[512];			/* its /proc/PID/exe */
	int nr_tids;
	pid_t tids[MAX_TIDS];
	size_t nr_vmas;
	struct proc_vma vmas[512];
	size_t snap_len;
	uint8_t snap[SNAP_MAX];
};

static int tids_of(pid_t pid, pid_t *tids, int max)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	while (dir && n < max && (d = readdir(dir)))
		if (d->d_name[0] != '.')
			tids[n++] = atoi(d->d_name);
	if (dir)
		closedir(dir);
	return n;
}

/* Inside: capture the target by its pid there, with the container's /proc. */
static void inside_capture(struct inside *in, pid_t target)
{
	char path[64];
	void *buf = NULL;
	char err[256];
	ssize_t n;
	struct proc_vma *v = NULL;
	size_t nv = 0;

	memset(in, 0, offsetof(struct inside, snap));
	in->target = target;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)target);
	n = readlink(path, in->exe, sizeof(in->exe) - 1);
	in->nr_tids = tids_of(target, in->tids, MAX_TIDS);
	if (n < 0 || procmaps_read(target, &v, &nv) || nv > 512) {
		in->err = n < 0 ? errno : EPROTO;
		free(v);
		return;
	}
	memcpy(in->vmas, v, nv * sizeof(*v));
	in->nr_vmas = nv;
	free(v);
	in->err = -gosnap_capture_pid(target, 0, &buf, &in->snap_len, err, sizeof(err));
	if (!in->err && in->snap_len <= SNAP_MAX)
		memcpy(in->snap, buf, in->snap_len);
	else if (!in->err)
		in->err = E2BIG;
	free(buf);
}

/*
 * The container's pid 1: move the overlay over its root and chroot there
 * (what switch_root does: the test VM runs from its initramfs, whose
 * rootfs pivot_root cannot leave), mount its /proc, start
 * the target (pid 2) on the given pipes and the Go program (pid 3, its
 * stdin held open here, its output unread), then capture on each 'c'.
 */
static int container_init(int tin, int tout, int cmd, int res, struct inside *in)
{
	int gin[2], gout[2];
	pid_t t, g;
	char c;

	const char *step = "mount overlay";

	if (mount("overlay", CTR "/merged", "overlay", 0,
		  "lowerdir=" CTR "/lower,upperdir=" CTR "/upper,workdir=" CTR "/work") ||
	    (step = "chdir", chdir(CTR "/merged")) ||
	    (step = "move it over /", mount(".", "/", NULL, MS_MOVE, NULL)) ||
	    (step = "chroot", chroot(".")) || (step = "chdir /", chdir("/")) ||
	    (step = "mount /proc", mount("proc", "/proc", "proc", 0, NULL))) {
		dprintf(2, "# container: %s: %s\n", step, strerror(errno));
		return errno;
	}
	t = fork();
	if (t == 0) {
		dup2(tin, 0);
		dup2(tout, 1);
		execl("/secrets", "/secrets", "dump", (char *)NULL);
		dprintf(2, "# container: exec /secrets: %s\n", strerror(errno));
		_exit(127);
	}
	close(tout);	/* the target's alone: its end is the test's EOF */
	if (pipe(gin) || pipe(gout))
		return errno;
	g = fork();
	if (g == 0) {
		dup2(gin[0], 0);
		dup2(gout[1], 1);
		execl("/idle", "/idle", "-mib", "8", "-tick", "20", (char *)NULL);
		dprintf(2, "# container: exec /idle: %s\n", strerror(errno));
		_exit(127);
	}
	while (read(cmd, &c, 1) == 1 && c == 'c') {
		inside_capture(in, t);
		if (write(res, "d", 1) != 1)
			break;
	}
	kill(t, SIGKILL);
	kill(g, SIGKILL);
	waitpid(t, NULL, 0);
	waitpid(g, NULL, 0);
	return 0;
}

FIXTURE(ctr) {
	struct child t;		/* the target: its pipes, its host pid */
	pid_t outer;		/* the process that made the namespaces */
	pid_t init;		/* the container's pid 1, as the host sees it */
	pid_t go;		/* the Go program in it, as the host sees it */
	int cmd, res;
	uint64_t probe_off;
	struct inside *in;
};

FIXTURE_SETUP(ctr)
{
	const char *dirs[] = { CTR, CTR "/lower", CTR "/upper", CTR "/work", CTR "/merged",
			       CTR "/lower/proc", CTR "/lower/dev", CTR "/lower/old" };
	int tin[2], tout[2], cmd[2], res[2];
	char prog[4096], path[64], line[256];
	uint64_t probe = 0;
	struct stat st;
	size_t i;
	FILE *f;

	memset(&self->t, 0, sizeof(self->t));
	self->t.to_child = self->t.from_child = -1;
	self->outer = 0;
	ASSERT_TRUE(lc_has_fs("overlay")) TH_LOG("no overlay filesystem: load overlay.ko");
	self->in = mmap(NULL, sizeof(*self->in), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->in);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		ASSERT_TRUE(!mkdir(dirs[i], 0755) || errno == EEXIST);
	target_program_path("secrets", prog, sizeof(prog));
	ASSERT_EQ(0, lc_copy_file(prog, CTR "/lower/secrets", 0755));
	target_program_path("idle", prog, sizeof(prog));
	ASSERT_EQ(0, lc_copy_file(prog, CTR "/lower/idle", 0755));
	ASSERT_EQ(0, stat(GOSNAP_DEVICE, &st));
	unlink(CTR "/lower/dev/gosnap");
	ASSERT_EQ(0, mknod(CTR "/lower/dev/gosnap", S_IFCHR | 0600, st.st_rdev));

	ASSERT_EQ(0, pipe2(tin, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(tout, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(cmd, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(res, O_CLOEXEC));
	self->outer = fork();
	ASSERT_LE(0, self->outer);
	if (self->outer == 0) {
		pid_t init;
		int st = 0;

		/* the test's ends: with them open here, nothing would see EOF */
		close(tin[1]);
		close(tout[0]);
		close(cmd[1]);
		close(res[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(errno);
		init = fork();
		if (init == 0)
			_exit(container_init(tin[0], tout[1], cmd[0], res[1], self->in));
		/* only pid 1 and the target keep the pipes' other ends */
		close(tin[0]);
		close(tout[1]);
		close(cmd[0]);
		if (write(res[1], &init, sizeof(init)) != sizeof(init))
			_exit(EIO);
		waitpid(init, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 255);
	}
	close(tin[0]);
	close(tout[1]);
	close(cmd[0]);
	close(res[1]);
	self->t.to_child = tin[1];
	self->t.from_child = tout[0];
	self->cmd = cmd[1];
	self->res = res[0];
	dprintf(2, "# setup: namespaces made by %d\n", (int)self->outer);
	ASSERT_EQ(sizeof(self->init), read(self->res, &self->init, sizeof(self->init)));
	dprintf(2, "# setup: the container's pid 1 is %d\n", (int)self->init);
	for (;;) {
		int st = 0, r = child_read_line(&self->t, line, sizeof(line), PROMPT_MS);

		if (r == -EPIPE && waitpid(self->outer, &st, 0) == self->outer) {
			self->outer = 0;
			ASSERT_EQ(0, r) TH_LOG("the container's pid 1 ended: %s",
					       strerror(WIFEXITED(st) ? WEXITSTATUS(st) : 0));
		}
		ASSERT_EQ(0, r);
		dprintf(2, "# setup: target says %s\n", line);
		if (!strcmp(line, "ready"))
			break;
		sscanf(line, "probe %" SCNx64, &probe);
	}
	/* the container's pid 1's children, oldest first: the target, idle */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)self->init,
		 (int)self->init);
	for (i = 0; i < 100; i++) {
		f = fopen(path, "r");
		ASSERT_NE(NULL, f);
		self->go = 0;
		ASSERT_LE(1, fscanf(f, "%d %d", &self->t.pid, &self->go));
		fclose(f);
		if (self->go)
			break;
		lc_sleep_ms(50);
	}
	ASSERT_NE(0, self->go);
	dprintf(2, "# setup: target %d, Go program %d\n", (int)self->t.pid, (int)self->go);
	ASSERT_NE(0, probe);
	ASSERT_EQ(0, lc_file_offset(self->t.pid, probe, &self->probe_off, NULL, 0));
}

FIXTURE_TEARDOWN(ctr)
{
	if (self->t.to_child >= 0)
		close(self->t.to_child);
	if (self->t.from_child >= 0)
		close(self->t.from_child);
	if (self->outer > 0) {
		close(self->cmd);	/* pid 1 kills the target and ends */
		close(self->res);
		waitpid(self->outer, NULL, 0);
	}
	if (self->in != MAP_FAILED)
		munmap(self->in, sizeof(*self->in));
	umount2(CTR "/merged", MNT_DETACH);
}

/* The snapshot's VMA names that differ from what maps showed, by start. */
static int vma_names_differ(const struct gs_snapshot *s, const struct proc_vma *v,
			    size_t nv, char *first, size_t len)
{
	int bad = 0;

	first[0] = '\0';
	for (size_t i = 0; i < nv; i++) {
		const struct gs_vma *g = gs_find_vma(s, v[i].start);

		if (v[i].start >= 0xffff800000000000ULL)
			continue;	/* [vsyscall]: maps shows it, it is no VMA */

		if (g && g->rec->start == v[i].start && !strcmp(g->path, v[i].path))
			continue;
		if (!bad++)
			snprintf(first, len, "%#" PRIx64 " maps '%s', snapshot '%s'", v[i].start,
				 v[i].path, g ? g->path : "(none)");
	}
	return bad;
}

/* Its threads: each THREAD tid is one of tids, as many as there are. */
static bool same_tids(const struct gs_snapshot *s, const pid_t *tids, int n)
{
	size_t i;
	int j;

	if ((int)s->nr_threads != n)
		return false;
	for (i = 0; i < s->nr_threads; i++) {
		for (j = 0; j < n && tids[j] != s->threads[i]->tid; j++)
			;
		if (j == n)
			return false;
	}
	return true;
}

/* Ids and paths as the host sees them: pid, tids, exe, every VMA's name. */
static void check_host_view(struct __test_metadata *_metadata, const struct gs_snapshot *s,
			    pid_t pid)
{
	char path[64], exe[512] = "", first[1200];
	struct proc_vma *v = NULL;
	pid_t tids[MAX_TIDS];
	size_t nv = 0;
	int nt;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	ASSERT_LT(0, readlink(path, exe, sizeof(exe) - 1));
	nt = tids_of(pid, tids, MAX_TIDS);
	ASSERT_EQ(0, procmaps_read(pid, &v, &nv));
	ASSERT_NE(NULL, s->task);
	EXPECT_EQ(pid, s->task->tgid) TH_LOG("the host's pid, not the container's");
	EXPECT_LE(1, nt);
	EXPECT_TRUE(same_tids(s, tids, nt));
	EXPECT_STREQ(exe, s->exe);
	EXPECT_LT(0, s->task->build_id_size) TH_LOG("the executable on overlayfs recognised");
	EXPECT_LE(8, nv);
	EXPECT_EQ(0, vma_names_differ(s, v, nv, first, sizeof(first))) TH_LOG("%s", first);
	free(v);
}

TEST_F_TIMEOUT(ctr, host_captures_by_pid, 120)
{
	struct gs_snapshot s;
	void *buf = NULL;
	size_t len = 0;
	char err[256];

	dprintf(2, "# capturing %d\n", (int)self->t.pid);
	ASSERT_EQ(0, gosnap_capture_pid(self->t.pid, 0, &buf, &len, err, sizeof(err)))
		TH_LOG("%s", err);
	dprintf(2, "# captured %zu bytes\n", len);
	ASSERT_EQ(0, gs_snapshot_parse(buf, len, &s, err, sizeof(err))) TH_LOG("%s", err);
	check_host_view(_metadata, &s, self->t.pid);
	gs_snapshot_free(&s);
	free(buf);
}

/*
 * Pages of [addr, addr + len) the snapshot copied (*copied) and how many
 * of them differ from the host's /proc/PID/mem (the return value; -1 if
 * it cannot be read).
 */
static int mem_differs(pid_t pid, const struct gs_snapshot *s, uint64_t addr,
		       uint64_t len, int *copied)
{
	uint8_t a[4096], b[4096];
	char path[64];
	int fd, bad = 0;

	*copied = 0;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (uint64_t p = addr; p < addr + len; p += sizeof(a)) {
		if (gs_read_mem(s, p, b, sizeof(b)) < sizeof(b))
			continue;	/* not present when captured */
		++*copied;
		if (pread(fd, a, sizeof(a), (off_t)p) != (ssize_t)sizeof(a) ||
		    memcmp(a, b, sizeof(a)))
			bad++;
	}
	close(fd);
	return bad;
}

/*
 * A probe capture runs in the target, in the container's namespaces; it
 * still gives the host's ids, and meta mode finds the executable's data
 * and bss on overlayfs.
 */
TEST_F_TIMEOUT(ctr, host_captures_at_probe, 120)
{
	struct proc_vma *v = NULL;
	size_t nv = 0, i, data = 0;
	struct lc_sess ls;
	struct lc_snap sn;
	char path[64], err[256];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)self->t.pid);
	ASSERT_EQ(0, lc_open(&ls, self->t.pid, GOSNAP_TARGET_EVERY_ENTRY, 0,
			     GOSNAP_MODE_META, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, lc_add(&ls, path, self->probe_off, 1, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, lc_ctl(&ls, GOSNAP_IOC_ARM, 0, 0));
	ASSERT_EQ(0, child_poke(&self->t));
	ASSERT_EQ(1, lc_next(&ls, PROMPT_MS, &sn, err, sizeof(err))) TH_LOG("%s", err);
	lc_close(&ls);
	ASSERT_EQ(0, child_wait_for(&self->t, "called", PROMPT_MS, NULL, NULL));

	ASSERT_NE(NULL, sn.s.capture);
	EXPECT_EQ(self->t.pid, sn.s.capture->hit_tid);
	check_host_view(_metadata, &sn.s, self->t.pid);
	/* meta mode: the executable's writable mappings, as /proc/PID/mem has them */
	ASSERT_EQ(0, procmaps_read(self->t.pid, &v, &nv));
	for (i = 0; i < nv; i++) {
		int copied;

		if (strcmp(v[i].path, sn.s.exe) || v[i].perms[1] != 'w')
			continue;
		EXPECT_EQ(0, mem_differs(self->t.pid, &sn.s, v[i].start,
					 v[i].end - v[i].start, &copied))
			TH_LOG("data at %#" PRIx64, v[i].start);
		data += copied;
	}
	EXPECT_LE(1, data) TH_LOG("pages of the executable's data copied");
	free(v);
	lc_snap_free(&sn);
}

/* From inside: the container's pid (2), tids, exe and maps. */
TEST_F_TIMEOUT(ctr, inside_captures_by_pid, 120)
{
	struct inside *in = self->in;
	struct gs_snapshot s;
	char c, err[256], first[1200];

	ASSERT_EQ(1, write(self->cmd, "c", 1));
	ASSERT_EQ(1, read(self->res, &c, 1));
	ASSERT_EQ(0, in->err) TH_LOG("inside: %s", strerror(in->err));
	ASSERT_EQ(2, in->target);
	ASSERT_EQ(0, gs_snapshot_parse(in->snap, in->snap_len, &s, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_NE(NULL, s.task);
	EXPECT_EQ(2, s.task->tgid);
	EXPECT_LE(1, in->nr_tids);
	EXPECT_TRUE(same_tids(&s, in->tids, in->nr_tids));
	EXPECT_STREQ(in->exe, s.exe);
	EXPECT_LE(8, in->nr_vmas);
	EXPECT_EQ(0, vma_names_differ(&s, in->vmas, in->nr_vmas, first, sizeof(first)))
		TH_LOG("%s", first);
	gs_snapshot_free(&s);
}

/* Run gosnap-cli with args; its stdout and stderr into out. Its exit status. */
static int cli(char *out, size_t len, char *const args[])
{
	char *argv[16] = { "gosnap-cli" };
	int i, st;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	st = run_capture_output(argv, out, len);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * The CLI on the host, on a Go program in the container: the snapshot
 * names its executable as the container sees it (/idle), which the host
 * opens through /proc/PID/root; its goroutines decode, and the runtime
 * version in the captured data is the file's.
 */
TEST_F_TIMEOUT(ctr, host_cli_decodes_container_go, 300)
{
	static char out[1 << 20], file_go[1 << 16];
	char pid[16], note[64], exe[64], want[96], *v;

	snprintf(pid, sizeof(pid), "%d", (int)self->go);
	snprintf(note, sizeof(note), "/proc/%d/root/idle", (int)self->go);
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)self->go);
	ASSERT_EQ(0, cli(out, sizeof(out), (char *[]){ "-q", "capture", "--at", "main.tick",
			 "--max-snapshots", "1", "--mode", "meta", "-o", CTR "/snaps", "--pid",
			 pid, NULL })) TH_LOG("%s", out);
	ASSERT_EQ(0, cli(out, sizeof(out), (char *[]){ "-q", "stacks",
			 CTR "/snaps/001-main.tick.gsnap", NULL })) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, note)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "main.tick")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "main.main")) TH_LOG("%s", out);
	/* runtime.buildVersion: from the snapshot's data, and from the file */
	ASSERT_EQ(0, cli(out, sizeof(out), (char *[]){ "-q", "go",
			 CTR "/snaps/001-main.tick.gsnap", NULL })) TH_LOG("%s", out);
	ASSERT_EQ(0, cli(file_go, sizeof(file_go), (char *[]){ "-q", "go", exe, NULL }))
		TH_LOG("%s", file_go);
	v = strstr(file_go, "go version:");
	ASSERT_NE(NULL, v);
	v = strstr(v, "go1.");
	ASSERT_NE(NULL, v);
	v[strcspn(v, " \n")] = '\0';
	snprintf(want, sizeof(want), "runtime.buildVersion %s\n", v);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want '%s' in: %s", want, out);
}

TEST_HARNESS_MAIN
