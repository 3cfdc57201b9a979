// SPDX-License-Identifier: GPL-2.0
/*
 * Ms, Ps and runtime.sched counters; see gosched.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/goroutines.h"
#include "decode/gosched.h"
#include "decode/needs.h"
#include "decode/tlsg.h"

const char *gs_p_status_name(uint32_t status)
{
	/* _Pidle 0, _Prunning 1, _Psyscall 2, _Pgcstop 3, _Pdead 4 (1.19-1.26) */
	static const char *const names[] = { "idle", "running", "syscall", "gcstop", "dead" };

	return status < 5 ? names[status] : "?";
}

/*
 * What the scheduler decoder reads (decode/needs.h), resolved once. The
 * runtime.schedt counters are read by counter(), which says why each one
 * is unavailable; needspinning is optional (go1.19 lacks it).
 */
enum ns_need {
	NS_M_ID, NS_M_PROCID, NS_M_G0, NS_M_CURG, NS_M_P, NS_M_ALLLINK,
	NS_M_SCHEDLINK, NS_G_M, NS_G_STACK_LO, NS_G_STACK_HI, NS_G_GOID,
	NS_P_ID, NS_P_STATUS, NS_P_RUNQHEAD, NS_P_RUNQTAIL, NS_P_RUNNEXT,
	NS_P_MCACHE, NS_P_M, NS_MIDLE, NS_SCHED, NS_ALLP, NS_ALLM, NS_M0,
	NS_C_NMIDLE, NS_C_NMIDLELOCKED, NS_C_MNEXT, NS_C_NMFREED, NS_C_NMSYS,
	NS_C_NMSPINNING, NS_C_NPIDLE, NS_C_NGSYS, NS_C_NEEDSPINNING,
	NS_C_GCWAITING, NS_C_STOPWAIT, NS_C_SYSMONWAIT, NS_C_RUNQSIZE,
	NS_PIDLE, NS_PRUNNING, NS_PSYSCALL, NS_PGCSTOP, NS_PDEAD, NS_N
};

#define NR_PSTATUS	5	/* _Pidle .. _Pdead: gs_p_status_name() order */

#define SCHEDT_COUNTER(n)	GS_NEED_F("runtime.schedt", n)

static const struct gs_need s_needs[NS_N] = {
	[NS_M_ID]	= GS_NEED_F("runtime.m", "id"),
	[NS_M_PROCID]	= GS_NEED_F("runtime.m", "procid"),
	[NS_M_G0]	= GS_NEED_F("runtime.m", "g0"),
	[NS_M_CURG]	= GS_NEED_F("runtime.m", "curg"),
	[NS_M_P]	= GS_NEED_F("runtime.m", "p"),
	[NS_M_ALLLINK]	= GS_NEED_F("runtime.m", "alllink"),
	[NS_M_SCHEDLINK] = GS_NEED_F("runtime.m", "schedlink"),
	[NS_G_M]	= GS_NEED_F("runtime.g", "m"),
	[NS_G_STACK_LO]	= GS_NEED_F("runtime.g", "stack.lo"),
	[NS_G_STACK_HI]	= GS_NEED_F("runtime.g", "stack.hi"),
	[NS_G_GOID]	= GS_NEED_F("runtime.g", "goid"),
	[NS_P_ID]	= GS_NEED_F("runtime.p", "id"),
	[NS_P_STATUS]	= GS_NEED_F("runtime.p", "status"),
	[NS_P_RUNQHEAD]	= GS_NEED_F("runtime.p", "runqhead"),
	[NS_P_RUNQTAIL]	= GS_NEED_F("runtime.p", "runqtail"),
	[NS_P_RUNNEXT]	= GS_NEED_F("runtime.p", "runnext"),
	[NS_P_MCACHE]	= GS_NEED_F("runtime.p", "mcache"),
	[NS_P_M]	= GS_NEED_F("runtime.p", "m"),
	[NS_MIDLE]	= GS_NEED_F("runtime.schedt", "midle"),
	[NS_SCHED]	= GS_NEED_G("runtime.sched"),
	[NS_ALLP]	= GS_NEED_G("runtime.allp"),
	[NS_ALLM]	= GS_NEED_G("runtime.allm"),
	[NS_M0]		= GS_NEED_G("runtime.m0"),
	[NS_C_NMIDLE]	= SCHEDT_COUNTER("nmidle"),
	[NS_C_NMIDLELOCKED] = SCHEDT_COUNTER("nmidlelocked"),
	[NS_C_MNEXT]	= SCHEDT_COUNTER("mnext"),
	[NS_C_NMFREED]	= SCHEDT_COUNTER("nmfreed"),
	[NS_C_NMSYS]	= SCHEDT_COUNTER("nmsys"),
	[NS_C_NMSPINNING] = SCHEDT_COUNTER("nmspinning"),
	[NS_C_NPIDLE]	= SCHEDT_COUNTER("npidle"),
	[NS_C_NGSYS]	= SCHEDT_COUNTER("ngsys"),
	[NS_C_NEEDSPINNING] = GS_NEED_F_OPT("runtime.schedt", "needspinning"),
	[NS_C_GCWAITING] = SCHEDT_COUNTER("gcwaiting"),
	[NS_C_STOPWAIT]	= SCHEDT_COUNTER("stopwait"),
	[NS_C_SYSMONWAIT] = SCHEDT_COUNTER("sysmonwait"),
	[NS_C_RUNQSIZE]	= GS_NEED_F_ALT("runtime.schedt", "runqsize", "runq.size"),
	/* P statuses where the binary has them, else go1.19-1.27's 0..4 */
	[NS_PIDLE]	= GS_NEED_C_OPT("runtime._Pidle"),
	[NS_PRUNNING]	= GS_NEED_C_OPT("runtime._Prunning"),
	[NS_PSYSCALL]	= GS_NEED_C_OPT("runtime._Psyscall"),
	[NS_PGCSTOP]	= GS_NEED_C_OPT("runtime._Pgcstop"),
	[NS_PDEAD]	= GS_NEED_C_OPT("runtime._Pdead"),
};

const struct gs_needs gs_sched_needs = { "sched", s_needs, NS_N };

/* The offsets of s_needs, -1 where unavailable, and the answers. */
struct m_layout {
	int64_t id, procid, g0, curg, p, alllink, schedlink;
	int64_t g_stack_lo, g_stack_hi, g_goid, g_m, p_id;
	int64_t p_status, p_runqhead, p_runqtail, p_runnext, p_mcache, p_m;
	int64_t midle;
	uint32_t p_status_map[8];	/* raw p.status -> gs_p_status_name() */
	const struct gs_need_ans *a;	/* [NS_N] */
};

/* A global's address (instruction decoding is one of the layout's sources). */
static bool global(const struct m_layout *ml, enum ns_need i, uint64_t *addr)
{
	if (!ml->a[i].ok)
		return false;
	*addr = ml->a[i].value;
	return true;
}

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
		x->id = ml->id >= 0 ? (int64_t)gs_mem_field_u64(c->mem, m, ml->id) : -1;
		x->procid = gs_mem_field_u64(c->mem, m, ml->procid);
		x->g0 = gs_mem_field_u64(c->mem, m, ml->g0);
		x->curg = gs_mem_field_u64(c->mem, m, ml->curg);
		x->p = gs_mem_field_u64(c->mem, m, ml->p);
		x->p_id = x->p ? gs_mem_field_i32(c->mem, x->p, ml->p_id) : -1;
		x->curg_goid = x->curg && ml->g_goid >= 0 ?
			       (int64_t)gs_mem_field_u64(c->mem, x->curg, ml->g_goid) : -1;
		if (x->g0) {
			x->g0_stack_lo = gs_mem_field_u64(c->mem, x->g0, ml->g_stack_lo);
			x->g0_stack_hi = gs_mem_field_u64(c->mem, x->g0, ml->g_stack_hi);
		}
		for (i = 0; i < c->snap.nr_threads; i++)
			if (x->procid && (uint64_t)c->snap.threads[i]->tid == x->procid)
				x->thread = c->snap.threads[i];
		s->nms++;
		m = gs_mem_field_u64(c->mem, m, ml->alllink);
	}
}

/* The idle Ms: runtime.sched.midle, linked through m.schedlink. */
static void add_idle_ms(struct gs_snapctx *c, const struct m_layout *ml,
			struct gs_sched *s)
{
	int64_t o_midle = ml->midle;
	uint64_t sched, m = 0;
	size_t n;

	if (o_midle < 0 || ml->schedlink < 0 || !global(ml, NS_SCHED, &sched))
		return;
	m = gs_mem_field_u64(c->mem, sched, o_midle);
	for (n = 0; m && n < GS_MAX_MS; n++) {
		add_ms(c, ml, s, m);
		m = gs_mem_field_u64(c->mem, m, ml->schedlink);
	}
}

/* The M of every goroutine that has one (running, in a system call). */
static void add_goroutine_ms(struct gs_snapctx *c, const struct m_layout *ml,
			     struct gs_sched *s)
{
	uint64_t allgs, hdr[2], i, g;
	const char *src;

	if (ml->g_m < 0 || !gs_find_allgs(c, &allgs, &src) ||
	    !gs_mem_read(c->mem, allgs, hdr, sizeof(hdr)) || hdr[1] > GS_MAX_GOROUTINES)
		return;
	for (i = 0; i < hdr[1]; i++)
		if (gs_mem_u64(c->mem, hdr[0] + 8 * i, &g) && g)
			add_ms(c, ml, s, gs_mem_field_u64(c->mem, g, ml->g_m));
}

/* The M of each thread with registers: its TLS g's m (decode/tlsg.h). */
static void add_thread_ms(struct gs_snapctx *c, const struct m_layout *ml,
			  struct gs_sched *s)
{
	struct gs_tlsg tlsg = { 0 };
	size_t i;
	uint64_t g;

	if (c->x)
		gs_tlsg_find(&c->x->im, &tlsg);
	for (i = 0; tlsg.known && ml->g_m >= 0 && i < c->snap.nr_threads; i++) {
		const struct gosnap_rec_thread *t = c->snap.threads[i];

		if ((t->flags & GOSNAP_THR_REGS) && t->regs.fs_base &&
		    gs_mem_u64(c->mem, t->regs.fs_base + (uint64_t)tlsg.off, &g) && g)
			add_ms(c, ml, s, gs_mem_field_u64(c->mem, g, ml->g_m));
	}
}

static void decode_ps(struct gs_snapctx *c, const struct m_layout *ml,
		      struct gs_sched *s)
{
	int64_t o_id = ml->p_id, o_st = ml->p_status;
	int64_t o_rh = ml->p_runqhead, o_rt = ml->p_runqtail;
	int64_t o_rn = ml->p_runnext, o_mc = ml->p_mcache;
	int64_t o_m = ml->p_m;
	uint64_t allp, hdr[2], i;

	if (!global(ml, NS_ALLP, &allp) ||
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
		p->id = gs_mem_field_i32(c->mem, pp, o_id);
		p->status = (uint32_t)gs_mem_field_i32(c->mem, pp, o_st);
		if (p->status < 8)
			p->status = ml->p_status_map[p->status];
		p->runqhead = (uint32_t)gs_mem_field_i32(c->mem, pp, o_rh);
		p->runqtail = (uint32_t)gs_mem_field_i32(c->mem, pp, o_rt);
		p->runnext = gs_mem_field_u64(c->mem, pp, o_rn);
		p->mcache = gs_mem_field_u64(c->mem, pp, o_mc);
		p->m = gs_mem_field_u64(c->mem, pp, o_m);
		s->nps++;
	}
}

static void unavailable(struct gs_sched *s, const char *field, const char *fmt,
			const char *arg)
{
	struct gs_sched_unavail *u;

	if (s->nunavail >= GS_SCHED_MAX_UNAVAIL || gs_sched_unavailable(s, field))
		return;
	u = &s->unavail[s->nunavail++];
	u->field = field;
	snprintf(u->why, sizeof(u->why), fmt, arg);
}

const char *gs_sched_unavailable(const struct gs_sched *s, const char *field)
{
	size_t i;

	for (i = 0; i < s->nunavail; i++)
		if (!strcmp(s->unavail[i].field, field))
			return s->unavail[i].why;
	return NULL;
}

/*
 * The runtime.schedt counter of need i at sched, or -1 with the reason
 * recorded under its field path (the spelling that answered, else the
 * table's).
 */
static const char *need_path(const struct m_layout *ml, enum ns_need i)
{
	return ml->a[i].ok ? ml->a[i].name : s_needs[i].name;
}

static int64_t counter(struct gs_snapctx *c, struct gs_sched *s,
		       const struct m_layout *ml, uint64_t sched, enum ns_need i)
{
	const struct gs_need_ans *a = &ml->a[i];
	const char *path = need_path(ml, i);
	uint64_t v;

	if (!a->ok || !a->size || a->size > 8) {
		unavailable(s, path, "no layout source knows runtime.schedt.%s", path);
		return -1;
	}
	if (!gs_mem_uint(c->mem, sched + a->value, a->size, &v)) {
		unavailable(s, path, "runtime.schedt.%s is not in the snapshot's memory",
			    path);
		return -1;
	}
	if (a->size == 4)
		return (int32_t)v;	/* int32 fields: a negative value reads as such */
	return (int64_t)v;
}

/* Where each runtime.schedt counter goes in the model. */
static const struct { enum ns_need need; size_t off; } counter_slots[] = {
	{ NS_C_NMIDLE,		offsetof(struct gs_sched, nmidle) },
	{ NS_C_NMIDLELOCKED,	offsetof(struct gs_sched, nmidlelocked) },
	{ NS_C_MNEXT,		offsetof(struct gs_sched, mnext) },
	{ NS_C_NMFREED,		offsetof(struct gs_sched, nmfreed) },
	{ NS_C_NMSYS,		offsetof(struct gs_sched, nmsys) },
	{ NS_C_NMSPINNING,	offsetof(struct gs_sched, nmspinning) },
	{ NS_C_NPIDLE,		offsetof(struct gs_sched, npidle) },
	{ NS_C_NGSYS,		offsetof(struct gs_sched, ngsys) },
	{ NS_C_NEEDSPINNING,	offsetof(struct gs_sched, needspinning) },
	{ NS_C_GCWAITING,	offsetof(struct gs_sched, gcwaiting) },
	{ NS_C_STOPWAIT,	offsetof(struct gs_sched, stopwait) },
	{ NS_C_SYSMONWAIT,	offsetof(struct gs_sched, sysmonwait) },
	/* the global run queue's length: runqsize, or runq.size (go1.26) */
	{ NS_C_RUNQSIZE,	offsetof(struct gs_sched, runqsize) },
};

static void decode_counters(struct gs_snapctx *c, const struct m_layout *ml,
			    struct gs_sched *s)
{
	bool have_sched;
	uint64_t sched;
	size_t i;

	have_sched = global(ml, NS_SCHED, &sched);
	/* atomic wrappers (go1.20+: atomic.Int32, atomic.Bool) keep the value first */
	for (i = 0; i < sizeof(counter_slots) / sizeof(counter_slots[0]); i++) {
		int64_t *v = (int64_t *)((char *)s + counter_slots[i].off);

		if (have_sched) {
			*v = counter(c, s, ml, sched, counter_slots[i].need);
		} else {
			*v = -1;
			unavailable(s, need_path(ml, counter_slots[i].need), "%s",
				    "runtime.sched's address is unknown");
		}
	}
	s->threads = -1;
	if (s->mnext >= 0 && s->nmfreed >= 0)
		s->threads = s->mnext - s->nmfreed;
}

bool gs_sched_decoded_anything(const struct gs_sched *s)
{
	return s->nms || s->nps || s->nmidle >= 0 || s->mnext >= 0 ||
	       s->npidle >= 0 || s->runqsize >= 0;
}

int gs_sched_decode(struct gs_snapctx *c, struct gs_sched *s)
{
	struct gs_layout *l = c->layout;
	struct gs_need_ans a[NS_N];
	struct m_layout ml;
	uint64_t allm, m0, gptr;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!l) {
		snprintf(s->problem, sizeof(s->problem), "no layout source");
		return 0;
	}
	gs_needs_resolve(l, &gs_sched_needs, a);
	ml.a = a;
	ml.id = gs_need_off(&a[NS_M_ID]);
	ml.procid = gs_need_off(&a[NS_M_PROCID]);
	ml.g0 = gs_need_off(&a[NS_M_G0]);
	ml.curg = gs_need_off(&a[NS_M_CURG]);
	ml.p = gs_need_off(&a[NS_M_P]);
	ml.alllink = gs_need_off(&a[NS_M_ALLLINK]);
	ml.schedlink = gs_need_off(&a[NS_M_SCHEDLINK]);
	ml.g_m = gs_need_off(&a[NS_G_M]);
	ml.g_stack_lo = gs_need_off(&a[NS_G_STACK_LO]);
	ml.g_stack_hi = gs_need_off(&a[NS_G_STACK_HI]);
	ml.g_goid = gs_need_off(&a[NS_G_GOID]);
	ml.p_id = gs_need_off(&a[NS_P_ID]);
	ml.p_status = gs_need_off(&a[NS_P_STATUS]);
	ml.p_runqhead = gs_need_off(&a[NS_P_RUNQHEAD]);
	ml.p_runqtail = gs_need_off(&a[NS_P_RUNQTAIL]);
	ml.p_runnext = gs_need_off(&a[NS_P_RUNNEXT]);
	ml.p_mcache = gs_need_off(&a[NS_P_MCACHE]);
	ml.p_m = gs_need_off(&a[NS_P_M]);
	ml.midle = gs_need_off(&a[NS_MIDLE]);
	for (i = 0; i < 8; i++)
		ml.p_status_map[i] = (uint32_t)i;
	for (i = 0; i < NR_PSTATUS; i++)
		if (a[NS_PIDLE + i].ok && a[NS_PIDLE + i].value < 8)
			ml.p_status_map[a[NS_PIDLE + i].value] = (uint32_t)i;
	s->ms = calloc(GS_MAX_MS, sizeof(*s->ms));
	if (!s->ms)
		return -1;
	decode_ps(c, &ml, s);
	decode_counters(c, &ml, s);
	if (global(&ml, NS_ALLM, &gptr) &&
	    gs_mem_u64(c->mem, gptr, &allm)) {
		s->ms_source = "allm";
		add_ms(c, &ml, s, allm);
		return 0;
	}
	/*
	 * Without allm's address: every M something points to. alllink runs
	 * from newer to older Ms, so each start adds the Ms older than it.
	 */
	s->ms_source = "reachable from m0, the Ps, the idle Ms, goroutines and threads";
	if (global(&ml, NS_M0, &m0))
		add_ms(c, &ml, s, m0);
	for (i = 0; i < s->nps; i++)
		add_ms(c, &ml, s, s->ps[i].m);
	add_idle_ms(c, &ml, s);
	add_goroutine_ms(c, &ml, s);
	add_thread_ms(c, &ml, s);
	return 0;
}

void gs_sched_free(struct gs_sched *s)
{
	free(s->ms);
	free(s->ps);
	memset(s, 0, sizeof(*s));
}
