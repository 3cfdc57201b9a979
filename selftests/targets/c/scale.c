// SPDX-License-Identifier: GPL-2.0
/*
 * scale: a process that is big or odd in one way, for the scale and
 * hostile-target tests (selftests/guest/scale_test.c) to capture.
 *
 *   scale sparse GIB WRITTEN  GIB GiB MAP_NORESERVE, 2 MiB aligned,
 *                             MADV_HUGEPAGE; one byte every 4 MiB is read
 *                             (the huge zero page: a PMD leaf, then a
 *                             hole), the first WRITTEN of them written
 *                             (a real THP each)
 *   scale reserve GIB         GIB GiB PROT_NONE, nothing else
 *   scale vmas N              N pages, written, every other one made
 *                             read-only: N VMAs
 *   scale threads N           N more threads, each blocked on a condition
 *   scale hugetlb N           N 2 MiB pages of MAP_HUGETLB, written
 *
 * It prints "region NAME START END" (hex) for what it made, then "ready",
 * and obeys one-byte commands on stdin (each answered with a line):
 *
 *   m  call marker() every 20 ms until the next command ("marking")
 *   l  start a thread that maps and unmaps a page in a loop, timing each
 *      mmap() ("looping")
 *   L  stop it: "mmap_max_us N calls N"
 *   r  threads: let every thread go once; each adds 1 to a counter and
 *      waits again: "released N" when all have
 *   p  "pong"
 *
 * It exits on EOF. Statically linked for the test VM.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1024UL * 1024)
#define GIB		(1024 * MIB)
#define PMD_SIZE	(2 * MIB)
#define LEAF_STEP	(4 * MIB)

static size_t page_size;
static volatile unsigned long sink;

static void die(const char *what)
{
	fprintf(stderr, "scale: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void region(const char *name, const void *start, size_t len)
{
	printf("region %s %#lx %#lx\n", name, (unsigned long)start,
	       (unsigned long)start + len);
}

/* The probe site: a test arms --at marker, then sends 'm'. */
__attribute__((noinline)) void marker(void)
{
	sink++;
	__asm__ volatile("" ::: "memory");
}

/* ---- sparse: PMD leaves with holes between them ---------------------- */

static void sparse(unsigned long gib, unsigned long written)
{
	size_t len = gib * GIB;
	char *raw = mmap(NULL, len + PMD_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		die("mmap sparse");
	p = (char *)(((uintptr_t)raw + PMD_SIZE - 1) & ~(PMD_SIZE - 1));
	/* Trim to exactly len, so the VMA is the region. */
	if (p != raw)
		munmap(raw, (size_t)(p - raw));
	munmap(p + len, (size_t)(raw + PMD_SIZE - p));
	if (madvise(p, len, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	for (size_t off = 0, i = 0; off < len; off += LEAF_STEP, i++) {
		if (i < written)
			memset(p + off, (int)(i & 0x7f) | 1, page_size);
		else
			sink += *(volatile char *)(p + off);
	}
	region("sparse", p, len);
}

static void reserve(unsigned long gib)
{
	size_t len = gib * GIB;
	void *p = mmap(NULL, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap reserve");
	region("reserve", p, len);
}

/* Alternating protections: no two neighbours can merge. */
static void vmas(unsigned long n)
{
	size_t len = n * page_size;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap vmas");
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	for (size_t i = 0; i < n; i++)
		p[i * page_size] = (char)(i | 1);
	for (size_t i = 1; i < n; i += 2)
		if (mprotect(p + i * page_size, page_size, PROT_READ))
			die("mprotect");
	region("vmas", p, len);
}

static void hugetlb(unsigned long n)
{
	size_t len = n * PMD_SIZE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (p == MAP_FAILED)
		die("mmap MAP_HUGETLB");
	for (size_t off = 0; off < len; off += PMD_SIZE)
		p[off] = 1;
	region("hugetlb", p, len);
}

/* ---- threads --------------------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static unsigned long generation, counter, nr_threads, nr_started;

/* Wait for each new generation; count once per release. */
static void *worker(void *arg)
{
	unsigned long seen;

	(void)arg;
	pthread_mutex_lock(&lock);
	seen = generation;
	nr_started++;
	pthread_cond_broadcast(&done_cond);
	for (;;) {
		while (generation == seen)
			pthread_cond_wait(&go_cond, &lock);
		seen = generation;
		counter++;
		pthread_cond_broadcast(&done_cond);
	}
	return NULL;
}

static void threads(unsigned long n)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (unsigned long i = 0; i < n; i++) {
		int err = pthread_create(&t, &attr, worker, NULL);

		if (err) {
			errno = err;
			die("pthread_create");
		}
	}
	pthread_mutex_lock(&lock);
	nr_threads = n;
	while (nr_started < n)
		pthread_cond_wait(&done_cond, &lock);
	pthread_mutex_unlock(&lock);
}

static void release_threads(void)
{
	unsigned long want;

	pthread_mutex_lock(&lock);
	want = counter + nr_threads;
	generation++;
	pthread_cond_broadcast(&go_cond);
	while (counter < want)
		pthread_cond_wait(&done_cond, &lock);
	printf("released %lu\n", counter);
	pthread_mutex_unlock(&lock);
}

/* ---- the mmap_lock probe: how long does one mmap() wait? -------------- */

static volatile int looping;
static pthread_t loop_thread;
static unsigned long loop_max_us, loop_calls;

static unsigned long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000000 + (unsigned long)ts.tv_nsec / 1000;
}

/* mmap() takes mmap_lock for writing: it waits out any reader. */
static void *mmap_loop(void *arg)
{
	(void)arg;
	while (looping) {
		unsigned long t0 = now_us(), dt;
		void *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		dt = now_us() - t0;
		if (p == MAP_FAILED)
			die("mmap loop");
		if (dt > loop_max_us)
			loop_max_us = dt;
		loop_calls++;
		munmap(p, page_size);
	}
	return NULL;
}

/* ---- commands ----------------------------------------------------------- */

static int next_command(int marking)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;
	ssize_t r;

	for (;;) {
		fflush(stdout);
		if (marking) {
			int n = poll(&pfd, 1, 20);

			if (n == 0) {
				marker();
				continue;
			}
		}
		r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			exit(0);
		return c;
	}
}

static void serve(void)
{
	int marking = 0;

	puts("ready");
	for (;;) {
		int c = next_command(marking);

		marking = 0;
		switch (c) {
		case 'm':
			marking = 1;
			puts("marking");
			break;
		case 'l':
			loop_max_us = 0;
			loop_calls = 0;
			looping = 1;
			if (pthread_create(&loop_thread, NULL, mmap_loop, NULL))
				die("pthread_create");
			puts("looping");
			break;
		case 'L':
			looping = 0;
			pthread_join(loop_thread, NULL);
			printf("mmap_max_us %lu calls %lu\n", loop_max_us, loop_calls);
			break;
		case 'r':
			release_threads();
			break;
		case 'p':
			puts("pong");
			break;
		default:
			printf("unknown command %c\n", c);
			break;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long a, b;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		goto usage;
	a = strtoul(argv[2], NULL, 0);
	b = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
	if (!strcmp(argv[1], "sparse") && argc == 4)
		sparse(a, b);
	else if (!strcmp(argv[1], "reserve") && argc == 3)
		reserve(a);
	else if (!strcmp(argv[1], "vmas") && argc == 3)
		vmas(a);
	else if (!strcmp(argv[1], "threads") && argc == 3)
		threads(a);
	else if (!strcmp(argv[1], "hugetlb") && argc == 3)
		hugetlb(a);
	else
		goto usage;
	serve();
	return 0;
usage:
	fprintf(stderr, "usage: scale sparse GIB WRITTEN | reserve GIB | vmas N | "
		"threads N | hugetlb N\n");
	return 2;
}
