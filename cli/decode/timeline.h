/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One moment of a start-up timeline (`gosnap-cli timeline`,
 * docs/timeline.md): what a snapshot taken at a probe hit says about the
 * process. Each figure the runtime could not give yet (no heap before
 * mallocinit, no allgs before schedinit) is -1 with the reason.
 */
#ifndef GOSNAP_TIMELINE_H
#define GOSNAP_TIMELINE_H

#include <stdint.h>

#include "decode/regions.h"
#include "decode/snapctx.h"

#define GS_WHY_LEN	256

struct gs_moment {
	char		label[64];	/* the probe's label ("runtime.main") */
	char		package[128];	/* an init moment's package, or "" */
	char		package_why[GS_WHY_LEN];	/* when it is unknown */
	uint64_t	init_task;	/* the *initTask argument, or 0 */
	int64_t		init_fns;	/* init functions the task runs; -1 unknown */
	/* go1.19, 1.20: the tasks it initialises first (the deps), by package */
#define GS_INIT_MAX_DEPS	64
	char		init_deps[GS_INIT_MAX_DEPS][96];
	int		init_ndeps;	/* -1: unknown, or a release without deps */
	int		init_done;	/* the task was initialised already (the
					 * call returns at once): 1, 0, or -1 unknown */
	uint64_t	seq;
	uint64_t	boottime_ns;	/* when the snapshot was taken */
	uint64_t	held_ns;
	uint64_t	ip;		/* the hitting thread's rip, 0 if unknown */
	uint64_t	vmas;
	uint64_t	threads;
	uint64_t	rss;		/* as show's total */
	struct gs_regions reg;
	int64_t		arenas;		/* -1: unknown (see heap_why) */
	int64_t		spans_inuse, spans_manual, spans_other;
	char		heap_why[GS_WHY_LEN];
	int64_t		goroutines;	/* live (not dead) in allgs */
	char		goroutines_why[GS_WHY_LEN];
	int64_t		ms;		/* Ms the scheduler knows */
	char		ms_why[GS_WHY_LEN];
};

/*
 * Decode the moment c's snapshot shows. init_func names the package-init
 * function ("runtime.doInit1"): when the probe is it, the package comes
 * from its argument (the initTask's symbol). Returns 0, or -1 out of memory.
 */
int gs_moment_decode(struct gs_snapctx *c, const char *init_func, struct gs_moment *m);

#endif /* GOSNAP_TIMELINE_H */
