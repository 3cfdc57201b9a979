// SPDX-License-Identifier: GPL-2.0
/*
 * The pclntab unwinder; see unwind.h for the rules.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/unwind.h"

static const char *const stop_names[] = {
	[GS_STOP_GOEXIT]	= "goexit",
	[GS_STOP_MSTART]	= "mstart",
	[GS_STOP_RT0_GO]	= "rt0_go",
	[GS_STOP_TOPFRAME]	= "topframe",
	[GS_STOP_SYSTEMSTACK]	= "system-stack switch",
	[GS_STOP_SPWRITE]	= "sp written",
	[GS_STOP_NO_PAGE]	= "missing stack page",
	[GS_STOP_UNKNOWN_PC]	= "unknown pc",
	[GS_STOP_BAD_PCSP]	= "no sp delta",
	[GS_STOP_SP_BOUNDS]	= "sp out of bounds",
	[GS_STOP_ZERO_PC]	= "zero return address",
	[GS_STOP_MAX_FRAMES]	= "frame limit",
	[GS_STOP_NATIVE]	= "native frames",
};

const char *gs_unwind_stop_name(enum gs_unwind_stop s)
{
	return (size_t)s < sizeof(stop_names) / sizeof(stop_names[0]) &&
	       stop_names[s] ? stop_names[s] : "?";
}

bool gs_unwind_stop_clean(enum gs_unwind_stop s)
{
	return s == GS_STOP_GOEXIT || s == GS_STOP_MSTART ||
	       s == GS_STOP_RT0_GO || s == GS_STOP_TOPFRAME;
}

/*
 * Functions that run on, or switch to, another stack (by pclntab name).
 * Not runtime.cgocallback: it switches from g0 to the goroutine's stack
 * for a C->Go callback, but lays out a frame on both stacks that unwinds
 * like any other (its frame on the goroutine's stack returns to where
 * the goroutine's g.sched pointed when it called C, so the walk goes on
 * to the Go frames that called C); Go's traceback clears its spwrite
 * flag for that reason, and so does the walk below.
 * Not runtime.systemstack_switch: a goroutine that called systemstack has
 * its g.sched pointed there, with sp at the return address into the
 * caller of systemstack, so its walk goes on normally.
 */
static const char *const stack_switchers[] = {
	"runtime.systemstack", "runtime.mcall",
	"runtime.morestack", "runtime.morestack_noctxt", "runtime.asmcgocall",
	"runtime.gogo",
};

static bool is_switcher(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(stack_switchers) / sizeof(stack_switchers[0]); i++)
		if (!strcmp(name, stack_switchers[i]))
			return true;
	return false;
}

/* Calls the runtime injects: the caller's pc is exact, not a return address. */
static bool is_injected(const char *name)
{
	return !strcmp(name, "runtime.sigpanic") ||
	       !strcmp(name, "runtime.asyncPreempt") ||
	       !strncmp(name, "runtime.debugCallV", 18);
}

static int push(struct gs_unwind *u, const struct gs_frame *f, size_t *cap)
{
	if (u->nframes == *cap) {
		size_t ncap = *cap ? 2 * *cap : 32;
		struct gs_frame *n = realloc(u->frames, ncap * sizeof(*n));

		if (!n)
			return -1;
		u->frames = n;
		*cap = ncap;
	}
	u->frames[u->nframes++] = *f;
	return 0;
}

static void stop(struct gs_unwind *u, enum gs_unwind_stop s, uint64_t addr,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void stop(struct gs_unwind *u, enum gs_unwind_stop s, uint64_t addr,
		 const char *fmt, ...)
{
	va_list ap;

	u->stop = s;
	u->stop_addr = addr;
	va_start(ap, fmt);
	vsnprintf(u->stop_detail, sizeof(u->stop_detail), fmt, ap);
	va_end(ap);
}

/* Why the word at addr is not in the snapshot, from its page runs. */
static const char *page_state(const struct gs_snapshot *snap, uint64_t addr)
{
	const struct gosnap_page_run *run;

	if (!snap)
		return "not readable";
	if (!gs_find_vma(snap, addr))
		return "in no mapping";
	run = gs_find_run(snap, addr);
	if (!run)
		return "never populated";
	if (run->flags & GOSNAP_PG_PRESENT)
		return "resident but not copied (capture mode?)";
	if (run->flags & (GOSNAP_PG_SWAP | GOSNAP_PG_MIGRATION))
		return "swapped out";
	return "not resident";
}

/* Frames of one physical frame: inlined calls first, then the function. */
static int push_source_frames(const struct gs_funcinfo *fi,
			      const struct gs_pcln_func *fn, uint64_t tracepc,
			      const struct gs_frame *phys, struct gs_unwind *u,
			      size_t *cap)
{
	struct gs_srcframe src[GS_MAX_INLINE_DEPTH + 1];
	int n = gs_funcinfo_frames(fi, fn, tracepc, src, GS_MAX_INLINE_DEPTH + 1);
	int i;

	for (i = 0; i < n; i++) {
		struct gs_frame f = *phys;

		f.func = src[i].func;
		f.file = src[i].file;
		f.line = src[i].line;
		f.inlined = src[i].inlined;
		f.after_switch = phys->after_switch && i == 0;	/* mark the switch once */
		if (push(u, &f, cap))
			return -1;
	}
	return 0;
}

int gs_unwind(const struct gs_funcinfo *fi, const struct gs_mem *mem,
	      const struct gs_snapshot *snap, const struct gs_unwind_req *req,
	      struct gs_unwind *u)
{
	size_t cap = 0, max = req->max_frames ? req->max_frames : GS_UNWIND_MAX_FRAMES;
	uint64_t pc = req->pc, sp = req->sp;
	uint64_t lo = req->stack_lo, hi = req->stack_hi;
	bool exact = req->exact_pc, jumped = false, mark_switch = false;
	size_t seg_phys = 0;		/* physical frames on the current stack */

	memset(u, 0, sizeof(*u));
	for (;;) {
		struct gs_pcln_func fn;
		struct gs_frame f = { .pc = pc, .sp = sp, .func = "?", .file = "?" };
		uint64_t tracepc, ret;
		int32_t delta;

		if (u->nphys == max) {
			stop(u, GS_STOP_MAX_FRAMES, pc, "stopped after %zu frames", max);
			return 0;
		}
		if (hi && (sp < lo || sp >= hi)) {
			stop(u, GS_STOP_SP_BOUNDS, sp,
			     "sp 0x%" PRIx64 " outside the stack [0x%" PRIx64 ", 0x%" PRIx64 ")",
			     sp, lo, hi);
			return 0;
		}
		f.after_switch = mark_switch;
		mark_switch = false;
		if (!gs_funcinfo_find(fi, pc, &fn)) {
			if (push(u, &f, &cap))
				return -1;
			u->nphys++;
			stop(u, GS_STOP_UNKNOWN_PC, pc, "pc 0x%" PRIx64 " is in no Go function", pc);
			return 0;
		}
		f.entry = fn.entry;
		/* A return address points after the call: look up the call. */
		tracepc = !exact && pc > fn.entry ? pc - 1 : pc;
		if (!gs_funcinfo_spdelta(fi, &fn, pc, &delta)) {
			f.func = fn.name;
			if (push(u, &f, &cap))
				return -1;
			u->nphys++;
			stop(u, GS_STOP_BAD_PCSP, pc, "no SP delta for %s at +0x%" PRIx64,
			     fn.name, pc - fn.entry);
			return 0;
		}
		f.frame_size = delta;
		f.fp = sp + (uint64_t)delta + 8;
		if (f.fp <= sp) {
			stop(u, GS_STOP_SP_BOUNDS, sp, "frame at sp 0x%" PRIx64 " wraps around",
			     sp);
			return 0;
		}
		if (push_source_frames(fi, &fn, tracepc, &f, u, &cap))
			return -1;
		u->nphys++;
		seg_phys++;

		if (!strcmp(fn.name, "runtime.goexit")) {
			stop(u, GS_STOP_GOEXIT, pc, "end of the goroutine's stack");
			return 0;
		}
		if (!strcmp(fn.name, "runtime.mstart") || !strcmp(fn.name, "runtime.mstart0")) {
			stop(u, GS_STOP_MSTART, pc, "bottom of a thread's system stack");
			return 0;
		}
		if (!strcmp(fn.name, "runtime.rt0_go")) {
			stop(u, GS_STOP_RT0_GO, pc, "bottom of the main thread's stack");
			return 0;
		}
		if (fn.flag & GS_FUNCFLAG_TOPFRAME) {
			stop(u, GS_STOP_TOPFRAME, pc, "%s has no caller (topframe)", fn.name);
			return 0;
		}
		if (is_switcher(fn.name) && req->have_jump && !jumped) {
			/* the frames below go on on the goroutine's stack */
			snprintf(u->switch_detail, sizeof(u->switch_detail),
				 "%s switched stacks: continued at %s (pc 0x%" PRIx64
				 " sp 0x%" PRIx64 ")", fn.name,
				 req->jump_what ? req->jump_what : "the goroutine's g.sched",
				 req->jump_pc, req->jump_sp);
			u->switch_frame = u->nframes;
			jumped = mark_switch = true;
			pc = req->jump_pc;
			sp = req->jump_sp;
			lo = req->jump_lo;
			hi = req->jump_hi;
			exact = false;
			seg_phys = 0;
			continue;
		}
		if (is_switcher(fn.name)) {
			stop(u, GS_STOP_SYSTEMSTACK, pc,
			     "system-stack switch in %s: the caller's frames are on another stack",
			     fn.name);
			return 0;
		}
		if ((fn.flag & GS_FUNCFLAG_SPWRITE) && seg_phys > 1 &&
		    strcmp(fn.name, "runtime.cgocallback")) {
			stop(u, GS_STOP_SPWRITE, pc,
			     "%s writes SP: its caller cannot be found", fn.name);
			return 0;
		}
		if (!gs_mem_u64(mem, f.fp - 8, &ret)) {
			stop(u, GS_STOP_NO_PAGE, f.fp - 8,
			     "return address at 0x%" PRIx64 " unavailable: page %s",
			     f.fp - 8, page_state(snap, f.fp - 8));
			return 0;
		}
		if (!ret) {
			stop(u, GS_STOP_ZERO_PC, f.fp - 8, "return address 0 at 0x%" PRIx64,
			     f.fp - 8);
			return 0;
		}
		exact = is_injected(fn.name);
		/* fp > sp by at least 8: sp strictly increases, the walk ends */
		pc = ret;
		sp = f.fp;
	}
}

int gs_unwind_dup(const struct gs_unwind *src, struct gs_unwind *dst)
{
	*dst = *src;
	dst->frames = NULL;
	if (!src->nframes)
		return 0;
	dst->frames = malloc(src->nframes * sizeof(*dst->frames));
	if (!dst->frames) {
		dst->nframes = dst->nphys = 0;
		return -1;
	}
	memcpy(dst->frames, src->frames, src->nframes * sizeof(*dst->frames));
	return 0;
}

void gs_unwind_free(struct gs_unwind *u)
{
	free(u->frames);
	u->frames = NULL;
	u->nframes = 0;
}
