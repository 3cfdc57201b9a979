// SPDX-License-Identifier: GPL-2.0
/*
 * reserve: the benchmark's sparse C target (issue 18). It reserves 64 GiB
 * of anonymous PROT_NONE address space (as the Go runtime does for its
 * arenas, at a larger scale), 2 MiB aligned, prints its pid, then reads
 * sizes in MiB from stdin, one a line: for each, it makes that much of
 * the start of the reservation read-write and writes one byte in every
 * page of it (growing, never shrinking), then prints "touched N". EOF ends
 * it. With -n it reserves nothing beyond what it touches (the control:
 * the same pages with no reservation around them).
 *
 *   reserve [-n]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define RESERVE		(64ULL << 30)
#define ALIGN		(2ULL << 20)
#define MAX_TOUCH	(RESERVE - ALIGN)

int main(int argc, char **argv)
{
	int none = argc > 1 && !strcmp(argv[1], "-n");
	uint64_t len = none ? MAX_TOUCH : RESERVE + ALIGN;
	uint64_t done = 0, mib;
	char line[64];
	uintptr_t base;
	void *p;

	/* -n: only to find a 2 MiB aligned place; unmapped again below */
	p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("reserve: mmap");
		return 1;
	}
	base = ((uintptr_t)p + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	if (none) {
		/* keep only what is touched: unmap the reservation, map on demand */
		munmap(p, len);
		p = NULL;
	}
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		uint64_t want, off;
		char *q;

		mib = strtoull(line, NULL, 10);
		want = mib << 20;
		if (!want || want > MAX_TOUCH || want < done) {
			fprintf(stderr, "reserve: bad size %s", line);
			return 2;
		}
		if (none) {
			q = mmap((void *)(base + done), want - done, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (q == MAP_FAILED) {
				perror("reserve: mmap");
				return 1;
			}
		} else if (mprotect((void *)base, want, PROT_READ | PROT_WRITE)) {
			perror("reserve: mprotect");
			return 1;
		}
		for (off = done; off < want; off += 4096)
			((volatile char *)base)[off] = 1;
		done = want;
		printf("touched %llu\n", (unsigned long long)mib);
		fflush(stdout);
	}
	return 0;
}
