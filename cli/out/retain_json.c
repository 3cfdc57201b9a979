// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli retain --json`: the marked graph as one object. Keys are
 * stable and documented in docs/json.md ("retain").
 */
#include "out/heap_out.h"
#include "out/retain_out.h"

#include <stdlib.h>

static void roots_json(struct json_writer *w, const struct gograph *g)
{
	int r;

	jw_key(w, "roots");
	jw_start_object(w);
	for (r = 0; r < GG_NR_ROOTS; r++) {
		const struct gg_rootset *rs = &g->roots[r];

		jw_key(w, gg_root_name(r));
		jw_start_object(w);
		jw_kv_bool(w, "scanned", rs->scanned);
		jw_kv_bool(w, "precise", r == GG_ROOT_DATA || r == GG_ROOT_BSS ||
			   (r == GG_ROOT_STACKS && !g->frames_conservative));
		jw_kv_string_or_null(w, "why", rs->why[0] ? rs->why : NULL);
		jw_kv_u64(w, "words", rs->words);
		jw_kv_u64(w, "objects", rs->objects);
		jw_kv_u64(w, "bytes", rs->bytes);
		jw_end_object(w);
	}
	jw_end_object(w);
}

static void totals_json(struct json_writer *w, const struct gograph *g)
{
	int k;

	jw_key(w, "totals");
	jw_start_object(w);
	jw_kv_u64(w, "objects", g->objects);
	jw_kv_u64(w, "bytes", g->bytes);
	jw_kv_u64(w, "reached_objects", g->reached_objects);
	jw_kv_u64(w, "reached_bytes", g->reached_bytes);
	jw_kv_u64(w, "goroutines", g->goroutines);
	jw_kv_u64(w, "frames_precise", g->frames_precise);
	jw_kv_u64(w, "frames_conservative", g->frames_conservative);
	jw_kv_u64(w, "scanned", g->scanned);
	jw_kv_u64(w, "pointers", g->pointers);
	jw_kv_u64(w, "pointers_to_free", g->to_free);
	jw_key(w, "not_scanned");
	jw_start_object(w);
	for (k = 1; k < GP_NR_RES; k++) {
		jw_key(w, go_ptrs_res_name(k));
		jw_start_object(w);
		jw_kv_u64(w, "objects", g->unscanned[k]);
		jw_kv_u64(w, "bytes", g->unscanned_bytes[k]);
		jw_end_object(w);
	}
	jw_end_object(w);
	jw_end_object(w);
}

static void rootents_json(struct json_writer *w, const struct gograph *g,
			  const struct retain_out_opts *o)
{
	const struct gg_rootent **v = retain_sorted(g);
	size_t i;

	jw_key(w, "retained");
	jw_start_array(w);
	for (i = 0; v && i < g->nr_rootents && (!o->top || i < o->top); i++) {
		jw_start_object(w);
		jw_kv_string(w, "kind", gg_root_name(v[i]->kind));
		jw_kv_string(w, "root", v[i]->name);
		jw_kv_hex(w, "address", v[i]->addr);
		jw_kv_i64_if(w, "goroutine", v[i]->goid >= 0, v[i]->goid);
		jw_kv_i64_if(w, "thread", v[i]->tid != 0, v[i]->tid);
		jw_kv_u64(w, "objects", v[i]->objects);
		jw_kv_u64(w, "bytes", v[i]->bytes);
		jw_end_object(w);
	}
	jw_end_array(w);
	free(v);
}

/* The field paths by the bytes first reached at each (null: no DWARF flow). */
static void paths_json(struct json_writer *w, const struct gograph *g,
		       const struct retain_out_opts *o)
{
	uint32_t *ix;
	char name[512];
	size_t i, n;

	jw_key(w, "paths");
	if (!g->paths) {
		jw_null(w);
		return;
	}
	ix = retain_paths_sorted(g);
	jw_start_array(w);
	n = o->top && o->top < g->nr_paths ? o->top : g->nr_paths;
	for (i = 0; ix && i < n; i++) {
		const struct gg_path *p = &g->paths[ix[i]];

		gograph_path_name(g, ix[i], name, sizeof(name));
		jw_start_object(w);
		jw_kv_string(w, "root", g->rootents[p->rootent - 1].name);
		jw_kv_string(w, "path", name);
		jw_kv_u64(w, "depth", p->depth);
		jw_kv_u64(w, "objects", p->objects);
		jw_kv_u64(w, "bytes", p->bytes);
		jw_end_object(w);
	}
	jw_end_array(w);
	free(ix);
}

void retain_print_json(const struct gograph *g, const struct goheap *h,
		       const struct retain_out_opts *o, struct json_writer *w)
{
	jw_start_object(w);
	heap_json_head(w, h, o->snap_path, o->exe_path);
	jw_kv_string(w, "pointers_from", go_ptrs_scheme_name(g->scheme));
	jw_kv_bool(w, "green_tea", g->greentea);
	roots_json(w, g);
	totals_json(w, g);
	rootents_json(w, g, o);
	paths_json(w, g, o);
	heap_json_unavailable(w, h);
	heap_json_problems(w, h, &g->problems);
	jw_end_object(w);
}
