// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli gc DIR`: a series of snapshots (one capture's DIR/NNN-SYM
 * files, in order) as one table: per moment the probe and hit, the phase,
 * the cycle, the workers at work, the root jobs, the global lists, the
 * objects the Ps hold, the workbuf spans and the bytes marked. A value a
 * moment could not decode prints as "?" (null in JSON).
 */
#include <inttypes.h>

#include "out/gc_out.h"

static void cell(FILE *out, int width, const struct gs_gc_value *v)
{
	if (v->ok)
		fprintf(out, " %*" PRIu64, width, v->raw);
	else
		fprintf(out, " %*s", width, "?");
}

/* Workers at work: nproc - nwait (gcBgMarkPrepare sets both to ^0). */
static bool working(const struct gs_gc *g, uint64_t *n)
{
	const struct gs_gc_value *p = &g->val[GC_V_NPROC], *w = &g->val[GC_V_NWAIT];

	if (!p->ok || !w->ok || w->raw > p->raw)
		return false;
	*n = p->raw - w->raw;
	return true;
}

void gc_print_series_plain(const struct gc_moment *m, size_t n, FILE *out)
{
	size_t i;

	fprintf(out, "%-34s %5s %-17s %6s %7s %9s %6s %8s %6s %8s %5s %12s\n", "AT", "HIT",
		"PHASE", "CYCLE", "WORKING", "ROOTS", "FULL", "FULL-OBJ", "EMPTY", "P-QUEUED",
		"SPANS", "BYTES-MARKED");
	for (i = 0; i < n; i++) {
		const struct gs_gc *g = &m[i].g;
		char roots[32] = "?";
		uint64_t w;

		if (g->val[GC_V_MARKROOT_NEXT].ok && g->val[GC_V_MARKROOT_JOBS].ok)
			snprintf(roots, sizeof(roots), "%" PRIu64 "/%" PRIu64,
				 g->val[GC_V_MARKROOT_NEXT].raw, g->val[GC_V_MARKROOT_JOBS].raw);
		fprintf(out, "%-34s %5" PRIu64 " %-17s", m[i].label[0] ? m[i].label : m[i].file,
			m[i].hit,
			g->val[GC_V_PHASE_RAW].ok ? g->phase : "?");
		cell(out, 6, &g->val[GC_V_CYCLES]);
		if (working(g, &w))
			fprintf(out, " %7" PRIu64, w);
		else
			fprintf(out, " %7s", "?");
		fprintf(out, " %9s", roots);
		if (g->full.ok)
			fprintf(out, " %6zu %8" PRIu64, g->full.n, g->full.objects);
		else
			fprintf(out, " %6s %8s", "?", "?");
		if (g->empty.ok)
			fprintf(out, " %6zu", g->empty.n);
		else
			fprintf(out, " %6s", "?");
		fprintf(out, " %8" PRIu64, g->queued_ps);
		if (g->busy.ok)
			fprintf(out, " %5zu", g->busy.n);
		else
			fprintf(out, " %5s", "?");
		cell(out, 12, &g->val[GC_V_BYTES_MARKED]);
		fputc('\n', out);
	}
	fprintf(out, "(%zu snapshots; WORKING: work.nproc - work.nwait; ROOTS: markrootNext/Jobs; "
		"SPANS: busy workbuf spans)\n", n);
}

static void value(struct json_writer *w, const char *k, const struct gs_gc_value *v)
{
	jw_key(w, k);
	if (v->ok)
		jw_u64(w, v->raw);
	else
		jw_null(w);
}

void gc_print_series_json(const struct gc_moment *m, size_t n, const char *dir,
			  struct json_writer *w)
{
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "dir", dir);
	jw_key(w, "moments");
	jw_start_array(w);
	for (i = 0; i < n; i++) {
		const struct gs_gc *g = &m[i].g;
		uint64_t k;

		jw_start_object(w);
		jw_kv_string(w, "file", m[i].file);
		jw_kv_string(w, "at", m[i].label);
		jw_kv_u64(w, "hit", m[i].hit);
		jw_kv_i64(w, "tid", m[i].hit_tid);
		jw_key(w, "phase");
		if (g->val[GC_V_PHASE_RAW].ok)
			jw_string(w, g->phase);
		else
			jw_null(w);
		value(w, "cycles", &g->val[GC_V_CYCLES]);
		value(w, "numgc", &g->val[GC_V_NUMGC]);
		jw_key(w, "working");
		if (working(g, &k))
			jw_u64(w, k);
		else
			jw_null(w);
		value(w, "markroot_next", &g->val[GC_V_MARKROOT_NEXT]);
		value(w, "markroot_jobs", &g->val[GC_V_MARKROOT_JOBS]);
		value(w, "bytes_marked", &g->val[GC_V_BYTES_MARKED]);
		jw_key(w, "full");
		if (g->full.ok)
			jw_u64(w, g->full.n);
		else
			jw_null(w);
		jw_kv_u64(w, "full_objects", g->full.objects);
		jw_key(w, "empty");
		if (g->empty.ok)
			jw_u64(w, g->empty.n);
		else
			jw_null(w);
		jw_kv_u64(w, "queued_ps", g->queued_ps);
		jw_key(w, "busy_spans");
		if (g->busy.ok)
			jw_u64(w, g->busy.n);
		else
			jw_null(w);
		jw_kv_u64(w, "problems", g->nr_problems);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}
