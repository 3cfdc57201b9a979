// SPDX-License-Identifier: GPL-2.0
/*
 * The C half of the cgo target (main.go). Its __thread variables grow the
 * executable's TLS block, so Go's g no longer sits at fs_base - 8. Every
 * function here is noinline and does work after its call, so that each
 * keeps a frame of its own (no inlining, no tail call): a thread sleeping
 * in c_sleep_inner shows c_sleep_inner <- c_sleep_middle <- c_sleep_outer.
 */
#include <errno.h>
#include <time.h>

#include "cfuncs.h"
#include "_cgo_export.h"

static __thread volatile long tls_counters[512];	/* 4 KiB of TLS */
static __thread volatile char tls_name[100] = "cgo-target";
static volatile int sink;

int c_tls_touch(int n)
{
	tls_counters[n & 511] += n;
	tls_name[n % 99]++;
	return (int)tls_counters[n & 511];
}

static __attribute__((noinline)) void c_sleep_inner(int n)
{
	struct timespec ts = { .tv_sec = 3600 };

	tls_counters[1] += n;
	for (;;)	/* a signal (a stop-the-world) may end it early: sleep on */
		if (nanosleep(&ts, &ts) == 0)
			ts.tv_sec = 3600;
}

static __attribute__((noinline)) void c_sleep_middle(int n)
{
	c_sleep_inner(n + 1);
	sink += tls_counters[2];
}

void c_sleep_outer(int n)
{
	c_tls_touch(n);
	c_sleep_middle(n + 1);
	sink += tls_counters[3];
}

static __attribute__((noinline)) int c_call_back_inner(int n)
{
	int r;

	tls_counters[4] += n;
	r = goCallback(n);
	sink += (int)tls_counters[5];
	return r + sink;
}

int c_call_back(int n)
{
	int r = c_call_back_inner(n + 1);

	sink += (int)tls_counters[6];
	return r;
}
