// SPDX-License-Identifier: GPL-2.0
#include "lcutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "target.h"

long long lc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lc_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void param_path(const char *name, char *p, size_t len)
{
	snprintf(p, len, "/sys/module/gosnap/parameters/%s", name);
}

int lc_param_get(const char *name, unsigned long *v)
{
	char p[128];
	FILE *f;
	int ok;

	param_path(name, p, sizeof(p));
	f = fopen(p, "r");
	if (!f)
		return -errno;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok ? 0 : -EPROTO;
}

int lc_param_set(const char *name, unsigned long v)
{
	char p[128], s[32];
	int fd, n, ret = 0;

	param_path(name, p, sizeof(p));
	fd = open(p, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(s, sizeof(s), "%lu\n", v);
	if (write(fd, s, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

int lc_file_offset(pid_t pid, uint64_t addr, uint64_t *off, char *path,
		   size_t pathlen)
{
	char p[64], line[4096];
	FILE *f;
	int ret = -ENOENT;

	snprintf(p, sizeof(p), "/proc/%d/maps", (int)pid);
	f = fopen(p, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t lo, hi, pgoff;
		int n = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n",
			   &lo, &hi, &pgoff, &n) < 3 || addr < lo || addr >= hi)
			continue;
		*off = addr - lo + pgoff;
		if (path) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, pathlen, "%s", line + n);
		}
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int lc_start(struct child *c, char *const args[], uint64_t *off, char *path,
	     size_t pathlen, char *err, size_t errlen)
{
	char prog[4096], line[256];
	char *argv[8] = { prog };
	uint64_t addr;
	int i, ret;

	target_program_path("hitloop", prog, sizeof(prog));
	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	ret = child_start(c, argv);
	if (!ret)
		ret = lc_wait_prefix(c, "probe ", line, sizeof(line), LC_LONG_MS);
	if (ret) {
		snprintf(err, errlen, "starting hitloop %s: %s", args[0], strerror(-ret));
		return ret;
	}
	addr = strtoull(line + 6, NULL, 16);
	ret = lc_file_offset(c->pid, addr, off, path, pathlen);
	if (ret) {
		snprintf(err, errlen, "lc_probe %#" PRIx64 " not in maps", addr);
		return ret;
	}
	ret = lc_wait_prefix(c, "ready", line, sizeof(line), LC_LONG_MS);
	if (ret)
		snprintf(err, errlen, "hitloop %s: no 'ready': %s", args[0], strerror(-ret));
	return ret;
}

int lc_open(struct lc_sess *s, pid_t pid, uint32_t flags, uint32_t hold_ms,
	    uint32_t mode, char *err, size_t errlen)
{
	struct gosnap_target t = {
		.size = sizeof(t), .flags = flags, .pid = pid, .mode = mode,
		.hold_ms = hold_ms,
	};

	memset(s, 0, sizeof(*s));
	s->fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (s->fd < 0) {
		snprintf(err, errlen, "open %s: %s", GOSNAP_DEVICE, strerror(errno));
		return -errno;
	}
	if (ioctl(s->fd, GOSNAP_IOC_TARGET, &t)) {
		int ret = -errno;

		snprintf(err, errlen, "TARGET pid %d: %s", (int)pid, strerror(errno));
		lc_close(s);
		return ret;
	}
	return 0;
}

int lc_add(struct lc_sess *s, const char *path, uint64_t off, uint32_t id,
	   char *err, size_t errlen)
{
	struct gosnap_probe p = {
		.size = sizeof(p), .offset = off, .vaddr = off, .id = id,
	};
	int ret = 0;

	p.fd = open(path, O_PATH | O_CLOEXEC);
	if (p.fd < 0) {
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return -errno;
	}
	snprintf(p.label, sizeof(p.label), "lc_probe");
	if (ioctl(s->fd, GOSNAP_IOC_PROBE, &p)) {
		ret = -errno;
		snprintf(err, errlen, "PROBE %s+%#" PRIx64 ": %s", path, off,
			 strerror(errno));
	}
	close(p.fd);
	return ret;
}

int lc_ctl(struct lc_sess *s, unsigned long cmd, uint32_t flags, uint64_t seq)
{
	struct gosnap_ctl c = { .size = sizeof(c), .flags = flags };

#ifdef LC_CTL_NO_SEQ_FIELD
	c.reserved[0] = seq;
#else
	c.seq = seq;
#endif
	return ioctl(s->fd, cmd, &c) ? -errno : 0;
}

int lc_arm(struct lc_sess *s, pid_t pid, uint32_t flags, uint32_t hold_ms,
	   const char *path, uint64_t off, char *err, size_t errlen)
{
	int ret = lc_open(s, pid, flags | GOSNAP_TARGET_EVERY_ENTRY, hold_ms,
			  GOSNAP_MODE_PAGES, err, errlen);

	if (!ret)
		ret = lc_add(s, path, off, 1, err, errlen);
	if (!ret) {
		ret = lc_ctl(s, GOSNAP_IOC_ARM, 0, 0);
		if (ret)
			snprintf(err, errlen, "ARM: %s", strerror(-ret));
	}
	if (ret)
		lc_close(s);
	return ret;
}

void lc_close(struct lc_sess *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

/* Split one whole snapshot off the front of the buffer: 1, 0 or -EPROTO. */
static int take_one(struct lc_sess *s, struct lc_snap *out, char *err,
		    size_t errlen)
{
	long n = gs_stream_snapshot_len(s->buf, s->len, err, errlen);

	if (n < 0)
		return -EPROTO;
	if (n == 0)
		return 0;
	out->buf = malloc(n);
	if (!out->buf)
		return -ENOMEM;
	memcpy(out->buf, s->buf, n);
	out->len = n;
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	if (gs_snapshot_parse(out->buf, out->len, &out->s, err, errlen)) {
		free(out->buf);
		out->buf = NULL;
		return -EPROTO;
	}
	return 1;
}

int lc_next(struct lc_sess *s, int timeout_ms, struct lc_snap *out,
	    char *err, size_t errlen)
{
	long long deadline = lc_now_ms() + timeout_ms;
	int ret;

	memset(out, 0, sizeof(*out));
	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		ssize_t r;

		ret = take_one(s, out, err, errlen);
		if (ret)
			return ret;
		if (s->ended) {
			if (s->len) {
				snprintf(err, errlen, "%zu bytes of a snapshot at the end of the stream",
					 s->len);
				return -EPROTO;
			}
			return 0;
		}
		if (s->cap - s->len < 65536) {
			uint8_t *nb = realloc(s->buf, s->cap * 2 + 65536);

			if (!nb)
				return -ENOMEM;
			s->buf = nb;
			s->cap = s->cap * 2 + 65536;
		}
		r = read(s->fd, s->buf + s->len, s->cap - s->len);
		if (r > 0) {
			s->len += r;
			continue;
		}
		if (r == 0) {
			s->ended = true;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR) {
			ret = -errno;
			snprintf(err, errlen, "read: %s", strerror(errno));
			return ret;
		}
		if (lc_now_ms() >= deadline) {
			snprintf(err, errlen, "no snapshot within %d ms", timeout_ms);
			return -ETIMEDOUT;
		}
		/* bounded: poll may not report the end of the target (L4) */
		poll(&pfd, 1, 100);
	}
}

void lc_snap_free(struct lc_snap *sn)
{
	if (sn->buf)
		gs_snapshot_free(&sn->s);
	free(sn->buf);
	sn->buf = NULL;
}

int lc_wait_prefix(struct child *c, const char *prefix, char *line,
		   size_t len, int timeout_ms)
{
	long long deadline = lc_now_ms() + timeout_ms;
	int ret;

	for (;;) {
		long long left = deadline - lc_now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		ret = child_read_line(c, line, len, (int)left);
		if (ret)
			return ret;
		if (!strncmp(line, prefix, strlen(prefix)))
			return 0;
		fprintf(stderr, "# hitloop: %s\n", line);
	}
}

int lc_stopped_threads(pid_t pid, char *out, size_t len)
{
	char p[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(p, sizeof(p), "/proc/%d/task", (int)pid);
	d = opendir(p);
	if (!d)
		return -errno;
	out[0] = '\0';
	while ((de = readdir(d))) {
		char sp[300], buf[512], *rp;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sp, sizeof(sp), "/proc/%d/task/%s/stat", (int)pid, de->d_name);
		f = fopen(sp, "r");
		if (!f)
			continue;	/* gone meanwhile */
		if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) &&
		    (rp[2] == 'T' || rp[2] == 't')) {
			size_t l = strlen(out);

			snprintf(out + l, len - l, " %s(%c)", de->d_name, rp[2]);
			n++;
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

int lc_wait_exit(pid_t pid, int timeout_ms)
{
	long long deadline = lc_now_ms() + timeout_ms;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -errno;
		if (lc_now_ms() >= deadline)
			return -ETIMEDOUT;
		lc_sleep_ms(20);
	}
}

int lc_child_exit(struct child *c, int timeout_ms)
{
	int st = lc_wait_exit(c->pid, timeout_ms);

	if (st >= 0) {
		if (c->to_child >= 0)
			close(c->to_child);
		if (c->from_child >= 0)
			close(c->from_child);
		c->to_child = c->from_child = -1;
		c->pid = 0;
	}
	return st;
}

int lc_child_finish(struct child *c, int timeout_ms)
{
	if (c->to_child >= 0)
		close(c->to_child);
	c->to_child = -1;
	return lc_child_exit(c, timeout_ms);
}

int lc_write_text(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

ssize_t lc_read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = len ? read(fd, buf, len - 1) : -1;
	if (n < 0)
		n = len ? -errno : -EINVAL;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

int lc_copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out, ret = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		close(in);
		return -errno;
	}
	while (!ret && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = -EIO;
	if (!ret && n < 0)
		ret = -errno;
	if (!ret && fchmod(out, mode))
		ret = -errno;
	close(in);
	close(out);
	return ret;
}

bool lc_has_fs(const char *fs)
{
	char line[128], want[64];
	FILE *f = fopen("/proc/filesystems", "r");
	bool yes = false;

	snprintf(want, sizeof(want), "\t%s\n", fs);
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, want))
			yes = true;
	if (f)
		fclose(f);
	return yes;
}

int lc_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* The patterns vm/run fails a run on. */
#define KERNEL_TROUBLE "(^|[^A-Za-z_])BUG([^A-Za-z_]|$)|WARNING|Oops|general protection|" \
	"refcount_t|list_del corruption|UBSAN|KASAN|Call Trace|soft lockup|" \
	"blocked for more than|rcu.*stall"

int lc_kmsg_trouble(int fd, char *out, size_t len)
{
	char rec[8192];
	regex_t re;
	int n = 0;

	out[0] = '\0';
	if (fd < 0)
		return 0;
	if (regcomp(&re, KERNEL_TROUBLE, REG_EXTENDED | REG_NOSUB)) {
		close(fd);
		return 0;
	}
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);
		char *msg;

		if (r < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (r <= 0)
			break;
		rec[r] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (!regexec(&re, msg, 0, NULL, 0)) {
			size_t l = strlen(out);

			if (!n)
				snprintf(out + l, len - l, "%.300s", msg);
			n++;
		}
	}
	regfree(&re);
	close(fd);
	return n;
}
