// SPDX-License-Identifier: GPL-2.0
/*
 * The object graph of gograph.h: the allocated objects of every in-use
 * span, marked from the data and bss sections (the runtime's own pointer
 * bitmaps of them), every goroutine's stack (its frames' stack maps,
 * gostackmap.h) and the captured threads' registers, then through each
 * reached object's pointer words (goptrs.h), until no
 * object is left to scan. Every object is queued at most once, so the
 * walk ends on any snapshot, cycles and hostile pointers included.
 */
#include "base/wordstack.h"
#include "decode/gograph.h"
#include "decode/gograph_needs.h"
#include "decode/goroutines.h"
#include "decode/gostackmap.h"
#include "decode/gotypeflow.h"
#include "decode/threadwalk.h"
#include "exe/datasyms.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GG_MAX_PROBLEMS	64
#define GG_WINDOW	(64 * 1024)	/* bytes of a root or object read at once */
#define GG_MAX_SECTION	(1ULL << 32)	/* bytes of data or bss scanned */
#define GG_SLOT_BITS	20		/* GO_MAX_NELEMS = 1 << 20 */

/* A global the DWARF types, for naming a root word's field. */
struct gg_global {
	uint64_t	addr, size;
	uint32_t	type;
};

struct gg {
	struct gs_snapctx	*c;
	const struct goheap	*h;
	struct gograph		*g;
	struct go_ptrs		ptrs;
	struct gs_need_ans	a[GN_N];
	struct gs_wordstack	queue;		/* span << 20 | slot */
	uint64_t		*mask;		/* one object's pointer words */
	size_t			mask_words;
	uint64_t		*win;		/* GG_WINDOW bytes: objects */
	uint64_t		*rwin;		/* GG_WINDOW bytes: roots */
	bool			oom;
	/*
	 * Field paths (with the type flow): where the word being marked is,
	 * its selector named only when it reaches an object first
	 * (word_sel()): the holder's type is looked up once per object.
	 */
	const struct gotypeflow	*flow;
	uint32_t		cur_path;	/* its holder's path + 1; 0: a root */
	bool			cur_from_map;	/* its holder is a map's internals */
	bool			cur_in_obj;	/* in an object (cur_off), else a root (cur_addr) */
	uint64_t		cur_off;	/* the word's offset in its object */
	uint64_t		cur_addr;	/* a root word's address */
	uint32_t		obj_ty;		/* the holder's flow type, DWT_NONE: none */
	bool			obj_array;	/* ... as an array of it */
	uint64_t		obj_hdr;	/* bytes of allocation header before it */
	struct gg_global	*gl;		/* DWARF globals by address */
	size_t			nr_gl;
	/* The root being scanned: its entry made when it first reaches
	 * something (cur_ent 0: not yet). */
	struct gg_rootent	cur;
	uint32_t		cur_ent;
	uint64_t		cur_key;	/* which root cur is */
	size_t			ents_cap;
	uint32_t		more[GG_NR_ROOTS];	/* "(more roots)" entries */
	struct gs_datasyms	syms;
};

const char *gg_root_name(enum gg_root r)
{
	switch (r) {
	case GG_ROOT_DATA:	return "data";
	case GG_ROOT_BSS:	return "bss";
	case GG_ROOT_STACKS:	return "stacks";
	case GG_ROOT_REGS:	return "registers";
	case GG_NR_ROOTS:	break;
	}
	return "?";
}

/* ---- marking -------------------------------------------------------- */

static void push(struct gg *d, uint64_t v)
{
	if (!gs_wordstack_push(&d->queue, v))
		d->oom = true;
}

/*
 * The entry of the root being scanned, made on its first use; past
 * GG_MAX_ROOTENTS, one "(more roots)" entry of its kind. 0 when out of
 * memory.
 */
static uint32_t cur_entry(struct gg *d)
{
	struct gograph *g = d->g;
	enum gg_root r = d->cur.kind;

	if (d->cur_ent)
		return d->cur_ent;
	if (g->nr_rootents >= GG_MAX_ROOTENTS - GG_NR_ROOTS) {
		if (d->more[r])
			return d->cur_ent = d->more[r];
		snprintf(d->cur.name, sizeof(d->cur.name), "(more roots)");
		d->cur.addr = 0;
		d->cur.goid = -1;
	}
	if (g->nr_rootents == d->ents_cap) {
		size_t cap = d->ents_cap ? d->ents_cap * 2 : 256;
		struct gg_rootent *v = realloc(g->rootents, cap * sizeof(*v));

		if (!v) {
			d->oom = true;
			return 0;
		}
		g->rootents = v;
		d->ents_cap = cap;
	}
	g->rootents[g->nr_rootents] = d->cur;
	g->rootents[g->nr_rootents].objects = 0;
	g->rootents[g->nr_rootents].bytes = 0;
	d->cur_ent = (uint32_t)++g->nr_rootents;
	if (g->nr_rootents > GG_MAX_ROOTENTS - GG_NR_ROOTS)
		d->more[r] = d->cur_ent;
	return d->cur_ent;
}

/*
 * The selector of the word d->cur_* describes, into sel: in an object,
 * its field path in the holder's flow type ("[*]" first when the holder
 * is an array of it); in a global the DWARF types, its field path there
 * (main.iface's ".v"); none for a stack or register word.
 */
static void word_sel(const struct gg *d, char *sel, size_t len)
{
	const struct dwt *t;
	char f[GG_SEL_MAX];
	size_t lo = 0, hi = d->nr_gl;

	sel[0] = '\0';
	if (d->cur_in_obj) {
		if (d->obj_ty == DWT_NONE || d->cur_off < d->obj_hdr)
			return;
		t = dwt_get(d->flow->dt, d->obj_ty);
		dwt_field_path(d->flow->dt, d->obj_ty, (d->cur_off - d->obj_hdr) % t->size, f,
			       sizeof(f) - 3);
		snprintf(sel, len, "%s%.76s", d->obj_array ? "[*]" : "", f);
		return;
	}
	if (d->cur.kind != GG_ROOT_DATA && d->cur.kind != GG_ROOT_BSS)
		return;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->gl[mid].addr <= d->cur_addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && d->cur_addr - d->gl[lo - 1].addr < d->gl[lo - 1].size)
		dwt_field_path(d->flow->dt, d->gl[lo - 1].type, d->cur_addr - d->gl[lo - 1].addr,
			       sel, len);
}

/*
 * The path of the object in slot i of s, first reached from the word
 * d->cur_* describes: its holder's, when the object is one of a map's
 * internals (they fold into the map), the holder is as deep as paths go,
 * or the word has no selector; else the holder's with the word's selector
 * ("[*]" out of a map's internals).
 */
static uint32_t child_path(struct gg *d, const struct gg_span *s, uint64_t i, uint32_t e)
{
	struct gograph *g = d->g;
	uint32_t parent = d->cur_path, ty, p;
	char sel[GG_SEL_MAX];
	bool exact;

	ty = gotypeflow_slot(d->flow, (size_t)(s - g->set.spans), i, &exact);
	if (ty != DWT_NONE && gg_map_internal(dwt_get(d->flow->dt, ty)->name))
		return parent;
	if (parent && g->paths[parent - 1].depth >= g->max_depth)
		return parent;
	if (d->cur_from_map)
		snprintf(sel, sizeof(sel), "[*]");
	else
		word_sel(d, sel, sizeof(sel));
	if (!sel[0])
		return parent;
	p = gg_path_intern(g, parent, e, sel);
	return p ? p : parent;
}

/* A word that may point into the heap: mark its object for the current root. */
static void mark(struct gg *d, uint64_t p)
{
	struct gograph *g = d->g;
	enum gg_root r = d->cur.kind;
	struct gg_span *s;
	uint32_t e;
	uint64_t i;

	if (!p)
		return;
	s = gg_spanset_find(&g->set, p);
	if (!s)
		return;
	i = gg_slot_of(s, p);
	if (!go_slot_allocated(s->alloc, i)) {
		g->to_free++;
		return;
	}
	g->pointers++;
	if (s->root[i])
		return;
	e = cur_entry(d);
	if (!e)
		return;
	s->root[i] = e;
	if (s->path) {
		s->path[i] = child_path(d, s, i, e);
		if (s->path[i]) {
			g->paths[s->path[i] - 1].objects++;
			g->paths[s->path[i] - 1].bytes += s->sl.size;
		}
	}
	g->rootents[e - 1].objects++;
	g->rootents[e - 1].bytes += s->sl.size;
	g->reached_objects++;
	g->reached_bytes += s->sl.size;
	g->roots[r].objects++;
	g->roots[r].bytes += s->sl.size;
	if (!s->sl.noscan)
		push(d, (uint64_t)(s - g->set.spans) << GG_SLOT_BITS | i);
}

static bool grow_mask(struct gg *d, uint64_t words)
{
	uint64_t *m;

	if (words <= d->mask_words)
		return true;
	m = realloc(d->mask, words * sizeof(*m));
	if (!m)
		return false;
	d->mask = m;
	d->mask_words = words;
	return true;
}

/*
 * The object in slot i of s as the holder of the words about to be
 * marked: its path, and its flow type, once for all its words.
 */
static void object_holder(struct gg *d, const struct gg_span *s, uint64_t i)
{
	const struct dwt *t;
	bool exact = false;

	d->cur_in_obj = true;
	d->cur_path = s->path[i];
	d->cur_from_map = false;
	d->obj_hdr = go_slot_has_header(d->ptrs.header_size != 0, d->ptrs.header_min,
					s->sl.size, s->sl.noscan, s->sl.large) ?
		     d->ptrs.header_size : 0;
	d->obj_ty = gotypeflow_slot(d->flow, (size_t)(s - d->g->set.spans), i, &exact);
	if (d->obj_ty == DWT_NONE)
		return;
	t = dwt_get(d->flow->dt, d->obj_ty);
	d->cur_from_map = gg_map_internal(t->name);
	if (!t->size) {
		d->obj_ty = DWT_NONE;	/* no field to name */
		return;
	}
	d->obj_array = !exact && (s->sl.size - d->obj_hdr) / t->size >= 2;
}

/* Read the object's pointer words, a window at a time, and mark them. */
static void scan_object(struct gg *d, struct gg_span *s, uint64_t i)
{
	struct gograph *g = d->g;
	uint64_t addr = s->sp->base + i * s->sl.size, n = s->sl.size / 8;
	uint64_t per = GG_WINDOW / 8, w;
	enum go_ptrs_res res;

	if (!grow_mask(d, (n + 63) / 64)) {
		d->oom = true;
		return;
	}
	res = go_ptrs_object(&d->ptrs, s->sp, &s->sl, addr, d->mask);
	if (res != GP_OK) {
		g->unscanned[res]++;
		g->unscanned_bytes[res] += s->sl.size;
		return;
	}
	g->scanned++;
	if (s->path)
		object_holder(d, s, i);
	for (w = 0; w < n; w += per) {
		uint64_t take = n - w < per ? n - w : per, k, any = 0;

		for (k = w / 64; k < (w + take + 63) / 64; k++)
			any |= d->mask[k];
		if (!any)
			continue;
		if (!gs_mem_read_zfill(d->c->mem, addr + w * 8, d->win, take * 8)) {
			g->unscanned[GP_NOMEM]++;
			g->unscanned_bytes[GP_NOMEM] += s->sl.size;
			g->scanned--;
			return;
		}
		for (k = 0; k < take; k++)
			if (go_mask_test(d->mask, w + k)) {
				d->cur_off = (w + k) * 8;
				mark(d, d->win[k]);
			}
	}
}

/* Scan until nothing reached is left unscanned. */
static void drain(struct gg *d)
{
	while (d->queue.n && !d->oom) {
		uint64_t v = gs_wordstack_pop(&d->queue);

		scan_object(d, &d->g->set.spans[v >> GG_SLOT_BITS],
			    v & ((1ULL << GG_SLOT_BITS) - 1));
	}
}

/* A root word at addr is about to be marked: at its root's path. */
static void root_word(struct gg *d, uint64_t addr)
{
	d->cur_in_obj = false;
	d->cur_path = 0;
	d->cur_from_map = false;
	d->cur_addr = addr;
}

/* Names the root a word at addr belongs to into d->cur (when it changes). */
typedef void (*gg_namer)(struct gg *d, uint64_t addr, const void *ctx);

/*
 * Mark from the words of [lo, hi): those whose bit is set in bv (one bit
 * a word), or every word when bv is NULL (conservative), each word's
 * root named by name, everything it reaches drained before the next;
 * from hi down when down (a stack: outer frames first, so what a live
 * frame holds is charged to it before a stale copy in the dead words of
 * a deeper call is seen). False if the memory is not in the snapshot.
 */
static bool scan_range(struct gg *d, uint64_t lo, uint64_t hi, const uint8_t *bv,
		       gg_namer name, const void *ctx, bool down)
{
	uint64_t per = GG_WINDOW / 8, n = (hi - lo) / 8, done, k;

	for (done = 0; done < n && !d->oom; done += per) {
		uint64_t take = n - done < per ? n - done : per;
		uint64_t w = down ? n - done - take : done;

		if (!gs_mem_read_zfill(d->c->mem, lo + w * 8, d->rwin, take * 8))
			return false;
		for (k = 0; k < take; k++) {
			uint64_t i = down ? take - 1 - k : k, v = d->rwin[i];

			if (bv && !(bv[(w + i) / 8] >> ((w + i) % 8) & 1))
				continue;
			d->g->roots[d->cur.kind].words++;
			if (!v)
				continue;
			name(d, lo + (w + i) * 8, ctx);
			root_word(d, lo + (w + i) * 8);
			mark(d, v);
			drain(d);
		}
	}
	return true;
}

/* ---- the roots ------------------------------------------------------ */

static uint64_t md_u64(struct gg *d, uint64_t md, enum gg_need f)
{
	return gs_mem_field_u64(d->c->mem, md, gs_need_off(&d->a[f]));
}

/* Start naming a new root of kind r keyed by key, unless it is the current. */
static bool new_root(struct gg *d, enum gg_root r, uint64_t key)
{
	if (d->cur_ent && d->cur.kind == r && d->cur_key == key)
		return false;
	memset(&d->cur, 0, sizeof(d->cur));
	d->cur.kind = r;
	d->cur.goid = -1;
	d->cur_key = key;
	d->cur_ent = 0;
	return true;
}

/* A data or bss word: the global holding it, else its section offset. */
static void name_global(struct gg *d, uint64_t addr, const void *ctx)
{
	const struct gs_datasym *sym = gs_datasyms_find(&d->syms, addr - d->c->bias);
	const uint64_t *section = ctx;	/* its start */
	enum gg_root r = d->cur.kind;	/* set by root_section */

	if (sym) {
		if (new_root(d, r, sym->addr + d->c->bias)) {
			snprintf(d->cur.name, sizeof(d->cur.name), "%s", sym->name);
			d->cur.addr = sym->addr + d->c->bias;
		}
	} else if (new_root(d, r, addr)) {
		snprintf(d->cur.name, sizeof(d->cur.name), "%s+0x%" PRIx64,
			 gg_root_name(r), addr - *section);
		d->cur.addr = addr;
	}
}

/* data or bss: [lo, hi) through the bitvector at md + its field. */
static void root_section(struct gg *d, uint64_t md, enum gg_need flo, enum gg_need fhi,
			 enum gg_need fmask, enum gg_root r)
{
	struct gg_rootset *rs = &d->g->roots[r];
	uint64_t lo = md_u64(d, md, flo), hi = md_u64(d, md, fhi), bv, bytes;
	uint64_t section = lo;
	int64_t nbits;
	uint8_t *bits;

	new_root(d, r, 0);
	if (!d->a[fmask].ok || !d->a[GN_BV_N].ok || !d->a[GN_BV_BYTEDATA].ok) {
		snprintf(rs->why, sizeof(rs->why), "moduledata.%s unavailable",
			 gs_graph_needs.v[fmask].name);
		return;
	}
	bv = md + d->a[fmask].value;
	nbits = gs_mem_field_i32(d->c->mem, bv, gs_need_off(&d->a[GN_BV_N]));
	/* the runtime's mask covers the section's whole words (edata need
	 * not be aligned): the bytes after the last are not scanned */
	if (!lo || hi < lo || hi - lo > GG_MAX_SECTION || lo % 8 ||
	    nbits < 0 || (uint64_t)nbits != (hi - lo) / 8) {
		snprintf(rs->why, sizeof(rs->why), "moduledata gives [0x%" PRIx64 ", 0x%"
			 PRIx64 ") with a %" PRId64 "-bit mask: not one bit a word",
			 lo, hi, nbits);
		return;
	}
	bytes = ((uint64_t)nbits + 7) / 8;
	bits = malloc(bytes ? bytes : 1);
	if (!bits) {
		d->oom = true;
		return;
	}
	if (!gs_mem_read(d->c->mem, gs_mem_field_u64(d->c->mem, bv,
						    gs_need_off(&d->a[GN_BV_BYTEDATA])),
			 bits, bytes)) {
		snprintf(rs->why, sizeof(rs->why), "its pointer mask (moduledata.%s) is "
			 "not in the snapshot", gs_graph_needs.v[fmask].name);
	} else if (!scan_range(d, lo, lo + (uint64_t)nbits * 8, bits, name_global,
			       &section, false)) {
		snprintf(rs->why, sizeof(rs->why), "[0x%" PRIx64 ", 0x%" PRIx64
			 ") is not in the snapshot", lo, hi);
	} else {
		rs->scanned = true;
	}
	free(bits);
}

/*
 * A stack word: the goroutine's physical frame holding it, named by the
 * innermost function inlined at its PC ("main.owner in main.f.gowrap1").
 */
static void name_frame(struct gg *d, uint64_t addr, const void *ctx)
{
	const struct gs_goroutine *x = ctx;
	const struct gs_unwind *u = &x->unwind;
	size_t j, in = 0, at = SIZE_MAX;

	for (j = 0; x->unwound && j < u->nframes; j++) {
		const struct gs_frame *f = &u->frames[j];

		if (f->inlined)
			continue;
		if (!f->native && f->sp && addr >= f->sp && addr < f->fp) {
			at = j;
			break;
		}
		in = j + 1;	/* the next physical frame's inlined calls start here */
	}
	if (!new_root(d, GG_ROOT_STACKS, (uint64_t)x->goid << 20 |
		      (at == SIZE_MAX ? 0xfffff : at)))
		return;
	d->cur.goid = x->goid;
	if (at == SIZE_MAX) {
		snprintf(d->cur.name, sizeof(d->cur.name), "goroutine %" PRId64, x->goid);
		d->cur.addr = addr;
	} else if (in < at) {
		snprintf(d->cur.name, sizeof(d->cur.name), "goroutine %" PRId64 ": %s in %s",
			 x->goid, u->frames[in].func, u->frames[at].func);
		d->cur.addr = u->frames[at].sp;
	} else {
		snprintf(d->cur.name, sizeof(d->cur.name), "goroutine %" PRId64 ": %s",
			 x->goid, u->frames[at].func);
		d->cur.addr = u->frames[at].sp;
	}
}

/* Where g's live stack starts: its innermost known SP, else stack.lo. */
static uint64_t stack_sp(const struct gs_goroutine *gr)
{
	uint64_t lo = gr->stack_lo, hi = gr->stack_hi;

	if (gr->unwound && gr->unwind.nframes && gr->unwind.frames[0].sp >= lo &&
	    gr->unwind.frames[0].sp < hi)
		return gr->unwind.frames[0].sp;
	if ((gr->status & ~GS_G_SCAN) == GS_G_SYSCALL && gr->syscallsp >= lo &&
	    gr->syscallsp < hi)
		return gr->syscallsp;
	if (gr->sched_sp >= lo && gr->sched_sp < hi)
		return gr->sched_sp;
	return lo;
}

/* Words [lo, hi) of x's stack, within its bounds, by bits (NULL: all). */
static bool scan_stack_part(struct gg *d, const struct gs_goroutine *x, uint64_t lo,
			    uint64_t hi, const uint8_t *bits)
{
	if (lo < x->stack_lo || hi > x->stack_hi || hi <= lo || lo % 8)
		return hi <= lo;	/* not this goroutine's stack: not its root */
	return scan_range(d, lo, hi, bits, name_frame, x, true);
}

/*
 * One goroutine's stack, outermost frame first: each frame stopped at a
 * call by its stack maps (gostackmap.h), conservatively the frame a live
 * thread stopped anywhere (its innermost, with its arguments) and any
 * frame without readable maps; the whole stack conservatively when it
 * could not be unwound to its bottom.
 */
static bool scan_goroutine(struct gg *d, const struct gs_goroutine *x)
{
	const struct gs_unwind *u = &x->unwind;
	size_t j, innermost = SIZE_MAX;
	bool ok = true;

	for (j = 0; x->unwound && j < u->nframes; j++)
		if (!u->frames[j].inlined && !u->frames[j].native &&
		    u->frames[j].sp >= x->stack_lo && u->frames[j].sp < x->stack_hi) {
			innermost = j;
			break;
		}
	if (innermost == SIZE_MAX || !gs_unwind_stop_clean(u->stop)) {
		d->g->frames_conservative++;
		return scan_range(d, stack_sp(x) & ~7ULL, x->stack_hi, NULL, name_frame, x,
				  true);
	}
	for (j = u->nframes; j-- > innermost && ok && !d->oom; ) {
		const struct gs_frame *f = &u->frames[j];
		struct gs_framemap m;
		size_t k;

		if (f->inlined || f->native || f->sp < x->stack_lo || f->fp > x->stack_hi)
			continue;
		memset(&m, 0, sizeof(m));
		/* a live thread stopped the innermost frame anywhere: no map holds */
		if ((j == innermost && x->thread_tid) || !gs_framemap_get(&d->c->fi, d->c->mem, f, &m)) {
			struct gs_pcln_func fn;
			uint64_t hi = f->fp;

			/* a live frame's stack arguments are above its fp */
			if (gs_funcinfo_find(&d->c->fi, f->pc, &fn) && fn.fields_valid &&
			    fn.args > 0 && fn.args < (1 << 20) &&
			    f->fp + (uint64_t)fn.args <= x->stack_hi)
				hi = f->fp + ((uint64_t)fn.args & ~7ULL);
			gs_framemap_free(&m);
			d->g->frames_conservative++;
			ok = scan_stack_part(d, x, f->sp & ~7ULL, hi, NULL);
			continue;
		}
		d->g->frames_precise++;
		ok = scan_stack_part(d, x, m.args.lo, m.args.hi, m.args.bits) &&
		     scan_stack_part(d, x, m.locals.lo, m.locals.hi, m.locals.bits);
		for (k = 0; ok && k < m.nr_objs; k++)
			ok = scan_stack_part(d, x, m.objs[k].lo & ~7ULL, m.objs[k].hi, NULL);
		gs_framemap_free(&m);
	}
	return ok;
}

static void root_stacks(struct gg *d)
{
	struct gg_rootset *rs = &d->g->roots[GG_ROOT_STACKS];
	struct gs_thread_walks tw = { 0 };
	struct gs_goroutines gr = { 0 };
	uint64_t missing = 0;
	size_t i;

	new_root(d, GG_ROOT_STACKS, 0);
	if (!d->c->st) {
		snprintf(rs->why, sizeof(rs->why), "no function table: goroutines "
			 "not decoded");
		return;
	}
	if (gs_thread_walks_decode(d->c, 0, &tw) ||
	    gs_goroutines_decode(d->c, 0, &tw, &gr)) {
		d->oom = true;
		goto out;
	}
	if (!gr.n) {
		snprintf(rs->why, sizeof(rs->why), "no goroutine decoded%s%s",
			 gr.problem[0] ? ": " : "", gr.problem);
		goto out;
	}
	for (i = 0; i < gr.n && !d->oom; i++) {
		const struct gs_goroutine *x = &gr.gs[i];
		uint32_t st = x->status & ~GS_G_SCAN;

		if (st == GS_G_DEAD || st == GS_G_IDLE)
			continue;
		if (!x->stack_hi || x->stack_hi <= x->stack_lo ||
		    x->stack_hi - x->stack_lo > (1ULL << 30) || !scan_goroutine(d, x))
			missing++;
		else
			d->g->goroutines++;
	}
	rs->scanned = d->g->goroutines > 0;
	if (missing)
		snprintf(rs->why, sizeof(rs->why), "%" PRIu64 " goroutines' stacks not in "
			 "the snapshot or without bounds%s", missing,
			 gs_snapctx_heap_hint(d->c));
out:
	gs_goroutines_free(&gr);
	gs_thread_walks_free(&tw);
}

/* The general registers of every thread with registers, a word each. */
static void root_regs(struct gg *d)
{
	static const struct { const char *name; size_t off; } gpr[] = {
#define R(r) { #r, offsetof(struct gosnap_regs, r) }
		R(rax), R(rbx), R(rcx), R(rdx), R(rsi), R(rdi), R(rbp), R(r8),
		R(r9), R(r10), R(r11), R(r12), R(r13), R(r14), R(r15),
#undef R
	};
	struct gg_rootset *rs = &d->g->roots[GG_ROOT_REGS];
	const struct gs_snapshot *snap = d->c->have_snap ? &d->c->snap : NULL;
	uint64_t threads = 0;
	size_t i, k;

	new_root(d, GG_ROOT_REGS, 0);
	for (i = 0; snap && i < snap->nr_threads && !d->oom; i++) {
		const struct gosnap_rec_thread *t = snap->threads[i];

		if (!(t->flags & GOSNAP_THR_REGS))
			continue;
		threads++;
		for (k = 0; k < sizeof(gpr) / sizeof(gpr[0]); k++) {
			uint64_t v;

			memcpy(&v, (const uint8_t *)&t->regs + gpr[k].off, sizeof(v));
			rs->words++;
			if (!v)
				continue;
			if (new_root(d, GG_ROOT_REGS, (uint64_t)(uint32_t)t->tid << 8 | k)) {
				snprintf(d->cur.name, sizeof(d->cur.name), "thread %d: %s",
					 t->tid, gpr[k].name);
				d->cur.tid = t->tid;
			}
			root_word(d, 0);
			mark(d, v);
			drain(d);
		}
	}
	rs->scanned = threads > 0;
	if (!threads)
		snprintf(rs->why, sizeof(rs->why), "no thread's registers in the snapshot");
}

static void roots(struct gg *d)
{
	uint64_t md = d->a[GN_MODULEDATA].ok ? d->a[GN_MODULEDATA].value : 0;
	int r;

	if (d->c->x && gs_datasyms_load(&d->c->x->im, &d->syms)) {
		d->oom = true;
		return;
	}
	if (!md) {
		for (r = GG_ROOT_DATA; r <= GG_ROOT_BSS; r++)
			snprintf(d->g->roots[r].why, sizeof(d->g->roots[r].why),
				 "runtime.firstmoduledata not found");
	} else {
		root_section(d, md, GN_MD_DATA, GN_MD_EDATA, GN_MD_GCDATAMASK, GG_ROOT_DATA);
		root_section(d, md, GN_MD_BSS, GN_MD_EBSS, GN_MD_GCBSSMASK, GG_ROOT_BSS);
	}
	root_stacks(d);
	root_regs(d);
	gs_datasyms_free(&d->syms);
}

/* ---- the whole ------------------------------------------------------ */

static int cmp_global(const void *a, const void *b)
{
	const struct gg_global *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

/* The paths' set-up: a path a slot, and the DWARF globals by address. */
static bool paths_setup(struct gg *d, unsigned int depth)
{
	struct gograph *g = d->g;
	const struct dwt_global *gl;
	size_t i, n;

	g->max_depth = depth < 1 ? 1 : depth > GG_PATH_MAX_DEPTH ? GG_PATH_MAX_DEPTH : depth;
	for (i = 0; i < g->set.nr_spans; i++) {
		g->set.spans[i].path = calloc(g->set.spans[i].sl.nelems, sizeof(uint32_t));
		if (!g->set.spans[i].path)
			return false;
	}
	gl = dwt_globals(d->flow->dt, &n);
	d->gl = calloc(n ? n : 1, sizeof(*d->gl));
	if (!d->gl)
		return false;
	for (i = 0; i < n; i++) {
		uint32_t ty = dwt_of_die(d->flow->dt, gl[i].type_die);

		if (ty == DWT_NONE)
			continue;
		d->gl[d->nr_gl++] = (struct gg_global){ gl[i].addr + d->c->bias,
							dwt_get(d->flow->dt, ty)->size, ty };
	}
	qsort(d->gl, d->nr_gl, sizeof(*d->gl), cmp_global);
	return true;
}

struct gograph *gograph_build(struct gs_snapctx *c, const struct goheap *h)
{
	return gograph_build_paths(c, h, NULL, 0);
}

struct gograph *gograph_build_paths(struct gs_snapctx *c, const struct goheap *h,
				    const struct gotypeflow *flow, unsigned int depth)
{
	struct gograph *g = calloc(1, sizeof(*g));
	struct gg d = { .c = c, .h = h, .g = g, .flow = flow && flow->ran ? flow : NULL };

	if (!g)
		return NULL;
	g->problems.max = GG_MAX_PROBLEMS;
	gs_needs_resolve(c->layout, &gs_graph_needs, d.a);
	d.win = malloc(GG_WINDOW);
	d.rwin = malloc(GG_WINDOW);
	if (!d.win || !d.rwin || !go_ptrs_init(&d.ptrs, d.a, h, c->mem, c->go_minor))
		goto oom;
	g->scheme = d.ptrs.scheme;
	g->greentea = d.ptrs.greentea;
	snprintf(g->scheme_why, sizeof(g->scheme_why), "%s", d.ptrs.why);
	if (!d.a[GN_MSPAN_ALLOCBITS].ok || !d.a[GN_MSPAN_FREEINDEX].ok) {
		gs_problem(&g->problems, "mspan.allocBits or freeindex unavailable: "
			   "no object to mark");
	} else if (!gg_spanset_fill(&g->set, c, h, d.a, true, &g->problems) ||
		   (d.flow && !paths_setup(&d, depth))) {
		goto oom;
	} else if (g->scheme == GP_NONE) {
		gs_problem(&g->problems, "no object's pointers can be read: %s", g->scheme_why);
	} else {
		roots(&d);
	}
	if (d.oom)
		goto oom;
	g->objects = g->set.objects;
	g->bytes = g->set.bytes;
	free(d.gl);
	go_ptrs_free(&d.ptrs);
	gs_wordstack_free(&d.queue);
	free(d.mask);
	free(d.win);
	free(d.rwin);
	return g;
oom:
	free(d.gl);
	go_ptrs_free(&d.ptrs);
	gs_wordstack_free(&d.queue);
	free(d.mask);
	free(d.win);
	free(d.rwin);
	gograph_free(g);
	return NULL;
}

void gograph_free(struct gograph *g)
{
	if (!g)
		return;
	gg_spanset_release(&g->set);
	free(g->paths);
	free(g->path_index);
	free(g->rootents);
	gs_problems_free(&g->problems);
	free(g);
}

int gograph_reached(const struct gograph *g, size_t hi, uint64_t i)
{
	const struct gg_span *s;

	if (!g->set.of_heap_span || g->set.of_heap_span[hi] < 0)
		return -1;
	s = &g->set.spans[g->set.of_heap_span[hi]];
	if (i >= s->sl.nelems || !s->root)
		return -1;
	return s->root[i] ? (int)g->rootents[s->root[i] - 1].kind + 1 : 0;
}
