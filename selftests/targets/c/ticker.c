// SPDX-License-Identifier: GPL-2.0
/*
 * ticker: a process that calls one function, tick(), over and over, for
 * probe tests that need a hit on demand and a way to see the process move.
 *
 *   ticker [MIB]    first touch MIB MiB of private memory (resident, dirty)
 *
 * It prints "tick_addr 0xADDR" (tick's address), "ready", then "tick N"
 * after the Nth call, one every 20 ms, and exits when its stdout closes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long ticks;

/* The probed function: not inlined, not merged, has a body. */
__attribute__((noinline)) void tick(void)
{
	ticks++;
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
	struct timespec ts = { .tv_nsec = 20 * 1000 * 1000 };

	if (mib) {
		size_t len = mib << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("ticker: mmap");
			return 1;
		}
		for (size_t off = 0; off < len; off += 4096)
			p[off] = (char)(off >> 12) | 1;
	}
	printf("tick_addr %#lx\nready\n", (unsigned long)tick);
	fflush(stdout);
	for (;;) {
		tick();
		if (printf("tick %lu\n", ticks) < 0 || fflush(stdout))
			return 0;
		nanosleep(&ts, NULL);
	}
}
