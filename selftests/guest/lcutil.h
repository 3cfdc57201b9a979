/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe sessions for the lifecycle tests: a session on /dev/gosnap armed on
 * hitloop's lc_probe (or any file offset), the snapshots it streams, the
 * module's parameters, and the target's threads as /proc shows them.
 */
#ifndef GUEST_LCUTIL_H
#define GUEST_LCUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/gosnap.h>

#include "child.h"
#include "snap/snapshot.h"

/* RELEASE by sequence number (the fix of review M4); until the header has it. */
#ifndef GOSNAP_CTL_SEQ
#define GOSNAP_CTL_SEQ	(1U << 0)
#define LC_CTL_NO_SEQ_FIELD	1
#endif

#define LC_LONG_MS	60000	/* for anything that must just happen */

struct lc_sess {
	int fd;			/* -1: none */
	uint8_t *buf;		/* stream bytes read, not yet split */
	size_t len, cap;
	bool ended;		/* read() returned 0 */
};

struct lc_snap {
	void *buf;
	size_t len;
	struct gs_snapshot s;
};

long long lc_now_ms(void);
void lc_sleep_ms(long ms);

/* /sys/module/gosnap/parameters/NAME. 0 or -errno. */
int lc_param_get(const char *name, unsigned long *v);
int lc_param_set(const char *name, unsigned long v);

/* File offset of addr in pid's mappings (its file path into path). */
int lc_file_offset(pid_t pid, uint64_t addr, uint64_t *off, char *path,
		   size_t pathlen);

/* Start hitloop with argv[1..], read "probe ADDR", then lines up to "ready";
 * *off is lc_probe's offset in the hitloop file (path). */
int lc_start(struct child *c, char *const args[], uint64_t *off, char *path,
	     size_t pathlen, char *err, size_t errlen);

/* Open a session (O_NONBLOCK); TARGET pid with flags/hold_ms/mode. */
int lc_open(struct lc_sess *s, pid_t pid, uint32_t flags, uint32_t hold_ms,
	    uint32_t mode, char *err, size_t errlen);
/* PROBE path at off (id), every hit. */
int lc_add(struct lc_sess *s, const char *path, uint64_t off, uint32_t id,
	   char *err, size_t errlen);
int lc_ctl(struct lc_sess *s, unsigned long cmd, uint32_t flags, uint64_t seq);
/* lc_open + lc_add + ARM. */
int lc_arm(struct lc_sess *s, pid_t pid, uint32_t flags, uint32_t hold_ms,
	   const char *path, uint64_t off, char *err, size_t errlen);
void lc_close(struct lc_sess *s);

/*
 * The next whole snapshot of the stream, parsed, within timeout_ms: 1, 0 at
 * the end of the stream, -ETIMEDOUT, or -errno (err filled; -EPROTO for a
 * malformed stream or bytes left at its end).
 */
int lc_next(struct lc_sess *s, int timeout_ms, struct lc_snap *out,
	    char *err, size_t errlen);
void lc_snap_free(struct lc_snap *sn);

/* Read the child's lines until one starts with prefix (copied to line). */
int lc_wait_prefix(struct child *c, const char *prefix, char *line,
		   size_t len, int timeout_ms);

/* Threads of pid in state 'T' (stopped); tids named in out. -errno. */
int lc_stopped_threads(pid_t pid, char *out, size_t len);

/* Wait for pid (a child) to end within timeout_ms: its status, or -ETIMEDOUT. */
int lc_wait_exit(pid_t pid, int timeout_ms);
/* The same for a struct child; once it ended, c is as if child_stop()ped. */
int lc_child_exit(struct child *c, int timeout_ms);
/* Close its stdin (hitloop exits) and wait: its status, or -ETIMEDOUT. */
int lc_child_finish(struct child *c, int timeout_ms);

/* Write val to path (a sysfs, procfs or cgroup file): 0 or -errno. */
int lc_write_text(const char *path, const char *val);
/* Read path into buf, NUL-terminated (at most len - 1 bytes): its length or -errno. */
ssize_t lc_read_text(const char *path, char *buf, size_t len);
/* Copy from to a new file to of mode (mode set exactly, setuid too): 0 or -errno. */
int lc_copy_file(const char *from, const char *to, mode_t mode);
/* Whether the kernel has filesystem type fs (/proc/filesystems). */
bool lc_has_fs(const char *fs);

/*
 * Kernel reports (WARNING, BUG, KASAN, ...) logged since lc_kmsg_open():
 * their count, the first lines into out. Closes fd.
 */
int lc_kmsg_open(void);
int lc_kmsg_trouble(int fd, char *out, size_t len);

#endif /* GUEST_LCUTIL_H */
