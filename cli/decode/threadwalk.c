// SPDX-License-Identifier: GPL-2.0
/*
 * Walking each thread from its captured registers; see threadwalk.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/native.h"
#include "decode/needs.h"
#include "decode/threadwalk.h"
#include "decode/tlsg.h"

/* Offsets into runtime.g and runtime.m; -1 where unavailable. */
struct gm_layout {
	int64_t g_m, g_goid, g_stack_lo, g_stack_hi, g_sched_pc, g_sched_sp;
	int64_t m_id, m_g0, m_gsignal, m_curg, m_vdso_sp, m_vdso_pc;
	int64_t m_procid, m_alllink;
	uint64_t goid_size;
	uint64_t allm;			/* &runtime.allm; 0 unknown */
};

/* What the thread walk reads (decode/needs.h), resolved once. */
enum {
	NT_G_M, NT_G_GOID, NT_G_STACK_LO, NT_G_STACK_HI, NT_G_SCHED_PC,
	NT_G_SCHED_SP, NT_M_ID, NT_M_G0, NT_M_GSIGNAL, NT_M_CURG, NT_M_VDSO_SP,
	NT_M_VDSO_PC, NT_M_PROCID, NT_M_ALLLINK, NT_ALLM, NT_N
};

static const struct gs_need t_needs[NT_N] = {
	[NT_G_M]	= GS_NEED_F("runtime.g", "m"),
	[NT_G_GOID]	= GS_NEED_F("runtime.g", "goid"),
	[NT_G_STACK_LO]	= GS_NEED_F("runtime.g", "stack.lo"),
	[NT_G_STACK_HI]	= GS_NEED_F("runtime.g", "stack.hi"),
	[NT_G_SCHED_PC]	= GS_NEED_F("runtime.g", "sched.pc"),
	[NT_G_SCHED_SP]	= GS_NEED_F("runtime.g", "sched.sp"),
	[NT_M_ID]	= GS_NEED_F("runtime.m", "id"),
	[NT_M_G0]	= GS_NEED_F("runtime.m", "g0"),
	[NT_M_GSIGNAL]	= GS_NEED_F("runtime.m", "gsignal"),
	[NT_M_CURG]	= GS_NEED_F("runtime.m", "curg"),
	[NT_M_VDSO_SP]	= GS_NEED_F("runtime.m", "vdsoSP"),
	[NT_M_VDSO_PC]	= GS_NEED_F("runtime.m", "vdsoPC"),
	[NT_M_PROCID]	= GS_NEED_F("runtime.m", "procid"),
	[NT_M_ALLLINK]	= GS_NEED_F("runtime.m", "alllink"),
	[NT_ALLM]	= GS_NEED_G("runtime.allm"),
};

const struct gs_needs gs_threads_needs = { "threads", t_needs, NT_N };

static void gm_layout_get(struct gs_snapctx *c, struct gm_layout *gl)
{
	struct gs_need_ans a[NT_N];

	gs_needs_resolve(c->layout, &gs_threads_needs, a);
	memset(gl, 0, sizeof(*gl));
	gl->g_m = gs_need_off(&a[NT_G_M]);
	gl->g_goid = gs_need_off(&a[NT_G_GOID]);
	gl->goid_size = a[NT_G_GOID].size;
	gl->g_stack_lo = gs_need_off(&a[NT_G_STACK_LO]);
	gl->g_stack_hi = gs_need_off(&a[NT_G_STACK_HI]);
	gl->g_sched_pc = gs_need_off(&a[NT_G_SCHED_PC]);
	gl->g_sched_sp = gs_need_off(&a[NT_G_SCHED_SP]);
	gl->m_id = gs_need_off(&a[NT_M_ID]);
	gl->m_g0 = gs_need_off(&a[NT_M_G0]);
	gl->m_gsignal = gs_need_off(&a[NT_M_GSIGNAL]);
	gl->m_curg = gs_need_off(&a[NT_M_CURG]);
	gl->m_vdso_sp = gs_need_off(&a[NT_M_VDSO_SP]);
	gl->m_vdso_pc = gs_need_off(&a[NT_M_VDSO_PC]);
	gl->m_procid = gs_need_off(&a[NT_M_PROCID]);
	gl->m_alllink = gs_need_off(&a[NT_M_ALLLINK]);
	gl->allm = a[NT_ALLM].ok ? a[NT_ALLM].value : 0;
}

static int64_t read_goid(const struct gs_snapctx *c, const struct gm_layout *gl,
			 uint64_t g)
{
	uint64_t v;

	if (!g || gl->g_goid < 0 || !gs_mem_u64(c->mem, g + (uint64_t)gl->g_goid, &v))
		return -1;
	if (gl->goid_size == 4)
		v &= 0xffffffffu;
	return (int64_t)v;
}

/* g's stack bounds, if readable and holding sp. */
static bool g_stack(const struct gs_snapctx *c, const struct gm_layout *gl,
		    uint64_t g, uint64_t sp, uint64_t *lo, uint64_t *hi)
{
	*lo = gs_mem_field_u64(c->mem, g, gl->g_stack_lo);
	*hi = gs_mem_field_u64(c->mem, g, gl->g_stack_hi);
	return *hi > *lo && sp >= *lo && sp < *hi;
}

#define MAX_MS	4096	/* bound on the allm list */

/* What every thread's classification uses: g's TLS slot, and the Ms. */
struct walk_env {
	struct gm_layout gl;
	struct gs_tlsg tlsg;
	struct { uint64_t m, procid; } *ms;	/* runtime.allm along alllink */
	size_t nms;
};

/*
 * The Ms of runtime.allm with their thread ids (m.procid), as `sched`
 * reads them (decode/gosched.c); none when allm or the offsets are
 * unknown. -1 out of memory.
 */
static int read_ms(const struct gs_snapctx *c, struct walk_env *e)
{
	const struct gm_layout *gl = &e->gl;
	uint64_t m;
	size_t i;

	if (!gl->allm || gl->m_procid < 0 || gl->m_alllink < 0 ||
	    !gs_mem_u64(c->mem, gl->allm, &m))
		return 0;
	e->ms = calloc(MAX_MS, sizeof(*e->ms));
	if (!e->ms)
		return -1;
	while (m && e->nms < MAX_MS) {
		for (i = 0; i < e->nms; i++)
			if (e->ms[i].m == m)
				return 0;	/* a loop: damage */
		e->ms[e->nms].m = m;
		e->ms[e->nms].procid = gs_mem_field_u64(c->mem, m, gl->m_procid);
		e->nms++;
		m = gs_mem_field_u64(c->mem, m, gl->m_alllink);
	}
	return 0;
}

/* The M whose procid is t's id, or 0. */
static uint64_t m_of_thread(const struct walk_env *e, const struct gosnap_rec_thread *t)
{
	size_t i;

	for (i = 0; t->tid > 0 && i < e->nms; i++)
		if (e->ms[i].procid == (uint64_t)t->tid)
			return e->ms[i].m;
	return 0;
}

/* Does g's stack hold sp? */
static bool on_stack_of(const struct gs_snapctx *c, const struct gm_layout *gl,
			uint64_t g, uint64_t sp)
{
	uint64_t lo, hi;

	return g && g_stack(c, gl, g, sp, &lo, &hi);
}

/* Which stack the thread is on, and the Ms it belongs to. */
static void classify(const struct gs_snapctx *c, const struct walk_env *e,
		     struct gs_thread_walk *w)
{
	const struct gm_layout *gl = &e->gl;
	uint64_t mt = m_of_thread(e, w->t);
	uint64_t g0, gsignal, curg, g = 0, m = 0, fs = w->t->regs.fs_base;

	w->m_id = -1;
	w->goid = -1;
	w->g = 0;
	if (e->tlsg.known && fs && gs_mem_u64(c->mem, fs + (uint64_t)e->tlsg.off, &g))
		m = gs_mem_field_u64(c->mem, g, gl->g_m);
	if (g && m && (!mt || mt == m)) {
		w->g = g;
		w->m = m;
		w->g_from = "tls";
	} else if (mt) {
		/* the TLS slot is unknown, empty or not this thread's: its M */
		w->m = mt;
		w->g_from = "m";
		w->g_note = !e->tlsg.known ? e->tlsg.source :
			    !g ? "the TLS slot of g is empty (a thread in C code?)" :
			    "the TLS slot's g belongs to another M";
		curg = gs_mem_field_u64(c->mem, mt, gl->m_curg);
		gsignal = gs_mem_field_u64(c->mem, mt, gl->m_gsignal);
		if (on_stack_of(c, gl, curg, w->t->regs.rsp))
			w->g = curg;
		else if (on_stack_of(c, gl, gsignal, w->t->regs.rsp))
			w->g = gsignal;
		else	/* C code and the scheduler run on g0 */
			w->g = gs_mem_field_u64(c->mem, mt, gl->m_g0);
	} else {
		w->g_note = !e->tlsg.known ? e->tlsg.source :
			    "no M has this thread's id, and its TLS slot has no g";
		return;
	}
	if (gl->m_id >= 0)
		w->m_id = (int64_t)gs_mem_field_u64(c->mem, w->m, gl->m_id);
	g0 = gs_mem_field_u64(c->mem, w->m, gl->m_g0);
	gsignal = gs_mem_field_u64(c->mem, w->m, gl->m_gsignal);
	w->curg = gs_mem_field_u64(c->mem, w->m, gl->m_curg);
	if (!g0 || !w->g)
		return;
	if (w->g == g0) {
		w->on = GS_ON_G0;
	} else if (w->g == gsignal) {
		w->on = GS_ON_GSIGNAL;
	} else {
		w->on = GS_ON_GOROUTINE;
		w->goroutine = w->g;
	}
}

/* Put the native frames nw in front of the Go walk u. */
static int prepend(struct gs_unwind *u, const struct gs_native_walk *nw)
{
	struct gs_frame *f;

	if (!nw->nframes)
		return 0;
	f = realloc(u->frames, (u->nframes + nw->nframes) * sizeof(*f));
	if (!f)
		return -1;
	memmove(f + nw->nframes, f, u->nframes * sizeof(*f));
	memcpy(f, nw->frames, nw->nframes * sizeof(*f));
	u->frames = f;
	u->nframes += nw->nframes;
	u->nphys += nw->nframes;
	if (u->switch_frame)
		u->switch_frame += nw->nframes;
	return 0;
}

/* The native frames alone: they lead to no Go frame. */
static int native_only(struct gs_unwind *u, const struct gs_native_walk *nw)
{
	memset(u, 0, sizeof(*u));
	if (nw->nframes) {
		u->frames = malloc(nw->nframes * sizeof(*u->frames));
		if (!u->frames)
			return -1;
		memcpy(u->frames, nw->frames, nw->nframes * sizeof(*u->frames));
	}
	u->nframes = u->nphys = nw->nframes;
	u->stop = GS_STOP_NATIVE;
	u->stop_addr = nw->nframes ? nw->frames[nw->nframes - 1].pc : 0;
	snprintf(u->stop_detail, sizeof(u->stop_detail), "%s", nw->stop_detail);
	return 0;
}

static int walk_one(struct gs_snapctx *c, struct gs_thread_walks *tw,
		    const struct walk_env *e, size_t max_frames,
		    struct gs_thread_walk *w)
{
	const struct gm_layout *gl = &e->gl;
	const struct gosnap_rec_thread *t = w->t;
	struct gs_unwind_req req = {
		.pc = t->regs.rip, .sp = t->regs.rsp, .exact_pc = true,
		.max_frames = max_frames,
		/* the mapping holding rsp: the OS stack on m0's g0 */
		.stack_lo = t->stack_start, .stack_hi = t->stack_end,
	};
	struct gs_native_walk nw = { 0 };
	struct gs_pcln_func fn;
	char what[64];
	uint64_t lo, hi;
	int rc;

	classify(c, e, w);
	if (!gs_funcinfo_find(&c->fi, req.pc, &fn)) {
		uint64_t vsp = gs_mem_field_u64(c->mem, w->m, gl->m_vdso_sp);
		uint64_t vpc = gs_mem_field_u64(c->mem, w->m, gl->m_vdso_pc);

		if (w->m && vsp && vpc) {
			/* in the vDSO: the runtime saved its Go caller's pc/sp */
			req.pc = vpc;
			req.sp = vsp;
			req.exact_pc = false;
			w->note = "pc outside Go code (vDSO): walked from m.vdsoPC/vdsoSP";
		} else if (tw->native || (!tw->native_why[0] &&
			   (tw->native = gs_native_open(c, tw->native_why,
							sizeof(tw->native_why))))) {
			/* C code: its frames from libdw, then the Go code that called it */
			if (gs_native_walk(tw->native, t, max_frames, &nw))
				return -1;
			if (!nw.reached_go) {
				w->note = "pc outside Go code: native frames unwound by libdw";
				rc = native_only(&w->unwind, &nw);
				free(nw.frames);
				return rc;
			}
			w->note = "pc outside Go code: native frames unwound by libdw, "
				  "then the Go code that called them";
			req.pc = nw.go_pc;
			req.sp = nw.go_sp;
			req.exact_pc = nw.go_exact;
		} else {
			w->note = tw->native_why;
		}
	}
	if (w->on == GS_ON_GOROUTINE && g_stack(c, gl, w->g, req.sp, &lo, &hi)) {
		req.stack_lo = lo;
		req.stack_hi = hi;
	}
	if (w->on == GS_ON_G0 && w->curg && w->curg != w->g) {
		uint64_t spc = gs_mem_field_u64(c->mem, w->curg, gl->g_sched_pc);
		uint64_t ssp = gs_mem_field_u64(c->mem, w->curg, gl->g_sched_sp);

		if (spc && ssp && g_stack(c, gl, w->curg, ssp, &lo, &hi)) {
			req.have_jump = true;
			req.jump_pc = spc;
			req.jump_sp = ssp;
			req.jump_lo = lo;
			req.jump_hi = hi;
			snprintf(what, sizeof(what), "goroutine %" PRId64 "'s g.sched (m.curg)",
				 read_goid(c, gl, w->curg));
			req.jump_what = what;
		}
	}
	if (nw.reached_go && (req.sp < req.stack_lo || req.sp >= req.stack_hi))
		req.stack_lo = req.stack_hi = 0;	/* C ran on another mapping */
	rc = gs_unwind(&c->fi, c->mem, &c->snap, &req, &w->unwind);
	if (!rc)
		rc = prepend(&w->unwind, &nw);
	free(nw.frames);
	if (rc)
		return -1;
	if (w->unwind.switch_frame)
		w->goroutine = w->curg;
	w->goid = read_goid(c, gl, w->goroutine);
	return 0;
}

int gs_thread_walks_decode(struct gs_snapctx *c, size_t max_frames,
			   struct gs_thread_walks *tw)
{
	struct walk_env e;
	size_t i;
	int rc = 0;

	memset(tw, 0, sizeof(*tw));
	memset(&e, 0, sizeof(e));
	gm_layout_get(c, &e.gl);
	if (c->x)
		gs_tlsg_find(&c->x->im, &e.tlsg);
	else
		e.tlsg.source = "no executable";
	if (read_ms(c, &e))
		return -1;
	tw->w = calloc(c->snap.nr_threads ? c->snap.nr_threads : 1, sizeof(*tw->w));
	if (!tw->w) {
		free(e.ms);
		return -1;
	}
	for (i = 0; i < c->snap.nr_threads; i++) {
		struct gs_thread_walk *w = &tw->w[tw->n];

		if (!(c->snap.threads[i]->flags & GOSNAP_THR_REGS))
			continue;
		w->t = c->snap.threads[i];
		tw->n++;
		if (walk_one(c, tw, &e, max_frames, w)) {
			rc = -1;
			break;
		}
	}
	free(e.ms);
	return rc;
}

void gs_thread_walks_free(struct gs_thread_walks *tw)
{
	size_t i;

	for (i = 0; i < tw->n; i++)
		gs_unwind_free(&tw->w[i].unwind);
	free(tw->w);
	gs_native_close(tw->native);
	memset(tw, 0, sizeof(*tw));
}

const struct gs_thread_walk *gs_thread_walks_hit(const struct gs_thread_walks *tw)
{
	size_t i;

	for (i = 0; i < tw->n; i++)
		if (tw->w[i].t->flags & GOSNAP_THR_HIT)
			return &tw->w[i];
	return NULL;
}

const struct gs_thread_walk *gs_thread_walks_for_g(const struct gs_thread_walks *tw,
						   uint64_t g)
{
	size_t i;

	for (i = 0; g && i < tw->n; i++)
		if (tw->w[i].goroutine == g)
			return &tw->w[i];
	return NULL;
}

const char *gs_thread_on_name(enum gs_thread_on on)
{
	switch (on) {
	case GS_ON_GOROUTINE:	return "goroutine";
	case GS_ON_G0:		return "g0";
	case GS_ON_GSIGNAL:	return "gsignal";
	default:		return "unknown";
	}
}
