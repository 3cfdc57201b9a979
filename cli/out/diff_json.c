// SPDX-License-Identifier: GPL-2.0
/* `gosnap-cli diff A B --json` (keys: docs/json.md, section diff). */
#include "out/diff_out.h"

static void vmas(const struct snapdiff *d, struct json_writer *w)
{
	size_t i;

	jw_key(w, "mappings");
	jw_start_array(w);
	for (i = 0; i < d->nvmas; i++) {
		const struct sd_vma *v = &d->vmas[i];

		jw_start_object(w);
		jw_kv_string(w, "change", sd_change_name(v->change));
		jw_kv_hex(w, "start", v->start);
		jw_key(w, "start_a");
		if (v->start_a)
			jw_hex(w, v->start_a);
		else
			jw_null(w);
		jw_key(w, "end_a");
		if (v->end_a)
			jw_hex(w, v->end_a);
		else
			jw_null(w);
		jw_key(w, "end_b");
		if (v->end_b)
			jw_hex(w, v->end_b);
		else
			jw_null(w);
		jw_kv_u64(w, "resident_a", v->resident_a);
		jw_kv_u64(w, "resident_b", v->resident_b);
		jw_kv_string(w, "path", v->path ? v->path : "");
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void goroutines(const struct snapdiff *d, struct json_writer *w)
{
	size_t i;

	jw_key(w, "goroutines_why");
	if (d->gs_ok)
		jw_null(w);
	else
		jw_string(w, d->gs_why);
	jw_key(w, "goroutines");
	if (!d->gs_ok) {
		jw_null(w);
		return;
	}
	jw_start_array(w);
	for (i = 0; i < d->ngs; i++) {
		jw_start_object(w);
		jw_kv_string(w, "change", d->gs[i].created ? "created" : "ended");
		jw_kv_i64(w, "goid", d->gs[i].goid);
		jw_key(w, "status");
		if (d->gs[i].status)
			jw_string(w, d->gs[i].status);
		else
			jw_null(w);
		jw_key(w, "start_function");
		if (d->gs[i].start_func)
			jw_string(w, d->gs[i].start_func);
		else
			jw_null(w);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void heap(const struct sd_heap *h, struct json_writer *w)
{
	size_t i;
	int k;

	jw_key(w, "resident_by_region");
	jw_start_object(w);
	for (k = 0; k < GS_REG_NR; k++) {
		jw_key(w, gs_region_name(k));
		jw_start_object(w);
		jw_kv_u64(w, "a", h->reg_a.resident[k]);
		jw_kv_u64(w, "b", h->reg_b.resident[k]);
		jw_end_object(w);
	}
	jw_end_object(w);
	jw_key(w, "heap");
	if (!h->ok) {
		jw_null(w);
		jw_kv_string(w, "heap_why", h->why);
		return;
	}
	jw_start_object(w);
	jw_kv_u64(w, "arenas_a", h->arenas_a);
	jw_kv_u64(w, "arenas_b", h->arenas_b);
	jw_key(w, "arenas_added");
	jw_start_array(w);
	for (i = 0; i < h->nadded; i++)
		jw_hex(w, h->arenas_added[i]);
	jw_end_array(w);
	jw_kv_u64(w, "spans_a", h->spans_a);
	jw_kv_u64(w, "spans_b", h->spans_b);
	jw_kv_u64(w, "spans_created", h->spans_created);
	jw_kv_u64(w, "spans_freed", h->spans_freed);
	jw_kv_u64(w, "spans_changed", h->spans_changed);
	jw_end_object(w);
}

void diff_print_json(const struct snapdiff *d, const char *a, const char *b,
		     struct json_writer *w)
{
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "a", a);
	jw_kv_string(w, "b", b);
	jw_kv_bool(w, "same_process", d->same_process);
	jw_kv_u64(w, "resident_a", d->resident_a);
	jw_kv_u64(w, "resident_b", d->resident_b);
	vmas(d, w);
	heap(&d->heap, w);
	goroutines(d, w);
	jw_key(w, "threads");
	jw_start_array(w);
	for (i = 0; i < d->nthreads; i++) {
		jw_start_object(w);
		jw_kv_string(w, "change", d->threads[i].added ? "added" : "gone");
		jw_kv_i64(w, "tid", d->threads[i].tid);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}
