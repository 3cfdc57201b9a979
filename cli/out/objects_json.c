// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli objects --json`: the decoded model as one object. Keys are
 * stable and documented in docs/json.md ("objects").
 */
#include "out/objects_out.h"

static void group_json(struct json_writer *w, const struct go_group *g)
{
	bool typed = go_typesrc_typed(g->src);

	jw_start_object(w);
	jw_kv_bool(w, "typed", typed);
	jw_kv_string(w, "from", go_typesrc_name(g->src));
	jw_kv_string_or_null(w, "type", typed ? g->name : NULL);
	jw_kv_hex_if(w, "type_descriptor", typed && g->type, g->type);
	jw_kv_bool(w, "array", g->array);
	jw_kv_u64_if(w, "size_class", !typed, g->sizeclass);
	jw_kv_bool_if(w, "noscan", !typed, g->noscan);
	jw_kv_u64_if(w, "slot_bytes", !typed, g->elemsize);
	jw_kv_u64(w, "objects", g->objects);
	jw_kv_u64(w, "bytes", g->bytes);
	jw_kv_u64(w, "resident_bytes", g->resident);
	jw_end_object(w);
}

static void groups_json(struct json_writer *w, const struct goobjects *ob,
			const struct objects_out_opts *o, bool typed)
{
	uint64_t rows = 0;
	size_t i;

	jw_key(w, typed ? "typed" : "untyped");
	jw_start_array(w);
	for (i = 0; i < ob->nr_groups; i++) {
		if (go_typesrc_typed(ob->groups[i].src) != typed)
			continue;
		if (o->top && rows++ == o->top)
			break;
		group_json(w, &ob->groups[i]);
	}
	jw_end_array(w);
}

static void totals_json(struct json_writer *w, const struct goobjects *ob)
{
	jw_key(w, "totals");
	jw_start_object(w);
	jw_kv_u64(w, "objects", ob->objects);
	jw_kv_u64(w, "bytes", ob->bytes);
	jw_kv_u64(w, "resident_bytes", ob->resident);
	jw_kv_u64(w, "typed_objects", ob->typed_objects);
	jw_kv_u64(w, "typed_bytes", ob->typed_bytes);
	jw_kv_u64(w, "spans", ob->spans);
	jw_kv_u64(w, "alloc_count_objects", ob->alloc_count_objects);
	jw_kv_u64(w, "alloc_count_bytes", ob->alloc_count_bytes);
	jw_kv_u64(w, "spans_mismatch", ob->spans_mismatch);
	jw_kv_u64(w, "spans_skipped", ob->spans_skipped);
	jw_kv_u64(w, "skipped_objects", ob->skipped_objects);
	jw_kv_u64(w, "skipped_bytes", ob->skipped_bytes);
	jw_kv_u64(w, "groups", ob->nr_groups);
	jw_end_object(w);
}

/* What the type flow (decode/gotypeflow.h) did, or why it did not run. */
static void flow_json(struct json_writer *w, const struct gotypeflow *f)
{
	size_t i;

	jw_key(w, "dwarf_flow");
	jw_start_object(w);
	jw_kv_bool(w, "ran", f && f->ran);
	jw_kv_string_or_null(w, "why_not", f && f->ran ? NULL : f ? f->why : "not asked");
	jw_kv_u64(w, "objects", f ? f->objects : 0);
	jw_kv_u64(w, "bytes", f ? f->bytes : 0);
	jw_kv_u64(w, "seeded_by_headers", f ? f->seeded : 0);
	jw_kv_u64(w, "globals", f ? f->globals : 0);
	jw_kv_u64(w, "frames", f ? f->frames : 0);
	jw_kv_u64(w, "variables", f ? f->vars : 0);
	jw_kv_u64(w, "variable_pieces_away", f ? f->pieces_away : 0);
	jw_kv_u64(w, "interior_pointers", f ? f->interior : 0);
	jw_kv_u64(w, "refused", f ? f->refused : 0);
	jw_kv_u64(w, "unknown_dynamic_types", f ? f->unknown_dyn : 0);
	jw_key(w, "problems");
	jw_start_array(w);
	for (i = 0; f && i < f->problems.nr; i++)
		jw_string(w, f->problems.v[i]);
	jw_end_array(w);
	jw_end_object(w);
}

void objects_print_json(const struct goobjects *ob, const struct goheap *h,
			const struct objects_out_opts *o, struct json_writer *w)
{
	jw_start_object(w);
	heap_json_head(w, h, o->snap_path, o->exe_path);
	jw_kv_bool(w, "allocation_headers", ob->headers);
	totals_json(w, ob);
	flow_json(w, ob->flow);
	groups_json(w, ob, o, true);
	groups_json(w, ob, o, false);
	heap_json_unavailable(w, h);
	heap_json_problems(w, h, &ob->problems);
	jw_end_object(w);
}
