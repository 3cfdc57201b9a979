/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unwinding a Go stack from a (pc, sp) pair through the pclntab, the way
 * the runtime's own traceback does on amd64: the frame of the function
 * holding pc spans sp .. sp + pcsp(pc); the return address sits right
 * above it, and the caller's sp is the word after it. Inlined calls are
 * expanded through the inline tree.
 *
 * Stop rules (each reported with the frame it stopped at):
 *   runtime.goexit, runtime.mstart, runtime.rt0_go and any function
 *   flagged topframe  - the normal bottom of a stack;
 *   runtime.systemstack, mcall, morestack, and other functions that
 *   write SP (flag spwrite) - a system-stack switch: the frames go on
 *   on another stack; the walk follows it once when the caller says
 *   where that stack's frames start (req.jump_*: the g.sched of the
 *   goroutine a thread's g0 was running for), else stops;
 *   a stack word that the snapshot does not hold - a missing stack page;
 *   a pc in no function, a damaged pcsp table, sp outside the stack
 *   bounds, and a frame limit. sp strictly increases from frame to frame
 *   on each stack and a switch is followed at most once, so the walk
 *   always ends.
 */
#ifndef GOSNAP_UNWIND_H
#define GOSNAP_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/funcinfo.h"
#include "decode/gomem.h"
#include "snap/snapshot.h"

#define GS_UNWIND_MAX_FRAMES	1024	/* physical frames; the default bound */

enum gs_unwind_stop {
	GS_STOP_GOEXIT,		/* runtime.goexit: a goroutine's bottom */
	GS_STOP_MSTART,		/* runtime.mstart: a thread's g0 bottom */
	GS_STOP_RT0_GO,		/* runtime.rt0_go: the main thread's bottom */
	GS_STOP_TOPFRAME,	/* another function flagged topframe */
	GS_STOP_SYSTEMSTACK,	/* a system-stack switch (systemstack, mcall...) */
	GS_STOP_SPWRITE,	/* a function that writes SP: cannot go on */
	GS_STOP_NO_PAGE,	/* the stack word is not in the snapshot */
	GS_STOP_UNKNOWN_PC,	/* pc in no Go function */
	GS_STOP_BAD_PCSP,	/* no SP delta at pc */
	GS_STOP_SP_BOUNDS,	/* sp outside the stack bounds */
	GS_STOP_ZERO_PC,	/* a return address of 0 */
	GS_STOP_MAX_FRAMES,	/* the frame limit */
	GS_STOP_NATIVE,		/* native (C) frames that lead to no Go frame */
};

struct gs_frame {
	uint64_t pc;			/* return address (or the exact pc, innermost) */
	uint64_t sp;
	uint64_t fp;			/* the caller's sp: sp + frame_size + 8 */
	int32_t frame_size;		/* pcsp at pc */
	uint64_t entry;			/* of the physical function */
	const char *func;		/* "?" if pc is in no function */
	const char *file;
	int32_t line;
	bool inlined;			/* an inlined call (no frame of its own) */
	bool after_switch;		/* first frame on the stack a switch led to */
	bool native;			/* C (non-Go) code, unwound by libdw
					 * (decode/native.h): func is its symbol,
					 * file its source or ELF file, frame_size
					 * -1, sp 0 if unknown */
};

struct gs_unwind_req {
	uint64_t pc, sp;
	uint64_t stack_lo, stack_hi;	/* bounds of the stack, 0 if unknown */
	bool exact_pc;			/* pc is not a return address (a probe hit,
					 * a signal): no pc-1 for its line */
	size_t max_frames;		/* 0: GS_UNWIND_MAX_FRAMES */
	/*
	 * Where a system-stack switch leads: a walk on g0 that reaches
	 * runtime.systemstack (or mcall, morestack) goes on once at
	 * jump_pc/jump_sp, a return address and its sp on the goroutine's
	 * stack [jump_lo, jump_hi), instead of stopping.
	 */
	bool have_jump;
	uint64_t jump_pc, jump_sp, jump_lo, jump_hi;
	const char *jump_what;		/* for the message: "goroutine 1's g.sched" */
};

struct gs_unwind {
	struct gs_frame *frames;	/* malloc'd; innermost first */
	size_t nframes;
	size_t nphys;			/* physical frames (not inlined) */
	enum gs_unwind_stop stop;
	uint64_t stop_addr;		/* the word / pc the stop is about */
	char stop_detail[160];		/* one line for people */
	size_t switch_frame;		/* index of the first frame after a followed
					 * switch; 0: none was followed */
	char switch_detail[160];	/* what was followed, for people */
};

/*
 * Walk from req. snap (may be NULL) only refines the message of a missing
 * stack page (never populated, not resident, or resident and not copied).
 * Returns 0 (out filled; free with gs_unwind_free), -1 out of memory.
 */
int gs_unwind(const struct gs_funcinfo *fi, const struct gs_mem *mem,
	      const struct gs_snapshot *snap, const struct gs_unwind_req *req,
	      struct gs_unwind *out);
void gs_unwind_free(struct gs_unwind *u);
/* A deep copy of src into dst; -1 out of memory (dst then empty). */
int gs_unwind_dup(const struct gs_unwind *src, struct gs_unwind *dst);

/* "goexit", "system-stack switch", ... (JSON values, docs/json.md). */
const char *gs_unwind_stop_name(enum gs_unwind_stop s);
/* Is the stop the normal bottom of a stack (goexit, mstart, rt0_go, topframe)? */
bool gs_unwind_stop_clean(enum gs_unwind_stop s);

#endif /* GOSNAP_UNWIND_H */
