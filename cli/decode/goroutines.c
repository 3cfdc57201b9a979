// SPDX-License-Identifier: GPL-2.0
/*
 * Walking runtime.allgs; see goroutines.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/goroutines.h"
#include "decode/needs.h"

static const char *const status_names[] = {
	[GS_G_IDLE]		= "idle",
	[GS_G_RUNNABLE]		= "runnable",
	[GS_G_RUNNING]		= "running",
	[GS_G_SYSCALL]		= "syscall",
	[GS_G_WAITING]		= "waiting",
	[5]			= "moribund",
	[GS_G_DEAD]		= "dead",
	[7]			= "enqueue",
	[GS_G_COPYSTACK]	= "copystack",
	[GS_G_PREEMPTED]	= "preempted",
	[GS_G_LEAKED]		= "leaked",
	[11]			= "waiting for cgo callback",
};

const char *gs_g_status_name(uint32_t status)
{
	status &= ~(uint32_t)GS_G_SCAN;
	return status < sizeof(status_names) / sizeof(status_names[0]) &&
	       status_names[status] ? status_names[status] : "???";
}

/* What the goroutine walk reads (decode/needs.h), resolved once. */
enum {
	NG_GOID, NG_STATUS, NG_WAITREASON, NG_STACK_LO, NG_STACK_HI,
	NG_SCHED_PC, NG_SCHED_SP, NG_SYSCALLSP, NG_SYSCALLPC, NG_STARTPC,
	NG_GOPC, NG_M, NG_WAITSINCE, NG_ALLGS,
	NG_GIDLE, NG_GRUNNABLE, NG_GRUNNING, NG_GSYSCALL, NG_GWAITING, NG_GDEAD,
	NG_GCOPYSTACK, NG_GPREEMPTED, NG_GLEAKED, NG_GSCAN, NG_N
};

static const struct gs_need g_needs[NG_N] = {
	[NG_GOID]	= GS_NEED_F("runtime.g", "goid"),
	[NG_STATUS]	= GS_NEED_F("runtime.g", "atomicstatus"),
	[NG_WAITREASON]	= GS_NEED_F("runtime.g", "waitreason"),
	[NG_STACK_LO]	= GS_NEED_F("runtime.g", "stack.lo"),
	[NG_STACK_HI]	= GS_NEED_F("runtime.g", "stack.hi"),
	[NG_SCHED_PC]	= GS_NEED_F("runtime.g", "sched.pc"),
	[NG_SCHED_SP]	= GS_NEED_F("runtime.g", "sched.sp"),
	[NG_SYSCALLSP]	= GS_NEED_F("runtime.g", "syscallsp"),
	[NG_SYSCALLPC]	= GS_NEED_F("runtime.g", "syscallpc"),
	[NG_STARTPC]	= GS_NEED_F("runtime.g", "startpc"),
	[NG_GOPC]	= GS_NEED_F("runtime.g", "gopc"),
	[NG_M]		= GS_NEED_F("runtime.g", "m"),
	[NG_WAITSINCE]	= GS_NEED_F("runtime.g", "waitsince"),
	[NG_ALLGS]	= GS_NEED_G("runtime.allgs"),
	/*
	 * The statuses, where the binary has them (DWARF may drop untyped
	 * constants; the tables have them): else the values of go1.19-1.27,
	 * the GS_G_* in goroutines.h.
	 */
	[NG_GIDLE]	= GS_NEED_C_OPT("runtime._Gidle"),
	[NG_GRUNNABLE]	= GS_NEED_C_OPT("runtime._Grunnable"),
	[NG_GRUNNING]	= GS_NEED_C_OPT("runtime._Grunning"),
	[NG_GSYSCALL]	= GS_NEED_C_OPT("runtime._Gsyscall"),
	[NG_GWAITING]	= GS_NEED_C_OPT("runtime._Gwaiting"),
	[NG_GDEAD]	= GS_NEED_C_OPT("runtime._Gdead"),
	[NG_GCOPYSTACK]	= GS_NEED_C_OPT("runtime._Gcopystack"),
	[NG_GPREEMPTED]	= GS_NEED_C_OPT("runtime._Gpreempted"),
	[NG_GLEAKED]	= GS_NEED_C_OPT("runtime._Gleaked"),
	[NG_GSCAN]	= GS_NEED_C_OPT("runtime._Gscan"),
};

/* GS_G_* of each status constant above, in order from NG_GIDLE. */
static const uint32_t g_canon[] = {
	GS_G_IDLE, GS_G_RUNNABLE, GS_G_RUNNING, GS_G_SYSCALL, GS_G_WAITING,
	GS_G_DEAD, GS_G_COPYSTACK, GS_G_PREEMPTED, GS_G_LEAKED,
};

/* Raw status -> GS_G_*: identity (today's values), then the binary's. */
static void status_map(struct gs_g_layout *gl, const struct gs_need_ans *a)
{
	uint32_t i;

	for (i = 0; i < GS_G_MAP; i++)
		gl->status_map[i] = i;
	for (i = 0; i < sizeof(g_canon) / sizeof(g_canon[0]); i++)
		if (a[NG_GIDLE + i].ok && a[NG_GIDLE + i].value < GS_G_MAP)
			gl->status_map[a[NG_GIDLE + i].value] = g_canon[i];
	gl->scan_bit = a[NG_GSCAN].ok && a[NG_GSCAN].value &&
		       a[NG_GSCAN].value < (1ULL << 31) ?
		       (uint32_t)a[NG_GSCAN].value : GS_G_SCAN;
}

const struct gs_needs gs_goroutines_needs = { "goroutines", g_needs, NG_N };

bool gs_g_layout_get(struct gs_snapctx *c, struct gs_g_layout *gl)
{
	struct gs_need_ans a[NG_N];

	memset(gl, 0, sizeof(*gl));
	if (!c->layout)
		return false;
	gs_needs_resolve(c->layout, &gs_goroutines_needs, a);
	gl->goid = gs_need_off(&a[NG_GOID]);
	gl->goid_size = a[NG_GOID].size;
	gl->status = gs_need_off(&a[NG_STATUS]);
	gl->waitreason = gs_need_off(&a[NG_WAITREASON]);
	gl->waitreason_size = a[NG_WAITREASON].size;
	gl->stack_lo = gs_need_off(&a[NG_STACK_LO]);
	gl->stack_hi = gs_need_off(&a[NG_STACK_HI]);
	gl->sched_pc = gs_need_off(&a[NG_SCHED_PC]);
	gl->sched_sp = gs_need_off(&a[NG_SCHED_SP]);
	gl->syscallsp = gs_need_off(&a[NG_SYSCALLSP]);
	gl->syscallpc = gs_need_off(&a[NG_SYSCALLPC]);
	gl->startpc = gs_need_off(&a[NG_STARTPC]);
	gl->gopc = gs_need_off(&a[NG_GOPC]);
	gl->m = gs_need_off(&a[NG_M]);
	gl->waitsince = gs_need_off(&a[NG_WAITSINCE]);
	status_map(gl, a);
	return gl->goid >= 0 && gl->status >= 0 && gl->stack_lo >= 0 &&
	       gl->stack_hi >= 0 && gl->sched_pc >= 0 && gl->sched_sp >= 0;
}

bool gs_find_allgs(struct gs_snapctx *c, uint64_t *addr, const char **source)
{
	enum gs_layout_src src;

	*addr = 0;
	if (!c->layout || !gs_layout_global(c->layout, g_needs[NG_ALLGS].name,
					    addr, NULL, 0, &src))
		return false;
	/* the decoded-globals source is the instructions; any other, layout */
	*source = src == GS_LAYOUT_DECODED ? "decoded" : "layout";
	return *addr != 0;
}


static const char *func_name_at(const struct gs_snapctx *c, uint64_t pc)
{
	struct gs_pcln_func fn;

	return pc && gs_funcinfo_find(&c->fi, pc, &fn) ? fn.name : NULL;
}

/* One goroutine's fields; false if the g itself is unreadable. */
static bool read_g(struct gs_snapctx *c, const struct gs_g_layout *gl,
		   uint64_t g, struct gs_goroutine *out)
{
	const struct gs_mem *m = c->mem;
	uint64_t v;
	uint32_t st;
	bool ok;

	memset(out, 0, sizeof(*out));
	out->g = g;
	ok = gs_mem_uint(m, g + gl->goid, gl->goid_size ? gl->goid_size : 8, &v);
	out->goid = (int64_t)v;
	if (!ok || !gs_mem_u32(m, g + gl->status, &st))
		return false;
	out->status_raw = st;
	out->status = (st & gl->scan_bit ? GS_G_SCAN : 0) |
		      ((st & ~gl->scan_bit) < GS_G_MAP ?
		       gl->status_map[st & ~gl->scan_bit] : st & ~gl->scan_bit);
	if (gl->waitreason >= 0) {
		gs_mem_uint(m, g + gl->waitreason,
			    gl->waitreason_size ? gl->waitreason_size : 1, &v);
		out->waitreason = (uint32_t)v;
		/* the field keeps its last value after the goroutine wakes */
		if (out->waitreason &&
		    ((out->status & ~(uint32_t)GS_G_SCAN) == GS_G_WAITING ||
		     (out->status & ~(uint32_t)GS_G_SCAN) == GS_G_LEAKED))
			out->wait_reason = gs_wait_reason(c->go_minor, out->waitreason);
		else
			out->waitreason = 0;
	}
	gs_mem_u64(m, g + gl->stack_lo, &out->stack_lo);
	gs_mem_u64(m, g + gl->stack_hi, &out->stack_hi);
	gs_mem_u64(m, g + gl->sched_pc, &out->sched_pc);
	gs_mem_u64(m, g + gl->sched_sp, &out->sched_sp);
	if (gl->syscallsp >= 0)
		gs_mem_u64(m, g + gl->syscallsp, &out->syscallsp);
	if (gl->syscallpc >= 0)
		gs_mem_u64(m, g + gl->syscallpc, &out->syscallpc);
	if (gl->startpc >= 0)
		gs_mem_u64(m, g + gl->startpc, &out->startpc);
	if (gl->gopc >= 0)
		gs_mem_u64(m, g + gl->gopc, &out->gopc);
	if (gl->m >= 0)
		gs_mem_u64(m, g + gl->m, &out->m);
	if (gl->waitsince >= 0)
		gs_mem_u64(m, g + gl->waitsince, (uint64_t *)&out->waitsince);
	out->start_func = func_name_at(c, out->startpc);
	out->created_by = func_name_at(c, out->gopc);
	gs_snapctx_residency(c, out->stack_lo, out->stack_hi, &out->stack_pages,
			     &out->stack_resident);
	return true;
}

/*
 * Unwind one goroutine from wherever its frames start: a thread's
 * registers when a captured thread runs it (or runs g0 for it), else
 * what the runtime saved when it stopped running.
 */
static int unwind_g(struct gs_snapctx *c, const struct gs_thread_walks *tw,
		    size_t max_frames, struct gs_goroutine *g)
{
	const struct gs_thread_walk *w = gs_thread_walks_for_g(tw, g->g);
	struct gs_unwind_req req = {
		.stack_lo = g->stack_lo, .stack_hi = g->stack_hi,
		.max_frames = max_frames,
	};
	uint32_t st = g->status & ~(uint32_t)GS_G_SCAN;

	if (st == GS_G_DEAD || st == GS_G_IDLE) {
		g->no_unwind = "dead goroutine";
		return 0;
	}
	if (w) {
		/* a copy: the thread's walk is printed on its own too */
		if (gs_unwind_dup(&w->unwind, &g->unwind))
			return -1;
		g->thread_tid = w->t->tid;
		g->on_hit_thread = w->t->flags & GOSNAP_THR_HIT;
		g->via_system_stack = w->on == GS_ON_G0;
		g->unwound = true;
		return 0;
	}
	if (st == GS_G_RUNNING) {
		g->no_unwind = "running on another thread; its registers were not captured "
			       "(capture --stop-world records them)";
		return 0;
	}
	if (g->syscallsp) {
		/* in a system call, the runtime saved these and not sched */
		req.pc = g->syscallpc;
		req.sp = g->syscallsp;
	} else {
		req.pc = g->sched_pc;
		req.sp = g->sched_sp;
	}
	if (!req.pc || !req.sp) {
		g->no_unwind = "no saved pc/sp";
		return 0;
	}
	if (gs_unwind(&c->fi, c->mem, &c->snap, &req, &g->unwind))
		return -1;
	g->unwound = true;
	return 0;
}

int gs_goroutines_decode(struct gs_snapctx *c, size_t max_frames,
			 const struct gs_thread_walks *tw, struct gs_goroutines *gr)
{
	const struct gs_thread_walk *hit = gs_thread_walks_hit(tw);
	struct gs_g_layout gl;
	uint64_t hdr[2], i;

	memset(gr, 0, sizeof(*gr));
	if (hit)
		gr->hit_g = hit->g;
	if (!gs_g_layout_get(c, &gl)) {
		snprintf(gr->problem, sizeof(gr->problem),
			 "runtime.g layout unavailable (goid, atomicstatus, stack, sched)");
		return 0;
	}
	if (!gs_find_allgs(c, &gr->allgs, &gr->allgs_source)) {
		snprintf(gr->problem, sizeof(gr->problem), "runtime.allgs not found");
		return 0;
	}
	/* allgs is a []*g: {array, len, cap} */
	if (!gs_mem_read(c->mem, gr->allgs, hdr, sizeof(hdr))) {
		snprintf(gr->problem, sizeof(gr->problem),
			 "runtime.allgs at 0x%llx is not in the snapshot%s",
			 (unsigned long long)gr->allgs, gs_snapctx_heap_hint(c));
		return 0;
	}
	gr->allglen = hdr[1];
	if (hdr[1] > GS_MAX_GOROUTINES) {
		snprintf(gr->problem, sizeof(gr->problem),
			 "allgs length %llu is implausible", (unsigned long long)hdr[1]);
		return 0;
	}
	gr->gs = calloc(hdr[1] ? hdr[1] : 1, sizeof(*gr->gs));
	if (!gr->gs)
		return -1;
	for (i = 0; i < hdr[1]; i++) {
		struct gs_goroutine *g = &gr->gs[gr->n];
		uint64_t gp;

		if (!gs_mem_u64(c->mem, hdr[0] + 8 * i, &gp)) {
			snprintf(gr->problem, sizeof(gr->problem),
				 "allgs array at 0x%llx is not in the snapshot%s",
				 (unsigned long long)hdr[0], gs_snapctx_heap_hint(c));
			break;
		}
		if (!gp || !read_g(c, &gl, gp, g)) {
			snprintf(gr->problem, sizeof(gr->problem),
				 "allgs[%llu]: g at 0x%llx is not in the snapshot%s",
				 (unsigned long long)i, (unsigned long long)gp,
				 gs_snapctx_heap_hint(c));
			continue;
		}
		gr->n++;
		if (unwind_g(c, tw, max_frames, g))
			return -1;
	}
	return 0;
}

void gs_goroutines_free(struct gs_goroutines *gr)
{
	size_t i;

	for (i = 0; i < gr->n; i++)
		gs_unwind_free(&gr->gs[i].unwind);
	free(gr->gs);
	memset(gr, 0, sizeof(*gr));
}
