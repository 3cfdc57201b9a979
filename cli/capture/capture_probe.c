// SPDX-License-Identifier: GPL-2.0
/*
 * Probe captures. Every symbol is resolved before anything is armed, so a
 * typo changes nothing. A program to start is forked first and waits on a
 * pipe; it is made the target (GOSNAP_TARGET_EXEC), the probes are armed
 * on its executable's inode, and only then is it let go to exec, so even
 * runtime.mallocinit, a few thousand instructions in, is caught.
 *
 * The loop polls the device and the target: each snapshot becomes one file
 * DIR/NNN-LABEL.gsnap; the stream ends when the target is gone. Ctrl-C
 * disarms and leaves the target running.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/capture_probe.h"
#include "capture/gc_cycle.h"
#include "base/report.h"
#include "capture/device.h"
#include "exe/elfsym.h"
#include "exe/exe.h"
#include "base/progress.h"
#include "snap/flags.h"
#include "decode/gomem.h"
#include "decode/reentry.h"
#include "layout/layout.h"
#include "snap/snapshot.h"
#include "exe/x86dec.h"

struct probe_site {
	char		label[GOSNAP_LABEL_LEN];
	char		spec[256];
	uint64_t	vaddr;
	uint64_t	file_off;
	unsigned long	hit;
	uint32_t	arg_regs;	/* integer argument registers (Go ABI) */
	uint64_t	body_off;	/* past the stack check, or 0 */
	bool		no_reentry;	/* never calls morestack */
};

/* Where in the running g (R14) the module reads, from the binary's layout. */
struct g_offsets {
	long	stack;		/* g.stack.lo, or -1 */
	long	guard;		/* g.stackguard0, or -1 */
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* "SPEC#N" -> SPEC and N; SPEC alone -> the --hits default. */
static int split_hit(const char *at, unsigned long dflt, char *spec,
		     size_t speclen, unsigned long *hit)
{
	const char *h = strrchr(at, '#');
	size_t n = h ? (size_t)(h - at) : strlen(at);
	char *end;

	if (n == 0 || n >= speclen)
		return -1;
	memcpy(spec, at, n);
	spec[n] = '\0';
	*hit = dflt;
	if (h) {
		errno = 0;
		*hit = strtoul(h + 1, &end, 10);
		if (errno || *end || *hit == 0)
			return -1;
	}
	return 0;
}

/*
 * How many integer registers carry the function's arguments: its argument
 * frame (pclntab "args", in bytes, register spill space included) in
 * words, at most the nine of Go's register ABI. The module compares them
 * to tell a call from its re-entry after a prologue preemption.
 */
static uint32_t arg_regs_of(const struct gs_symtab *st, uint64_t vaddr)
{
	const struct gs_pclntab *tab = gs_symtab_pclntab(st);
	struct gs_pcln_func fn;
	long i;
	char err[128];

	if (!tab || (i = gs_pclntab_find(tab, vaddr)) < 0 ||
	    gs_pclntab_func(tab, (uint64_t)i, &fn, err, sizeof(err)) ||
	    !fn.fields_valid || fn.args <= 0)
		return 0;
	return fn.args / 8 > GOSNAP_MAX_ARG_REGS ? GOSNAP_MAX_ARG_REGS : (uint32_t)fn.args / 8;
}

/*
 * A breakpoint must sit on the first byte of an instruction: one written
 * into the middle of another would change what the program executes.
 * Decode the function from its entry up to vaddr to be sure.
 */
static int check_boundary(const struct gs_symtab *st, const struct gs_exe *exe,
			  const char *spec, uint64_t vaddr)
{
	const struct gs_func *fn = gs_symtab_find_addr(st, vaddr);
	char err[256];
	struct gs_mem *m;
	uint64_t pc;
	int ret = -1;

	if (!fn || fn->entry == vaddr)
		return 0;	/* an entry, or outside any known function */
	m = gs_mem_open(NULL, &exe->im, err, sizeof(err));
	if (!m) {
		p_err("capture: --at '%s': %s", spec, err);
		return -1;
	}
	for (pc = fn->entry; pc < vaddr; ) {
		uint8_t code[X86_MAX_INSN_LEN];
		struct x86_insn in;
		size_t avail = sizeof(code);
		int len;

		while (avail && !gs_mem_read(m, pc, code, avail))
			avail--;
		len = avail ? x86_decode(code, avail, pc, &in) : -1;
		if (len <= 0) {
			p_err("capture: --at '%s': cannot decode %s at 0x%llx to check that 0x%llx starts an instruction",
			      spec, fn->name, (unsigned long long)pc,
			      (unsigned long long)vaddr);
			goto out;
		}
		if (pc + len > vaddr) {
			p_err("capture: --at '%s': 0x%llx is inside the instruction at 0x%llx (%d bytes); the next one starts at 0x%llx",
			      spec, (unsigned long long)vaddr, (unsigned long long)pc,
			      len, (unsigned long long)(pc + len));
			goto out;
		}
		pc += len;
	}
	ret = 0;
out:
	gs_mem_close(m);
	return ret;
}

/*
 * Where the running goroutine's stack bounds are, so that the module
 * copies the hitting goroutine's stack and not the heap arena above it:
 * Go's internal ABI on amd64 keeps the running g in R14, and g.stack is
 * {lo, hi}. The offsets are asked of the binary's layout; -1 when it
 * cannot say (the module then copies at most GOSNAP_STACK_COPY_MAX).
 */
static struct g_offsets g_offsets_of(struct gs_exe *exe)
{
	char note[256];
	struct gs_layout *l = gs_layout_open(exe, note, sizeof(note));
	struct gs_field st, lo, hi;
	struct g_offsets off = { -1, -1 };

	if (l && gs_layout_has_field(l, "runtime.g", "stack", &st) &&
	    gs_layout_has_field(l, "runtime.stack", "lo", &lo) &&
	    gs_layout_has_field(l, "runtime.stack", "hi", &hi) &&
	    lo.size == 8 && hi.size == 8 && hi.offset == lo.offset + 8 &&
	    st.offset + lo.offset <= GOSNAP_STACK_OFF_MAX)
		off.stack = (long)(st.offset + lo.offset);
	off.guard = gs_g_guard_offset(l);
	gs_layout_free(l);
	return off;
}

/*
 * How the module is to tell a call of the Go function entered at s->vaddr
 * from its re-entry through morestack (decode/reentry.h): not at all when
 * it never calls morestack; by a body probe past its stack check when the
 * module can tell goroutines apart (R14, with the stack bounds). At a
 * probe past an entry, and otherwise, the module guesses.
 */
static void reentry_policy(const struct gs_symtab *st, const struct gs_exe *exe,
			   struct probe_site *s, const struct g_offsets *g)
{
	const struct gs_func *fn = gs_symtab_find_addr(st, s->vaddr);
	size_t n = 0;
	char err[256];
	struct gs_mem *m;

	if (!fn || fn->entry != s->vaddr)
		return;
	m = gs_mem_open(NULL, &exe->im, err, sizeof(err));
	if (!m)
		return;
	switch (gs_func_reentry(st, m, fn, g->stack >= 0 ? g->guard : -1, &n)) {
	case GS_REENTRY_NEVER:
		s->no_reentry = true;
		break;
	case GS_REENTRY_BODY:
		s->body_off = s->file_off + n;
		break;
	default:
		break;
	}
	gs_mem_close(m);
}

static int resolve_sites(struct gs_exe *x, const struct probe_opts *o,
			 struct probe_site *sites, bool *is_go,
			 long *g_stack_off)
{
	const char *exe = x->path;
	char err[512];
	struct gs_symtab *st = gs_exe_symtab(x, GS_SYMSRC_AUTO, err, sizeof(err));
	struct g_offsets g_off = { -1, -1 };
	unsigned int i;

	if (!st) {
		p_err("%s", err);
		return -1;
	}
	/* re-entry after a prologue preemption is a Go matter */
	*is_go = gs_symtab_pclntab(st) != NULL;
	if (*is_go)
		g_off = g_offsets_of(x);
	*g_stack_off = g_off.stack;
	for (i = 0; i < o->nr_at; i++) {
		struct probe_site *s = &sites[i];

		if (split_hit(o->at[i], o->hits, s->spec, sizeof(s->spec), &s->hit)) {
			p_err("capture: --at '%s': expected SYMBOL[+OFF][#N] or ADDRESS[#N]",
			      o->at[i]);
			return -1;
		}
		if (gs_symtab_resolve(st, s->spec, &s->vaddr, &s->file_off, err,
				      sizeof(err))) {
			p_err("capture: --at '%s' in %s: %s", s->spec, exe, err);
			return -1;
		}
		if (s->file_off == GS_NO_FILE_OFF) {
			p_err("capture: --at '%s': 0x%llx is not backed by %s",
			      s->spec, (unsigned long long)s->vaddr, exe);
			return -1;
		}
		if (check_boundary(st, x, s->spec, s->vaddr))
			return -1;
		s->arg_regs = arg_regs_of(st, s->vaddr);
		if (*is_go && !o->every_entry)
			reentry_policy(st, x, s, &g_off);
		/* the kernel echoes at most GOSNAP_LABEL_LEN - 1 bytes */
		memcpy(s->label, s->spec, strnlen(s->spec, sizeof(s->label) - 1));
	}
	return 0;
}

/* PATH lookup as execvp() will do it, so the probes go on the same file. */
int capture_find_program(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	const char *p;

	if (strchr(name, '/')) {
		snprintf(out, outlen, "%s", name);
		return access(out, X_OK);
	}
	for (p = path ? path : "/usr/bin:/bin"; *p; ) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);

		snprintf(out, outlen, "%.*s/%s", (int)n, n ? p : ".", name);
		if (!access(out, X_OK))
			return 0;
		p += n + (colon ? 1 : 0);
	}
	return -1;
}

/* Start argv stopped before exec; returns the child's pid and its go-pipe. */
static pid_t spawn_waiting(char **argv, bool stdout_to_stderr, int *go_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		char c;

		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			_exit(127);	/* the CLI gave up before arming */
		if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", PROG, argv[0],
			strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	*go_fd = fds[1];
	return pid;
}

static int ioctl_ctl(int fd, unsigned long cmd)
{
	struct gosnap_ctl c = { .size = sizeof(c) };

	return ioctl(fd, cmd, &c);
}

/* Let go of the thread held for snapshot seq, and of no later one. */
static int release_upto(int fd, uint64_t seq)
{
	struct gosnap_ctl c = {
		.size = sizeof(c), .flags = GOSNAP_CTL_SEQ, .seq = seq,
	};

	if (!ioctl(fd, GOSNAP_IOC_RELEASE, &c))
		return 0;
	if (errno != EINVAL)
		return -1;
	return ioctl_ctl(fd, GOSNAP_IOC_RELEASE);	/* a module before the flag */
}

static int arm(int fd, pid_t pid, bool exec_mode, bool is_go,
	       long g_stack_off, const struct probe_opts *o, const char *exe,
	       const struct probe_site *sites)
{
	struct gosnap_target t = {
		.size = sizeof(t),
		.pid = pid,
		.mode = o->mode,
		.max_bytes = o->max_bytes,
		.max_snapshots = (uint32_t)o->max_snapshots,
		.hold_ms = o->hold_ms,
	};
	unsigned int i;
	int exe_fd, rc, ret = -1;

	t.flags = (exec_mode ? GOSNAP_TARGET_EXEC : 0) |
		  (o->stop_world ? GOSNAP_TARGET_STOP_WORLD : 0) |
		  (o->hold ? GOSNAP_TARGET_HOLD : 0) |
		  (o->no_pfn ? GOSNAP_TARGET_NO_PFN : 0) |
		  (o->pte_facts ? GOSNAP_TARGET_PTE_FACTS : 0) |
		  (o->every_entry || !is_go ? GOSNAP_TARGET_EVERY_ENTRY : 0);
	if (g_stack_off >= 0) {
		t.flags |= GOSNAP_TARGET_STACK_BOUNDS;
		t.stack_reg = GOSNAP_REG_R14;
		t.stack_off = (uint32_t)g_stack_off;
	}
	if (ioctl(fd, GOSNAP_IOC_TARGET, &t)) {
		p_err("capture: setting target %d: %s", (int)pid, strerror(errno));
		return -1;
	}
	exe_fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (exe_fd < 0) {
		p_err("capture: %s: %s", exe, strerror(errno));
		return -1;
	}
	for (i = 0; i < o->nr_at; i++) {
		struct gosnap_probe p = {
			.size = sizeof(p),
			.fd = exe_fd,
			.id = i,
			.offset = sites[i].file_off,
			.vaddr = sites[i].vaddr,
			.hit = (uint32_t)sites[i].hit,
			.arg_regs = sites[i].arg_regs,
			.flags = (sites[i].body_off ? GOSNAP_PROBE_BODY : 0) |
				 (sites[i].no_reentry ? GOSNAP_PROBE_NO_REENTRY : 0),
			.body_offset = sites[i].body_off,
		};

		memcpy(p.label, sites[i].label, sizeof(p.label) - 1);
		rc = ioctl(fd, GOSNAP_IOC_PROBE, &p);
		if (rc && errno == EINVAL && p.flags) {
			/* a module before these flags: it guesses re-entries */
			p.flags = 0;
			p.body_offset = 0;
			rc = ioctl(fd, GOSNAP_IOC_PROBE, &p);
		}
		if (rc) {
			p_err("capture: probe at %s: %s", sites[i].spec,
			      strerror(errno));
			goto out;
		}
	}
	if (ioctl_ctl(fd, GOSNAP_IOC_ARM)) {
		p_err("capture: arming: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	close(exe_fd);
	return ret;
}

/* DIR/NNN-LABEL.gsnap, the label made safe for a file name. */
static void snapshot_path(char *out, size_t len, const char *dir,
			  unsigned int n, const char *label)
{
	char safe[GOSNAP_LABEL_LEN];
	size_t i;

	for (i = 0; i < sizeof(safe) - 1 && label[i]; i++)
		safe[i] = (isalnum((unsigned char)label[i]) || strchr(".+-_", label[i])) ?
			label[i] : '_';
	safe[i] = '\0';
	snprintf(out, len, "%s/%03u-%s.gsnap", dir, n, safe[0] ? safe : "probe");
}

static int run_while_held(const char *cmd, const char *snap, pid_t pid)
{
	char pidbuf[32];
	int st;

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	setenv("GOSNAP_SNAPSHOT", snap, 1);
	setenv("GOSNAP_PID", pidbuf, 1);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		p_warn("--while-held command exited with status %d",
		       st == -1 ? -1 : (WIFEXITED(st) ? WEXITSTATUS(st) : 128));
		return -1;
	}
	return 0;
}

static int save_one(const struct probe_opts *o, const struct gosnap_info *info,
		    const struct probe_site *sites, const struct capture_snap *embed,
		    pid_t pid,
		    const void *data, size_t size, unsigned int n, char *path,
		    size_t pathlen)
{
	const struct gosnap_rec_capture *rc;
	struct capture_snap snap = { data, size };
	struct gs_snapshot s;
	struct gs_meta meta;
	char err[512];
	unsigned int i;
	int ret;

	if (gs_snapshot_parse(data, size, &s, err, sizeof(err))) {
		p_err("snapshot %u from the module is invalid: %s", n, err);
		return -1;
	}
	rc = s.capture;
	snapshot_path(path, pathlen, o->outdir, n, rc ? rc->label : "");
	capture_meta_init(&meta, info);
	gs_meta_add(&meta, "capture.trigger", "probe");
	gs_meta_addf(&meta, "capture.pid", "%d", (int)pid);
	gs_meta_add(&meta, "capture.mode", gs_mode_name(o->mode));
	gs_meta_add(&meta, "capture.embed", embed ? "1" : "0");
	for (i = 0; i < o->nr_at; i++) {
		char key[64];

		snprintf(key, sizeof(key), "probe.%u.symbol", i);
		gs_meta_add(&meta, key, sites[i].spec);
		snprintf(key, sizeof(key), "probe.%u.vaddr", i);
		gs_meta_addf(&meta, key, "0x%llx", (unsigned long long)sites[i].vaddr);
	}
	gs_snapshot_free(&s);
	ret = capture_save_embed(path, &meta, &snap, 1, embed);
	gs_meta_free(&meta);
	return ret;
}

/* --gc-cycle: the state of the series, and the kept gcStart's file. */
struct gc_series {
	struct gc_cycle	judge;
	struct gs_layout *layout;	/* of the probed executable, once */
	char		start_path[PATH_MAX];
};

/*
 * Whether snapshot data (size bytes) is one of the cycle's moments: 1 keep
 * (a replaced gcStart's file is removed), 0 drop, -1 the series cannot be
 * had (reported).
 */
static int gc_series_keep(struct gc_series *gs, struct gs_exe *x,
			  const void *data, size_t size, bool *is_start)
{
	const struct gosnap_rec_capture *rc;
	struct gs_snapshot s;
	char err[512];
	uint64_t cycles;
	uint32_t id;

	if (gs_snapshot_parse(data, size, &s, err, sizeof(err)))
		goto bad;
	rc = s.capture;
	id = rc ? rc->probe_id : GCM_NR;
	gs_snapshot_free(&s);
	if (id >= GCM_NR) {
		snprintf(err, sizeof(err), "a snapshot of no --gc-cycle probe");
		goto bad;
	}
	if (gc_cycle_read(x, gs->layout, data, size, &cycles, err, sizeof(err)))
		goto bad;
	*is_start = id == GCM_START;
	switch (gc_cycle_judge(&gs->judge, (enum gc_moment)id, cycles)) {
	case GCV_DROP:
		return 0;
	case GCV_REPLACE:
		if (gs->start_path[0] && unlink(gs->start_path))
			p_warn("capture: %s: %s", gs->start_path, strerror(errno));
		/* fall through */
	case GCV_KEEP:
		return 1;
	case GCV_PASSED:
		p_err("capture --gc-cycle: %s", gs->judge.why);
		return -1;
	}
	return 0;
bad:
	p_err("capture --gc-cycle: cannot tell the cycle of a snapshot: %s", err);
	return -1;
}

static void gc_series_report(const struct gc_series *gs, unsigned int kept)
{
	const struct gc_cycle *g = &gs->judge;
	char missing[256];

	gc_cycle_missing(g, missing, sizeof(missing));
	if (!json_output)
		fprintf(stderr, "%s: gc cycle %llu: kept %u of %lu snapshots%s%s\n",
			PROG, (unsigned long long)g->want, kept, g->seen,
			missing[0] ? "; none at " : "", missing);
	if (!g->done)
		p_err("capture --gc-cycle: cycle %llu did not end while probed",
		      (unsigned long long)g->want);
	else if (!g->kept[GCM_WORKER])
		p_warn("no mark worker started in cycle %llu: the runtime starts them in the first cycle (and when GOMAXPROCS grows)",
		       (unsigned long long)g->want);
}

int capture_probes(const struct probe_opts *o)
{
	struct gc_series gcs = { 0 };
	struct probe_site sites[PROBE_MAX_AT] = { 0 };
	struct capture_snap embed = { 0 };
	struct gosnap_info info;
	struct gs_stream st = { 0 };
	struct sigaction sa = { .sa_handler = on_sigint };
	struct gs_exe *x = NULL;
	char exe[PATH_MAX], err[512], path[PATH_MAX];
	bool exec_mode = !o->pid, child_done = false, is_go = false;
	long g_stack_off = -1;
	int fd = -1, go_fd = -1, status = 0, ret = 1;
	unsigned int n = 0, kept = 0;
	time_t waiting_since;
	pid_t pid = o->pid;

	if (exec_mode) {
		if (capture_find_program(o->argv[0], exe, sizeof(exe))) {
			p_err("capture: %s: not found or not executable", o->argv[0]);
			return 1;
		}
	} else {
		snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	}
	/*
	 * One open: the probes, the layout and the embedded copy all come
	 * from the same file, even if the path is replaced meanwhile.
	 */
	x = gs_exe_open(exe, err, sizeof(err));
	if (!x) {
		p_err("%s", err);
		return 1;
	}
	if (resolve_sites(x, o, sites, &is_go, &g_stack_off))
		goto out;
	if (mkdir(o->outdir, 0700) && errno != EEXIST) {
		p_err("capture: %s: %s", o->outdir, strerror(errno));
		goto out;
	}
	if (o->gc_cycle) {
		char note[256];

		gc_cycle_init(&gcs.judge, o->gc_cycle);
		gcs.layout = gs_layout_open(x, note, sizeof(note));
		if (!gcs.layout) {
			p_err("capture --gc-cycle: %s: no layout source%s%s", exe,
			      note[0] ? ": " : "", note);
			goto out;
		}
	}
	/* Once: every snapshot of the run is of this executable. */
	if (o->embed && capture_embed_exe(x, &embed))
		goto out;
	fd = gs_device_open(o->device, err, sizeof(err));
	if (fd < 0 || gs_device_info(fd, &info, err, sizeof(err))) {
		p_err("%s", err);
		goto out;
	}
	if (exec_mode) {
		pid = spawn_waiting(o->argv, o->target_stdout_to_stderr, &go_fd);
		if (pid < 0) {
			p_err("capture: fork: %s", strerror(errno));
			goto out;
		}
	}
	if (arm(fd, pid, exec_mode, is_go, g_stack_off, o, exe, sites))
		goto out;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (go_fd >= 0) {
		if (write(go_fd, "g", 1) != 1) {
			p_err("capture: starting %s: %s", o->argv[0], strerror(errno));
			goto out;
		}
		close(go_fd);
		go_fd = -1;
	}

	waiting_since = time(NULL);
	progress_begin();
	while (!interrupted) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		bool is_start = false;
		uint64_t seq;
		long len;
		int keep;

		if (exec_mode && !child_done && waitpid(pid, &status, WNOHANG) == pid)
			child_done = true;	/* reaped: the module ends the stream */
		if (poll(&pfd, 1, 200) < 0) {
			if (errno == EINTR)
				continue;
			p_err("capture: poll: %s", strerror(errno));
			goto out;
		}
		if (!pfd.revents) {
			progress_update("capture: waiting for %s%s: %lld s, %u snapshot%s kept; Ctrl-C disarms",
					o->gc_cycle ? "the GC cycle" : sites[0].spec,
					!o->gc_cycle && o->nr_at > 1 ? " and others" : "",
					(long long)(time(NULL) - waiting_since), kept,
					kept == 1 ? "" : "s");
			continue;
		}
		progress_end();
		len = gs_stream_next(fd, &st, 0, err, sizeof(err));
		if (len < 0) {
			p_err("%s", err);
			goto out;
		}
		if (len == 0)
			break;		/* target gone or disarmed */
		n++;
		memcpy(&seq, st.buf + offsetof(struct gosnap_stream_hdr, seq),
		       sizeof(seq));
		keep = o->gc_cycle ? gc_series_keep(&gcs, x, st.buf, (size_t)len,
						    &is_start) : 1;
		if (keep < 0)
			goto out;
		if (keep && save_one(o, &info, sites, o->embed ? &embed : NULL, pid,
				     st.buf, (size_t)len, ++kept, path, sizeof(path)))
			goto out;
		if (keep && is_start)
			snprintf(gcs.start_path, sizeof(gcs.start_path), "%s", path);
		gs_stream_consume(&st, (size_t)len);
		if (o->hold) {
			if (o->while_held && keep)
				run_while_held(o->while_held, path, pid);
			if (release_upto(fd, seq))
				p_warn("releasing snapshot %" PRIu64 ": %s", seq,
				       strerror(errno));
		}
		if (o->max_snapshots && kept >= o->max_snapshots)
			break;
		if (o->gc_cycle && gcs.judge.done)
			break;		/* the series is whole: let the target go */
		waiting_since = time(NULL);
		progress_begin();
	}
	ret = 0;
out:
	progress_end();
	if (fd >= 0) {
		ioctl_ctl(fd, GOSNAP_IOC_DISARM);
		close(fd);
	}
	if (go_fd >= 0)
		close(go_fd);	/* the child exits 127 without running */
	if (exec_mode && pid > 0 && !child_done && !interrupted) {
		if (waitpid(pid, &status, 0) == pid)
			child_done = true;
	}
	gs_stream_free(&st);
	free((void *)embed.data);
	if (gcs.layout)
		gs_layout_free(gcs.layout);
	gs_exe_close(x);
	if (interrupted)
		p_warn("interrupted: probes disarmed, target %d left running", (int)pid);
	if (child_done && !json_output)
		fprintf(stderr, "%s: %u snapshot%s; %s exited with status %d\n", PROG,
			kept, kept == 1 ? "" : "s", o->argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (!ret && n == 0)
		p_warn("no probe was hit");
	if (!ret && o->gc_cycle) {
		gc_series_report(&gcs, kept);
		if (!gcs.judge.done)
			ret = 1;
	}
	return ret;
}
