// SPDX-License-Identifier: GPL-2.0
/*
 * present PID: the kernel's own word on which pages of a process are in
 * memory, the oracle of the heap tests. Reads /proc/PID/maps and
 * /proc/PID/pagemap and prints, for every mapping, its runs of present
 * pages as "START_HEX END_HEX" lines (END exclusive). Linked statically
 * for the test VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PM_PRESENT	(1ULL << 63)
#define BATCH		4096

static int dump_range(int pm, uint64_t start, uint64_t end, long ps)
{
	static uint64_t buf[BATCH];
	uint64_t addr = start, run = 0;
	int in_run = 0;

	while (addr < end) {
		size_t n = (end - addr) / ps, i;
		ssize_t got;

		if (n > BATCH)
			n = BATCH;
		got = pread(pm, buf, n * 8, (off_t)(addr / ps * 8));
		if (got != (ssize_t)(n * 8))
			return -1;
		for (i = 0; i < n; i++, addr += ps) {
			int p = (buf[i] & PM_PRESENT) != 0;

			if (p && !in_run)
				run = addr;
			else if (!p && in_run)
				printf("%" PRIx64 " %" PRIx64 "\n", run, addr);
			in_run = p;
		}
	}
	if (in_run)
		printf("%" PRIx64 " %" PRIx64 "\n", run, addr);
	return 0;
}

int main(int argc, char **argv)
{
	char path[64], line[512];
	long ps = sysconf(_SC_PAGESIZE);
	FILE *maps;
	int pm;

	if (argc != 2) {
		fprintf(stderr, "usage: present PID\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
	pm = open(path, O_RDONLY);
	if (!maps || pm < 0) {
		fprintf(stderr, "present: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), maps)) {
		uint64_t s, e;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &s, &e) != 2)
			continue;
		if (strstr(line, "[vsyscall]"))
			continue;
		if (dump_range(pm, s, e, ps)) {
			fprintf(stderr, "present: pagemap read failed at %" PRIx64 "\n", s);
			return 1;
		}
	}
	return fflush(stdout) ? 1 : 0;
}
