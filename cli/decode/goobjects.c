// SPDX-License-Identifier: GPL-2.0
/*
 * The object enumerator of goobjects.h: for each in-use span the heap
 * decoder found, its allocated slots (mspan.isFree's rule: below
 * freeindex, or set in allocBits), each typed by its allocation header or
 * its span's largeType where the release has them, tallied with the bytes
 * of it on present OS pages. Every offset and constant comes from the
 * needs table (goobjects_needs.c), every byte through gs_mem.
 */
#include "decode/goobjects.h"
#include "decode/goobjects_needs.h"
#include "decode/goobjects_tally.h"
#include "decode/gospan.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GO_MAX_PROBLEMS	64

struct odec {
	const struct gs_snapshot *snap;
	const struct gs_mem	*mem;
	struct gs_layout	*l;
	const struct goheap	*h;
	const struct gotypeflow	*flow;
	struct goobjects	*o;
	struct go_tally		*t;
	struct gs_need_ans	a[NO_N];
	bool			have_bits;	/* allocBits and freeindex */
	uint8_t			*bits;		/* one span's allocBits */
	uint8_t			*res;		/* its OS pages: 1 = present */
	size_t			bits_cap, res_cap;
};

/* A span's slot: what the decoder knows of the object in it. */
struct oslot {
	uint64_t	addr, size;
	uint8_t		sizeclass;
	bool		noscan, large;
	uint64_t	large_type;	/* the span's largeType, or 0 */
	int64_t		gi;		/* the flow's span (graph index), or -1 */
	uint64_t	slot;
	/* per slot, read once: what decides its group */
	bool		hdr_ok;		/* hdr read (an object with a header) */
	uint64_t	hdr;		/* its header word */
	uint32_t	flow;		/* the flow's type | GTF_EXACT, or 0 */
};

const char *go_typesrc_name(enum go_typesrc s)
{
	static const char *const names[GO_NR_TYPESRC] = {
		[GO_TY_HEADER]		= "header",
		[GO_TY_LARGETYPE]	= "largetype",
		[GO_TY_DWARF]		= "dwarf",
		[GO_UNTY_NOSCAN]	= "noscan",
		[GO_UNTY_SPANBITS]	= "span-bits",
		[GO_UNTY_BITMAP]	= "heap-bitmap",
		[GO_UNTY_NOLAYOUT]	= "layout-unknown",
		[GO_UNTY_NOMEM]		= "not-in-snapshot",
		[GO_UNTY_EMPTY]		= "nil-type",
		[GO_UNTY_BADTYPE]	= "not-a-type",
	};

	return (unsigned)s < GO_NR_TYPESRC ? names[s] : "?";
}

static bool grow_buf(uint8_t **buf, size_t *cap, size_t n)
{
	uint8_t *b;

	if (n <= *cap)
		return true;
	b = realloc(*buf, n);
	if (!b)
		return false;
	*buf = b;
	*cap = n;
	return true;
}

/* ---- what the release keeps of types -------------------------------- */

static void decode_headers(struct odec *d)
{
	struct goobjects *o = d->o;

	d->have_bits = d->a[NO_MSPAN].ok && d->a[NO_MSPAN_ALLOCBITS].ok &&
		       d->a[NO_MSPAN_FREEINDEX].ok &&
		       d->a[NO_MSPAN_ALLOCBITS].size == 8 &&
		       d->a[NO_MSPAN_FREEINDEX].size <= 8;
	if (d->a[NO_HEADER_MIN].ok && d->a[NO_HEADER_SIZE].ok) {
		o->headers = true;
		o->header_min = d->a[NO_HEADER_MIN].value;
		o->header_size = d->a[NO_HEADER_SIZE].value;
		if (o->header_size != 8 || !d->a[NO_MSPAN_LARGETYPE].ok) {
			gs_problem(&o->problems, "allocation headers of %" PRIu64
				   " bytes%s: objects left untyped", o->header_size,
				   d->a[NO_MSPAN_LARGETYPE].ok ? "" : ", no mspan.largeType");
			o->headers = false;
			o->header_size = 0;
		}
	} else if (d->a[NO_MSPAN_LARGETYPE].ok) {
		/* go1.22+ by its mspan, yet the constants are missing */
		gs_problem(&o->problems, "mspan.largeType exists but minSizeForMallocHeader "
			   "or mallocHeaderSize is unavailable: objects left untyped");
	}
}

/* Why an object that carries no type has none. */
static enum go_typesrc untyped_why(const struct odec *d, const struct oslot *s)
{
	if (s->noscan)
		return GO_UNTY_NOSCAN;
	if (d->o->headers)
		return GO_UNTY_SPANBITS;
	return d->a[NO_MSPAN_LARGETYPE].ok ? GO_UNTY_NOLAYOUT : GO_UNTY_BITMAP;
}

/* Whether every object of the span falls in one group: no header to read. */
static bool one_group(const struct odec *d, const struct oslot *s)
{
	return !go_slot_has_header(d->o->headers, d->o->header_min, s->size, s->noscan,
				   s->large);
}

/* The type the flow gave the object in slot s, if any, into k. */
static void flow_type(const struct odec *d, const struct oslot *s, struct go_group *k)
{
	const struct gotypeflow *f = d->flow;
	uint32_t ty = s->flow & ~GTF_EXACT;	/* read_slot() read it */
	bool exact = s->flow & GTF_EXACT;
	uint64_t room = s->size;
	const struct dwt *t;

	if (ty == DWT_NONE)
		return;
	t = dwt_get(f->dt, ty);
	if (!one_group(d, s))
		room -= d->o->header_size;	/* the flow typed what follows it */
	k->src = GO_TY_DWARF;
	k->type = t->rtype_off ? f->types_base + t->rtype_off : 0;
	k->dwarf_die = t->die;
	k->type_size = t->size;
	k->array = !exact && room / t->size >= 2;
	snprintf(k->name, sizeof(k->name), "%s", t->name);
	k->sizeclass = 0;
	k->noscan = false;
	k->elemsize = 0;
}

/*
 * The group of the object in slot s: typed from its header or its span's
 * largeType when it has one, else the untyped group of its shape.
 */
static struct go_group *group_of(struct odec *d, const struct oslot *s)
{
	struct go_group k = { .sizeclass = s->sizeclass, .noscan = s->noscan,
			      .elemsize = s->size };
	const struct goobjects *o = d->o;
	uint64_t type = 0, room = s->size;
	const struct go_type *ty;

	k.src = untyped_why(d, s);
	if (o->headers && !s->noscan && s->large) {
		type = s->large_type;
		k.src = GO_TY_LARGETYPE;
	} else if (o->headers && !s->noscan && s->size > o->header_min) {
		k.src = GO_TY_HEADER;
		room -= o->header_size;
		type = s->hdr;
		if (!s->hdr_ok)
			k.src = GO_UNTY_NOMEM;
	}
	if (go_typesrc_typed(k.src) && !type)
		k.src = GO_UNTY_EMPTY;
	if (go_typesrc_typed(k.src)) {
		ty = go_tally_type(d->t, d->l, type);
		if (!ty)
			return NULL;
		if (!ty->ok || !ty->size || ty->size > room) {
			k.src = GO_UNTY_BADTYPE;
		} else {
			k.type = type;
			k.type_size = ty->size;
			k.array = room / ty->size >= 2;
			memcpy(k.name, ty->name, sizeof(k.name));
			k.sizeclass = 0;
			k.noscan = false;
			k.elemsize = 0;
		}
	}
	if (!go_typesrc_typed(k.src) && s->gi >= 0)
		flow_type(d, s, &k);
	return go_tally_group(d->t, &k);
}

/* ---- one span --------------------------------------------------------- */

/*
 * The span's OS pages, present or not, into d->res; *all is 1 when every
 * page is present, 0 when none is, -1 when they differ. False when out of
 * memory.
 */
static bool span_residency(struct odec *d, uint64_t base, uint64_t bytes,
			   int *all)
{
	uint64_t ps = d->h->os_page, n = bytes / ps, i;
	struct gh_res whole = { 0 };

	if (!grow_buf(&d->res, &d->res_cap, n))
		return false;
	gh_res_range(d->snap, base, base + bytes, &whole);
	if (whole.resident == 0 || whole.resident == n) {
		*all = whole.resident ? 1 : 0;
		memset(d->res, *all, n);
		return true;
	}
	*all = -1;
	for (i = 0; i < n; i++) {
		struct gh_res r = { 0 };

		gh_res_range(d->snap, base + i * ps, base + (i + 1) * ps, &r);
		d->res[i] = r.resident != 0;
	}
	return true;
}

/* Bytes of [off, off + len) of the span on present OS pages. */
static uint64_t resident_bytes(const struct odec *d, uint64_t off, uint64_t len)
{
	uint64_t ps = d->h->os_page, end = off + len, sum = 0;

	while (off < end) {
		uint64_t pend = (off / ps + 1) * ps;
		uint64_t take = (pend < end ? pend : end) - off;

		if (d->res[off / ps])
			sum += take;
		off += take;
	}
	return sum;
}

static void skip_span(struct odec *d, const struct gh_span *sp)
{
	struct goobjects *o = d->o;

	o->spans_skipped++;
	o->skipped_objects += sp->alloc_count;
	o->skipped_bytes += sp->alloc_count * sp->elemsize;
}

/* Count one object into g (NULL: none, said at the end) and the totals. */
static void tally(struct odec *d, struct go_group *g, uint64_t size, uint64_t res)
{
	struct goobjects *o = d->o;

	o->objects++;
	o->bytes += size;
	o->resident += res;
	if (!g)
		return;
	g->objects++;
	g->bytes += size;
	g->resident += res;
	if (go_typesrc_typed(g->src)) {
		o->typed_objects++;
		o->typed_bytes += size;
	}
}


/* What decides the group of the object in slot s: its header, the flow. */
static void read_slot(const struct odec *d, struct oslot *s)
{
	bool exact = false;

	s->hdr = 0;
	s->hdr_ok = !one_group(d, s) && gs_mem_u64(d->mem, s->addr, &s->hdr);
	s->flow = s->gi >= 0 ? gotypeflow_slot(d->flow, (size_t)s->gi, s->slot, &exact) : 0;
	if (s->flow && exact)
		s->flow |= GTF_EXACT;
}

static void enumerate_span(struct odec *d, const struct gh_span *sp)
{
	struct goobjects *o = d->o;
	struct go_allocbits_at at = { &d->a[NO_MSPAN_ALLOCBITS], &d->a[NO_MSPAN_FREEINDEX] };
	uint64_t i, count = 0;
	struct go_group *g = NULL;
	const uint8_t *bits;
	struct go_slots sl;
	struct oslot s = { 0 };
	int64_t gi;
	bool shared;
	int all;

	o->alloc_count_objects += sp->alloc_count;
	o->alloc_count_bytes += sp->alloc_count * sp->elemsize;
	if (!go_span_slots(d->h, sp, &sl, &o->problems)) {
		skip_span(d, sp);
		return;
	}
	gi = d->flow && d->flow->set->of_heap_span ? d->flow->set->of_heap_span[sp - d->h->spans] : -1;
	if (gi >= 0) {
		/* the graph read the same bits by the same rule: take them */
		bits = d->flow->set->spans[gi].alloc;
	} else if (!grow_buf(&d->bits, &d->bits_cap, (sl.nelems + 7) / 8)) {
		gs_problem(&o->problems, "out of memory for span 0x%" PRIx64, sp->base);
		skip_span(d, sp);
		return;
	} else if (!go_span_allocated(d->mem, &at, sp, sl.nelems, d->bits, &o->problems)) {
		skip_span(d, sp);
		return;
	} else {
		bits = d->bits;
	}
	s.sizeclass = sl.sizeclass;
	s.noscan = sl.noscan;
	s.large = sl.large;
	s.size = sl.size;
	if (s.large && o->headers && !s.noscan &&
	    !gs_mem_uint(d->mem, sp->mspan + d->a[NO_MSPAN_LARGETYPE].value, 8,
			 &s.large_type))
		s.large_type = 0;	/* the mspan was read: cannot happen */
	if (!span_residency(d, sp->base, sl.bytes, &all)) {
		gs_problem(&o->problems, "out of memory for span 0x%" PRIx64, sp->base);
		skip_span(d, sp);
		return;
	}
	o->spans++;
	s.addr = sp->base;
	s.gi = d->flow && d->flow->ran ? gi : -1;
	if (s.gi >= 0 && !d->flow->ty[s.gi])
		s.gi = -1;	/* nothing in it typed by the flow */
	shared = one_group(d, &s) && s.gi < 0;
	if (shared)
		g = group_of(d, &s);	/* once for the span */
	for (i = 0; i < sl.nelems; i++) {
		uint64_t r, hdr = s.hdr;
		uint32_t flow = s.flow;
		bool hdr_ok = s.hdr_ok;

		if (!go_slot_allocated(bits, i))
			continue;
		s.addr = sp->base + i * s.size;
		s.slot = i;
		if (!shared) {
			/* a group is looked up only when what decides it changes:
			 * a span's objects mostly share it */
			read_slot(d, &s);
			if (!g || s.hdr != hdr || s.hdr_ok != hdr_ok || s.flow != flow)
				g = group_of(d, &s);
		}
		r = all >= 0 ? all * s.size : resident_bytes(d, i * s.size, s.size);
		tally(d, g, s.size, r);
		count++;
	}
	if (count != sp->alloc_count && o->spans_mismatch++ < 8)
		gs_problem(&o->problems, "span 0x%" PRIx64 ": %" PRIu64 " objects allocated "
			   "by its bits, allocCount %" PRIu64, sp->base, count,
			   sp->alloc_count);
}

struct goobjects *goobjects_decode(const struct gs_snapshot *snap,
				   const struct gs_mem *mem,
				   struct gs_layout *layout,
				   const struct goheap *h,
				   const struct gotypeflow *flow)
{
	struct goobjects *o = calloc(1, sizeof(*o));
	struct odec d = { .snap = snap, .mem = mem, .l = layout, .h = h, .o = o,
			  .flow = flow };
	uint64_t grouped = 0;
	size_t i;

	if (!o)
		return NULL;
	o->problems.max = GO_MAX_PROBLEMS;
	o->flow = flow;
	d.t = go_tally_new();
	if (!d.t) {
		free(o);
		return NULL;
	}
	gs_needs_resolve(layout, &gs_objects_needs, d.a);
	decode_headers(&d);
	if (!d.have_bits)
		gs_problem(&o->problems, "mspan.allocBits or mspan.freeindex unavailable: "
			   "no object enumerated");
	else if (!h->os_page || h->page_size % h->os_page)
		gs_problem(&o->problems, "runtime page %" PRIu64 " is no multiple of the "
			   "OS page %" PRIu64, h->page_size, h->os_page);
	else
		for (i = 0; i < h->nr_spans; i++)
			if (h->spans[i].state == h->state_inuse)
				enumerate_span(&d, &h->spans[i]);
	o->groups = go_tally_take(d.t, &o->nr_groups);
	for (i = 0; i < o->nr_groups; i++)
		grouped += o->groups[i].objects;
	if (grouped != o->objects)
		gs_problem(&o->problems, "%" PRIu64 " objects in no group (out of memory, "
			   "or more than %u groups)", o->objects - grouped, GO_MAX_GROUPS);
	if (o->spans_mismatch > 8)
		gs_problem(&o->problems, "%" PRIu64 " spans in all disagree with allocCount",
			   o->spans_mismatch);
	go_tally_free(d.t);
	free(d.bits);
	free(d.res);
	return o;
}

void goobjects_free(struct goobjects *o)
{
	if (!o)
		return;
	gs_problems_free(&o->problems);
	free(o->groups);
	free(o);
}

bool goobjects_decoded_anything(const struct goobjects *o)
{
	return o->spans > 0;
}
