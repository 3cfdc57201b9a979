// SPDX-License-Identifier: GPL-2.0
/*
 * The judge of capture --gc-cycle; see gc_cycle.h. The rules follow the
 * runtime's order in every release from go1.19 (mgc.go): gcStart starts
 * the mark workers (gcBgMarkStartWorkers, waiting for each to run), then
 * stops the world, counts the cycle (work.cycles) and sets _GCmark; the
 * workers drain (gcDrain) only while marking; gcMarkDone ends the mark
 * phase and calls gcMarkTermination, once a cycle.
 */
#include <stdio.h>
#include <string.h>

#include "capture/gc_cycle.h"

const char *const gc_moment_symbol[GCM_NR] = {
	[GCM_START]	= "runtime.gcStart",
	[GCM_WORKER]	= "runtime.gcBgMarkWorker",
	[GCM_DRAIN]	= "runtime.gcDrain",
	[GCM_MARK_DONE]	= "runtime.gcMarkDone",
	[GCM_MARK_TERM]	= "runtime.gcMarkTermination",
};

void gc_cycle_init(struct gc_cycle *g, uint64_t want)
{
	memset(g, 0, sizeof(*g));
	g->want = want;
}

static enum gc_verdict passed(struct gc_cycle *g, uint64_t cycles,
			      const char *what)
{
	snprintf(g->why, sizeof(g->why),
		 "cycle %llu %s (a %s snapshot shows work.cycles %llu)",
		 (unsigned long long)g->want, what,
		 g->seen ? "later" : "first", (unsigned long long)cycles);
	return GCV_PASSED;
}

/* Before cycle N: its gcStart, and the workers that start inside it. */
static enum gc_verdict before(struct gc_cycle *g, enum gc_moment m)
{
	if (m == GCM_START) {
		/* once a worker ran, the gcStart that started it is the one */
		if (g->kept[GCM_WORKER])
			return GCV_DROP;
		return g->kept[GCM_START]++ ? GCV_REPLACE : GCV_KEEP;
	}
	if (m == GCM_WORKER && g->kept[GCM_START]) {
		g->kept[GCM_WORKER]++;
		return GCV_KEEP;
	}
	return GCV_DROP;	/* cycle N-1's mark work */
}

/* During cycle N: the first drain and mark-done, the termination. */
static enum gc_verdict during(struct gc_cycle *g, enum gc_moment m)
{
	switch (m) {
	case GCM_DRAIN:
	case GCM_MARK_DONE:
		return g->kept[m]++ ? GCV_DROP : GCV_KEEP;
	case GCM_MARK_TERM:
		g->kept[m]++;
		g->done = true;
		return GCV_KEEP;
	default:
		return GCV_DROP;	/* a gcStart that lost the race, ... */
	}
}

enum gc_verdict gc_cycle_judge(struct gc_cycle *g, enum gc_moment m,
			       uint64_t cycles)
{
	enum gc_verdict v;

	if (g->done)
		return GCV_DROP;
	if (cycles > g->want)
		v = passed(g, cycles, "ended before its gcMarkTermination was captured");
	else if (cycles == g->want && !g->kept[GCM_START])
		v = passed(g, cycles, "began before its gcStart was captured");
	else if (cycles == g->want)
		v = during(g, m);
	else if (cycles + 1 == g->want)
		v = before(g, m);
	else
		v = GCV_DROP;	/* an earlier cycle */
	g->seen++;
	return v;
}

void gc_cycle_missing(const struct gc_cycle *g, char *out, size_t len)
{
	size_t at = 0;
	int m;

	out[0] = '\0';
	for (m = 0; m < GCM_NR; m++) {
		int n;

		if (g->kept[m])
			continue;
		n = snprintf(out + at, len - at, "%s%s", at ? ", " : "",
			     gc_moment_symbol[m]);
		if (n < 0 || (size_t)n >= len - at)
			return;
		at += (size_t)n;
	}
}
