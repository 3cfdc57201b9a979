// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli heap --json`: the decoded model as one object. Keys are
 * stable and documented in docs/json.md ("heap"); byte counts are bytes,
 * page counts are runtime pages, addresses are "0x..." strings.
 */
#include "out/heap_out.h"

static void res_keys(struct json_writer *w, const struct goheap *h,
		     const struct gh_res *r)
{
	jw_kv_u64(w, "resident_bytes", r->resident * h->os_page);
	jw_kv_u64(w, "swapped_bytes", r->swapped * h->os_page);
	jw_kv_u64(w, "thp_bytes", r->thp * h->os_page);
	jw_kv_u64(w, "untouched_bytes", r->untouched * h->os_page);
}

static void counters_json(struct json_writer *w, const struct goheap *h)
{
	size_t i;

	jw_key(w, "counters");
	jw_start_object(w);
	for (i = 0; i < GH_NR_COUNTERS; i++) {
		const struct gh_counter *c = &h->counters[i];

		jw_key(w, c->name);
		jw_start_object(w);
		jw_key(w, "value");
		if (c->ok)
			jw_u64(w, c->value);
		else
			jw_null(w);
		jw_kv_string(w, "from", c->ok ? c->from : "unavailable");
		jw_end_object(w);
	}
	jw_end_object(w);
}

static void truth_json(struct json_writer *w, const struct goheap *h)
{
	const struct gh_truth *t = &h->truth;

	if (!goheap_pages_decoded(h)) {	/* zeros would read as a measurement */
		jw_key(w, "resident");
		jw_null(w);
		jw_kv_string(w, "resident_unavailable", "no heap arena was decoded");
		return;
	}
	jw_key(w, "resident");
	jw_start_object(w);
	jw_kv_u64(w, "arena_bytes", t->arena_bytes);
	jw_kv_u64(w, "resident_bytes", t->resident);
	jw_kv_u64(w, "inuse_bytes", t->bytes_by_kind[GH_PG_INUSE]);
	jw_kv_u64(w, "inuse_resident_bytes", t->resident_by_kind[GH_PG_INUSE]);
	jw_kv_u64(w, "inuse_untouched_bytes", t->inuse_untouched);
	jw_kv_u64(w, "manual_bytes", t->bytes_by_kind[GH_PG_MANUAL]);
	jw_kv_u64(w, "manual_resident_bytes", t->resident_by_kind[GH_PG_MANUAL]);
	jw_kv_u64(w, "free_bytes", t->bytes_by_kind[GH_PG_FREE]);
	jw_kv_u64(w, "free_resident_bytes", t->resident_by_kind[GH_PG_FREE]);
	jw_kv_u64(w, "released_bytes", t->bytes_by_kind[GH_PG_RELEASED]);
	jw_kv_u64(w, "released_resident_bytes", t->released_resident);
	jw_kv_u64(w, "padding_bytes", t->padding_bytes);
	jw_kv_bool(w, "page_caches_read", h->page_caches_read);
	jw_kv_u64(w, "page_cache_bytes", h->page_caches_read ? t->cached_bytes :
		  t->bytes_by_kind[GH_PG_CACHED]);
	jw_kv_u64(w, "unused_bytes", t->bytes_by_kind[GH_PG_UNUSED]);
	jw_kv_u64(w, "unused_resident_bytes", t->resident_by_kind[GH_PG_UNUSED]);
	jw_kv_u64(w, "unknown_bytes", t->bytes_by_kind[GH_PG_UNKNOWN]);
	jw_kv_u64(w, "thp_bytes", t->thp);
	jw_kv_string(w, "thp_bytes_of", h->thp_is_pmd ? "pmd_mapped" : "thp_pages");
	jw_kv_u64(w, "swapped_bytes", t->swapped);
	jw_end_object(w);
}

static void arenas_json(struct json_writer *w, const struct goheap *h)
{
	size_t i;

	jw_key(w, "arenas");
	jw_start_array(w);
	for (i = 0; i < h->nr_arenas; i++) {
		const struct gh_arena *a = &h->arenas[i];

		jw_start_object(w);
		jw_kv_hex(w, "base", a->base);
		jw_kv_hex(w, "heap_arena", a->meta);
		jw_kv_bool(w, "decoded", a->decoded);
		jw_kv_u64(w, "spans", a->nr_spans);
		jw_kv_u64(w, "inuse_pages", a->pages[GH_PG_INUSE]);
		jw_kv_u64(w, "manual_pages", a->pages[GH_PG_MANUAL]);
		jw_kv_u64(w, "free_pages", a->pages[GH_PG_FREE]);
		jw_kv_u64(w, "released_pages", a->pages[GH_PG_RELEASED]);
		jw_kv_u64(w, "unused_pages", a->pages[GH_PG_UNUSED]);
		jw_kv_u64(w, "cached_pages", a->pages[GH_PG_CACHED]);
		jw_kv_u64(w, "unknown_pages", a->pages[GH_PG_UNKNOWN]);
		res_keys(w, h, &a->res);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void classes_json(struct json_writer *w, const struct goheap *h)
{
	size_t i;

	jw_key(w, "size_classes");
	jw_start_array(w);
	for (i = 0; i < h->nr_classes; i++) {
		const struct gh_class *c = &h->classes[i];

		if (!c->spans)
			continue;
		jw_start_object(w);
		jw_kv_u64(w, "class", i);
		jw_kv_u64(w, "size", c->size);
		jw_kv_u64(w, "spans", c->spans);
		jw_kv_u64(w, "objects", c->objects);
		jw_kv_u64(w, "object_bytes", c->object_bytes);
		jw_kv_u64(w, "span_bytes", c->span_bytes);
		res_keys(w, h, &c->res);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void spans_json(struct json_writer *w, const struct goheap *h)
{
	char buf[16];
	size_t i;

	jw_key(w, "spans");
	jw_start_array(w);
	for (i = 0; i < h->nr_spans; i++) {
		const struct gh_span *s = &h->spans[i];

		if (!gh_span_live(h, s))
			continue;
		jw_start_object(w);
		jw_kv_hex(w, "base", s->base);
		jw_kv_hex(w, "mspan", s->mspan);
		jw_kv_u64(w, "pages", s->npages);
		jw_kv_string(w, "state", gh_span_state_name(h, s->state, buf, sizeof(buf)));
		jw_kv_u64(w, "size_class", s->spanclass >> 1);
		jw_kv_bool(w, "noscan", s->spanclass & 1);
		jw_kv_u64(w, "elem_size", s->elemsize);
		jw_kv_u64(w, "nelems", s->nelems);
		jw_kv_u64(w, "alloc_count", s->alloc_count);
		jw_kv_string(w, "sweep", gh_sweep_name(h, s));
		res_keys(w, h, &s->res);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "free_ranges");
	jw_start_array(w);
	for (i = 0; i < h->nr_free_ranges; i++) {
		const struct gh_free_range *r = &h->free_ranges[i];

		jw_start_object(w);
		jw_kv_hex(w, "base", r->base);
		jw_kv_u64(w, "pages", r->npages);
		jw_kv_bool(w, "released", r->released);
		jw_kv_bool(w, "padding", r->padding);
		res_keys(w, h, &r->res);
		jw_end_object(w);
	}
	jw_end_array(w);
}

void heap_json_head(struct json_writer *w, const struct goheap *h,
		    const char *snap_path, const char *exe_path)
{
	jw_kv_string(w, "snapshot", snap_path);
	jw_kv_string(w, "executable", exe_path);
	jw_kv_string_or_null(w, "go_version", h->version[0] ? h->version : NULL);
}

void heap_json_unavailable(struct json_writer *w, const struct goheap *h)
{
	size_t i, n = gs_layout_nr_missing(h->layout);

	jw_key(w, "unavailable");
	jw_start_array(w);
	for (i = 0; i < n; i++)
		jw_string(w, gs_layout_missing(h->layout, i));
	jw_end_array(w);
}

void heap_json_problems(struct json_writer *w, const struct goheap *h,
			const struct gs_problems *own)
{
	size_t i;

	jw_key(w, "problems");
	jw_start_array(w);
	for (i = 0; i < h->nr_problems; i++) {
		char buf[300];

		snprintf(buf, sizeof(buf), "heap: %s", h->problems[i]);
		jw_string(w, buf);
	}
	for (i = 0; i < own->nr; i++)
		jw_string(w, own->v[i]);
	jw_end_array(w);
}

void heap_print_json(const struct goheap *h, const struct heap_out_opts *o,
		     struct json_writer *w)
{
	unsigned int used = gs_layout_sources_used(h->layout), s;
	size_t i;

	jw_start_object(w);
	heap_json_head(w, h, o->snap_path, o->exe_path);
	jw_kv_string(w, "version_from", h->version_from ? h->version_from : "");
	jw_key(w, "layout_sources");
	jw_start_array(w);
	for (s = GS_LAYOUT_DWARF; s <= GS_LAYOUT_TABLE; s++)
		if (used & 1U << s)
			jw_string(w, gs_layout_src_name(s));
	jw_end_array(w);
	jw_kv_u64(w, "page_size", h->page_size);
	jw_kv_u64(w, "os_page_size", h->os_page);
	jw_kv_u64(w, "arena_size", h->arena_bytes);
	jw_kv_u64(w, "sweepgen", h->sweepgen);
	counters_json(w, h);
	truth_json(w, h);
	arenas_json(w, h);
	classes_json(w, h);
	if (o->spans)
		spans_json(w, h);
	heap_json_unavailable(w, h);
	jw_key(w, "problems");
	jw_start_array(w);
	for (i = 0; i < h->nr_problems; i++)
		jw_string(w, h->problems[i]);
	jw_end_array(w);
	jw_end_object(w);
}
