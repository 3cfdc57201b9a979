// SPDX-License-Identifier: GPL-2.0
/*
 * rusage CMD [ARG...]: run CMD (its stdout to /dev/null, stderr kept) and
 * print on stderr how long it took and its peak memory, for the guest,
 * which has busybox and no GNU time:
 *
 *   rusage us N maxrss_kb N status N
 *
 * us: wall time (CLOCK_MONOTONIC) from before fork to after wait;
 * maxrss_kb: the child's ru_maxrss (peak resident set, KiB).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	uint64_t t0, t1;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: rusage CMD [ARG...]\n");
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 1;
	}
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[1], argv + 1);
		perror("rusage: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("rusage: wait4");
		return 1;
	}
	t1 = now_us();
	fprintf(stderr, "rusage us %" PRIu64 " maxrss_kb %ld status %d\n", t1 - t0,
		ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
