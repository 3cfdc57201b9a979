// SPDX-License-Identifier: GPL-2.0
/*
 * mappings: a process holding one of each kind of page state, for the
 * page-state tests to capture and compare with the kernel's pagemap.
 *
 *   mappings layout DIR   anonymous, shared, file-backed, THP, huge zero
 *                         page, holes, mprotect splits, scattered PFNs,
 *                         a 64 GiB reserve
 *   mappings swap MIB     MIB of distinct data paged out with MADV_PAGEOUT
 *   mappings idle         nothing: a live, quiescent process to point at
 *
 * It prints "region NAME START END" (hex) for each region it made, then
 * a bare word when a phase is done, and blocks reading stdin between
 * phases; it exits on EOF. layout: after "phase1" the test resets the
 * soft-dirty bits (clear_refs) and writes a byte; phase 2 dirties a few
 * pages again and maps a fresh region, then prints "ready". swap and
 * idle print "ready" at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21	/* Linux 5.4 */
#endif

#define MIB		(1024UL * 1024)
#define GIB		(1024 * MIB)
#define PMD_SIZE	(2 * MIB)

static size_t page_size;

static void die(const char *what)
{
	fprintf(stderr, "mappings: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void region(const char *name, const void *start, size_t len)
{
	printf("region %s %#lx %#lx\n", name, (unsigned long)start,
	       (unsigned long)start + len);
}

/* Block until the test writes a byte; exit when it goes away. */
static void wait_for_test(void)
{
	char c;
	ssize_t r;

	fflush(stdout);
	do
		r = read(STDIN_FILENO, &c, 1);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		exit(0);
}

/* Stay as we are, answering nothing, until the test goes away. */
static void serve(void)
{
	for (;;)
		wait_for_test();
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Touch each page: write a value that differs per page, or only read. */
static void write_pages(char *p, size_t len, unsigned int seed)
{
	for (size_t off = 0; off < len; off += page_size)
		memset(p + off, (int)(seed + off / page_size) | 1, 64);
}

static volatile char sink;

static void read_pages(const char *p, size_t len)
{
	for (size_t off = 0; off < len; off += page_size)
		sink = p[off];
}

/* len bytes of anonymous memory starting on a PMD boundary. */
static char *map_pmd_aligned(size_t len)
{
	char *raw = map(len + PMD_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1);
	uintptr_t start = ((uintptr_t)raw + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	size_t head = start - (uintptr_t)raw;

	if (head)
		munmap(raw, head);
	munmap((char *)start + len, PMD_SIZE - head);
	return (char *)start;
}

static void anon_private(void)
{
	size_t len = 8 * page_size;
	char *written = map(len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *zero = map(len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1);

	write_pages(written, len, 0x10);
	region("anon_written", written, len);
	read_pages(zero, len);
	region("anon_zero", zero, len);
}

/* A written region with one page given back: a hole among present pages. */
static void hole(void)
{
	size_t len = 8 * page_size;
	char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	write_pages(p, len, 0x20);
	if (madvise(p + 3 * page_size, page_size, MADV_DONTNEED))
		die("madvise(MADV_DONTNEED)");
	region("hole_around", p, len);
	region("hole", p + 3 * page_size, page_size);
}

static void anon_shared(void)
{
	size_t len = 4 * page_size;
	char *p = map(len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);

	write_pages(p, len, 0x30);
	region("shared_anon", p, len);
}

/* A file of 8 pages: private (read, then COW'd) and shared mappings. */
static void file_backed(const char *dir)
{
	size_t len = 8 * page_size, half = len / 2;
	char path[4096], *buf, *priv, *shared;
	int fd;

	snprintf(path, sizeof(path), "%s/gosnap-mappings.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		die("mkstemp");
	buf = malloc(len);
	if (!buf)
		die("malloc");
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(i / page_size + 'A');
	if (write(fd, buf, len) != (ssize_t)len)
		die("write");
	free(buf);
	priv = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	shared = map(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	unlink(path);
	close(fd);

	read_pages(priv, half);
	region("file_priv_read", priv, half);
	write_pages(priv + half, half, 0x40);
	region("file_priv_cow", priv + half, half);
	write_pages(shared, half, 0x50);
	region("file_shared_written", shared, half);
	read_pages(shared + half, half);
	region("file_shared_read", shared + half, half);
}

/* 4 MiB PMD-aligned, MADV_HUGEPAGE, written: two THPs if THP is on. */
static void thp(void)
{
	size_t len = 2 * PMD_SIZE;
	char *p = map_pmd_aligned(len);

	if (madvise(p, len, MADV_HUGEPAGE))
		perror("mappings: madvise(MADV_HUGEPAGE) on thp");
	write_pages(p, len, 0x60);
	region("thp", p, len);
}

/* PMD-aligned, MADV_HUGEPAGE, only read: the huge zero page if enabled. */
static void huge_zero(void)
{
	size_t len = PMD_SIZE;
	char *p = map_pmd_aligned(len);

	if (madvise(p, len, MADV_HUGEPAGE))
		perror("mappings: madvise(MADV_HUGEPAGE) on huge_zero");
	sink = p[0];
	region("huge_zero", p, len);
}

/*
 * 16 MiB written in two passes, even pages then odd ones, in small pages:
 * neighbouring pages get unrelated PFNs, so a snapshot needs a run per
 * page, thousands in one VMA (more than a capture buffers at once).
 */
static void scattered(void)
{
	size_t len = 16 * MIB;
	char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (madvise(p, len, MADV_NOHUGEPAGE))
		perror("mappings: madvise(MADV_NOHUGEPAGE) on scattered");
	for (int pass = 0; pass < 2; pass++)
		for (size_t off = pass * page_size; off < len; off += 2 * page_size)
			memset(p + off, (int)(off / page_size) | 1, 64);
	region("scattered", p, len);
}

/* Written, then the middle made read-only: one mapping, three VMAs. */
static void mprotect_split(void)
{
	size_t len = 8 * page_size;
	char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	write_pages(p, len, 0x70);
	if (mprotect(p + 3 * page_size, 2 * page_size, PROT_READ))
		die("mprotect split");
	region("split_whole", p, len);
	region("split_ro", p + 3 * page_size, 2 * page_size);
}

/* 64 GiB reserved PROT_NONE, a few pages opened up and written. */
static void reserve(void)
{
	static const uint64_t offsets[] = { 0, 1 * GIB, 32 * GIB + 8192, 64 * GIB - 4096 };
	size_t len = 64 * GIB;
	char *p = map(len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	char name[32];

	region("reserve", p, len);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		char *page = p + (offsets[i] & ~(uint64_t)(page_size - 1));

		if (mprotect(page, page_size, PROT_READ | PROT_WRITE))
			die("mprotect reserve");
		write_pages(page, page_size, 0x80 + (unsigned int)i);
		snprintf(name, sizeof(name), "reserve_rw%zu", i);
		region(name, page, page_size);
	}
}

/*
 * After the test cleared the soft-dirty bits: dirty one page again, and
 * map a fresh region (a new VMA is VM_SOFTDIRTY as a whole). Shared
 * anonymous memory never merges with a neighbour, so the fresh VMA stays
 * its own.
 */
static void phase2(char *sd_target)
{
	size_t len = 8 * page_size;
	char *fresh = map(len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1);

	memset(sd_target, 0x5a, 64);
	region("sd_written", sd_target, page_size);
	fresh[0] = 1;
	region("fresh", fresh, len);
}

static void layout(const char *dir)
{
	char *sd_target;

	anon_private();
	hole();
	anon_shared();
	file_backed(dir);
	thp();
	huge_zero();
	mprotect_split();
	scattered();
	reserve();
	/* Written now, its soft-dirty bit cleared by the test, written again. */
	sd_target = map(page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1);
	write_pages(sd_target, page_size, 0x90);
	region("sd_target", sd_target, page_size);
	puts("phase1");
	wait_for_test();
	phase2(sd_target);
	puts("ready");
	serve();
}

static void swap(unsigned long mib)
{
	size_t len = mib * MIB;
	uint64_t *p = map(len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1);

	/* Small pages: each swaps out on its own. */
	if (madvise(p, len, MADV_NOHUGEPAGE))
		perror("mappings: madvise(MADV_NOHUGEPAGE)");
	/* Distinct, non-repeating data: zram cannot fold pages together. */
	for (size_t i = 0; i < len / sizeof(*p); i++)
		p[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	if (madvise(p, len, MADV_PAGEOUT))
		die("madvise(MADV_PAGEOUT)");
	region("swapped", p, len);
	puts("ready");
	serve();
}

int main(int argc, char **argv)
{
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "layout")) {
		layout(argv[2]);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "idle")) {
		puts("ready");
		serve();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "swap")) {
		swap(strtoul(argv[2], NULL, 0));
		return 0;
	}
	fprintf(stderr, "usage: mappings layout DIR | swap MIB | idle\n");
	return 2;
}
