// SPDX-License-Identifier: GPL-2.0
/*
 * hitloop: a C target whose function lc_probe (a nop, a nop, a ret) the
 * lifecycle tests probe. It prints "probe ADDR" (hex) and "ready", then
 * waits for one byte on stdin ("go") before each phase, and exits on EOF.
 *
 *   hitloop loop N MS [MIB] go: N calls, MS ms apart; "done N max_us=M
 *                          total_us=T" (first MIB MiB of heap written:
 *                          big full-mode snapshots)
 *   hitloop threads N R    N threads + one idle thread; R rounds, each
 *                          round on a go: every thread calls lc_probe at
 *                          once, then prints "back TID MS"; "round K"
 *   hitloop exit MS        go: one call, sleep MS ms, exit 0
 *   hitloop exec           go: a thread calls lc_probe; go: the main
 *                          thread execs "hitloop execd"
 *   hitloop execd          "execd", 3 calls, "execd done"
 *   hitloop munmap PATH    PATH holds a page of code (nop nop ret) mapped
 *                          executable ("code ADDR"); go: a thread calls it;
 *                          go: the main thread unmaps it ("unmapped")
 *
 * Lines are written with one write() each, so threads do not mix them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lc_probe.h"

static const unsigned char code_blob[] = { 0x90, 0x90, 0xc3 };
static void (*code_fn)(void);
static pthread_barrier_t barrier;
static int nr_rounds;

static void die(const char *what)
{
	dprintf(2, "hitloop: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One byte from the test, or exit at EOF. */
static void wait_go(void)
{
	char c;
	ssize_t r;

	while ((r = read(0, &c, 1)) < 0)
		if (errno != EINTR)
			die("read stdin");
	if (r == 0)
		exit(0);
}

static void wait_eof(void)
{
	char c;
	ssize_t r;

	while ((r = read(0, &c, 1)) != 0)
		if (r < 0 && errno != EINTR)
			die("read stdin");
	exit(0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *hitter(void *arg)
{
	int r;

	(void)arg;
	for (r = 0; r < nr_rounds; r++) {
		long long t0;

		pthread_barrier_wait(&barrier);
		t0 = now_us();
		lc_probe();
		dprintf(1, "back %ld %lld\n", (long)syscall(SYS_gettid),
			(now_us() - t0) / 1000);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static void *idler(void *arg)
{
	(void)arg;
	for (;;)
		sleep_ms(1000);
	return NULL;
}

static void run_threads(int n, int rounds)
{
	pthread_t t;
	int i, r;

	nr_rounds = rounds;
	if (pthread_barrier_init(&barrier, NULL, n + 1))
		die("pthread_barrier_init");
	if (pthread_create(&t, NULL, idler, NULL))
		die("pthread_create");
	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, hitter, NULL))
			die("pthread_create");
	dprintf(1, "ready\n");
	for (r = 0; r < rounds; r++) {
		wait_go();
		pthread_barrier_wait(&barrier);	/* they call lc_probe */
		pthread_barrier_wait(&barrier);	/* every one is back */
		dprintf(1, "round %d\n", r + 1);
	}
	wait_eof();
}

static void *call_probe(void *arg)
{
	(void)arg;
	lc_probe();
	dprintf(1, "back\n");
	return NULL;
}

static void *call_code(void *arg)
{
	(void)arg;
	code_fn();
	dprintf(1, "back\n");
	return NULL;
}

static void map_code(const char *path)
{
	long psz = sysconf(_SC_PAGESIZE);
	unsigned char *page = calloc(1, psz);
	int fd;

	if (!page)
		die("calloc");
	memset(page, 0xcc, psz);	/* int3 past the code */
	memcpy(page, code_blob, sizeof(code_blob));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, page, psz) != psz)
		die(path);
	code_fn = (void (*)(void))mmap(NULL, psz, PROT_READ | PROT_EXEC,
				       MAP_PRIVATE, fd, 0);
	if ((void *)code_fn == MAP_FAILED)
		die("mmap code");
	close(fd);
	free(page);
	dprintf(1, "code %p\n", (void *)code_fn);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pthread_t t;

	if (!strcmp(mode, "execd")) {
		int i;

		dprintf(1, "execd\n");
		for (i = 0; i < 3; i++)
			lc_probe();
		dprintf(1, "execd done\n");
		wait_eof();
	}
	dprintf(1, "probe %p\n", (void *)lc_probe);
	if (!strcmp(mode, "loop") && (argc == 4 || argc == 5)) {
		int i, n = atoi(argv[2]), ms = atoi(argv[3]);
		size_t mib = argc == 5 ? strtoul(argv[4], NULL, 0) : 0;
		long long max = 0, start;

		if (mib) {
			char *heap = malloc(mib << 20);

			if (!heap)
				die("malloc");
			memset(heap, 0x5a, mib << 20);
		}

		dprintf(1, "ready\n");
		wait_go();
		start = now_us();
		for (i = 0; i < n; i++) {
			long long t0 = now_us(), d;

			lc_probe();
			d = now_us() - t0;
			if (d > max)
				max = d;
			if (ms)
				sleep_ms(ms);
		}
		dprintf(1, "done %d max_us=%lld total_us=%lld\n", n, max, now_us() - start);
		wait_eof();
	} else if (!strcmp(mode, "threads") && argc == 4) {
		run_threads(atoi(argv[2]), atoi(argv[3]));
	} else if (!strcmp(mode, "exit") && argc == 3) {
		dprintf(1, "ready\n");
		wait_go();
		lc_probe();
		sleep_ms(atoi(argv[2]));
		exit(0);
	} else if (!strcmp(mode, "exec")) {
		char *nargv[] = { argv[0], "execd", NULL };

		dprintf(1, "ready\n");
		wait_go();
		if (pthread_create(&t, NULL, call_probe, NULL))
			die("pthread_create");
		wait_go();
		execv("/proc/self/exe", nargv);
		die("execv");
	} else if (!strcmp(mode, "munmap") && argc == 3) {
		map_code(argv[2]);
		dprintf(1, "ready\n");
		wait_go();
		if (pthread_create(&t, NULL, call_code, NULL))
			die("pthread_create");
		wait_go();
		if (munmap((void *)code_fn, sysconf(_SC_PAGESIZE)))
			die("munmap");
		dprintf(1, "unmapped\n");
		pthread_join(t, NULL);
		wait_eof();
	}
	dprintf(2, "usage: hitloop loop N MS [MIB] | threads N R | exit MS | exec | munmap PATH\n");
	return 2;
}
