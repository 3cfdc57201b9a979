/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long this machine's CPUs went without running us. Under TCG a guest
 * whose vCPU threads the host does not run sees its own clock go on: from
 * inside, a starved guest looks exactly like a late wake-up. A test that
 * bounds a wake-up by the kernel (a hold's deadline) adds what this meter
 * saw over the same window, so it blames the module only for what the
 * guest's own scheduler could have delivered.
 */
#ifndef GUEST_STALLMETER_H
#define GUEST_STALLMETER_H

#include <pthread.h>
#include <stdatomic.h>

#define STALL_MAX_CPUS	16

struct stall_meter;

struct stall_cpu {
	struct stall_meter *m;
	pthread_t th;
	int cpu;
	long long worst_ms;		/* longest oversleep seen */
};

struct stall_meter {
	int nr;				/* threads running, one per CPU */
	atomic_int stop;
	struct stall_cpu per[STALL_MAX_CPUS];
};

/* One thread pinned to each CPU we may run on; 0 or a positive errno. */
int stall_meter_start(struct stall_meter *m);

/* Stops the threads; the longest any CPU went without running, in ms. */
long long stall_meter_stop(struct stall_meter *m);

#endif
