// SPDX-License-Identifier: GPL-2.0
/*
 * The collector's state: the cycle, work.full and work.empty, every P's
 * gcWork, work.wbufSpans; see gogc.h and docs/gc.md.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gogc.h"
#include "decode/needs.h"

/* What the GC decoder reads (decode/needs.h), resolved once. */
enum ng_need {
	/* globals */
	NG_WORK, NG_GCPHASE, NG_MEMSTATS, NG_GCCONTROLLER, NG_ALLP,
	/* runtime.work */
	NG_W_FULL, NG_W_EMPTY, NG_W_BUSY, NG_W_FREE, NG_W_CYCLES, NG_W_NPROC,
	NG_W_NWAIT, NG_W_MRNEXT, NG_W_MRJOBS, NG_W_BYTESMARKED,
	NG_MS_NUMGC,
	/* gcController */
	NG_C_HEAPGOAL, NG_C_TRIGGERED, NG_C_HEAPLIVE, NG_C_HEAPMARKED,
	NG_C_HEAPSCANWORK, NG_C_STACKSCANWORK, NG_C_GLOBALSSCANWORK,
	NG_C_BGSCANCREDIT, NG_C_ASSISTTIME, NG_C_DEDTIME, NG_C_FRACTIME,
	NG_C_IDLETIME, NG_C_DEDNEEDED, NG_C_IDLEWORKERS,
	/* runtime.p and its gcWork */
	NG_P_ID, NG_P_WBUF1, NG_P_WBUF2, NG_P_BYTESMARKED, NG_P_HEAPSCANWORK,
	NG_P_FLUSHED, NG_P_SPANQ_HEAD, NG_P_SPANQ_TAIL,
	/* runtime.workbuf, runtime.mspan */
	NG_WB, NG_WB_NEXT, NG_WB_NOBJ, NG_WB_OBJ,
	NG_SPAN_NEXT, NG_SPAN_START, NG_SPAN_NPAGES, NG_SPAN_STATE,
	/* constants */
	NG_ADDRBITS, NG_TAGBITS, NG_WORKBUFSIZE, NG_PAGESIZE,
	NG_GCOFF, NG_GCMARK, NG_GCMARKTERM,
	NG_N
};

#define WORK_F(n)	GS_NEED_F("runtime.workType", n)
#define GCC_F(n)	GS_NEED_F("runtime.gcControllerState", n)

static const struct gs_need g_needs[NG_N] = {
	[NG_WORK]		= GS_NEED_G("runtime.work"),
	[NG_GCPHASE]		= GS_NEED_G("runtime.gcphase"),
	[NG_MEMSTATS]		= GS_NEED_G("runtime.memstats"),
	[NG_GCCONTROLLER]	= GS_NEED_G("runtime.gcController"),
	[NG_ALLP]		= GS_NEED_G("runtime.allp"),
	[NG_W_FULL]		= WORK_F("full"),
	[NG_W_EMPTY]		= WORK_F("empty"),
	[NG_W_BUSY]		= WORK_F("wbufSpans.busy.first"),
	[NG_W_FREE]		= WORK_F("wbufSpans.free.first"),
	[NG_W_CYCLES]		= WORK_F("cycles"),
	[NG_W_NPROC]		= WORK_F("nproc"),
	[NG_W_NWAIT]		= WORK_F("nwait"),
	[NG_W_MRNEXT]		= WORK_F("markrootNext"),
	[NG_W_MRJOBS]		= WORK_F("markrootJobs"),
	[NG_W_BYTESMARKED]	= WORK_F("bytesMarked"),
	[NG_MS_NUMGC]		= GS_NEED_F("runtime.mstats", "numgc"),
	[NG_C_HEAPGOAL]		= GCC_F("gcPercentHeapGoal"),
	[NG_C_TRIGGERED]	= GCC_F("triggered"),
	[NG_C_HEAPLIVE]		= GCC_F("heapLive"),
	[NG_C_HEAPMARKED]	= GCC_F("heapMarked"),
	[NG_C_HEAPSCANWORK]	= GCC_F("heapScanWork"),
	[NG_C_STACKSCANWORK]	= GCC_F("stackScanWork"),
	[NG_C_GLOBALSSCANWORK]	= GCC_F("globalsScanWork"),
	[NG_C_BGSCANCREDIT]	= GCC_F("bgScanCredit"),
	[NG_C_ASSISTTIME]	= GCC_F("assistTime"),
	[NG_C_DEDTIME]		= GCC_F("dedicatedMarkTime"),
	[NG_C_FRACTIME]		= GCC_F("fractionalMarkTime"),
	[NG_C_IDLETIME]		= GCC_F("idleMarkTime"),
	[NG_C_DEDNEEDED]	= GCC_F("dedicatedMarkWorkersNeeded"),
	[NG_C_IDLEWORKERS]	= GCC_F("idleMarkWorkers"),
	[NG_P_ID]		= GS_NEED_F("runtime.p", "id"),
	[NG_P_WBUF1]		= GS_NEED_F("runtime.p", "gcw.wbuf1"),
	[NG_P_WBUF2]		= GS_NEED_F("runtime.p", "gcw.wbuf2"),
	[NG_P_BYTESMARKED]	= GS_NEED_F("runtime.p", "gcw.bytesMarked"),
	[NG_P_HEAPSCANWORK]	= GS_NEED_F("runtime.p", "gcw.heapScanWork"),
	[NG_P_FLUSHED]		= GS_NEED_F("runtime.p", "gcw.flushedWork"),
	/* Green Tea's local span ring (go1.26+; an experiment before) */
	[NG_P_SPANQ_HEAD]	= GS_NEED_F_OPT("runtime.p", "gcw.spanq.head"),
	[NG_P_SPANQ_TAIL]	= GS_NEED_F_OPT("runtime.p", "gcw.spanq.tail"),
	[NG_WB]			= GS_NEED_S("runtime.workbuf"),
	/* the lfnode is the header's first field: the list link */
	[NG_WB_NEXT]		= GS_NEED_F("runtime.workbuf", "workbufhdr.node.next"),
	[NG_WB_NOBJ]		= GS_NEED_F("runtime.workbuf", "workbufhdr.nobj"),
	[NG_WB_OBJ]		= GS_NEED_F("runtime.workbuf", "obj"),
	[NG_SPAN_NEXT]		= GS_NEED_F("runtime.mspan", "next"),
	[NG_SPAN_START]		= GS_NEED_F("runtime.mspan", "startAddr"),
	[NG_SPAN_NPAGES]	= GS_NEED_F("runtime.mspan", "npages"),
	[NG_SPAN_STATE]		= GS_NEED_F_ALT("runtime.mspan", "state", "state.s"),
	/* the lfstack's packing: tagBits (go1.21+) or cntBits before */
	[NG_ADDRBITS]		= GS_NEED_C("runtime.addrBits"),
	[NG_TAGBITS]		= GS_NEED_C_ALT("runtime.tagBits", "runtime.cntBits"),
	[NG_WORKBUFSIZE]	= GS_NEED_C("runtime._WorkbufSize"),
	[NG_PAGESIZE]		= GS_NEED_C_ALT("runtime.pageSize", "runtime._PageSize"),
	/* phases where the binary has them, else go1.19-1.27's 0, 1, 2 */
	[NG_GCOFF]		= GS_NEED_C_OPT("runtime._GCoff"),
	[NG_GCMARK]		= GS_NEED_C_OPT("runtime._GCmark"),
	[NG_GCMARKTERM]		= GS_NEED_C_OPT("runtime._GCmarktermination"),
};

const struct gs_needs gs_gc_needs = { "gc", g_needs, NG_N };

/* Each scalar of the cycle: its need, the global it is a field of. */
static const struct {
	const char	*key;
	enum ng_need	need;
	enum ng_need	base;		/* NG_N: need is itself the global */
	bool		is_signed;
} values[GC_V_NR] = {
	[GC_V_PHASE_RAW]	= { "phase_raw", NG_GCPHASE, NG_N, false },
	[GC_V_CYCLES]		= { "cycles", NG_W_CYCLES, NG_WORK, false },
	[GC_V_NUMGC]		= { "numgc", NG_MS_NUMGC, NG_MEMSTATS, false },
	[GC_V_NPROC]		= { "nproc", NG_W_NPROC, NG_WORK, false },
	[GC_V_NWAIT]		= { "nwait", NG_W_NWAIT, NG_WORK, false },
	[GC_V_MARKROOT_NEXT]	= { "markroot_next", NG_W_MRNEXT, NG_WORK, false },
	[GC_V_MARKROOT_JOBS]	= { "markroot_jobs", NG_W_MRJOBS, NG_WORK, false },
	[GC_V_BYTES_MARKED]	= { "bytes_marked", NG_W_BYTESMARKED, NG_WORK, false },
	[GC_V_HEAP_GOAL]	= { "gc_percent_heap_goal", NG_C_HEAPGOAL, NG_GCCONTROLLER, false },
	[GC_V_TRIGGERED]	= { "triggered", NG_C_TRIGGERED, NG_GCCONTROLLER, false },
	[GC_V_HEAP_LIVE]	= { "heap_live", NG_C_HEAPLIVE, NG_GCCONTROLLER, false },
	[GC_V_HEAP_MARKED]	= { "heap_marked", NG_C_HEAPMARKED, NG_GCCONTROLLER, false },
	[GC_V_HEAP_SCAN_WORK]	= { "heap_scan_work", NG_C_HEAPSCANWORK, NG_GCCONTROLLER, true },
	[GC_V_STACK_SCAN_WORK]	= { "stack_scan_work", NG_C_STACKSCANWORK, NG_GCCONTROLLER, true },
	[GC_V_GLOBALS_SCAN_WORK] = { "globals_scan_work", NG_C_GLOBALSSCANWORK, NG_GCCONTROLLER, true },
	[GC_V_BG_SCAN_CREDIT]	= { "bg_scan_credit", NG_C_BGSCANCREDIT, NG_GCCONTROLLER, true },
	[GC_V_ASSIST_TIME]	= { "assist_time_ns", NG_C_ASSISTTIME, NG_GCCONTROLLER, true },
	[GC_V_DEDICATED_MARK_TIME] = { "dedicated_mark_time_ns", NG_C_DEDTIME, NG_GCCONTROLLER, true },
	[GC_V_FRACTIONAL_MARK_TIME] = { "fractional_mark_time_ns", NG_C_FRACTIME, NG_GCCONTROLLER, true },
	[GC_V_IDLE_MARK_TIME]	= { "idle_mark_time_ns", NG_C_IDLETIME, NG_GCCONTROLLER, true },
	[GC_V_DEDICATED_WORKERS_NEEDED] = { "dedicated_workers_needed", NG_C_DEDNEEDED, NG_GCCONTROLLER, true },
	[GC_V_IDLE_MARK_WORKERS] = { "idle_mark_workers", NG_C_IDLEWORKERS, NG_GCCONTROLLER, false },
	[GC_V_IDLE_MARK_WORKERS_MAX] = { "idle_mark_workers_max", NG_C_IDLEWORKERS, NG_GCCONTROLLER, false },
};

/* The types whose fields the table names, per global. */
static const struct { enum ng_need g; const char *type; } global_types[] = {
	{ NG_WORK, "runtime.workType" },
	{ NG_MEMSTATS, "runtime.mstats" },
	{ NG_GCCONTROLLER, "runtime.gcControllerState" },
};

const char *gs_gc_value_key(enum gs_gc_value_id i)
{
	return i < GC_V_NR ? values[i].key : "?";
}

const char *gs_gc_value_from(enum gs_gc_value_id i)
{
	static char buf[GC_V_NR][96];
	enum ng_need n, b;

	if (i >= GC_V_NR)
		return "?";
	n = values[i].need;
	b = values[i].base;
	if (b == NG_N)
		return g_needs[n].name;
	if (!buf[i][0])
		snprintf(buf[i], sizeof(buf[i]), "%s.%s", g_needs[b].name, g_needs[n].name);
	return buf[i];
}

/* ---- decoding state ------------------------------------------------- */

/* Addresses seen (never 0), open addressing: a walk's cycle check. */
struct addr_set {
	uint64_t	*v;
	size_t		cap, n;
};

struct dec {
	struct gs_snapctx	*c;
	const struct goheap	*h;
	struct gs_gc		*g;
	struct gs_need_ans	a[NG_N];
	bool			global_ok[NG_N];	/* the global's type fits */
	unsigned		tag_bits, align_bits;
	bool			lf_ok;
	uint64_t		wb_next, wb_nobj, wb_obj;
	bool			wb_ok;
	struct addr_set		wbufs;	/* every workbuf reached, for duplicates */
};

#define problem gs_gc_problem

static bool have(const struct dec *d, enum ng_need i)
{
	return d->a[i].ok;
}

static uint64_t val(const struct dec *d, enum ng_need i)
{
	return d->a[i].value;
}

/*
 * Read the field of need f of the struct at base (the answer's size). A
 * never-populated page of the runtime's data reads as zeros, as the
 * process would read it (memstats.numgc before the first cycle ends).
 */
static bool rd_field(const struct dec *d, uint64_t base, enum ng_need f,
		     uint64_t *out)
{
	const struct gs_need_ans *a = &d->a[f];

	if (!a->ok || !a->size || a->size > 8)
		return false;
	return gs_mem_uint_zfill(d->c->mem, base + a->value, a->size, out);
}

/* Has each global the type whose fields are read through it? */
static void check_globals(struct dec *d)
{
	size_t i;

	for (i = 0; i < NG_N; i++)
		d->global_ok[i] = d->a[i].ok;
	for (i = 0; i < sizeof(global_types) / sizeof(global_types[0]); i++) {
		const struct gs_need_ans *a = &d->a[global_types[i].g];

		if (a->ok && a->type[0] && strcmp(a->type, global_types[i].type)) {
			problem(d->g, "%s is a %s, not the %s this decoder reads",
				g_needs[global_types[i].g].name, a->type,
				global_types[i].type);
			d->global_ok[global_types[i].g] = false;
		}
	}
}

static void read_value(struct dec *d, enum gs_gc_value_id i)
{
	struct gs_gc_value *v = &d->g->val[i];
	enum ng_need n = values[i].need, b = values[i].base;
	const struct gs_need_ans *a = &d->a[n];
	uint64_t base = 0, raw;

	v->is_signed = values[i].is_signed;
	if (!a->ok) {
		snprintf(v->why, sizeof(v->why), "no layout source knows %s",
			 gs_gc_value_from(i));
		return;
	}
	if (b != NG_N) {
		if (!d->global_ok[b]) {
			snprintf(v->why, sizeof(v->why), "%s's address or type is unknown",
				 g_needs[b].name);
			return;
		}
		base = val(d, b);
		if (!rd_field(d, base, n, &raw)) {
			snprintf(v->why, sizeof(v->why), "%s is not in the snapshot",
				 gs_gc_value_from(i));
			return;
		}
	} else if (!gs_mem_uint_zfill(d->c->mem, a->value, 4, &raw)) {
		/* gcphase is a uint32 (go1.19-1.27) */
		snprintf(v->why, sizeof(v->why), "%s is not in the snapshot",
			 gs_gc_value_from(i));
		return;
	}
	if (i == GC_V_IDLE_MARK_WORKERS)
		raw &= 0xffffffffu;	/* n in the low half, max in the high */
	else if (i == GC_V_IDLE_MARK_WORKERS_MAX)
		raw >>= 32;
	v->ok = true;
	v->raw = raw;
	if (v->is_signed && a->size == 4)
		v->v = (int32_t)raw;
	else
		v->v = (int64_t)raw;
}

static const char *phase_name(const struct dec *d, uint64_t raw)
{
	/* go1.19-1.27: _GCoff 0, _GCmark 1, _GCmarktermination 2 */
	uint64_t off = have(d, NG_GCOFF) ? val(d, NG_GCOFF) : 0;
	uint64_t mark = have(d, NG_GCMARK) ? val(d, NG_GCMARK) : 1;
	uint64_t term = have(d, NG_GCMARKTERM) ? val(d, NG_GCMARKTERM) : 2;

	if (raw == off)
		return "off";
	if (raw == mark)
		return "mark";
	if (raw == term)
		return "mark termination";
	return "?";
}

/* ---- the visited set ------------------------------------------------ */

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Add addr to set; *dup says it was there. false if out of memory. */
static bool set_add(struct addr_set *set, uint64_t addr, bool *dup)
{
	size_t i, mask;

	*dup = false;
	if (2 * (set->n + 1) > set->cap) {
		size_t ncap = set->cap ? 2 * set->cap : 1024, j;
		uint64_t *n = calloc(ncap, sizeof(*n));

		if (!n)
			return false;
		for (j = 0; j < set->cap; j++) {
			uint64_t x = set->v[j];

			if (!x)
				continue;
			for (i = hash64(x) & (ncap - 1); n[i]; i = (i + 1) & (ncap - 1))
				;
			n[i] = x;
		}
		free(set->v);
		set->v = n;
		set->cap = ncap;
	}
	mask = set->cap - 1;
	for (i = hash64(addr) & mask; set->v[i]; i = (i + 1) & mask) {
		if (set->v[i] == addr) {
			*dup = true;
			return true;
		}
	}
	set->v[i] = addr;
	set->n++;
	return true;
}

/* ---- workbuf spans -------------------------------------------------- */

static void walk_spans(struct dec *d, enum ng_need head, struct gs_gc_spans *out)
{
	uint64_t ps = d->g->page_size, s, next;
	struct addr_set seen = { 0 };
	size_t cap = 0;

	out->stop = NULL;
	if (!d->global_ok[NG_WORK] || !have(d, head) || !have(d, NG_SPAN_NEXT) ||
	    !have(d, NG_SPAN_START) || !have(d, NG_SPAN_NPAGES) || !ps) {
		out->stop = "the layout lacks runtime.work, mspan.next, startAddr or npages";
		return;
	}
	if (!gs_mem_uint_zfill(d->c->mem, val(d, NG_WORK) + val(d, head), 8, &s)) {
		out->stop = "runtime.work is not in the snapshot";
		return;
	}
	out->ok = true;
	for (; s; s = next) {
		struct gs_wbuf_span *w;
		uint64_t state = 0;
		bool dup;

		if (out->n >= GS_GC_MAX_SPANS) {
			out->stop = "more spans than the decoder follows";
			break;
		}
		if (!set_add(&seen, s, &dup) || dup) {
			out->stop = dup ? "the list runs in a cycle" : "out of memory";
			break;
		}
		if (out->n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct gs_wbuf_span *n = realloc(out->v, ncap * sizeof(*n));

			if (!n) {
				out->stop = "out of memory";
				break;
			}
			out->v = n;
			cap = ncap;
		}
		w = &out->v[out->n];
		memset(w, 0, sizeof(*w));
		w->mspan = s;
		if (!rd_field(d, s, NG_SPAN_START, &w->base) ||
		    !rd_field(d, s, NG_SPAN_NPAGES, &w->npages) ||
		    !rd_field(d, s, NG_SPAN_NEXT, &next)) {
			out->stop = "an mspan is not in the snapshot";
			break;
		}
		if (rd_field(d, s, NG_SPAN_STATE, &state))
			w->state = (uint8_t)state;
		if (w->npages && w->npages <= (1ull << 30) / ps)
			gh_res_range(&d->c->snap, w->base, w->base + w->npages * ps, &w->res);
		out->n++;
	}
	free(seen.v);
}

static int cmp_span_base(const void *a, const void *b)
{
	const struct gs_wbuf_span *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* The busy span holding [addr, addr + len), or NULL. Busy is sorted. */
static const struct gs_wbuf_span *busy_span_of(const struct gs_gc *g,
					       const struct gs_wbuf_span *sorted,
					       uint64_t addr, uint64_t len)
{
	size_t lo = 0, hi = g->busy.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gs_wbuf_span *s = &sorted[mid];

		if (addr < s->base)
			hi = mid;
		else if (addr - s->base >= s->npages * g->page_size)
			lo = mid + 1;
		else
			return len <= s->npages * g->page_size - (addr - s->base) ? s : NULL;
	}
	return NULL;
}

/* Is p inside an in-use span of the decoded heap (spans sorted by base)? */
static bool in_heap_object(const struct goheap *h, uint64_t p)
{
	size_t lo = 0, hi = h->nr_spans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gh_span *s = &h->spans[mid];

		if (p < s->base)
			hi = mid;
		else if (p - s->base >= s->npages * h->page_size)
			lo = mid + 1;
		else
			return s->state == h->state_inuse;
	}
	return false;
}

/* ---- workbufs ------------------------------------------------------- */

/* Fill w for the workbuf at addr: nobj, where it lies, its pointers. */
static void examine_wbuf(struct dec *d, const struct gs_wbuf_span *sorted,
			 uint64_t addr, struct gs_wbuf *w)
{
	struct gs_gc *g = d->g;
	const struct gs_wbuf_span *s;
	uint64_t nobj, i, p;

	memset(w, 0, sizeof(*w));
	w->addr = addr;
	w->nobj = -1;
	if (!set_add(&d->wbufs, addr, &w->duplicate))
		problem(g, "out of memory while checking for duplicate workbufs");
	if (w->duplicate)
		g->duplicates++;
	else
		g->workbufs++;
	s = g->busy.ok ? busy_span_of(g, sorted, addr, g->wbuf_size) : NULL;
	w->in_busy_span = s != NULL;
	w->aligned = s && g->wbuf_size && (addr - s->base) % g->wbuf_size == 0;
	if (g->busy.ok && !g->busy.stop && !w->in_busy_span)
		g->outside_busy++;
	if (s && !w->aligned)
		g->misaligned++;
	if (!gs_mem_u64(d->c->mem, addr + d->wb_nobj, &nobj))
		return;
	w->nobj = (int64_t)nobj;
	if (nobj > g->wbuf_cap) {
		g->bad_nobj++;
		return;
	}
	for (i = 0; d->h && g->heap_joined && i < nobj; i++) {
		if (!gs_mem_u64(d->c->mem, addr + d->wb_obj + 8 * i, &p) ||
		    !in_heap_object(d->h, p))
			w->outside_heap++;
	}
	g->objects_outside_heap += w->outside_heap;
}

/* The lfstack word's node: the pointer bits, sign-extended (amd64). */
static uint64_t lf_unpack(const struct dec *d, uint64_t v)
{
	return (uint64_t)((int64_t)v >> d->tag_bits) << d->align_bits;
}

static void walk_list(struct dec *d, const struct gs_wbuf_span *sorted,
		      enum ng_need head, struct gs_gc_list *l)
{
	uint64_t node, next;
	size_t cap = 0;

	if (!d->global_ok[NG_WORK] || !have(d, head) || !d->lf_ok || !d->wb_ok) {
		l->stop = "the layout lacks runtime.work, the lfstack packing or runtime.workbuf";
		return;
	}
	if (!gs_mem_uint_zfill(d->c->mem, val(d, NG_WORK) + val(d, head), 8, &l->head)) {
		l->stop = "runtime.work is not in the snapshot";
		return;
	}
	l->ok = true;
	for (next = l->head; next; ) {
		struct gs_wbuf *w;

		node = lf_unpack(d, next);
		if (l->n >= GS_GC_MAX_WBUFS) {
			l->stop = "more workbufs than the decoder follows";
			return;
		}
		if (l->n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct gs_wbuf *n = realloc(l->v, ncap * sizeof(*n));

			if (!n) {
				l->stop = "out of memory";
				return;
			}
			l->v = n;
			cap = ncap;
		}
		w = &l->v[l->n];
		examine_wbuf(d, sorted, node, w);
		l->n++;
		if (w->duplicate) {
			l->stop = "a workbuf reached twice: the list runs in a cycle or shares a node";
			return;
		}
		if (w->nobj >= 0 && (uint64_t)w->nobj <= d->g->wbuf_cap)
			l->objects += (uint64_t)w->nobj;
		if (!gs_mem_u64(d->c->mem, node + d->wb_next, &next)) {
			l->stop = "a workbuf is not in the snapshot";
			return;
		}
	}
}

static void read_p_value(struct dec *d, uint64_t pp, enum ng_need f,
			 bool is_signed, struct gs_gc_value *v)
{
	uint64_t raw;

	v->is_signed = is_signed;
	if (!have(d, f)) {
		snprintf(v->why, sizeof(v->why), "no layout source knows runtime.p.%s",
			 g_needs[f].name);
		return;
	}
	if (!rd_field(d, pp, f, &raw)) {
		snprintf(v->why, sizeof(v->why), "runtime.p.%s is not in the snapshot",
			 g_needs[f].name);
		return;
	}
	v->ok = true;
	v->raw = raw;
	v->v = (int64_t)raw;
}

static void decode_ps(struct dec *d, const struct gs_wbuf_span *sorted)
{
	struct gs_gc *g = d->g;
	uint64_t hdr[2], i;

	if (!have(d, NG_ALLP) || !have(d, NG_P_WBUF1) || !have(d, NG_P_WBUF2) ||
	    !d->wb_ok) {
		problem(g, "the Ps' gcWork: the layout lacks runtime.allp, p.gcw or runtime.workbuf");
		return;
	}
	if (!gs_mem_read(d->c->mem, val(d, NG_ALLP), hdr, sizeof(hdr)) ||
	    hdr[1] > GS_GC_MAX_PS) {
		problem(g, "runtime.allp is not in the snapshot or is implausible");
		return;
	}
	g->ps = calloc(hdr[1] ? hdr[1] : 1, sizeof(*g->ps));
	if (!g->ps)
		return;
	g->ps_ok = true;
	for (i = 0; i < hdr[1]; i++) {
		struct gs_gc_p *p = &g->ps[g->nps];
		uint64_t pp, wb, head, tail;
		int k;

		if (!gs_mem_u64(d->c->mem, hdr[0] + 8 * i, &pp) || !pp)
			continue;
		p->p = pp;
		p->in_mask = -1;
		p->id = gs_mem_field_i32(d->c->mem, pp, gs_need_off(&d->a[NG_P_ID]));
		for (k = 0; k < 2; k++) {
			if (!rd_field(d, pp, k ? NG_P_WBUF2 : NG_P_WBUF1, &wb)) {
				problem(g, "P %" PRId64 ": its gcWork is not in the snapshot", p->id);
				break;
			}
			if (!wb)
				continue;
			examine_wbuf(d, sorted, wb, &p->wbuf[k]);
			if (p->wbuf[k].nobj >= 0 && (uint64_t)p->wbuf[k].nobj <= g->wbuf_cap &&
			    !p->wbuf[k].duplicate)
				p->queued += (uint64_t)p->wbuf[k].nobj;
		}
		read_p_value(d, pp, NG_P_BYTESMARKED, false, &p->bytes_marked);
		read_p_value(d, pp, NG_P_HEAPSCANWORK, true, &p->heap_scan_work);
		read_p_value(d, pp, NG_P_FLUSHED, false, &p->flushed);
		if (rd_field(d, pp, NG_P_SPANQ_HEAD, &head) &&
		    rd_field(d, pp, NG_P_SPANQ_TAIL, &tail)) {
			p->spanq_ok = true;
			p->spanq_len = (uint32_t)(tail - head);
		}
		g->spans_queued += p->spanq_len;
		g->queued_ps += p->queued;
		g->nps++;
	}
}

/* The constants every walk depends on. */
static void read_constants(struct dec *d)
{
	struct gs_gc *g = d->g;
	uint64_t ab, tb;

	g->page_size = have(d, NG_PAGESIZE) ? val(d, NG_PAGESIZE) : 0;
	if (g->page_size & (g->page_size - 1) || g->page_size > (1u << 20)) {
		problem(g, "implausible runtime page size %" PRIu64, g->page_size);
		g->page_size = 0;
	}
	if (have(d, NG_ADDRBITS) && have(d, NG_TAGBITS)) {
		ab = val(d, NG_ADDRBITS);
		tb = val(d, NG_TAGBITS);
		/* tagBits = 64 - addrBits + alignment bits (3; 9 from go1.25) */
		if (ab > 32 && ab <= 64 && tb < 64 && tb >= 64 - ab &&
		    tb - (64 - ab) < 16) {
			d->tag_bits = (unsigned)tb;
			d->align_bits = (unsigned)(tb - (64 - ab));
			d->lf_ok = true;
		} else {
			problem(g, "lfstack packing addrBits %" PRIu64 " tagBits %" PRIu64
				" is not one this decoder knows", ab, tb);
		}
	}
	if (have(d, NG_WB) && have(d, NG_WB_NEXT) && have(d, NG_WB_NOBJ) &&
	    have(d, NG_WB_OBJ) && val(d, NG_WB) > val(d, NG_WB_OBJ) &&
	    val(d, NG_WB) <= (1u << 20)) {
		g->wbuf_size = val(d, NG_WB);
		g->wbuf_cap = (g->wbuf_size - val(d, NG_WB_OBJ)) / 8;
		d->wb_next = val(d, NG_WB_NEXT);
		d->wb_nobj = val(d, NG_WB_NOBJ);
		d->wb_obj = val(d, NG_WB_OBJ);
		g->wbuf_nobj_off = d->wb_nobj;
		g->wbuf_obj_off = d->wb_obj;
		d->wb_ok = true;
		if (have(d, NG_WORKBUFSIZE) && val(d, NG_WORKBUFSIZE) != g->wbuf_size)
			problem(g, "runtime.workbuf is %" PRIu64 " bytes, _WorkbufSize %" PRIu64,
				g->wbuf_size, val(d, NG_WORKBUFSIZE));
	}
}

bool gs_gc_decoded_anything(const struct gs_gc *g)
{
	size_t i;

	for (i = 0; i < GC_V_NR; i++)
		if (g->val[i].ok)
			return true;
	return g->full.ok || g->empty.ok || g->nps || g->busy.ok;
}

int gs_gc_decode(struct gs_snapctx *c, const struct goheap *h, struct gs_gc *g)
{
	struct gs_wbuf_span *sorted = NULL;
	struct dec d;
	size_t i;

	memset(g, 0, sizeof(*g));
	memset(&d, 0, sizeof(d));
	d.c = c;
	d.g = g;
	d.h = h;
	g->phase = "?";
	if (!c->layout) {
		problem(g, "no layout source");
		return 0;
	}
	gs_needs_resolve(c->layout, &gs_gc_needs, d.a);
	check_globals(&d);
	read_constants(&d);
	for (i = 0; i < GC_V_NR; i++)
		read_value(&d, (enum gs_gc_value_id)i);
	if (g->val[GC_V_PHASE_RAW].ok)
		g->phase = phase_name(&d, g->val[GC_V_PHASE_RAW].raw);
	walk_spans(&d, NG_W_BUSY, &g->busy);
	walk_spans(&d, NG_W_FREE, &g->free);
	if (g->busy.n) {
		sorted = malloc(g->busy.n * sizeof(*sorted));
		if (!sorted)
			return -1;
		memcpy(sorted, g->busy.v, g->busy.n * sizeof(*sorted));
		qsort(sorted, g->busy.n, sizeof(*sorted), cmp_span_base);
	}
	g->heap_joined = h && h->nr_spans && h->page_size;
	walk_list(&d, sorted, NG_W_FULL, &g->full);
	walk_list(&d, sorted, NG_W_EMPTY, &g->empty);
	decode_ps(&d, sorted);
	if (gs_gc_spanq_decode(c, g)) {
		free(sorted);
		free(d.wbufs.v);
		return -1;
	}
	g->queued_global = g->full.objects;
	g->queued = g->queued_global + g->queued_ps;
	for (i = 0; i < g->empty.n; i++)
		if (g->empty.v[i].nobj != 0)
			problem(g, "work.empty holds a workbuf with %" PRId64 " objects",
				g->empty.v[i].nobj);
	if (g->bad_nobj)
		problem(g, "%" PRIu64 " workbufs have nobj above their capacity %" PRIu64,
			g->bad_nobj, g->wbuf_cap);
	free(sorted);
	free(d.wbufs.v);
	return 0;
}

size_t gs_gc_wbuf_objects(struct gs_snapctx *c, const struct gs_gc *g,
			  uint64_t addr, uint64_t *out, size_t max)
{
	uint64_t nobj, i;

	if (!g->wbuf_cap || !gs_mem_u64(c->mem, addr + g->wbuf_nobj_off, &nobj) ||
	    nobj > g->wbuf_cap)
		return 0;
	for (i = 0; i < nobj && i < max; i++)
		if (!gs_mem_u64(c->mem, addr + g->wbuf_obj_off + 8 * i, &out[i]))
			break;
	return (size_t)i;
}

void gs_gc_free(struct gs_gc *g)
{
	size_t i;

	free(g->full.v);
	free(g->empty.v);
	free(g->ps);
	free(g->busy.v);
	free(g->free.v);
	free(g->spanq.v);
	for (i = 0; i < g->nr_problems; i++)
		free(g->problems[i]);
	memset(g, 0, sizeof(*g));
}
