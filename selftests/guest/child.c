// SPDX-License-Identifier: GPL-2.0
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int child_start(struct child *c, char *const argv[])
{
	int in[2], out[2], err;

	memset(c, 0, sizeof(*c));
	c->to_child = c->from_child = -1;
	if (pipe2(in, O_CLOEXEC))
		return -errno;
	if (pipe2(out, O_CLOEXEC)) {
		err = -errno;
		close(in[0]);
		close(in[1]);
		return err;
	}
	c->pid = fork();
	if (c->pid < 0) {
		err = -errno;
		c->pid = 0;
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return err;
	}
	if (c->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->to_child = in[1];
	c->from_child = out[0];
	return 0;
}

int child_read_line(struct child *c, char *line, size_t len, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = c->from_child, .events = POLLIN };
	char *nl;
	ssize_t r;
	int left;

	for (;;) {
		nl = memchr(c->buf, '\n', c->buf_len);
		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			size_t copy = n < len - 1 ? n : len - 1;

			memcpy(line, c->buf, copy);
			line[copy] = '\0';
			memmove(c->buf, nl + 1, c->buf_len - n - 1);
			c->buf_len -= n + 1;
			return 0;
		}
		if (c->buf_len == sizeof(c->buf))
			return -E2BIG;
		left = (int)(deadline - now_ms());
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		r = read(c->from_child, c->buf + c->buf_len,
			 sizeof(c->buf) - c->buf_len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EPIPE;
		c->buf_len += (size_t)r;
	}
}

int child_wait_for(struct child *c, const char *want, int timeout_ms,
		   child_line_fn sink, void *arg)
{
	long long deadline = now_ms() + timeout_ms;
	char line[512];
	int err;

	for (;;) {
		err = child_read_line(c, line, sizeof(line),
				      (int)(deadline - now_ms()));
		if (err)
			return err;
		if (!strcmp(line, want))
			return 0;
		if (sink)
			sink(arg, line);
	}
}

int child_poke(struct child *c)
{
	ssize_t r;

	do
		r = write(c->to_child, "g", 1);
	while (r < 0 && errno == EINTR);
	return r == 1 ? 0 : -errno;
}

void child_stop(struct child *c)
{
	/* pid 0: never started (its fds may read 0 in a zeroed struct). */
	if (c->pid <= 0)
		return;
	if (c->to_child >= 0)
		close(c->to_child);
	if (c->from_child >= 0)
		close(c->from_child);
	c->to_child = c->from_child = -1;
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
}

int run_capture_output(char *const argv[], char *out, size_t len)
{
	int fds[2], status, err;
	size_t used = 0;
	pid_t pid;
	ssize_t r;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char sink[512];
		char *dst = used + 1 < len ? out + used : sink;
		size_t room = used + 1 < len ? len - 1 - used : sizeof(sink);

		r = read(fds[0], dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst == out + used)
			used += (size_t)r;
	}
	close(fds[0]);
	if (len)
		out[used] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return errno;
	/* setuid from root to non-root clears every capability set. */
	return geteuid() == NOBODY ? 0 : EPERM;
}

int as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(become_nobody() ? 255 : fn(arg));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
