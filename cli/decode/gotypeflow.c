// SPDX-License-Identifier: GPL-2.0
/*
 * The type flow of gotypeflow.h: seed the objects whose header names a
 * type DWARF knows, walk every typed global and frame variable, then
 * every object typed, a queue of them, until none is left. A value is
 * walked through its DWARF type (exe/dwtypes.h), reading each word
 * where the value lies: one place for an object or a global, a frame's
 * pieces for a variable.
 */
#include "base/wordstack.h"
#include "decode/gotypeflow.h"
#include "decode/gograph_needs.h"
#include "decode/goroutines.h"
#include "decode/threadwalk.h"
#include "exe/exe.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GTF_MAX_PROBLEMS	32
#define GTF_MAX_DEPTH		64	/* values inside values */
#define GTF_SLOT_BITS		20	/* GO_MAX_NELEMS = 1 << 20 */
#define GTF_WINDOW		(64 * 1024)	/* bytes of one value read at once */

struct tf {
	struct gs_snapctx	*c;
	const struct gg_spanset	*set;
	struct gotypeflow	*f;
	struct dwtypes		*dt;
	struct gs_need_ans	a[GN_N];
	bool			headers;
	uint64_t		header_min, header_size;
	struct gs_wordstack	queue;		/* span << 20 | slot */
	uint64_t		*win;		/* GTF_WINDOW bytes of the value walked */
	struct gg_span		*last;		/* the span the last pointer hit */
	/* the snapshot record the last object was in: [rec_lo, rec_hi) */
	const uint8_t		*rec;
	uint64_t		rec_lo, rec_hi;
	struct tcache		*tc;		/* per type, by index */
	size_t			tc_cap;
	bool			oom;
};

/*
 * What walking a value of one type needs, kept per type so that ten
 * million objects of it cost a loop each: its leaves (dwtypes.h), copied
 * once into memory of their own (NULL: walk it part by part).
 */
struct tleaf {
	uint64_t	off;
	uint64_t	itab;		/* IFACE: itab's type word */
	uint32_t	type;
	uint32_t	elem;		/* PTR, SLICE, STRING: what it points to */
	enum dwt_kind	kind;
};

struct tcache {
	bool		ready;
	bool		hasptr;		/* a leaf to follow (false: none, even if DWARF says) */
	bool		ptrdata;
	uint64_t	size;
	size_t		n;
	struct tleaf	*lv;
};

/*
 * Where a value's bytes are: pieces [lo, hi) of it at addr, or away. A
 * value in one place (an object, a global) is read a window at a time:
 * [wlo, wlo + wlen) of it is in win.
 */
struct vsrc {
	const uint8_t	*direct;	/* the value in place, direct_len bytes */
	uint64_t	direct_len;
	uint64_t	*win;		/* NULL: word by word */
	uint64_t	wlo, wlen;
	size_t		n;
	struct {
		uint64_t	lo, hi, addr;
		bool		mem;
	} p[DWT_MAX_PIECES];
};

static const struct tcache *tcache(struct tf *d, uint32_t ty);
static void walk(struct tf *d, struct vsrc *vs, uint64_t off, uint32_t ty,
		 int depth);
static void walk_parts(struct tf *d, struct vsrc *vs, uint64_t off, uint32_t ty,
		       int depth);

/*
 * A value of len bytes at addr (in place at bytes when not NULL), else
 * read through d's window. Only the first piece is set: the others are
 * never looked at (n is 1).
 */
static void at_addr(struct tf *d, struct vsrc *v, uint64_t addr, uint64_t len,
		    const uint8_t *bytes)
{
	v->direct = bytes;
	v->direct_len = bytes ? len : 0;
	v->win = d->win;
	v->wlo = v->wlen = 0;
	v->n = 1;
	v->p[0].lo = 0;
	v->p[0].hi = len;
	v->p[0].addr = addr;
	v->p[0].mem = true;
}

/* How far the value's bytes go: its one place's length, or its last piece's end. */
static uint64_t value_len(const struct vsrc *vs)
{
	uint64_t end = 0;
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (vs->p[i].hi > end)
			end = vs->p[i].hi;
	return end;
}

/* The word at offset off of the value; false if it is not in memory. */
static bool word(const struct tf *d, struct vsrc *vs, uint64_t off, uint64_t *w)
{
	size_t i;

	if (off + 8 <= vs->direct_len) {
		memcpy(w, vs->direct + off, 8);
		return true;
	}
	if (vs->win && off % 8 == 0 && off + 8 <= vs->p[0].hi) {
		if (off < vs->wlo || off + 8 > vs->wlo + vs->wlen) {
			uint64_t len = vs->p[0].hi - off;

			vs->wlo = off;
			vs->wlen = len < GTF_WINDOW ? len & ~7ULL : GTF_WINDOW;
			if (!gs_mem_read(d->c->mem, vs->p[0].addr + off, vs->win, vs->wlen))
				vs->wlen = 0;	/* part of it is away: word by word */
		}
		if (off + 8 <= vs->wlo + vs->wlen) {
			*w = vs->win[(off - vs->wlo) / 8];
			return true;
		}
	}
	for (i = 0; i < vs->n; i++)
		if (vs->p[i].lo <= off && off + 8 <= vs->p[i].hi)
			return vs->p[i].mem &&
			       gs_mem_u64(d->c->mem, vs->p[i].addr + (off - vs->p[i].lo), w);
	return false;
}

/* ---- typing one object --------------------------------------------- */

static bool has_header(const struct tf *d, const struct gg_span *s)
{
	return go_slot_has_header(d->headers, d->header_min, s->sl.size, s->sl.noscan,
				  s->sl.large);
}

static void push(struct tf *d, uint64_t v)
{
	if (!gs_wordstack_push(&d->queue, v))
		d->oom = true;
}

/*
 * A pointer p of type *ty: type the object it points to the start of,
 * once, as one ty (exact) or as many as fit; refused when ty's pointer
 * words and the object's (scan or noscan) disagree, or ty does not fit.
 * It is queued when ty has pointers the flow follows.
 */
static void point(struct tf *d, uint64_t p, uint32_t ty, bool exact)
{
	struct gotypeflow *f = d->f;
	const struct tcache *t;
	struct gg_span *s;
	uint64_t i, base, room;
	size_t gi;

	if (!p || ty == DWT_NONE)
		return;
	s = d->last;	/* pointers walked in a row mostly share a span */
	if (!s || p < s->sp->base || p - s->sp->base >= s->sl.nelems * s->sl.size) {
		s = gg_spanset_find(d->set, p);
		if (!s)
			return;
		d->last = s;
	}
	i = gg_slot_of(s, p);
	if (!go_slot_allocated(s->alloc, i))
		return;
	base = s->sp->base + i * s->sl.size;
	room = s->sl.size;
	if (has_header(d, s)) {
		base += d->header_size;
		room -= d->header_size;
	}
	if (p != base) {
		f->interior++;
		return;
	}
	gi = (size_t)(s - d->set->spans);
	if (!f->ty[gi]) {
		f->ty[gi] = calloc(s->sl.nelems, sizeof(**f->ty));
		if (!f->ty[gi]) {
			d->oom = true;
			return;
		}
	}
	if (f->ty[gi][i])
		return;
	t = tcache(d, ty);
	if (!t)
		return;
	if (!t->size || t->size > room || t->ptrdata == s->sl.noscan) {
		f->refused++;
		return;
	}
	f->ty[gi][i] = ty | (exact ? GTF_EXACT : 0);
	f->objects++;
	f->bytes += s->sl.size;
	if (t->hasptr)
		push(d, (uint64_t)gi << GTF_SLOT_BITS | i);
}

/* ---- walking a value ------------------------------------------------ */

/* Whether a value of t is held in an interface's data word itself. */
static bool direct(const struct dwt *t)
{
	if (t->kind == DWT_PTR || t->kind == DWT_UNSAFE || (t->ptrdata && t->kind == DWT_OTHER))
		return true;	/* pointers, maps, channels, funcs */
	return (t->kind == DWT_STRUCT || t->kind == DWT_ARRAY) && t->size == 8 && t->ptrdata;
}

/* An interface's data word at off, its dynamic type's descriptor at rt. */
static void dynamic(struct tf *d, struct vsrc *vs, uint64_t off, uint64_t rt,
		    int depth)
{
	uint64_t base = d->f->types_base, p;
	uint32_t ty;
	struct dwt t;

	ty = rt >= base ? dwt_of_rtype(d->dt, rt - base) : DWT_NONE;
	if (ty == DWT_NONE) {
		d->f->unknown_dyn++;
		return;
	}
	t = *dwt_get(d->dt, ty);
	if (direct(&t))
		walk(d, vs, off, ty, depth + 1);
	else if (word(d, vs, off, &p))
		point(d, p, ty, true);
}

/*
 * A swiss map (go1.24+): while dirLen is 0, dirPtr points to the one
 * group, not to a directory of tables. False: walk it as declared.
 */
static bool swiss_small(struct tf *d, struct vsrc *vs, uint64_t off, uint32_t ty)
{
	const struct dwt_field *dp = dwt_field_named(d->dt, ty, "dirPtr");
	const struct dwt_field *dl = dwt_field_named(d->dt, ty, "dirLen");
	const struct dwt_field *gr, *data;
	uint64_t len, p, dp_off;
	uint32_t tab, group;

	if (!dp || !dl || !word(d, vs, off + dl->off, &len) || len)
		return false;
	dp_off = dp->off;
	/* dirPtr: **table<K,V>; table.groups.data: *group. Building types
	 * may move the field table: no field pointer is kept across it. */
	tab = dwt_elem(d->dt, dwt_elem(d->dt, dp->type));
	gr = tab ? dwt_field_named(d->dt, tab, "groups") : NULL;
	data = gr ? dwt_field_named(d->dt, gr->type, "data") : NULL;
	group = data ? dwt_elem(d->dt, data->type) : DWT_NONE;
	if (group != DWT_NONE && word(d, vs, off + dp_off, &p))
		point(d, p, group, true);
	return true;	/* nothing else to follow in it */
}

/* A value's fields (a struct) or elements (an array), one by one. */
static void walk_parts(struct tf *d, struct vsrc *vs, uint64_t off, uint32_t ty,
		       int depth)
{
	struct dwt t = *dwt_get(d->dt, ty);
	uint64_t k, esize;
	uint32_t i;

	if (t.kind == DWT_STRUCT) {
		for (i = 0; i < t.nfields && !d->oom; i++) {
			struct dwt_field fl = *dwt_field(d->dt, ty, i);

			walk(d, vs, off + fl.off, fl.type, depth + 1);
		}
	} else if (t.kind == DWT_ARRAY) {
		uint64_t end = value_len(vs);

		esize = dwt_get(d->dt, t.elem)->size;
		/* no further than the value's bytes: a type may claim more */
		for (k = 0; esize && k < t.count && !d->oom && off + k * esize < end; k++)
			walk(d, vs, off + k * esize, t.elem, depth + 1);
	}
}

/* One leaf (dwtypes.h): a pointer, slice, string, interface or swiss map. */
static void leaf(struct tf *d, struct vsrc *vs, uint64_t off, const struct tleaf *l,
		 int depth)
{
	uint64_t w, rt;

	switch (l->kind) {
	case DWT_PTR:
	case DWT_SLICE:
	case DWT_STRING:
		if (word(d, vs, off, &w) && w)
			point(d, w, l->elem, false);
		break;
	case DWT_EFACE:
		if (word(d, vs, off, &rt) && rt)
			dynamic(d, vs, off + 8, rt, depth);
		break;
	case DWT_IFACE:
		if (word(d, vs, off, &w) && w && gs_mem_u64(d->c->mem, w + l->itab, &rt) && rt)
			dynamic(d, vs, off + 8, rt, depth);
		break;
	case DWT_STRUCT:
		if (!swiss_small(d, vs, off, l->type))
			walk_parts(d, vs, off, l->type, depth);
		break;
	default:
		break;
	}
}

/* ty's entry of the type cache, filled on first use; NULL when out of memory. */
static const struct tcache *tcache(struct tf *d, uint32_t ty)
{
	struct tcache *c;
	const struct dwt_leaf *lv;
	const struct dwt *t;
	struct tleaf *x;
	size_t n = 0, i;

	if (ty >= d->tc_cap) {
		size_t cap = d->tc_cap ? d->tc_cap : 256;
		struct tcache *v;

		while (cap <= ty)
			cap *= 2;
		v = realloc(d->tc, cap * sizeof(*v));
		if (!v) {
			d->oom = true;
			return NULL;
		}
		memset(v + d->tc_cap, 0, (cap - d->tc_cap) * sizeof(*v));
		d->tc = v;
		d->tc_cap = cap;
	}
	c = &d->tc[ty];
	if (c->ready)
		return c;
	t = dwt_get(d->dt, ty);
	c->hasptr = t->hasptr;
	c->ptrdata = t->ptrdata;
	c->size = t->size;
	lv = c->hasptr ? dwt_leaves(d->dt, ty, &n) : NULL;
	if (lv && n) {
		x = calloc(n, sizeof(*x));
		if (!x) {
			d->oom = true;
			return NULL;
		}
		for (i = 0; i < n; i++) {
			x[i].off = lv[i].off;
			x[i].type = lv[i].type;
		}
		/* the element types are built now: lv may move, c may too */
		for (i = 0; i < n; i++) {
			t = dwt_get(d->dt, x[i].type);
			x[i].kind = t->kind;
			x[i].itab = t->itab_type;
			if (x[i].kind == DWT_PTR || x[i].kind == DWT_SLICE ||
			    x[i].kind == DWT_STRING)
				x[i].elem = dwt_elem(d->dt, x[i].type);
		}
		c = &d->tc[ty];
		c->lv = x;
		c->n = n;
	} else if (lv) {
		c->hasptr = false;	/* nothing in it to follow */
	}
	c->ready = true;
	return c;
}

/*
 * A value of type ty at offset off of vs: through its leaves when they
 * fit a list (the common case: one loop), else part by part.
 */
static void walk(struct tf *d, struct vsrc *vs, uint64_t off, uint32_t ty,
		 int depth)
{
	const struct tcache *c = tcache(d, ty);
	const struct tleaf *lv;
	size_t n, i;

	if (!c || !c->hasptr || depth > GTF_MAX_DEPTH || d->oom)
		return;
	/* leaf() may grow the cache: keep what is needed, not c */
	lv = c->lv;
	n = c->n;
	if (!lv) {
		walk_parts(d, vs, off, ty, depth);
		return;
	}
	for (i = 0; i < n && !d->oom; i++)
		leaf(d, vs, off + lv[i].off, &lv[i], depth + 1);
}

/*
 * The len bytes at addr in place, when one snapshot record holds them:
 * the record the last object was in first (a full capture keeps one a
 * page, and objects come by the span); NULL otherwise.
 */
static const uint8_t *in_place(struct tf *d, uint64_t addr, uint64_t len)
{
	uint64_t lo, n;
	const uint8_t *r;

	if (!d->rec || addr < d->rec_lo || addr >= d->rec_hi) {
		r = gs_mem_record_at(d->c->mem, addr, &lo, &n);
		if (!r)
			return NULL;
		d->rec = r;
		d->rec_lo = lo;
		d->rec_hi = lo + n;
	}
	if (len > d->rec_hi - addr)
		return NULL;
	return d->rec + (addr - d->rec_lo);
}

/* Walk every object typed so far, and what they type, until none is left. */
static void drain(struct tf *d)
{
	while (d->queue.n && !d->oom) {
		uint64_t v = gs_wordstack_pop(&d->queue);
		size_t gi = v >> GTF_SLOT_BITS;
		const struct gg_span *s = &d->set->spans[gi];
		uint64_t i = v & ((1ULL << GTF_SLOT_BITS) - 1);
		uint32_t st = d->f->ty[gi][i];
		uint32_t ty = st & ~GTF_EXACT;
		uint64_t off = i * s->sl.size, room = s->sl.size, size, k, n;
		const struct tcache *c = tcache(d, ty);
		const struct tleaf *lv;
		struct vsrc vs;
		size_t nl, j;

		if (!c || !c->hasptr)
			continue;
		if (has_header(d, s)) {
			off += d->header_size;
			room -= d->header_size;
		}
		size = c->size;
		lv = c->lv;	/* c may move as leaves build types: keep these */
		nl = c->n;
		/* most objects hold one of their type: no division then */
		n = st & GTF_EXACT || 2 * size > room ? 1 : room / size;
		at_addr(d, &vs, s->sp->base + off, n * size,
			in_place(d, s->sp->base + off, n * size));
		/* the leaves of every element, in one loop: an array of ten
		 * million pointers costs ten million leaves, not walks */
		for (k = 0; k < n && !d->oom; k++) {
			if (!lv)
				walk_parts(d, &vs, k * size, ty, 0);
			for (j = 0; lv && j < nl; j++)
				leaf(d, &vs, k * size + lv[j].off, &lv[j], 1);
		}
	}
}

/* ---- the typed values --------------------------------------------- */

/* Objects whose header or largeType names a type DWARF has. */
static void seed_headers(struct tf *d)
{
	int64_t lt = gs_need_off(&d->a[GN_MSPAN_LARGETYPE]);
	const struct gg_spanset *set = d->set;
	size_t gi;

	for (gi = 0; gi < set->nr_spans && !d->oom; gi++) {
		const struct gg_span *s = &set->spans[gi];
		uint64_t i, rt, before = d->f->objects;

		if (s->sl.noscan)
			continue;
		if (s->sl.large && lt >= 0 && go_slot_allocated(s->alloc, 0) &&
		    gs_mem_u64(d->c->mem, s->sp->mspan + (uint64_t)lt, &rt) && rt &&
		    rt >= d->f->types_base)
			point(d, s->sp->base, dwt_of_rtype(d->dt, rt - d->f->types_base), false);
		for (i = 0; has_header(d, s) && i < s->sl.nelems && !d->oom; i++) {
			uint64_t base = s->sp->base + i * s->sl.size;

			if (go_slot_allocated(s->alloc, i) && gs_mem_u64(d->c->mem, base, &rt) &&
			    rt >= d->f->types_base)
				point(d, base + d->header_size,
				      dwt_of_rtype(d->dt, rt - d->f->types_base), false);
		}
		d->f->seeded += d->f->objects - before;
	}
	drain(d);
}

/*
 * The data and bss sections (moduledata's bounds), where every global
 * with pointers lies: [sec[k][0], sec[k][1]).
 */
static void pointer_sections(struct tf *d, uint64_t sec[2][2])
{
	static const enum gg_need lo[] = { GN_MD_DATA, GN_MD_BSS };
	static const enum gg_need hi[] = { GN_MD_EDATA, GN_MD_EBSS };
	uint64_t md = d->a[GN_MODULEDATA].value;
	size_t k;

	for (k = 0; k < 2; k++) {
		sec[k][0] = gs_mem_field_u64(d->c->mem, md, gs_need_off(&d->a[lo[k]]));
		sec[k][1] = gs_mem_field_u64(d->c->mem, md, gs_need_off(&d->a[hi[k]]));
	}
}

/*
 * How many bytes of a global at addr the flow may read: up to the end of
 * the section of sec holding it; 0 outside both. A type claiming more (a
 * crafted executable) is cut there.
 */
static uint64_t global_room(uint64_t sec[2][2], uint64_t addr)
{
	size_t k;

	for (k = 0; k < 2; k++)
		if (sec[k][0] <= addr && addr < sec[k][1])
			return sec[k][1] - addr;
	return 0;
}

static void globals(struct tf *d)
{
	uint64_t size, room, addr, sec[2][2];
	size_t n, i;
	const struct dwt_global *gl = dwt_globals(d->dt, &n);

	pointer_sections(d, sec);
	for (i = 0; i < n && !d->oom; i++) {
		uint32_t ty = dwt_of_die(d->dt, gl[i].type_die);
		struct vsrc vs;

		if (ty == DWT_NONE || !dwt_get(d->dt, ty)->hasptr)
			continue;
		addr = gl[i].addr + d->c->bias;
		room = global_room(sec, addr);
		if (!room)
			continue;	/* in no section that holds pointers */
		d->f->globals++;
		size = dwt_get(d->dt, ty)->size;
		if (size > room)
			size = room;
		at_addr(d, &vs, addr, size, in_place(d, addr, size));
		walk(d, &vs, 0, ty, 0);
		drain(d);
	}
}

struct frame_ctx {
	struct tf	*d;
	uint64_t	cfa;
};

static void frame_var(void *ctx, const struct dwt_var *v)
{
	const struct frame_ctx *fc = ctx;
	struct vsrc vs = { .n = v->npieces };
	size_t i;

	for (i = 0; i < v->npieces; i++) {
		vs.p[i].lo = v->p[i].lo;
		vs.p[i].hi = v->p[i].hi;
		vs.p[i].mem = v->p[i].in_frame;
		vs.p[i].addr = fc->cfa + (uint64_t)v->p[i].cfa_off;
		if (!v->p[i].in_frame)
			fc->d->f->pieces_away++;
	}
	fc->d->f->vars++;
	walk(fc->d, &vs, 0, v->type, 0);
}

static void goroutine(struct tf *d, const struct gs_goroutine *x)
{
	const struct gs_unwind *u = &x->unwind;
	bool first = true;
	size_t j;

	for (j = 0; x->unwound && j < u->nframes && !d->oom; j++) {
		const struct gs_frame *f = &u->frames[j];
		struct frame_ctx fc = { d, f->fp };
		uint64_t pc;

		if (f->inlined || f->native || f->sp < x->stack_lo || f->fp > x->stack_hi)
			continue;
		/* a live thread's innermost frame is at its pc, the rest at a call */
		pc = first && x->thread_tid ? f->pc : f->pc - 1;
		first = false;
		if (dwt_frame_vars(d->dt, pc - d->c->bias, frame_var, &fc) > 0)
			d->f->frames++;
		drain(d);
	}
}

static void frames(struct tf *d)
{
	struct gs_thread_walks tw = { 0 };
	struct gs_goroutines gr = { 0 };
	size_t i;

	if (!d->c->st) {
		gs_problem(&d->f->problems, "no function table: frame variables not typed");
		return;
	}
	if (gs_thread_walks_decode(d->c, 0, &tw) || gs_goroutines_decode(d->c, 0, &tw, &gr)) {
		d->oom = true;
		goto out;
	}
	if (!gr.n)
		gs_problem(&d->f->problems, "no goroutine decoded: frame variables not typed");
	for (i = 0; i < gr.n && !d->oom; i++) {
		uint32_t st = gr.gs[i].status & ~GS_G_SCAN;

		if (st != GS_G_DEAD && st != GS_G_IDLE)
			goroutine(d, &gr.gs[i]);
	}
out:
	gs_goroutines_free(&gr);
	gs_thread_walks_free(&tw);
}

/* ---- the whole ------------------------------------------------------ */

/* The flow's preconditions; false with f->why when it cannot run. */
static bool ready(struct tf *d)
{
	struct gotypeflow *f = d->f;
	char err[PATH_MAX + 256];
	Dwarf *dw;

	if (!d->c->x) {
		snprintf(f->why, sizeof(f->why), "no executable");
		return false;
	}
	dw = gs_exe_dwarf(d->c->x, err, sizeof(err));
	if (!dw) {
		snprintf(f->why, sizeof(f->why), "no DWARF (stripped?): only headers' types");
		return false;
	}
	if (!d->a[GN_MODULEDATA].ok || !d->a[GN_MD_TYPES].ok ||
	    !gs_mem_u64(d->c->mem, d->a[GN_MODULEDATA].value + d->a[GN_MD_TYPES].value,
			&f->types_base)) {
		snprintf(f->why, sizeof(f->why), "moduledata.types unreadable: DWARF's "
			 "runtime types cannot be placed");
		return false;
	}
	f->dt = dwtypes_open(dw, err, sizeof(err));
	if (!f->dt) {
		snprintf(f->why, sizeof(f->why), "DWARF: %.300s", err);
		return false;
	}
	d->dt = f->dt;
	if (d->a[GN_HEADER_MIN].ok && d->a[GN_HEADER_SIZE].ok) {
		d->headers = true;
		d->header_min = d->a[GN_HEADER_MIN].value;
		d->header_size = d->a[GN_HEADER_SIZE].value;
	}
	return true;
}

static void tf_free(struct tf *d)
{
	size_t i;

	for (i = 0; i < d->tc_cap; i++)
		free(d->tc[i].lv);
	free(d->tc);
	gs_wordstack_free(&d->queue);
	free(d->win);
}

struct gotypeflow *gotypeflow_run(struct gs_snapctx *c, const struct gg_spanset *set)
{
	struct gotypeflow *f = calloc(1, sizeof(*f));
	struct tf d = { .c = c, .set = set, .f = f };

	if (!f)
		return NULL;
	f->set = set;
	f->problems.max = GTF_MAX_PROBLEMS;
	f->ty = calloc(set->nr_spans ? set->nr_spans : 1, sizeof(*f->ty));
	if (!f->ty)
		goto oom;
	gs_needs_resolve(c->layout, &gs_graph_needs, d.a);
	if (!ready(&d))
		return f;
	d.win = malloc(GTF_WINDOW);
	if (!d.win)
		goto oom;
	f->ran = true;
	seed_headers(&d);
	globals(&d);
	frames(&d);
	if (d.oom)
		goto oom;
	tf_free(&d);
	return f;
oom:
	tf_free(&d);
	gotypeflow_free(f);
	return NULL;
}

void gotypeflow_free(struct gotypeflow *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; f->ty && i < f->set->nr_spans; i++)
		free(f->ty[i]);
	free(f->ty);
	dwtypes_close(f->dt);
	gs_problems_free(&f->problems);
	free(f);
}

uint32_t gotypeflow_slot(const struct gotypeflow *f, size_t gi, uint64_t i, bool *exact)
{
	uint32_t v;

	if (!f || !f->ran || gi >= f->set->nr_spans || !f->ty[gi])
		return DWT_NONE;
	v = f->ty[gi][i];
	*exact = v & GTF_EXACT;
	return v & ~GTF_EXACT;
}
