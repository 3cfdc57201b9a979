// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli gc -j` (docs/json.md, section gc): the cycle's values (null
 * when unavailable, the reason under "unavailable"), work.full and
 * work.empty with every workbuf, every P's gcWork, work.wbufSpans, the
 * totals and the checks the decoder made.
 */
#include <stdint.h>

#include "out/gc_out.h"

static void value(struct json_writer *w, const char *k, const struct gs_gc_value *v)
{
	jw_key(w, k);
	if (!v->ok)
		jw_null(w);
	else if (v->is_signed)
		jw_i64(w, v->v);
	else
		jw_u64(w, v->raw);
}

static void wbuf(struct json_writer *w, const struct gs_wbuf *b,
		 const struct gs_gc *g, const struct gc_out_opts *o)
{
	jw_start_object(w);
	jw_kv_hex(w, "addr", b->addr);
	jw_kv_i64_if(w, "nobj", b->nobj >= 0, b->nobj);
	jw_kv_bool(w, "in_busy_span", b->in_busy_span);
	jw_kv_bool(w, "aligned", b->aligned);
	jw_kv_bool(w, "duplicate", b->duplicate);
	jw_kv_u64_if(w, "outside_heap", g->heap_joined, b->outside_heap);
	if (o->objects_from) {
		uint64_t p[1024];
		size_t n = gs_gc_wbuf_objects(o->objects_from, g, b->addr, p,
					      sizeof(p) / sizeof(p[0])), i;

		jw_key(w, "objects");
		jw_start_array(w);
		for (i = 0; i < n; i++)
			jw_hex(w, p[i]);
		jw_end_array(w);
	}
	jw_end_object(w);
}

static void stop(struct json_writer *w, const char *why)
{
	jw_key(w, "stop");
	if (why)
		jw_string(w, why);
	else
		jw_null(w);
}

static void list(struct json_writer *w, const char *k, const struct gs_gc_list *l,
		 const struct gs_gc *g, const struct gc_out_opts *o)
{
	size_t i;

	jw_key(w, k);
	if (!l->ok) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	jw_kv_hex(w, "head", l->head);
	jw_kv_u64(w, "count", l->n);
	jw_kv_u64(w, "objects", l->objects);
	jw_kv_bool(w, "complete", !l->stop);
	stop(w, l->stop);
	jw_key(w, "workbufs");
	jw_start_array(w);
	for (i = 0; i < l->n; i++)
		wbuf(w, &l->v[i], g, o);
	jw_end_array(w);
	jw_end_object(w);
}

static void ps(struct json_writer *w, const struct gs_gc *g,
	       const struct gc_out_opts *o)
{
	size_t i;
	int k;

	jw_key(w, "ps");
	if (!g->ps_ok) {
		jw_null(w);
		return;
	}
	jw_start_array(w);
	for (i = 0; i < g->nps; i++) {
		const struct gs_gc_p *p = &g->ps[i];

		jw_start_object(w);
		jw_kv_i64(w, "id", p->id);
		jw_kv_hex(w, "p", p->p);
		for (k = 0; k < 2; k++) {
			jw_key(w, k ? "wbuf2" : "wbuf1");
			if (p->wbuf[k].addr)
				wbuf(w, &p->wbuf[k], g, o);
			else
				jw_null(w);
		}
		value(w, "bytes_marked", &p->bytes_marked);
		value(w, "heap_scan_work", &p->heap_scan_work);
		jw_key(w, "flushed");
		if (p->flushed.ok)
			jw_bool(w, p->flushed.raw != 0);
		else
			jw_null(w);
		jw_key(w, "spanq_len");
		if (p->spanq_ok)
			jw_u64(w, p->spanq_len);
		else
			jw_null(w);
		jw_key(w, "spanq_chain");
		if (p->chain_ok) {
			jw_start_object(w);
			jw_kv_u64(w, "rings", p->chain_rings);
			jw_kv_u64(w, "spans", p->chain_spans);
			jw_end_object(w);
		} else {
			jw_null(w);
		}
		jw_key(w, "in_spanq_mask");
		if (p->in_mask >= 0)
			jw_bool(w, p->in_mask);
		else
			jw_null(w);

		jw_kv_u64(w, "queued", p->queued);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void spans(struct json_writer *w, const char *k, const struct gs_gc_spans *s,
		  uint64_t page_size)
{
	size_t i;

	jw_key(w, k);
	if (!s->ok) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	jw_kv_bool(w, "complete", !s->stop);
	stop(w, s->stop);
	jw_key(w, "spans");
	jw_start_array(w);
	for (i = 0; i < s->n; i++) {
		const struct gs_wbuf_span *x = &s->v[i];

		jw_start_object(w);
		jw_kv_hex(w, "mspan", x->mspan);
		jw_kv_hex(w, "base", x->base);
		jw_kv_u64(w, "pages", x->npages);
		jw_kv_u64(w, "bytes", x->npages * page_size);
		jw_kv_u64(w, "state_raw", x->state);
		jw_kv_u64(w, "os_pages", x->res.pages);
		jw_kv_u64(w, "resident", x->res.resident);
		jw_kv_u64(w, "swapped", x->res.swapped);
		jw_kv_u64(w, "thp", x->res.thp);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void spanq(struct json_writer *w, const struct gs_gc_spanq *s)
{
	size_t i;

	/* why there are none: the release has no Green Tea, or ... */
	jw_key(w, "span_rings_why");
	if (s->ok)
		jw_null(w);
	else
		jw_string(w, s->why);
	jw_key(w, "span_rings");
	if (!s->ok) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	jw_kv_bool(w, "complete", !s->stop);
	stop(w, s->stop);
	jw_kv_bool(w, "mask_read", s->mask_ok);
	jw_kv_u64(w, "live", s->live);
	jw_kv_u64(w, "dead", s->dead);
	jw_kv_u64(w, "spans", s->spans);
	jw_key(w, "rings");
	jw_start_array(w);
	for (i = 0; i < s->n; i++) {
		const struct gs_spmc *r = &s->v[i];

		jw_start_object(w);
		jw_kv_hex(w, "addr", r->addr);
		jw_kv_u64(w, "head", r->head);
		jw_kv_u64(w, "tail", r->tail);
		jw_kv_u64(w, "cap", r->cap);
		jw_kv_hex(w, "ring", r->ring);
		jw_kv_bool(w, "dead", r->dead);
		jw_key(w, "p");
		if (r->owner >= 0)
			jw_i64(w, r->owner);
		else
			jw_null(w);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void totals(struct json_writer *w, const struct gs_gc *g)
{
	size_t i;

	jw_key(w, "totals");
	jw_start_object(w);
	jw_kv_u64(w, "queued_global", g->queued_global);
	jw_kv_u64(w, "queued_ps", g->queued_ps);
	jw_kv_u64(w, "queued", g->queued);
	jw_kv_u64(w, "spans_queued", g->spans_queued);
	jw_kv_u64(w, "spans_chained", g->spans_chained);
	jw_kv_u64(w, "workbufs", g->workbufs);
	jw_kv_u64(w, "duplicates", g->duplicates);
	jw_kv_u64(w, "misaligned", g->misaligned);
	jw_kv_u64(w, "outside_busy_spans", g->outside_busy);
	jw_kv_u64(w, "nobj_over_capacity", g->bad_nobj);
	jw_key(w, "objects_outside_heap");
	if (g->heap_joined)
		jw_u64(w, g->objects_outside_heap);
	else
		jw_null(w);
	/* each P's share of the queued objects, in permille of the total */
	jw_key(w, "spread");
	jw_start_array(w);
	for (i = 0; i < g->nps; i++) {
		jw_start_object(w);
		jw_kv_i64(w, "p", g->ps[i].id);
		jw_kv_u64(w, "queued", g->ps[i].queued);
		jw_kv_u64(w, "permille", g->queued ? g->ps[i].queued * 1000 / g->queued : 0);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

void gc_print_json(const struct gs_gc *g, const struct gc_out_opts *o,
		   struct json_writer *w)
{
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "exe", o->exe);
	jw_key(w, "go_version");
	if (o->go_version)
		jw_string(w, o->go_version);
	else
		jw_null(w);
	jw_key(w, "phase");
	if (g->val[GC_V_PHASE_RAW].ok)
		jw_string(w, g->phase);
	else
		jw_null(w);
	jw_key(w, "cycle");
	jw_start_object(w);
	for (i = 0; i < GC_V_NR; i++)
		value(w, gs_gc_value_key((enum gs_gc_value_id)i), &g->val[i]);
	jw_end_object(w);
	jw_key(w, "workbuf");
	jw_start_object(w);
	jw_kv_u64(w, "size", g->wbuf_size);
	jw_kv_u64(w, "capacity", g->wbuf_cap);
	jw_end_object(w);
	jw_key(w, "lists");
	jw_start_object(w);
	list(w, "full", &g->full, g, o);
	list(w, "empty", &g->empty, g, o);
	jw_end_object(w);
	ps(w, g, o);
	jw_key(w, "wbuf_spans");
	jw_start_object(w);
	spans(w, "busy", &g->busy, g->page_size);
	spans(w, "free", &g->free, g->page_size);
	jw_end_object(w);
	spanq(w, &g->spanq);
	totals(w, g);
	jw_key(w, "problems");
	jw_start_array(w);
	for (i = 0; i < g->nr_problems; i++)
		jw_string(w, g->problems[i]);
	jw_end_array(w);
	/* why each null value is null, then what else no layout source had */
	jw_key(w, "unavailable");
	jw_start_object(w);
	for (i = 0; i < GC_V_NR; i++)
		if (!g->val[i].ok && i != GC_V_IDLE_MARK_WORKERS_MAX)	/* same word */
			jw_kv_string(w, gs_gc_value_from((enum gs_gc_value_id)i),
				     g->val[i].why);
	for (i = 0; i < gs_layout_nr_missing(o->layout); i++)
		jw_kv_string(w, gs_layout_missing(o->layout, i), "no layout source has it");
	jw_end_object(w);
	jw_end_object(w);
}
