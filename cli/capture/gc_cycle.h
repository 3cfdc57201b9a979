/* SPDX-License-Identifier: GPL-2.0 */
/*
 * capture --gc-cycle N: which probe snapshots make up the series of GC
 * cycle N (docs/gc.md "One cycle"). Five symbols are armed; each hit is
 * captured, work.cycles is read from it, and this judge says whether it
 * is one of cycle N's moments. The runtime counts a cycle in gcStart,
 * after its workers started and before marking, so a snapshot where
 * work.cycles is N-1 is before cycle N began, N after.
 */
#ifndef GOSNAP_GC_CYCLE_H
#define GOSNAP_GC_CYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gs_exe;
struct gs_layout;

/* The moments, in the order of the probes armed (probe id = moment). */
enum gc_moment {
	GCM_START,	/* runtime.gcStart: the last entry before the cycle */
	GCM_WORKER,	/* runtime.gcBgMarkWorker: each worker's first run */
	GCM_DRAIN,	/* runtime.gcDrain: the first mark work of the cycle */
	GCM_MARK_DONE,	/* runtime.gcMarkDone: its first call in the cycle */
	GCM_MARK_TERM,	/* runtime.gcMarkTermination: once a cycle */
	GCM_NR
};

extern const char *const gc_moment_symbol[GCM_NR];

struct gc_cycle {
	uint64_t	want;		/* N, from 1 */
	unsigned int	kept[GCM_NR];
	bool		done;		/* gcMarkTermination of N kept */
	unsigned long	seen;		/* snapshots judged */
	char		why[160];	/* GCV_PASSED: what went wrong */
};

enum gc_verdict {
	GCV_DROP,	/* another cycle's, or a moment already kept */
	GCV_KEEP,
	GCV_REPLACE,	/* a later gcStart before the cycle: replaces the kept one */
	GCV_PASSED,	/* the cycle began or ended unseen: the series cannot be had */
};

void gc_cycle_init(struct gc_cycle *g, uint64_t want);
/* Judge a snapshot of moment m, taken when work.cycles was cycles. */
enum gc_verdict gc_cycle_judge(struct gc_cycle *g, enum gc_moment m,
			       uint64_t cycles);
/* "gcDrain, gcMarkDone" of the moments not kept; "" if none. */
void gc_cycle_missing(const struct gc_cycle *g, char *out, size_t len);

/*
 * work.cycles of the snapshot record data (size bytes) of executable x,
 * read through layout (both borrowed). Returns 0, or -1 with err.
 */
int gc_cycle_read(struct gs_exe *x, struct gs_layout *layout, const void *data,
		  size_t size, uint64_t *cycles, char *err, size_t errlen);

#endif /* GOSNAP_GC_CYCLE_H */
