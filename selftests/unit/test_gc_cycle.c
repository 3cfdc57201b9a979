// SPDX-License-Identifier: GPL-2.0
/*
 * The judge of capture --gc-cycle (cli/capture/gc_cycle.c) on hit
 * sequences in the runtime's order (mgc.go: gcStart starts the workers,
 * then counts the cycle; gcDrain and gcMarkDone while marking;
 * gcMarkTermination once): the wanted cycle's moments are kept, the
 * rest dropped, and a cycle that began or ended unseen is an error.
 */
#include <stdio.h>
#include <string.h>

#include "capture/gc_cycle.h"
#include "tap.h"

struct hit {
	enum gc_moment m;
	uint64_t cycles;
	enum gc_verdict want;
};

#define S GCM_START
#define W GCM_WORKER
#define D GCM_DRAIN
#define M GCM_MARK_DONE
#define T GCM_MARK_TERM

static int run(struct gc_cycle *g, uint64_t cycle, const struct hit *h, size_t n)
{
	size_t i;

	gc_cycle_init(g, cycle);
	for (i = 0; i < n; i++) {
		enum gc_verdict v = gc_cycle_judge(g, h[i].m, h[i].cycles);

		if (v != h[i].want) {
			diag("hit %zu (%s, cycles %llu): verdict %d, want %d", i,
			     gc_moment_symbol[h[i].m], (unsigned long long)h[i].cycles,
			     v, h[i].want);
			return 0;
		}
	}
	return 1;
}

int main(void)
{
	/* cycle 1 from the start: two workers, a loser's gcStart after them */
	static const struct hit first[] = {
		{ S, 0, GCV_KEEP }, { W, 0, GCV_KEEP }, { W, 0, GCV_KEEP },
		{ S, 0, GCV_DROP }, { D, 1, GCV_KEEP }, { D, 1, GCV_DROP },
		{ S, 1, GCV_DROP }, { M, 1, GCV_KEEP }, { M, 1, GCV_DROP },
		{ T, 1, GCV_KEEP }, { S, 1, GCV_DROP }, { D, 2, GCV_DROP },
	};
	/* cycle 2: cycle 1 dropped whole, two gcStarts before the cycle */
	static const struct hit second[] = {
		{ S, 0, GCV_DROP }, { W, 0, GCV_DROP }, { D, 1, GCV_DROP },
		{ M, 1, GCV_DROP }, { T, 1, GCV_DROP }, { S, 1, GCV_KEEP },
		{ S, 1, GCV_REPLACE }, { D, 2, GCV_KEEP }, { M, 2, GCV_KEEP },
		{ T, 2, GCV_KEEP },
	};
	static const struct hit late[] = { { D, 3, GCV_PASSED } };
	static const struct hit missed[] = {
		{ S, 0, GCV_KEEP }, { D, 1, GCV_KEEP }, { S, 2, GCV_PASSED },
	};
	static const struct hit unstarted[] = {
		{ W, 4, GCV_DROP }, { D, 4, GCV_DROP }, { S, 4, GCV_KEEP },
	};
	struct gc_cycle g;
	char miss[256];

	ok(run(&g, 1, first, sizeof(first) / sizeof(first[0])) && g.done &&
	   g.kept[GCM_WORKER] == 2 && g.seen == 10,
	   "cycle 1: its gcStart, two workers, first drain and mark-done, termination");
	gc_cycle_missing(&g, miss, sizeof(miss));
	ok(!miss[0], "cycle 1: no moment missing ('%s')", miss);

	ok(run(&g, 2, second, sizeof(second) / sizeof(second[0])) && g.done &&
	   g.kept[GCM_START] == 2 && !g.kept[GCM_WORKER],
	   "cycle 2: cycle 1 dropped, the later gcStart replaces the earlier");
	gc_cycle_missing(&g, miss, sizeof(miss));
	ok(!strcmp(miss, "runtime.gcBgMarkWorker"),
	   "cycle 2: the workers, started in cycle 1, are the missing moment ('%s')",
	   miss);

	ok(run(&g, 3, late, 1) && !g.done && strstr(g.why, "began before"),
	   "a cycle already begun is an error: %s", g.why);
	ok(run(&g, 1, missed, 3) && strstr(g.why, "ended before"),
	   "a cycle that ended unseen is an error: %s", g.why);
	ok(run(&g, 5, unstarted, 3) && !g.done,
	   "before its gcStart, workers and drains of the cycle before are dropped");
	gc_cycle_missing(&g, miss, sizeof(miss));
	ok(strstr(miss, "runtime.gcDrain") && strstr(miss, "runtime.gcMarkTermination") &&
	   !strstr(miss, "runtime.gcStart"), "missing moments listed: %s", miss);
	return tap_done();
}
