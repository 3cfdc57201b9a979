/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every goroutine of a snapshot, from runtime.allgs: id, status and wait
 * reason, stack bounds and how many of the stack's pages are resident,
 * the saved pc/sp (g.sched, or g.syscallpc/sp in a system call), the
 * functions it was started at and created from, and its frames unwound
 * from there. A goroutine that a thread with captured registers runs
 * (the hitting thread; every thread with --stop-world) is unwound from
 * that thread's walk instead (threadwalk.h), system stack included.
 *
 * Field offsets come from the layout interface (runtime.g, runtime.gobuf,
 * runtime.stack by name); the allgs global from the layout, else from
 * instruction decoding (goglobals.h). What cannot be read is reported
 * per goroutine or in problem, and the rest is still decoded.
 */
#ifndef GOSNAP_GOROUTINES_H
#define GOSNAP_GOROUTINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/snapctx.h"
#include "decode/threadwalk.h"
#include "decode/unwind.h"

#define GS_MAX_GOROUTINES	(1u << 20)	/* bound on allglen */

/* Goroutine status values (runtime2.go, the same from 1.19 to 1.26). */
#define GS_G_IDLE	0
#define GS_G_RUNNABLE	1
#define GS_G_RUNNING	2
#define GS_G_SYSCALL	3
#define GS_G_WAITING	4
#define GS_G_DEAD	6
#define GS_G_COPYSTACK	8
#define GS_G_PREEMPTED	9
#define GS_G_LEAKED	10	/* go1.26 */
#define GS_G_SCAN	0x1000
#define GS_G_MAP	32	/* raw statuses translated (see gs_g_layout) */

/* Offsets into runtime.g (-1: this release has no such field). */
struct gs_g_layout {
	int64_t goid, status, waitreason, stack_lo, stack_hi;
	int64_t sched_pc, sched_sp, syscallsp, syscallpc;
	int64_t startpc, gopc, m, waitsince;
	uint64_t goid_size, waitreason_size;
	/* raw atomicstatus (scan bit off) -> GS_G_*, from the layout's _G* */
	uint32_t status_map[GS_G_MAP];
	uint32_t scan_bit;		/* runtime._Gscan */
};

struct gs_goroutine {
	uint64_t g;			/* address of the runtime.g */
	int64_t goid;
	uint32_t status;		/* GS_G_*, GS_G_SCAN included */
	uint32_t status_raw;		/* atomicstatus as the runtime keeps it */
	uint32_t waitreason;
	const char *wait_reason;	/* NULL: none, or no table for this Go */
	int64_t waitsince;
	uint64_t stack_lo, stack_hi;
	uint64_t stack_pages, stack_resident;	/* OS pages */
	uint64_t sched_pc, sched_sp;
	uint64_t syscallpc, syscallsp;
	uint64_t startpc, gopc, m;
	const char *start_func;		/* function at startpc, or NULL */
	const char *created_by;		/* function holding gopc, or NULL */
	bool on_hit_thread;		/* unwound from the hitting thread's registers */
	int32_t thread_tid;		/* the thread whose registers it was unwound
					 * from; 0: from its saved pc/sp */
	bool via_system_stack;		/* that thread was on g0 working for it */
	bool unwound;			/* frames below are valid */
	const char *no_unwind;		/* why not, when !unwound */
	struct gs_unwind unwind;
};

struct gs_goroutines {
	uint64_t allgs;			/* address of the allgs slice header */
	uint64_t allglen;
	const char *allgs_source;	/* "layout" or "decoded" */
	uint64_t hit_g;			/* g the hitting thread ran (0 unknown) */
	struct gs_goroutine *gs;
	size_t n;
	char problem[256];		/* why nothing (or not all) was decoded */
};

/*
 * Decode every goroutine, each walk bounded by max_frames physical frames
 * (0: GS_UNWIND_MAX_FRAMES); goroutines that a walk of tw reaches take
 * their frames from it. Returns 0 (see problem), -1 out of memory.
 */
int gs_goroutines_decode(struct gs_snapctx *c, size_t max_frames,
			 const struct gs_thread_walks *tw, struct gs_goroutines *out);
void gs_goroutines_free(struct gs_goroutines *gr);

/*
 * Where runtime.allgs (a []*g) is: the layout's globals, else instruction
 * decoding (source says which). False if neither finds it.
 */
bool gs_find_allgs(struct gs_snapctx *c, uint64_t *addr, const char **source);

/* Offsets of runtime.g; false if the essential ones are unavailable. */
bool gs_g_layout_get(struct gs_snapctx *c, struct gs_g_layout *gl);

/* "running", "waiting", ... (without the scan bit); "???" if unknown. */
const char *gs_g_status_name(uint32_t status);
/* The wait reason text of a Go release (minor 19 = go1.19); NULL if none. */
const char *gs_wait_reason(int go_minor, unsigned int reason);

#endif /* GOSNAP_GOROUTINES_H */
