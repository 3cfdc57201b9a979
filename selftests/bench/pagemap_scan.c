// SPDX-License-Identifier: GPL-2.0
/*
 * pagemap_scan PID: the baseline `make bench` sets gosnap's page-state
 * capture against. What a user-space tool must do to learn the same
 * things about every page of a process: read /proc/PID/maps, then
 * /proc/PID/pagemap for every page of every mapping, then
 * /proc/kpageflags for every present page (THP, zero page, dirty,
 * anon), reading runs of consecutive PFNs in one call. Prints what it
 * found and how long it took (CLOCK_MONOTONIC, from opening maps to the
 * last read):
 *
 *   vmas N pages N present N swapped N thp N zero N dirty N us N
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../guest/pagemap.h"
#include "../guest/pgflags.h"

#define BATCH	4096		/* pagemap entries per read: 32 KiB */

struct counts {
	uint64_t vmas, pages, present, swapped, thp, zero, dirty;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* kpageflags of n present entries, one read per run of consecutive PFNs. */
static int scan_flags(int kfd, const uint64_t *pme, size_t n, struct counts *c)
{
	static uint64_t kpf[BATCH];
	size_t i = 0;

	while (i < n) {
		uint64_t pfn, j;
		size_t run = 1;
		int err;

		if (!(pme[i] & PME_PRESENT) || !(pfn = pme[i] & PME_PFN_MASK)) {
			i++;
			continue;
		}
		while (i + run < n && (pme[i + run] & PME_PRESENT) &&
		       (pme[i + run] & PME_PFN_MASK) == pfn + run)
			run++;
		err = kpageflags_read(kfd, pfn, kpf, run);
		if (err)
			return err;
		for (j = 0; j < run; j++) {
			c->thp += !!(kpf[j] & KPF(THP));
			c->zero += !!(kpf[j] & KPF(ZERO_PAGE));
			c->dirty += !!(kpf[j] & KPF(DIRTY));
		}
		i += run;
	}
	return 0;
}

static int scan_vma(int pfd, int kfd, uint64_t start, uint64_t end, struct counts *c)
{
	static uint64_t pme[BATCH];
	uint64_t page = (uint64_t)getpagesize(), addr;

	for (addr = start; addr < end; ) {
		size_t n = (end - addr) / page, i;
		int err;

		if (n > BATCH)
			n = BATCH;
		err = pagemap_read(pfd, addr, pme, n);
		if (err)
			return err;
		for (i = 0; i < n; i++) {
			c->present += !!(pme[i] & PME_PRESENT);
			c->swapped += (pme[i] & (PME_PRESENT | PME_SWAP)) == PME_SWAP;
		}
		err = scan_flags(kfd, pme, n, c);
		if (err)
			return err;
		c->pages += n;
		addr += n * page;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct counts c = { 0 };
	char path[64], line[1024];
	uint64_t t0, start, end;
	int pfd, kfd, err = 0;
	FILE *maps;

	if (argc != 2) {
		fprintf(stderr, "usage: pagemap_scan PID\n");
		return 2;
	}
	t0 = now_us();
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	maps = fopen(path, "r");
	pfd = pagemap_open((pid_t)atoi(argv[1]));
	kfd = kpageflags_open();
	if (!maps || pfd < 0 || kfd < 0) {
		fprintf(stderr, "pagemap_scan: %s: %s\n", !maps ? path :
			pfd < 0 ? "pagemap" : "/proc/kpageflags",
			strerror(!maps ? errno : pfd < 0 ? -pfd : -kfd));
		return 1;
	}
	while (!err && fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &start, &end) != 2)
			continue;
		/* vsyscall: not in the page tables, pagemap reads fail */
		if (strstr(line, "[vsyscall]"))
			continue;
		c.vmas++;
		err = scan_vma(pfd, kfd, start, end, &c);
	}
	if (err) {
		fprintf(stderr, "pagemap_scan: %s\n", strerror(-err));
		return 1;
	}
	printf("vmas %" PRIu64 " pages %" PRIu64 " present %" PRIu64 " swapped %" PRIu64
	       " thp %" PRIu64 " zero %" PRIu64 " dirty %" PRIu64 " us %" PRIu64 "\n",
	       c.vmas, c.pages, c.present, c.swapped, c.thp, c.zero, c.dirty,
	       now_us() - t0);
	return 0;
}
