// SPDX-License-Identifier: GPL-2.0
/*
 * The stall meter (stallmeter.h): each thread sleeps STALL_TICK_MS at a
 * time on its own CPU and keeps the longest it overslept. A sleeper is
 * woken by its CPU's timer, so a CPU the host did not run shows as one
 * long oversleep on that CPU's thread.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include "lcutil.h"
#include "stallmeter.h"

#define STALL_TICK_MS	5

static void *stall_thread(void *p)
{
	struct stall_cpu *pc = p;
	const struct timespec tick = { .tv_nsec = STALL_TICK_MS * 1000000L };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(pc->cpu, &set);
	/* unpinned, it would measure whichever CPU ran it: still a bound */
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!atomic_load(&pc->m->stop)) {
		long long t = lc_now_ms(), over;

		nanosleep(&tick, NULL);
		over = lc_now_ms() - t - STALL_TICK_MS;
		if (over > pc->worst_ms)
			pc->worst_ms = over;
	}
	return NULL;
}

int stall_meter_start(struct stall_meter *m)
{
	cpu_set_t set;
	int cpu, err;

	memset(m, 0, sizeof(*m));
	atomic_init(&m->stop, 0);
	if (sched_getaffinity(0, sizeof(set), &set))
		return errno;
	for (cpu = 0; cpu < CPU_SETSIZE && m->nr < STALL_MAX_CPUS; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		m->per[m->nr] = (struct stall_cpu){ .m = m, .cpu = cpu };
		err = pthread_create(&m->per[m->nr].th, NULL, stall_thread,
				     &m->per[m->nr]);
		if (err) {
			stall_meter_stop(m);
			return err;
		}
		m->nr++;
	}
	return 0;
}

long long stall_meter_stop(struct stall_meter *m)
{
	long long worst = 0;
	int i;

	atomic_store(&m->stop, 1);
	for (i = 0; i < m->nr; i++) {
		pthread_join(m->per[i].th, NULL);
		if (m->per[i].worst_ms > worst)
			worst = m->per[i].worst_ms;
	}
	m->nr = 0;
	return worst;
}
