// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz: random and structure-aware calls on /dev/gosnap, from several
 * processes at once, against live, dying, dead and impossible targets.
 *
 *   ioctl_fuzz [--seed N] [--calls N] [--procs N] [--bound-ms N]
 *   ioctl_fuzz --spin N     (a target: N threads calling spin functions)
 *
 * Run as root in the test VM with gosnap.ko loaded (no other session
 * open), "mappings" beside it. The parent starts a pool of targets (spin
 * processes of this very binary, one multi-threaded; "mappings idle"; a
 * zombie; a pid that exited; kernel threads), opens a few sessions, and
 * forks --procs workers that inherit them. Each worker runs its own
 * random sequence (seeded from --seed and its index) of open, every ioctl
 * of the ABI with arguments built like syzkaller describes them (sizes
 * around the struct's, 0 and huge; flags mostly valid; pids, fds and
 * probe offsets drawn from what exists, from the ELF symbol tables, and
 * garbage; pointers into guard pages), read, poll, epoll, close, fork and
 * kill of targets, and whole probe sessions (target, probes, arm, read,
 * release, disarm).
 *
 * Asserted, each a TAP line: no call lasts longer than --bound-ms (the
 * parent watches every worker's current call in shared memory, which also
 * sees a worker stuck in an uninterruptible sleep, and kills a worker
 * stuck in one; a blocking read is interrupted by a repeating timer, as
 * docs/abi.md lets it block until the next snapshot); all calls were made;
 * every result is a success or an errno the table below allows (docs/abi.md
 * and the ABI changes of issue 10); a call with a deliberately bad argument
 * fails with that defect's errno; every snapshot read from a session only
 * one worker reads parses (cli/snap/snapshot.c); every ioctl succeeded at least
 * once and probe snapshots were read; no thread of any target is stopped
 * once every session is closed (the parent is the targets' subreaper, so
 * it finds them all); the module then unloads. Unexpected results are
 * counted by (call, errno) and the first call of each kind is printed
 * ("# FAIL"). The seed is printed first and last.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/gosnap.h>

#include "kselftest.h"
#include "snap/snapshot.h"

#define ENOTSUPP_KERNEL		524	/* uprobe_register's "cannot probe this insn" */

#define MAX_PROCS	16
#define MAX_FDS		24	/* session fds a worker holds at most */
#define MAX_OWN		4	/* targets a worker started and may kill */
#define MAX_FAILS	24	/* distinct unexpected results kept per worker */
#define MAX_FUNCS	4096
#define STREAM_CAP	(8U << 20)
#define KTHREADS	4
#define MAX_ERRNO	600

/* ---- the allowed results: docs/abi.md, in one table ------------------ */

enum op {
	OP_INFO, OP_CAPTURE, OP_TARGET, OP_PROBE, OP_ARM, OP_DISARM, OP_RELEASE,
	OP_OPEN, OP_READ, OP_POLL, OP_EPOLL, OP_CLOSE, OP_SPAWN, OP_KILL, NR_OPS
};

static const char *const op_name[NR_OPS] = {
	"INFO", "CAPTURE", "TARGET", "PROBE", "ARM", "DISARM", "RELEASE",
	"open", "read", "poll", "epoll", "close", "spawn", "kill",
};

#define MAX_ERRS	10
/*
 * Errnos a well-formed call may return (0 always may). Argument defects
 * (size, flags, reserved, pointers) are checked separately: such a call
 * must fail with its defect's errno (abi.md "Arguments").
 */
static const int allowed[NR_OPS][MAX_ERRS] = {
	[OP_INFO]	= { 0 },
	/* ENOBUFS: the session's queue is full (max_queued) */
	[OP_CAPTURE]	= { ESRCH, EINVAL, ENOMEM, ENOBUFS },
	[OP_TARGET]	= { EBUSY, ESRCH, EINVAL, ENOMEM },
	[OP_PROBE]	= { ENOENT, EBUSY, ENOSPC, EBADF, EINVAL },
	/*
	 * ESRCH: max_snapshots taken. "On a registration error ... that error
	 * returned": uprobe_register's, with its kernel-internal ENOTSUPP (524)
	 * for an instruction it cannot probe made EOPNOTSUPP (docs/abi.md).
	 */
	[OP_ARM]	= { ENOENT, EBUSY, ESRCH, EINVAL, ENOMEM, ENOEXEC, EOPNOTSUPP },
	[OP_DISARM]	= { ENOENT },
	[OP_RELEASE]	= { ENOENT },
	[OP_OPEN]	= { ENOMEM },
	/* EAGAIN only with O_NONBLOCK, EINTR only when our timer interrupted */
	[OP_READ]	= { 0 },
};

static const struct {
	enum op op;
	unsigned long cmd;
	size_t ksize;
} ioc[] = {
	{ OP_INFO, GOSNAP_IOC_INFO, sizeof(struct gosnap_info) },
	{ OP_CAPTURE, GOSNAP_IOC_CAPTURE, sizeof(struct gosnap_capture) },
	{ OP_TARGET, GOSNAP_IOC_TARGET, sizeof(struct gosnap_target) },
	{ OP_PROBE, GOSNAP_IOC_PROBE, sizeof(struct gosnap_probe) },
	{ OP_ARM, GOSNAP_IOC_ARM, sizeof(struct gosnap_ctl) },
	{ OP_DISARM, GOSNAP_IOC_DISARM, sizeof(struct gosnap_ctl) },
	{ OP_RELEASE, GOSNAP_IOC_RELEASE, sizeof(struct gosnap_ctl) },
};

/* ---- state shared by the parent and the workers ----------------------- */

struct fail {
	char key[96];		/* op, errno (and variant): what is counted */
	char call[256];		/* the first call that produced it */
	uint64_t count;
};

struct slot {
	volatile pid_t pid;
	volatile uint64_t calls;
	volatile uint64_t call_start_ns;	/* 0 while between calls */
	char cur[256];				/* the current call */
	uint64_t ok[NR_OPS];			/* successful calls */
	uint32_t errs[NR_OPS][MAX_ERRNO];	/* failed calls by errno */
	uint64_t done[NR_OPS];			/* calls made */
	uint64_t ns[NR_OPS];			/* time spent in them */
	uint64_t snapshots, probe_snapshots, stream_bytes, pollin;
	uint64_t nr_fails;
	struct fail fails[MAX_FAILS];
	uint64_t max_call_ns;
	char max_call[256];
	volatile int finished;
};

struct shared {
	pid_t parent;
	struct slot w[MAX_PROCS];
};

static struct shared *sh;
static struct slot *me;

/* ---- a reproducible generator ---------------------------------------- */

static uint64_t rng_state;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	return splitmix(&rng_state);
}

/* 0 .. n-1 */
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* true with probability pct % */
static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- spin targets: this binary, calling functions probes land on ----- */

volatile unsigned long spin_sink;

__attribute__((noipa)) unsigned long spin_leaf(unsigned long x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

__attribute__((noipa)) unsigned long spin_mid(unsigned long x)
{
	return spin_leaf(x) ^ spin_leaf(x >> 1);
}

__attribute__((noipa)) unsigned long spin_rare(unsigned long x)
{
	return spin_mid(x) + 7;
}

static void *spin_loop(void *arg)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	unsigned long i;

	(void)arg;
	for (i = 0;; i++) {
		spin_sink += spin_mid(i);
		if (i % 64 == 0)
			spin_sink += spin_rare(i);
		nanosleep(&ts, NULL);
		/* the fuzzer (our subreaper) is gone: so are we */
		if (i % 16 == 0 && getppid() == 1)
			_exit(0);
	}
	return NULL;
}

static int spin_main(int threads)
{
	pthread_t t;
	int i;

	for (i = 1; i < threads; i++)
		pthread_create(&t, NULL, spin_loop, NULL);
	spin_loop(NULL);
	return 0;
}

/* Close every fd above stderr: a target holds no session. */
static void close_fds(void)
{
	int fd;

	for (fd = 3; fd < 1024; fd++)
		close(fd);
}

/* A spin target of this binary; threads >= 1. pid or -errno. */
static pid_t spawn_spin(int threads, int wait_fd)
{
	char n[16];
	pid_t pid = fork();

	if (pid)
		return pid < 0 ? -errno : pid;
	if (wait_fd >= 0) {
		char c;

		dup2(wait_fd, 0);
		close_fds();
		if (read(0, &c, 1) != 1)
			_exit(0);
		snprintf(n, sizeof(n), "%d", threads);
		execl("/proc/self/exe", "ioctl_fuzz", "--spin", n, (char *)NULL);
		_exit(127);
	}
	close_fds();
	spin_main(threads);
	_exit(0);
}

/* ---- ELF: function entries as file offsets ---------------------------- */

struct func {
	uint64_t off, size, vaddr;
};

struct exe {
	const char *path;
	int fd_path;			/* O_PATH */
	uint64_t file_size;
	struct func *funcs;
	size_t nr_funcs;
	struct func hot[3];		/* spin_leaf, spin_mid, spin_rare */
	size_t nr_hot;
};

static int read_exe(struct exe *e)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh_;
	const Elf64_Phdr *ph;
	struct stat st;
	uint8_t *m;
	int fd, i;
	size_t j;

	fd = open(e->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return -errno;
	e->file_size = st.st_size;
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -errno;
	eh = (const Elf64_Ehdr *)m;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_shoff + (uint64_t)eh->e_shnum *
	    sizeof(*sh_) > (uint64_t)st.st_size)
		return -ENOEXEC;
	sh_ = (const Elf64_Shdr *)(m + eh->e_shoff);
	ph = (const Elf64_Phdr *)(m + eh->e_phoff);
	e->funcs = calloc(MAX_FUNCS, sizeof(*e->funcs));
	if (!e->funcs)
		return -ENOMEM;
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *sym;
		const char *str;

		if (sh_[i].sh_type != SHT_SYMTAB || sh_[i].sh_link >= eh->e_shnum)
			continue;
		sym = (const Elf64_Sym *)(m + sh_[i].sh_offset);
		str = (const char *)m + sh_[sh_[i].sh_link].sh_offset;
		for (j = 0; j < sh_[i].sh_size / sizeof(*sym); j++) {
			uint64_t v = sym[j].st_value, off = 0;
			int k;

			if (ELF64_ST_TYPE(sym[j].st_info) != STT_FUNC || !v ||
			    !sym[j].st_size)
				continue;
			for (k = 0; k < eh->e_phnum; k++)
				if (ph[k].p_type == PT_LOAD && (ph[k].p_flags & PF_X) &&
				    v >= ph[k].p_vaddr && v < ph[k].p_vaddr + ph[k].p_filesz)
					off = v - ph[k].p_vaddr + ph[k].p_offset;
			if (!off)
				continue;
			if (!strncmp(str + sym[j].st_name, "spin_", 5) &&
			    e->nr_hot < 3 && strcmp(str + sym[j].st_name, "spin_loop") &&
			    strcmp(str + sym[j].st_name, "spin_main"))
				e->hot[e->nr_hot++] = (struct func){ off, sym[j].st_size, v };
			if (e->nr_funcs < MAX_FUNCS)
				e->funcs[e->nr_funcs++] = (struct func){ off, sym[j].st_size, v };
		}
	}
	munmap(m, st.st_size);
	e->fd_path = open(e->path, O_PATH | O_CLOEXEC);
	return e->nr_funcs && e->fd_path >= 0 ? 0 : -ENOENT;
}

/* ---- the pool the parent prepares ------------------------------------ */

enum tkind { T_SPIN, T_MAPPINGS, T_ZOMBIE, T_EXITED, T_KTHREAD };

struct pool {
	pid_t spin[3];			/* [2] has 4 threads */
	pid_t spin_tid;			/* a non-leader thread of spin[2] */
	pid_t mappings;
	int mappings_in;		/* its stdin: it exits on EOF */
	pid_t zombie, exited;
	pid_t kthread[KTHREADS];
	int nr_kthreads;
	struct exe self, mappings_exe;
	int devnull, dir, closed_fd, tmpfile, exe_rdonly;
	int shared[3];			/* sessions every worker inherits */
	int nr_procs;
	uint64_t calls_per_proc;
	uint64_t seed;
	unsigned int bound_ms;
};

static struct pool P;

/* Is pid one of the fuzzer's own processes (never a probe target)? */
static bool is_fuzzer(pid_t pid)
{
	int i;

	if (pid == sh->parent || pid == getpid())
		return true;
	for (i = 0; i < P.nr_procs; i++)
		if (sh->w[i].pid == pid)
			return true;
	return false;
}

/* ---- a worker ---------------------------------------------------------- */

struct sfd {
	int fd;
	bool priv;		/* only this worker reads it: its stream is checked */
	bool nonblock;
	bool shared;		/* the parent's: other workers set its target */
	bool safe_offsets;	/* its target may be shared: only entries */
	uint8_t *stream;	/* bytes read and not yet a whole snapshot */
	size_t len;
};

static struct sfd fds[MAX_FDS];
static int nr_fds;
static pid_t own[MAX_OWN];
static int nr_own;
static uint8_t *argbuf;		/* two pages, then a PROT_NONE page */
static uint8_t *readbuf;
static size_t page;
static volatile sig_atomic_t timer_fired;

static void fail(const char *key, const char *fmt, ...)
{
	char call[256];
	va_list ap;
	uint64_t i;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	for (i = 0; i < me->nr_fails; i++)
		if (!strcmp(me->fails[i].key, key)) {
			me->fails[i].count++;
			return;
		}
	if (me->nr_fails == MAX_FAILS)
		return;
	snprintf(me->fails[i].key, sizeof(me->fails[i].key), "%s", key);
	snprintf(me->fails[i].call, sizeof(me->fails[i].call), "%s", call);
	me->fails[i].count = 1;
	me->nr_fails++;
}

/* Mark the start of a call (the parent watches) and count it. */
static void begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(me->cur, sizeof(me->cur), fmt, ap);
	va_end(ap);
	__atomic_store_n(&me->call_start_ns, now_ns(), __ATOMIC_SEQ_CST);
}

static void end(enum op op, bool ok)
{
	uint64_t took = now_ns() - me->call_start_ns;

	__atomic_store_n(&me->call_start_ns, 0, __ATOMIC_SEQ_CST);
	if (took > me->max_call_ns) {
		me->max_call_ns = took;
		memcpy(me->max_call, me->cur, sizeof(me->max_call));
	}
	me->done[op]++;
	me->ns[op] += took;
	me->ok[op] += ok;
	me->calls++;
	if (!ok && errno > 0 && errno < MAX_ERRNO)
		me->errs[op][errno]++;
}

static bool errno_allowed(enum op op, int err)
{
	int i;

	for (i = 0; i < MAX_ERRS && allowed[op][i]; i++)
		if (allowed[op][i] == err)
			return true;
	return false;
}

/* A pid to name: mostly live targets, some dead or impossible ones. */
static pid_t pick_pid(bool for_probes, enum tkind *kind)
{
	pid_t p;

	*kind = T_SPIN;
	switch (below(16)) {
	case 0: case 1: case 2: case 3: case 4:
		return P.spin[below(3)];
	case 5:
		return P.spin_tid;
	case 6: case 7: case 8:
		if (nr_own)
			return own[below(nr_own)];
		return P.spin[0];
	case 9:
		*kind = T_MAPPINGS;
		return P.mappings;
	case 10:
		*kind = T_ZOMBIE;
		return P.zombie;
	case 11:
		*kind = T_EXITED;
		return P.exited;
	case 12:
		*kind = T_KTHREAD;
		return P.kthread[below(P.nr_kthreads)];
	case 13:
		*kind = T_EXITED;
		switch (below(5)) {
		case 0: return 0;
		case 1: return -1;
		case 2: return INT_MIN;
		case 3: return INT_MAX;
		default: return 1;
		}
	case 14:
		if (!for_probes)
			return chance(50) ? getpid() : sh->parent;
		/* fall through */
	default:
		*kind = T_EXITED;	/* anything: treat as foreign */
		do
			p = 2 + below(40000);
		while (is_fuzzer(p));
		return p;
	}
}

/* A session fd of this worker, or -1 if none. */
static struct sfd *pick_sfd(void)
{
	return nr_fds ? &fds[below(nr_fds)] : NULL;
}

static void drop_sfd(struct sfd *s)
{
	free(s->stream);
	*s = fds[--nr_fds];
}

/* Check and consume every whole snapshot in a private session's stream. */
static void check_stream(struct sfd *s, const char *what)
{
	char err[256];

	for (;;) {
		struct gs_snapshot snap;
		long n = gs_stream_snapshot_len(s->stream, s->len, err, sizeof(err));

		if (n == 0)
			return;
		if (n < 0 || gs_snapshot_parse(s->stream, n, &snap, err, sizeof(err))) {
			fail("malformed stream", "%s: %s", what, err);
			s->priv = false;
			return;
		}
		me->snapshots++;
		if (snap.hdr->flags & GOSNAP_SF_PROBE)
			me->probe_snapshots++;
		gs_snapshot_free(&snap);
		memmove(s->stream, s->stream + n, s->len - n);
		s->len -= n;
	}
}

static void on_timer(int sig)
{
	(void)sig;
	timer_fired = 1;
}

/* read() one session, maybe interrupted by a timer, maybe a bad buffer. */
static ssize_t do_read(struct sfd *s, bool bad_ok)
{
	size_t len = chance(70) ? 65536 : 1 + below(chance(50) ? 64 : 65536);
	/* repeating: a signal that comes before read() blocks must not be the last */
	struct itimerval it = { { 0, 20000 }, { 0, 20000 + below(30000) } };
	uint8_t *buf = readbuf;
	bool bad = bad_ok && chance(3);
	ssize_t r;
	int err;

	if (bad)
		buf = chance(50) ? NULL : argbuf + 2 * page - below(64);
	begin("read(fd %d%s, %zu bytes%s)", s->fd, s->nonblock ? " nonblock" : "",
	      len, bad ? ", bad buffer" : "");
	timer_fired = 0;
	if (!s->nonblock)
		setitimer(ITIMER_REAL, &it, NULL);
	r = read(s->fd, buf, len);
	err = errno;
	if (!s->nonblock) {
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
	}
	end(OP_READ, r >= 0);
	if (bad)
		s->priv = false;	/* what a faulting read consumed is unknown */
	if (r < 0 && !(err == EAGAIN && s->nonblock) && !(err == EINTR && timer_fired) &&
	    !(err == EFAULT && bad)) {
		char key[96];

		snprintf(key, sizeof(key), "read: %s", strerrorname_np(err) ?: "?");
		fail(key, "%s -> %s", me->cur, strerror(err));
	}
	if (r > 0) {
		me->stream_bytes += r;
		if (s->priv && !bad) {
			if (s->len + r > STREAM_CAP) {
				s->priv = false;
			} else {
				s->stream = realloc(s->stream, s->len + r);
				memcpy(s->stream + s->len, buf, r);
				s->len += r;
				check_stream(s, me->cur);
			}
		}
	}
	return r;
}

/* ---- ioctl arguments, structure-aware --------------------------------- */

#define D_EFAULT	(1U << 0)
#define D_EINVAL	(1U << 1)
#define D_E2BIG		(1U << 2)
#define D_ENOTTY	(1U << 3)

struct call {
	int idx;		/* in ioc[] */
	unsigned long cmd;
	void *arg;
	uint32_t defects;	/* D_*: the call must fail with one of these */
	bool unsafe_target;	/* TARGET of our own first spin target */
	char desc[200];
};

static uint32_t rnd_flags(uint32_t valid)
{
	uint32_t f = chance(30) ? 0 : (uint32_t)rnd() & valid;

	return f;
}

/* An fd for PROBE: the target's executable mostly, anything else too. */
static int probe_fd(const struct exe *e, char *what, size_t len)
{
	switch (below(12)) {
	case 0: snprintf(what, len, "/dev/null"); return P.devnull;
	case 1: snprintf(what, len, "dir"); return P.dir;
	case 2: snprintf(what, len, "closed"); return P.closed_fd;
	case 3: snprintf(what, len, "tmpfile"); return P.tmpfile;
	case 4: snprintf(what, len, "-1"); return -1;
	case 5: snprintf(what, len, "exe rdonly"); return P.exe_rdonly;
	case 6: snprintf(what, len, "session"); return nr_fds ? fds[0].fd : -1;
	default: snprintf(what, len, "%s", e->path); return e->fd_path;
	}
}

/* A probe offset: function entries, or (unsafe targets only) garbage. */
static uint64_t probe_offset(const struct exe *e, bool safe, bool hot)
{
	const struct func *f;

	if (hot && e->nr_hot)
		return e->hot[below(e->nr_hot)].off;
	f = &e->funcs[below(e->nr_funcs)];
	switch (below(safe ? 12 : 16)) {
	case 0: return e->file_size + below(4096);
	case 1: return ~0ULL - below(16);
	case 2: return e->file_size - 1;
	case 12: case 13: return f->off + 1 + below(f->size > 1 ? f->size - 1 : 1);
	case 14: case 15: return below(e->file_size);
	default: return f->off;
	}
}

/*
 * Fill the struct of ioc[idx] at p (room bytes before the guard page):
 * valid fields, then at most a few defects, each recorded.
 */
static void fill_struct(struct call *c, uint8_t *p, struct sfd *s)
{
	enum op op = ioc[c->idx].op;
	size_t ks = ioc[c->idx].ksize;
	bool bad = chance(25);
	char what[32] = "";
	enum tkind kind;

	memset(p, 0, ks);
	switch (op) {
	case OP_INFO: {
		struct gosnap_info *a = (void *)p;

		if (bad && chance(50)) {
			(&a->abi_version)[below(2)] = 1 + below(100);
			c->defects |= D_EINVAL;
		}
		snprintf(c->desc, sizeof(c->desc), "INFO");
		break;
	}
	case OP_CAPTURE: {
		struct gosnap_capture *a = (void *)p;

		a->flags = rnd_flags(GOSNAP_CAPTURE_FLAGS);
		a->pid = pick_pid(false, &kind);
		a->max_bytes = chance(70) ? 0 : chance(50) ? below(1 << 16) : rnd();
		if (bad && chance(30)) {
			a->mode = 1 + below(chance(50) ? 2 : 1000);
			c->defects |= D_EINVAL;
		}
		if (bad && chance(20)) {
			a->stream_size = 1 + below(1000);
			c->defects |= D_EINVAL;
		}
		snprintf(c->desc, sizeof(c->desc), "CAPTURE pid %d flags %#x mode %u max %" PRIu64,
			 a->pid, a->flags, a->mode, (uint64_t)a->max_bytes);
		break;
	}
	case OP_TARGET: {
		struct gosnap_target *a = (void *)p;

		a->flags = rnd_flags(GOSNAP_TARGET_FLAGS);
		a->pid = pick_pid(true, &kind);
		a->mode = below(GOSNAP_MODE_MAX + 1);
		a->max_bytes = chance(60) ? 0 : chance(50) ? below(1 << 16) : rnd();
		a->max_snapshots = chance(20) ? 0 : 1 + below(4);
		a->hold_ms = chance(50) ? 0 : below(300);
		if (a->flags & GOSNAP_TARGET_STACK_BOUNDS) {
			a->stack_reg = chance(80) ? GOSNAP_REG_R14 : below(GOSNAP_NR_STACK_REGS);
			a->stack_off = chance(50) ? 0 : below(GOSNAP_STACK_OFF_MAX + 1);
		}
		if (bad && chance(30)) {
			switch (below(3)) {
			case 0: a->mode = GOSNAP_MODE_MAX + 1 + below(1000); break;
			case 1:
				a->stack_reg = GOSNAP_NR_STACK_REGS + below(100);
				a->flags |= GOSNAP_TARGET_STACK_BOUNDS;
				break;
			default:
				a->flags &= ~GOSNAP_TARGET_STACK_BOUNDS;
				a->stack_off = 1 + below(100);
			}
			c->defects |= D_EINVAL;
		}
		/* garbage probes only where no other worker's target can be */
		c->unsafe_target = kind == T_SPIN && nr_own && a->pid == own[0] && !s->shared;
		snprintf(c->desc, sizeof(c->desc),
			 "TARGET pid %d flags %#x mode %u max %" PRIu64 " snaps %u hold %u reg %u off %u",
			 a->pid, a->flags, a->mode, (uint64_t)a->max_bytes,
			 a->max_snapshots, a->hold_ms, a->stack_reg, a->stack_off);
		break;
	}
	case OP_PROBE: {
		struct gosnap_probe *a = (void *)p;
		const struct exe *e = chance(85) ? &P.self : &P.mappings_exe;

		a->fd = probe_fd(e, what, sizeof(what));
		a->id = rnd();
		a->offset = probe_offset(e, s->safe_offsets, chance(50));
		a->vaddr = rnd();
		a->hit = chance(70) ? 0 : below(5);
		a->arg_regs = below(GOSNAP_MAX_ARG_REGS + 1);
		snprintf(a->label, sizeof(a->label), "fuzz-%u", a->id % 1000);
		if (bad && chance(30)) {
			if (chance(50))
				memset(a->label, 'x', sizeof(a->label));
			else
				a->arg_regs = GOSNAP_MAX_ARG_REGS + 1 + below(100);
			c->defects |= D_EINVAL;
		}
		snprintf(c->desc, sizeof(c->desc), "PROBE fd %d (%s) offset %#" PRIx64 " hit %u regs %u",
			 a->fd, what, (uint64_t)a->offset, a->hit, a->arg_regs);
		break;
	}
	default: {
		struct gosnap_ctl *a = (void *)p;

		/* RELEASE: up to a seq with GOSNAP_CTL_SEQ */
		if (op == OP_RELEASE && chance(50)) {
			a->flags = GOSNAP_CTL_SEQ;
			a->seq = chance(50) ? below(100) : rnd();
		}
		if (bad && chance(30)) {
			if (op != OP_RELEASE && chance(50))
				a->flags = GOSNAP_CTL_SEQ;	/* ARM, DISARM: no flag */
			else if (chance(50))
				a->flags |= 1U << (1 + below(31));
			else if (a->flags)
				a->reserved[0] = 1 + below(10);
			else if (chance(50))
				a->seq = 1 + below(10);		/* seq without the flag */
			else
				a->reserved[0] = 1 + below(10);
			c->defects |= D_EINVAL;
		}
		snprintf(c->desc, sizeof(c->desc), "%s flags %#x seq %" PRIu64, op_name[op],
			 a->flags, (uint64_t)a->seq);
	}
	}
	/* unknown flags and reserved words, for every struct */
	if (bad && chance(20)) {
		((uint32_t *)p)[1] |= 1U << (16 + below(16));
		c->defects |= D_EINVAL;
	}
	if (bad && chance(15) && op != OP_RELEASE && op != OP_ARM && op != OP_DISARM) {
		/* the last word of each struct is a reserved one */
		((uint64_t *)(p + ks))[-1] = 1 + below(1000);
		c->defects |= D_EINVAL;
	}
}

/* Build one ioctl call on the session s: number, size, pointer, struct. */
static void build_call(struct call *c, int idx, struct sfd *s)
{
	size_t ks = ioc[idx].ksize, room = 2 * page;
	uint32_t usize = ks;
	uint8_t *p = argbuf;

	memset(c, 0, sizeof(*c));
	c->idx = idx;
	c->cmd = ioc[idx].cmd;
	switch (below(40)) {
	case 0:	/* another _IOC_SIZE: the command if not below the struct's */
		c->cmd = _IOC(_IOC_DIR(c->cmd), GOSNAP_IOC_MAGIC, _IOC_NR(c->cmd),
			      chance(70) ? ioc[idx].ksize + below(_IOC_SIZEMASK + 1 - ioc[idx].ksize) :
			      below(ioc[idx].ksize));
		if (_IOC_SIZE(c->cmd) < ioc[idx].ksize)
			c->defects |= D_ENOTTY;
		break;
	case 1:	/* another direction: no such command */
		c->cmd = _IOC(below(4), GOSNAP_IOC_MAGIC, _IOC_NR(c->cmd), _IOC_SIZE(c->cmd));
		if (c->cmd != ioc[idx].cmd)
			c->defects |= D_ENOTTY;
		break;
	case 2:	/* no such command */
		if (chance(50)) {
			c->cmd = _IOWR(GOSNAP_IOC_MAGIC, 7 + below(249), struct gosnap_ctl);
		} else {
			unsigned int type = below(256);

			c->cmd = _IOC(below(4), type == GOSNAP_IOC_MAGIC ? 0 : type,
				      _IOC_NR(c->cmd), _IOC_SIZE(c->cmd));
		}
		c->defects |= D_ENOTTY;
		break;
	}
	memset(argbuf, 0, room);
	fill_struct(c, p, s);
	/* the size field */
	switch (below(20)) {
	case 0: usize = below(ks); c->defects |= D_EINVAL; break;
	case 1: usize = page + 1 + below(chance(50) ? 64 : UINT32_MAX - page - 1);
		c->defects |= D_E2BIG; break;
	case 2: case 3:		/* larger, zero tail: accepted */
		usize = ks + 1 + below(chance(50) ? 64 : page - ks);
		if (chance(40)) {
			p[ks + below(usize - ks)] = 1 + below(255);
			c->defects |= D_E2BIG;
		}
		break;
	case 4:			/* exactly page */
		usize = page;
		break;
	}
	*(uint32_t *)p = usize;
	/* the pointer: the struct may end right at the guard page */
	c->arg = p;
	if (usize <= page && usize >= ks && chance(10)) {
		c->arg = argbuf + room - usize;
		memmove(c->arg, p, usize);
	}
	switch (below(60)) {
	case 0: c->arg = NULL; c->defects |= D_EFAULT; break;
	case 1: c->arg = argbuf + room; c->defects |= D_EFAULT; break;	/* guard */
	case 2: c->arg = (void *)0xffff888000000000UL; c->defects |= D_EFAULT; break;
	case 3:		/* the struct straddles the guard page */
		if (usize >= 8 && usize <= page) {
			c->arg = argbuf + room - 4 - below(usize - 4 < 64 ? usize - 4 : 64);
			*(uint32_t *)c->arg = usize;
			c->defects |= D_EFAULT;
		}
		break;
	}
	snprintf(c->desc + strlen(c->desc), sizeof(c->desc) - strlen(c->desc),
		 " [cmd %#lx size %u arg %p%s]", c->cmd, usize, c->arg,
		 c->defects ? " defective" : "");
}

static const char *errname(int err)
{
	static char num[16];

	if (err == ENOTSUPP_KERNEL)
		return "ENOTSUPP(524)";
	snprintf(num, sizeof(num), "errno %d", err);
	return err ? strerrorname_np(err) ?: num : "0";
}

static void check_result(const struct call *c, int fd_desc_err, long r, int err)
{
	enum op op = ioc[c->idx].op;
	char key[96];
	uint32_t d = c->defects;
	bool good;

	if (fd_desc_err) {		/* not a session: EBADF or ENOTTY only */
		good = r < 0 && err == fd_desc_err;
	} else if (d & D_ENOTTY) {
		good = r < 0 && err == ENOTTY;
	} else if (d) {
		good = r < 0 && (((d & D_EFAULT) && err == EFAULT) ||
				 ((d & D_EINVAL) && err == EINVAL) ||
				 ((d & D_E2BIG) && err == E2BIG));
	} else {
		good = r == 0 || errno_allowed(op, err);
	}
	if (good)
		return;
	snprintf(key, sizeof(key), "%s%s%s -> %s", op_name[op],
		 c->cmd != ioc[c->idx].cmd && _IOC_SIZE(c->cmd) != _IOC_SIZE(ioc[c->idx].cmd) &&
		 !(d & D_ENOTTY) ? " (another _IOC_SIZE)" : "",
		 fd_desc_err ? " on a non-session fd" : d ? " (bad argument)" : "",
		 r == 0 ? "success" : errname(err));
	fail(key, "%s -> %s", c->desc, r == 0 ? "0" : errname(err));
}

/* One ioctl on a random fd with random, mostly sane arguments. */
static long do_ioctl(int idx, struct sfd *s)
{
	struct call c;
	int fd, not_session = 0, err;
	long r;

	build_call(&c, idx, s);
	fd = s->fd;
	if (chance(3)) {
		fd = chance(50) ? P.devnull : P.closed_fd;
		not_session = fd == P.devnull ? ENOTTY : EBADF;
	}
	begin("ioctl(fd %d, %s)", fd, c.desc);
	r = ioctl(fd, c.cmd, c.arg);
	err = errno;
	end(ioc[idx].op, r == 0);
	check_result(&c, not_session, r, err);
	if (!r && !not_session && ioc[idx].op == OP_TARGET)
		s->safe_offsets = !c.unsafe_target;
	return r ? -err : 0;
}

/* A well-formed ioctl (the scenario's steps); -errno or 0. */
static long plain_ioctl(int idx, struct sfd *s, void *arg, const char *what)
{
	long r;
	int err;

	begin("ioctl(fd %d, %s %s)", s->fd, op_name[ioc[idx].op], what);
	r = ioctl(s->fd, ioc[idx].cmd, arg);
	err = errno;
	end(ioc[idx].op, r == 0);
	if (r && !errno_allowed(ioc[idx].op, err)) {
		char key[96];

		snprintf(key, sizeof(key), "%s -> %s", op_name[ioc[idx].op], errname(err));
		fail(key, "%s -> %s", me->cur, errname(err));
	}
	return r ? -err : 0;
}

/* ---- the other calls -------------------------------------------------- */

static void do_close(struct sfd *s);

static struct sfd *do_open(void)
{
	int flags = O_RDWR | (chance(50) ? O_NONBLOCK : 0) | (chance(50) ? O_CLOEXEC : 0);
	struct sfd *s;
	int fd, err;

	if (nr_fds == MAX_FDS)
		do_close(&fds[below(nr_fds)]);
	begin("open(%s, %#x)", GOSNAP_DEVICE, flags);
	fd = open(GOSNAP_DEVICE, flags);
	err = errno;
	end(OP_OPEN, fd >= 0);
	if (fd < 0) {
		if (!errno_allowed(OP_OPEN, err))
			fail("open -> error", "%s -> %s", me->cur, errname(err));
		return NULL;
	}
	s = &fds[nr_fds++];
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->priv = true;
	s->safe_offsets = true;
	s->nonblock = flags & O_NONBLOCK;
	return s;
}

static void do_close(struct sfd *s)
{
	int r;

	begin("close(fd %d)", s->fd);
	r = close(s->fd);
	end(OP_CLOSE, r == 0);
	if (r)
		fail("close -> error", "%s -> %s", me->cur, errname(errno));
	drop_sfd(s);
}

static void do_poll(void)
{
	struct pollfd pfd[3];
	int n = 0, r, i, timeout = below(4) ? 0 : below(20);

	for (i = 0; i < 3 && i < nr_fds; i++) {
		pfd[n].fd = fds[below(nr_fds)].fd;
		pfd[n++].events = POLLIN | (chance(20) ? POLLOUT | POLLPRI : 0);
	}
	if (!n)
		return;
	begin("poll(%d fds, %d ms)", n, timeout);
	r = poll(pfd, n, timeout);
	end(OP_POLL, r >= 0);
	if (r < 0)
		fail("poll -> error", "%s -> %s", me->cur, errname(errno));
	for (i = 0; i < n; i++)
		me->pollin += !!(pfd[i].revents & POLLIN);
}

static void do_epoll(struct sfd *s)
{
	struct epoll_event ev = { .events = EPOLLIN | (chance(30) ? EPOLLET : 0) };
	int ep, r, timeout = below(10);

	begin("epoll(fd %d, %d ms)", s->fd, timeout);
	ep = epoll_create1(EPOLL_CLOEXEC);
	r = ep < 0 ? -1 : epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
	if (!r)
		r = epoll_wait(ep, &ev, 1, timeout);
	end(OP_EPOLL, r >= 0);
	if (r < 0)
		fail("epoll -> error", "%s -> %s", me->cur, errname(errno));
	if (ep >= 0)
		close(ep);
}

static void do_spawn(void)
{
	pid_t pid;

	if (nr_own == MAX_OWN)
		return;
	begin("fork a spin target");
	pid = spawn_spin(chance(30) ? 3 : 1, -1);
	end(OP_SPAWN, pid > 0);
	if (pid > 0)
		own[nr_own++] = pid;
}

/* Kill one of our targets, maybe in the middle of anything. */
static void do_kill(void)
{
	int i;

	if (!nr_own)
		return;
	i = below(nr_own);
	begin("kill(%d, SIGKILL)", own[i]);
	kill(own[i], SIGKILL);
	waitpid(own[i], NULL, 0);
	end(OP_KILL, true);
	P.exited = own[i];		/* a fresh dead pid to name */
	own[i] = own[--nr_own];
}

/*
 * A whole probe session on a spin target: TARGET, PROBEs on the hot
 * functions, ARM, poll and read while it hits, RELEASE, DISARM, close.
 * Sometimes the target is a child that execs the binary after ARM
 * (GOSNAP_TARGET_EXEC), sometimes it gets killed half-way.
 */
static void scenario(void)
{
	struct gosnap_target t = { .size = sizeof(t) };
	struct gosnap_ctl ctl = { .size = sizeof(ctl) };
	int pipefd[2] = { -1, -1 }, i, n;
	struct sfd *s;
	pid_t pid = 0;
	bool exec = chance(20);

	s = do_open();
	if (!s)
		return;
	if (exec && nr_own < MAX_OWN && !pipe2(pipefd, O_CLOEXEC)) {
		pid = spawn_spin(1 + below(2), pipefd[0]);
		close(pipefd[0]);
		if (pid > 0)
			own[nr_own++] = pid;
	} else {
		exec = false;
		pid = nr_own && chance(50) ? own[below(nr_own)] : P.spin[below(3)];
	}
	t.pid = pid;
	t.flags = (exec ? GOSNAP_TARGET_EXEC : 0) | rnd_flags(GOSNAP_TARGET_STOP_WORLD |
		GOSNAP_TARGET_HOLD | GOSNAP_TARGET_NO_PFN | GOSNAP_TARGET_EVERY_ENTRY);
	if (chance(30)) {
		t.flags |= GOSNAP_TARGET_STACK_BOUNDS;
		t.stack_reg = GOSNAP_REG_R14;
	}
	t.mode = below(GOSNAP_MODE_MAX + 1);
	t.max_snapshots = 1 + below(3);
	t.hold_ms = below(100);
	t.max_bytes = chance(20) ? 4096 + below(65536) : 0;	/* truncation too */
	if (!plain_ioctl(2, s, &t, "(scenario)")) {
		n = 1 + below(3);
		for (i = 0; i < n; i++) {
			struct gosnap_probe p = { .size = sizeof(p), .fd = P.self.fd_path };

			p.offset = P.self.hot[below(P.self.nr_hot)].off;
			p.id = i;
			p.arg_regs = below(3);
			snprintf(p.label, sizeof(p.label), "hot%d", i);
			plain_ioctl(3, s, &p, "(scenario)");
		}
		plain_ioctl(4, s, &ctl, "(scenario)");
	}
	if (pipefd[1] >= 0) {
		if (write(pipefd[1], "g", 1) < 0)
			fail("scenario", "poking the exec child: %s", strerror(errno));
		close(pipefd[1]);
	}
	n = 2 + below(6);
	for (i = 0; i < n; i++) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		int r;

		begin("poll(fd %d, 50 ms) (scenario)", s->fd);
		r = poll(&pfd, 1, 50);
		end(OP_POLL, r >= 0);
		if (r > 0 && (pfd.revents & POLLIN)) {
			me->pollin++;
			do_read(s, false);
		}
		if (t.flags & GOSNAP_TARGET_HOLD && chance(70)) {
			ctl.flags = chance(50) ? GOSNAP_CTL_SEQ : 0;
			ctl.seq = ctl.flags ? below(8) : 0;
			plain_ioctl(6, s, &ctl, "(scenario)");
			ctl.flags = 0;
			ctl.seq = 0;
		}
		if (chance(5) && nr_own && pid == own[nr_own - 1])
			do_kill();
	}
	if (chance(70))
		plain_ioctl(5, s, &ctl, "(scenario)");
	/* drain what is left: a read of a disarmed session ends */
	n = s->nonblock ? 4 : 1;
	for (i = 0; i < n; i++)
		if (do_read(s, false) <= 0)
			break;
	do_close(s);
}

static void worker(int idx)
{
	struct sigaction sa = { .sa_handler = on_timer };	/* no SA_RESTART */
	int k;

	me = &sh->w[idx];
	rng_state = P.seed ^ (0x5851f42d4c957f2dULL * (idx + 1));
	sigaction(SIGALRM, &sa, NULL);
	page = sysconf(_SC_PAGESIZE);
	argbuf = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readbuf = malloc(65536);
	if (argbuf == MAP_FAILED || !readbuf || mprotect(argbuf + 2 * page, page, PROT_NONE))
		_exit(3);
	/* the parent's sessions: read by everyone, so their streams are not checked */
	for (k = 0; k < 3; k++) {
		fds[nr_fds] = (struct sfd){ .fd = P.shared[k], .shared = true,
					    .safe_offsets = true };
		fds[nr_fds].nonblock = fcntl(P.shared[k], F_GETFL) & O_NONBLOCK;
		nr_fds++;
	}
	while (me->calls < P.calls_per_proc) {
		unsigned int w = below(1000);
		struct sfd *s = pick_sfd();

		/*
		 * Weights: an ARM that succeeds (and the DISARM or close that
		 * undoes it) costs about half a second under TCG (uprobe
		 * registration, the build-id read): few of them, every other
		 * call cheap.
		 */
		if (!s || w < 40) {
			do_open();
		} else if (w < 160) {
			do_ioctl(0, s);					/* INFO */
		} else if (w < 205) {
			do_ioctl(1, s);					/* CAPTURE */
		} else if (w < 360) {
			do_ioctl(2, s);					/* TARGET */
		} else if (w < 540) {
			do_ioctl(3, s);					/* PROBE */
		} else if (w < 565) {
			do_ioctl(4, s);					/* ARM */
		} else if (w < 605) {
			do_ioctl(5, s);					/* DISARM */
		} else if (w < 700) {
			do_ioctl(6, s);					/* RELEASE */
		} else if (w < 800) {
			do_read(s, true);
		} else if (w < 850) {
			do_poll();
		} else if (w < 870) {
			do_epoll(s);
		} else if (w < 930) {
			do_close(s);
		} else if (w < 940) {
			do_spawn();
		} else if (w < 946) {
			do_kill();
		} else if (w < 949) {
			scenario();
		} else {
			do_ioctl(below(7), s);
		}
	}
	while (nr_fds)
		do_close(&fds[0]);
	/* our targets go on: the parent (their subreaper) checks and ends them */
	me->finished = 1;
	_exit(0);
}

/* ---- the parent ------------------------------------------------------ */

static int find_kthreads(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	P.kthread[n++] = 2;	/* kthreadd */
	while (d && (de = readdir(d)) && n < KTHREADS) {
		char path[64], buf[512], *p;
		unsigned long flags = 0;
		FILE *f;
		int i;

		if (atoi(de->d_name) <= 2)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", atoi(de->d_name));
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')'))) {
			/* field 9 is flags: 7 fields after the state */
			for (i = 0; i < 7 && p; i++)
				p = strchr(p + 1, ' ');
			if (p)
				flags = strtoul(p + 1, NULL, 10);
		}
		fclose(f);
		if (flags & 0x00200000)	/* PF_KTHREAD */
			P.kthread[n++] = atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

static pid_t other_thread(pid_t pid)
{
	char path[64];
	struct dirent *de;
	pid_t tid = pid;
	DIR *d;
	int tries;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	for (tries = 0; tries < 100 && tid == pid; tries++) {
		d = opendir(path);
		while (d && (de = readdir(d)))
			if (atoi(de->d_name) > 0 && atoi(de->d_name) != pid)
				tid = atoi(de->d_name);
		if (d)
			closedir(d);
		if (tid == pid)
			usleep(10000);
	}
	return tid;
}

static int setup(char *err, size_t errlen)
{
	char path[4096], *slash;
	int i, pfd[2];
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", path, sizeof(path) - 16);
	if (n < 0)
		return snprintf(err, errlen, "readlink /proc/self/exe: %s", strerror(errno));
	path[n] = 0;
	P.self.path = strdup(path);
	slash = strrchr(path, '/');
	strcpy(slash + 1, "mappings");
	P.mappings_exe.path = strdup(path);
	if (read_exe(&P.self) || P.self.nr_hot != 3)
		return snprintf(err, errlen, "symbol table of %s: %zu functions, %zu spin_*",
				P.self.path, P.self.nr_funcs, P.self.nr_hot);
	if (read_exe(&P.mappings_exe))
		return snprintf(err, errlen, "symbol table of %s", P.mappings_exe.path);
	/* orphaned targets come back to us, to be checked and ended */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		return snprintf(err, errlen, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	for (i = 0; i < 3; i++)
		P.spin[i] = spawn_spin(i == 2 ? 4 : 1, -1);
	P.spin_tid = other_thread(P.spin[2]);
	if (pipe(pfd))
		return snprintf(err, errlen, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(pfd[0], 0);
		close_fds();
		execl(P.mappings_exe.path, "mappings", "idle", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	P.mappings = pid;
	P.mappings_in = pfd[1];
	P.zombie = fork();
	if (P.zombie == 0)
		_exit(0);
	P.exited = fork();
	if (P.exited == 0)
		_exit(0);
	waitpid(P.exited, NULL, 0);
	P.nr_kthreads = find_kthreads();
	P.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	P.dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* no fd of ours gets this high (a closed fd's number is reused) */
	P.closed_fd = 1000;
	close(P.closed_fd);
	P.exe_rdonly = open(P.self.path, O_RDONLY | O_CLOEXEC);
	P.tmpfile = open("/tmp/ioctl_fuzz.tmp", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (P.tmpfile < 0 || write(P.tmpfile, P.self.path, strlen(P.self.path)) < 0)
		return snprintf(err, errlen, "/tmp/ioctl_fuzz.tmp: %s", strerror(errno));
	unlink("/tmp/ioctl_fuzz.tmp");
	for (i = 0; i < 3; i++) {
		P.shared[i] = open(GOSNAP_DEVICE, O_RDWR | (i == 0 ? 0 : O_NONBLOCK));
		if (P.shared[i] < 0)
			return snprintf(err, errlen, "open %s: %s", GOSNAP_DEVICE, strerror(errno));
	}
	return 0;
}

/* Watch the workers until they are done; kill one stuck in a call. */
static int supervise(uint64_t bound_ns, char *hung, size_t hunglen)
{
	int left = P.nr_procs, nr_hung = 0, i, status;

	while (left) {
		/* only the workers: dead targets stay zombies until the end */
		for (i = 0; i < P.nr_procs; i++) {
			if (sh->w[i].pid <= 0 || waitpid(sh->w[i].pid, &status, WNOHANG) <= 0)
				continue;
			{
				left--;
				if (!WIFEXITED(status) || WEXITSTATUS(status) || !sh->w[i].finished) {
					me = &sh->w[i];
					fail("worker died", "worker %d: status %#x in %s", i,
					     status, sh->w[i].cur);
				}
				sh->w[i].pid = -sh->w[i].pid;
			}
		}
		for (i = 0; i < P.nr_procs; i++) {
			uint64_t start = __atomic_load_n(&sh->w[i].call_start_ns, __ATOMIC_SEQ_CST);

			if (!start || now_ns() - start < bound_ns || sh->w[i].finished ||
			    sh->w[i].pid <= 0)
				continue;
			if (!nr_hung++)
				snprintf(hung, hunglen, "worker %d: %s", i, sh->w[i].cur);
			me = &sh->w[i];
			fail("hung", "worker %d stuck %" PRIu64 " ms in %s", i,
			     (now_ns() - start) / 1000000, sh->w[i].cur);
			sh->w[i].call_start_ns = 0;
			kill(sh->w[i].pid, SIGKILL);
		}
		usleep(50000);
	}
	return nr_hung;
}

/* Every thread of our remaining children: none may be stopped. */
static int check_not_stopped(int *procs, int *threads, char *bad, size_t badlen)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int nr_bad = 0;

	*procs = *threads = 0;
	while (d && (de = readdir(d))) {
		int pid = atoi(de->d_name);
		char path[300], line[256];
		struct dirent *te;
		pid_t ppid = 0;
		FILE *f;
		DIR *td;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "PPid:", 5))
				ppid = atoi(line + 5);
		if (f)
			fclose(f);
		if (ppid != getpid())
			continue;
		(*procs)++;
		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		td = opendir(path);
		while (td && (te = readdir(td))) {
			if (atoi(te->d_name) <= 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid,
				 atoi(te->d_name));
			f = fopen(path, "r");
			while (f && fgets(line, sizeof(line), f)) {
				char st = 0;

				if (sscanf(line, "State: %c", &st) != 1)
					continue;
				(*threads)++;
				if (st == 'T' || st == 't') {
					if (!nr_bad++)
						snprintf(bad, badlen, "thread %d of %d: %.200s",
							 atoi(te->d_name), pid, line + 7);
				}
			}
			if (f)
				fclose(f);
		}
		if (td)
			closedir(td);
	}
	if (d)
		closedir(d);
	return nr_bad;
}

static void usage(void)
{
	fprintf(stderr, "usage: ioctl_fuzz [--seed N] [--calls N] [--procs N] [--bound-ms N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t calls = 100000, total = 0, sum[NR_OPS] = {}, ok[NR_OPS] = {}, ns[NR_OPS] = {};
	uint64_t snaps = 0, psnaps = 0, bytes = 0, pollin = 0, nfails = 0, t0, ms;
	char err[512] = "", hung[512] = "", bad[512] = "";
	int procs = 4, i, j, nr_hung, nr_bad, nprocs, nthreads;
	bool have_seed = false;
	pid_t pid;

	P.bound_ms = 20000;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--spin") && i + 1 < argc)
			return spin_main(atoi(argv[i + 1]));
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--seed")) {
			P.seed = strtoull(argv[++i], NULL, 0);
			have_seed = true;
		} else if (!strcmp(argv[i], "--calls")) {
			calls = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--procs")) {
			procs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--bound-ms")) {
			P.bound_ms = atoi(argv[++i]);
		} else {
			usage();
		}
	}
	if (procs < 1 || procs > MAX_PROCS)
		usage();
	if (!have_seed)
		P.seed = now_ns() ^ getpid();
	P.nr_procs = procs;
	P.calls_per_proc = (calls + procs - 1) / procs;

	ksft_print_header();
	ksft_set_plan(6);
	ksft_print_msg("seed %" PRIu64 " (reproduce: ioctl_fuzz --seed %" PRIu64
		       " --calls %" PRIu64 " --procs %d)\n", P.seed, P.seed, calls, procs);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	memset(sh, 0, sizeof(*sh));
	sh->parent = getpid();
	if (setup(err, sizeof(err))) {
		ksft_test_result_fail("setup: %s\n", err);
		ksft_exit_fail();
	}
	ksft_test_result_pass("setup: targets started, %zu functions in the symbol table\n",
			      P.self.nr_funcs);
	ksft_print_msg("targets: spin %d %d %d (4 threads, tid %d), mappings %d, zombie %d, exited %d, %d kernel threads; %zu functions in %s, %zu in %s\n",
		       P.spin[0], P.spin[1], P.spin[2], P.spin_tid, P.mappings, P.zombie,
		       P.exited, P.nr_kthreads, P.self.nr_funcs, P.self.path,
		       P.mappings_exe.nr_funcs, P.mappings_exe.path);

	t0 = now_ns();
	for (i = 0; i < procs; i++) {
		pid = fork();
		if (pid == 0) {
			sh->w[i].pid = getpid();
			worker(i);
		}
		sh->w[i].pid = pid;
	}
	nr_hung = supervise((uint64_t)P.bound_ms * 1000000, hung, sizeof(hung));
	ms = (now_ns() - t0) / 1000000;
	for (i = 0; i < 3; i++)
		close(P.shared[i]);
	for (i = 0; i < procs; i++) {
		struct slot *w = &sh->w[i];

		total += w->calls;
		for (j = 0; j < NR_OPS; j++) {
			sum[j] += w->done[j];
			ok[j] += w->ok[j];
			ns[j] += w->ns[j];
		}
		snaps += w->snapshots;
		psnaps += w->probe_snapshots;
		bytes += w->stream_bytes;
		pollin += w->pollin;
		ksft_print_msg("worker %d: %" PRIu64 " calls, longest %" PRIu64 " ms: %s\n", i,
			       w->calls, w->max_call_ns / 1000000, w->max_call);
		for (j = 0; j < (int)w->nr_fails; j++) {
			nfails += w->fails[j].count;
			ksft_print_msg("FAIL %s (x%" PRIu64 "): %s\n", w->fails[j].key,
				       w->fails[j].count, w->fails[j].call);
		}
	}
	for (j = 0; j < NR_OPS; j++) {
		char line[512];
		size_t n = 0;
		int e;

		line[0] = 0;
		for (e = 1; e < MAX_ERRNO; e++) {
			uint64_t c = 0;

			for (i = 0; i < procs; i++)
				c += sh->w[i].errs[j][e];
			if (c && n < sizeof(line) - 40)
				n += snprintf(line + n, sizeof(line) - n, " %s %" PRIu64,
					      errname(e), c);
		}
		ksft_print_msg("%-8s %7" PRIu64 " calls, %7" PRIu64 " ms, %7" PRIu64
			       " succeeded;%s\n", op_name[j], sum[j], ns[j] / 1000000, ok[j], line);
	}
	ksft_print_msg("%" PRIu64 " calls in %" PRIu64 " ms (%" PRIu64 " calls/s)\n", total, ms,
		       ms ? total * 1000 / ms : 0);

	if (!nr_hung && total >= calls)
		ksft_test_result_pass("%" PRIu64 " calls by %d workers, none longer than %u ms\n",
				      total, procs, P.bound_ms);
	else
		ksft_test_result_fail("%" PRIu64 " of %" PRIu64 " calls; %d workers stuck beyond %u ms (%s)\n",
				      total, calls, nr_hung, P.bound_ms, hung);

	if (!nfails)
		ksft_test_result_pass("every result is a success or an errno docs/abi.md allows\n");
	else
		ksft_test_result_fail("%" PRIu64 " calls with an unexpected result (FAIL lines)\n",
				      nfails);

	/* floors: a fuzzer that reached nothing must not pass */
	for (j = 0; j < OP_OPEN; j++)
		if (!ok[j])
			break;
	if (j == OP_OPEN && snaps >= 10 && psnaps >= 1 && pollin >= 1)
		ksft_test_result_pass("every ioctl succeeded at least once; %" PRIu64
				      " snapshots (%" PRIu64 " from probes, %" PRIu64
				      " bytes read) parse\n", snaps, psnaps, bytes);
	else
		ksft_test_result_fail("floors: every ioctl succeeded (first that did not: %s), >= 10 snapshots parsed (%" PRIu64 "), >= 1 from a probe (%" PRIu64 "), >= 1 POLLIN (%" PRIu64 ")\n",
				      j < OP_OPEN ? op_name[j] : "none", snaps, psnaps, pollin);

	/* every session is closed now: no thread of any target may be stopped */
	nr_bad = check_not_stopped(&nprocs, &nthreads, bad, sizeof(bad));
	if (!nr_bad && nthreads >= 8)
		ksft_test_result_pass("no thread of %d targets (%d threads) is stopped\n",
				      nprocs, nthreads);
	else
		ksft_test_result_fail("%d stopped threads of %d targets (%d threads, at least 8): %s\n",
				      nr_bad, nprocs, nthreads, bad);

	close(P.mappings_in);
	{
		DIR *d = opendir("/proc");
		struct dirent *de;
		char path[64], line[256];

		while (d && (de = readdir(d))) {
			FILE *f;

			if (atoi(de->d_name) <= 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/status", atoi(de->d_name));
			f = fopen(path, "r");
			while (f && fgets(line, sizeof(line), f))
				if (!strncmp(line, "PPid:", 5) && atoi(line + 5) == getpid())
					kill(atoi(de->d_name), SIGKILL);
			if (f)
				fclose(f);
		}
		if (d)
			closedir(d);
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	close(P.self.fd_path);
	close(P.mappings_exe.fd_path);
	close(P.exe_rdonly);
	close(P.tmpfile);

	if (!syscall(SYS_delete_module, "gosnap", O_NONBLOCK))
		ksft_test_result_pass("gosnap unloads once every session is closed\n");
	else
		ksft_test_result_fail("delete_module(gosnap): %s\n", strerror(errno));

	/* the seed again, where a failure's reader looks */
	ksft_print_msg("seed %" PRIu64 "\n", P.seed);
	return ksft_get_fail_cnt() ? ksft_exit_fail() : ksft_exit_pass();
}
