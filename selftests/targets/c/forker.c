// SPDX-License-Identifier: GPL-2.0
/*
 * Target of the fork test: the parent and a forked child each call
 * marker() three times, from the same call site, at the same stack depth.
 * Only the process under capture may be stopped or captured.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int sink;

__attribute__((noinline)) void marker(int i)
{
	sink += i;
}

static void calls(const char *who)
{
	for (int i = 0; i < 3; i++) {
		marker(i);
		usleep(20000);
	}
	printf("%s %d: 3 marker calls\n", who, (int)getpid());
	fflush(stdout);
}

int main(void)
{
	pid_t child = fork();

	if (child < 0)
		return 1;
	calls(child ? "parent" : "child");
	if (child) {
		int status;

		waitpid(child, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	return 0;
}
