// SPDX-License-Identifier: GPL-2.0
/* The timeline as JSON (docs/json.md, section timeline). */
#include "out/timeline_out.h"

#include <string.h>

/* A figure, or null with its reason under "unavailable". */
static void fig(struct json_writer *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (v < 0)
		jw_null(w);
	else
		jw_i64(w, v);
}

static void row(struct json_writer *w, const struct tl_row *r, uint64_t t0)
{
	const struct gs_moment *m = &r->m;
	int k;

	jw_start_object(w);
	jw_kv_string(w, "moment", r->moment);
	jw_kv_string(w, "probe", m->label);
	jw_key(w, "package");
	if (m->package[0])
		jw_string(w, m->package);
	else
		jw_null(w);
	jw_key(w, "init_done");
	if (m->init_done < 0)
		jw_null(w);
	else
		jw_bool(w, m->init_done);
	fig(w, "init_functions", m->init_fns);
	jw_key(w, "init_deps");
	if (m->init_ndeps < 0) {
		jw_null(w);
	} else {
		int i;

		jw_start_array(w);
		for (i = 0; i < m->init_ndeps; i++)
			jw_string(w, m->init_deps[i]);
		jw_end_array(w);
	}
	jw_kv_string(w, "file", r->file);
	jw_kv_u64(w, "seq", m->seq);
	jw_kv_u64(w, "time_ns", m->boottime_ns - t0);
	jw_kv_u64(w, "held_ns", m->held_ns);
	jw_key(w, "ip");
	if (m->ip)
		jw_hex(w, m->ip);
	else
		jw_null(w);
	jw_kv_u64(w, "vmas", m->vmas);
	jw_kv_u64(w, "threads", m->threads);
	jw_kv_u64(w, "rss_bytes", m->rss);
	jw_key(w, "resident_bytes");
	jw_start_object(w);
	for (k = 0; k < GS_REG_NR; k++)
		jw_kv_u64(w, gs_region_name(k), m->reg.resident[k]);
	jw_end_object(w);
	jw_kv_bool(w, "arenas_known", m->reg.arenas_known);
	fig(w, "arenas", m->arenas);
	jw_key(w, "spans");
	if (m->spans_inuse < 0) {
		jw_null(w);
	} else {
		jw_start_object(w);
		jw_kv_i64(w, "in_use", m->spans_inuse);
		jw_kv_i64(w, "manual", m->spans_manual);
		jw_kv_i64(w, "other", m->spans_other);
		jw_end_object(w);
	}
	fig(w, "goroutines", m->goroutines);
	fig(w, "ms", m->ms);
	jw_key(w, "unavailable");
	jw_start_object(w);
	if (m->arenas < 0)
		jw_kv_string(w, "arenas", m->heap_why);
	if (m->goroutines < 0)
		jw_kv_string(w, "goroutines", m->goroutines_why);
	if (m->ms < 0)
		jw_kv_string(w, "ms", m->ms_why);
	if (m->package_why[0])
		jw_kv_string(w, "package", m->package_why);
	jw_end_object(w);
	jw_end_object(w);
}

/* skipped is "a, b, c": one string each. */
static void not_probed(struct json_writer *w, const char *s)
{
	while (*s) {
		const char *end = strstr(s, ", ");
		size_t len = end ? (size_t)(end - s) : strlen(s);

		jw_string_n(w, s, len);
		s += len + (end ? 2 : 0);
	}
}

void timeline_print_json(const struct tl_report *r, struct json_writer *w)
{
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "program", r->program);
	jw_kv_string(w, "dir", r->dir);
	jw_key(w, "not_probed");
	jw_start_array(w);
	not_probed(w, r->skipped ? r->skipped : "");
	jw_end_array(w);
	jw_kv_u64(w, "init_reentries_dropped", r->reentries);
	jw_key(w, "moments");
	jw_start_array(w);
	for (i = 0; i < r->n; i++)
		row(w, &r->rows[i], r->rows[0].m.boottime_ns);
	jw_end_array(w);
	jw_end_object(w);
}
