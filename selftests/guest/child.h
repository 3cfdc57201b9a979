/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A target program run by a test: its stdin and stdout are pipes to the
 * test. Targets print lines as they progress and block reading stdin, so
 * they stay quiescent until told to go on; they exit on EOF, so a target
 * never outlives a test that died.
 */
#ifndef GUEST_CHILD_H
#define GUEST_CHILD_H

#include <stddef.h>
#include <sys/types.h>

struct child {
	pid_t pid;		/* 0: not running */
	int to_child;		/* its stdin, -1 if closed */
	int from_child;		/* its stdout, -1 if closed */
	char buf[4096];		/* bytes read past the last line returned */
	size_t buf_len;
};

/* Start argv[0] (a path). 0 or -errno. */
int child_start(struct child *c, char *const argv[]);

/*
 * Next line of its output without the newline, waiting at most
 * timeout_ms. 0, -ETIMEDOUT, -EPIPE at EOF, or -errno.
 */
int child_read_line(struct child *c, char *line, size_t len, int timeout_ms);

/* Read lines until one equals want (others go to sink, may be NULL). */
typedef void (*child_line_fn)(void *arg, const char *line);
int child_wait_for(struct child *c, const char *want, int timeout_ms,
		   child_line_fn sink, void *arg);

/* Write one byte to its stdin: "go on". 0 or -errno. */
int child_poke(struct child *c);

/* Kill and reap it; safe on a child never started or already stopped. */
void child_stop(struct child *c);

/* Run argv to completion, its stdout+stderr into out (NUL-terminated).
 * Returns its wait status, or -errno. */
int run_capture_output(char *const argv[], char *out, size_t len);

#define NOBODY		65534
/*
 * Run fn(arg) in a child process that dropped to uid/gid NOBODY with no
 * groups and no capabilities; its result (an errno value, 0, or 255 for a
 * failed drop) comes back as the return value (-1 if it did not exit).
 */
int as_nobody(int (*fn)(void *), void *arg);

#endif /* GUEST_CHILD_H */
