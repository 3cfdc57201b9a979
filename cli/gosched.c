// SPDX-License-Identifier: GPL-2.0
/*
 * Ms, Ps and runtime.sched counters; see gosched.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goglobals.h"
#include "goroutines.h"
#include "gosched.h"

const char *gs_p_status_name(uint32_t status)
{
	/* _Pidle 0, _Prunning 1, _Psyscall 2, _Pgcstop 3, _Pdead 4 (1.19-1.26) */
	static const char *const names[] = { "idle", "running", "syscall", "gcstop", "dead" };

	return status < 5 ? names[status] : "?";
}

static int64_t off(struct gs_layout *l, const char *type, const char *path)
{
	struct gs_field f;

	return gs_layout_has_field(l, type, path, &f) ? (int64_t)f.offset : -1;
}

static uint64_t rd64(const struct gs_mem *m, uint64_t base, int64_t o)
{
	uint64_t v = 0;

	if (o >= 0)
		gs_mem_u64(m, base + (uint64_t)o, &v);
	return v;
}

static int64_t rd32s(const struct gs_mem *m, uint64_t base, int64_t o)
{
	uint32_t v;

	if (o < 0 || !gs_mem_u32(m, base + (uint64_t)o, &v))
		return -1;
	return (int32_t)v;
}

/* A global from the layout, else from instruction decoding. */
static bool global(struct gs_snapctx *c, const char *name, int id, uint64_t *addr)
{
	struct gs_globals gg;
	char err[256];
	bool ok = false;

	if (gs_layout_global(c->layout, name, addr, NULL, 0, NULL))
		return true;
	if (id < 0 || gs_go_globals(c->exe, GS_GLOBALS_AUTO, &gg, err, sizeof(err)))
		return false;
	if (gg.g[id].have_addr) {
		*addr = gg.g[id].addr;
		ok = true;
	}
	gs_go_globals_release(&gg);
	return ok;
}

struct m_layout {
	int64_t id, procid, g0, curg, p, alllink;
	int64_t g_stack_lo, g_stack_hi;
};

static bool have_m(const struct gs_sched *s, uint64_t m)
{
	size_t i;

	for (i = 0; i < s->nms; i++)
		if (s->ms[i].m == m)
			return true;
	return false;
}

/* Add m and every M after it on alllink (bounded). */
static void add_ms(struct gs_snapctx *c, const struct m_layout *ml,
		   struct gs_sched *s, uint64_t m)
{
	size_t i;

	while (m && !have_m(s, m) && s->nms < GS_MAX_MS) {
		struct gs_m *x = &s->ms[s->nms];

		memset(x, 0, sizeof(*x));
		x->m = m;
		x->id = ml->id >= 0 ? (int64_t)rd64(c->mem, m, ml->id) : -1;
		x->procid = rd64(c->mem, m, ml->procid);
		x->g0 = rd64(c->mem, m, ml->g0);
		x->curg = rd64(c->mem, m, ml->curg);
		x->p = rd64(c->mem, m, ml->p);
		if (x->g0) {
			x->g0_stack_lo = rd64(c->mem, x->g0, ml->g_stack_lo);
			x->g0_stack_hi = rd64(c->mem, x->g0, ml->g_stack_hi);
		}
		for (i = 0; i < c->snap.nr_threads; i++)
			if (x->procid && (uint64_t)c->snap.threads[i]->tid == x->procid)
				x->thread = c->snap.threads[i];
		s->nms++;
		m = rd64(c->mem, m, ml->alllink);
	}
}

static void decode_ps(struct gs_snapctx *c, struct gs_sched *s)
{
	struct gs_layout *l = c->layout;
	int64_t o_id = off(l, "runtime.p", "id"), o_st = off(l, "runtime.p", "status");
	int64_t o_rh = off(l, "runtime.p", "runqhead"), o_rt = off(l, "runtime.p", "runqtail");
	int64_t o_rn = off(l, "runtime.p", "runnext"), o_mc = off(l, "runtime.p", "mcache");
	int64_t o_m = off(l, "runtime.p", "m");
	uint64_t allp, hdr[2], i;

	if (!global(c, "runtime.allp", GS_GLOBAL_ALLP, &allp) ||
	    !gs_mem_read(c->mem, allp, hdr, sizeof(hdr)) || hdr[1] > GS_MAX_PS) {
		snprintf(s->problem, sizeof(s->problem), "runtime.allp unavailable");
		return;
	}
	s->ps = calloc(hdr[1] ? hdr[1] : 1, sizeof(*s->ps));
	if (!s->ps)
		return;
	for (i = 0; i < hdr[1]; i++) {
		struct gs_p *p = &s->ps[s->nps];
		uint64_t pp;

		if (!gs_mem_u64(c->mem, hdr[0] + 8 * i, &pp) || !pp)
			continue;
		p->p = pp;
		p->id = rd32s(c->mem, pp, o_id);
		p->status = (uint32_t)rd32s(c->mem, pp, o_st);
		p->runqhead = (uint32_t)rd32s(c->mem, pp, o_rh);
		p->runqtail = (uint32_t)rd32s(c->mem, pp, o_rt);
		p->runnext = rd64(c->mem, pp, o_rn);
		p->mcache = rd64(c->mem, pp, o_mc);
		p->m = rd64(c->mem, pp, o_m);
		s->nps++;
	}
}

static void decode_counters(struct gs_snapctx *c, struct gs_sched *s)
{
	struct gs_layout *l = c->layout;
	const char *t = "runtime.schedt";
	uint64_t sched;
	int64_t o;

	s->nmidle = s->nmidlelocked = s->mnext = s->nmsys = -1;
	s->nmspinning = s->npidle = s->runqsize = s->ngsys = -1;
	if (!global(c, "runtime.sched", GS_GLOBAL_SCHED, &sched))
		return;
	s->nmidle = rd32s(c->mem, sched, off(l, t, "nmidle"));
	s->nmidlelocked = rd32s(c->mem, sched, off(l, t, "nmidlelocked"));
	s->mnext = rd32s(c->mem, sched, off(l, t, "mnext"));	/* int64: low half */
	s->nmsys = rd32s(c->mem, sched, off(l, t, "nmsys"));
	s->nmspinning = rd32s(c->mem, sched, off(l, t, "nmspinning"));
	s->npidle = rd32s(c->mem, sched, off(l, t, "npidle"));
	s->ngsys = rd32s(c->mem, sched, off(l, t, "ngsys"));
	/* the global run queue's length: runqsize, or runq.size (go1.26) */
	o = off(l, t, "runqsize");
	if (o < 0)
		o = off(l, t, "runq.size");
	s->runqsize = rd32s(c->mem, sched, o);
}

int gs_sched_decode(struct gs_snapctx *c, struct gs_sched *s)
{
	struct gs_layout *l = c->layout;
	struct m_layout ml;
	uint64_t allm, m0, gptr;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!l) {
		snprintf(s->problem, sizeof(s->problem), "no layout source");
		return 0;
	}
	ml.id = off(l, "runtime.m", "id");
	ml.procid = off(l, "runtime.m", "procid");
	ml.g0 = off(l, "runtime.m", "g0");
	ml.curg = off(l, "runtime.m", "curg");
	ml.p = off(l, "runtime.m", "p");
	ml.alllink = off(l, "runtime.m", "alllink");
	ml.g_stack_lo = off(l, "runtime.g", "stack.lo");
	ml.g_stack_hi = off(l, "runtime.g", "stack.hi");
	s->ms = calloc(GS_MAX_MS, sizeof(*s->ms));
	if (!s->ms)
		return -1;
	decode_ps(c, s);
	decode_counters(c, s);
	if (gs_layout_global(l, "runtime.allm", &gptr, NULL, 0, NULL) &&
	    gs_mem_u64(c->mem, gptr, &allm)) {
		s->ms_source = "allm";
		add_ms(c, &ml, s, allm);
		return 0;
	}
	s->ms_source = "reachable from m0, Ps and threads";
	if (global(c, "runtime.m0", GS_GLOBAL_M0, &m0))
		add_ms(c, &ml, s, m0);
	for (i = 0; i < s->nps; i++)
		add_ms(c, &ml, s, s->ps[i].m);
	return 0;
}

void gs_sched_free(struct gs_sched *s)
{
	free(s->ms);
	free(s->ps);
	memset(s, 0, sizeof(*s));
}
