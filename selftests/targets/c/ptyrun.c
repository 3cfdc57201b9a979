// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun: run a command on a new pseudo-terminal, as a user at a terminal
 * would, and copy everything it writes there to stdout. The guest's
 * busybox has no script(1); the progress test needs a terminal.
 *
 *   ptyrun [-c SECS] CMD [ARGS...]
 *
 * -c SECS types the terminal's interrupt character (Ctrl-C) after SECS
 * seconds: the kernel's line discipline then sends SIGINT to the command,
 * as it would for a user. Exits with the command's status (128 + signal
 * if it was killed).
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 200 };
	double ctrl_c_at = -1, start = now();
	int master, status, argi = 1;
	char buf[4096];
	pid_t pid;

	if (argc > 3 && !strcmp(argv[1], "-c")) {
		ctrl_c_at = atof(argv[2]);
		argi = 3;
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: ptyrun [-c SECS] CMD [ARGS...]\n");
		return 2;
	}
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("ptyrun: forkpty");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		perror("ptyrun: exec");
		_exit(127);
	}
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		ssize_t n;

		if (ctrl_c_at >= 0 && now() - start >= ctrl_c_at) {
			if (write(master, "\003", 1) != 1)
				perror("ptyrun: typing Ctrl-C");
			ctrl_c_at = -1;
		}
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;	/* EIO: the last process on the terminal is gone */
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 2;
	}
	fflush(stdout);
	if (waitpid(pid, &status, 0) != pid)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
