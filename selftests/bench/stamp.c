// SPDX-License-Identifier: GPL-2.0
/*
 * stamp: print CLOCK_MONOTONIC in microseconds. The benchmark runs it
 * from gdb ("shell") right before attach and right after detach, to time
 * how long gcore keeps the target stopped; and around commands it times.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("%" PRIu64 "\n", (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
	return 0;
}
