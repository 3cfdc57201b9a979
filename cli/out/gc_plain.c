// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli gc` as plain text: the cycle, the global lists, a table of
 * the Ps' gcWork, the workbuf spans, the totals and the checks; with
 * --workbufs every workbuf. docs/gc.md describes every line.
 */
#include <inttypes.h>

#include "out/gc_out.h"

static void value_row(FILE *out, const struct gs_gc *g, enum gs_gc_value_id i)
{
	const struct gs_gc_value *v = &g->val[i];

	fprintf(out, "  %-26s ", gs_gc_value_key(i));
	if (!v->ok)
		fprintf(out, "%20s", "unavailable");
	else if (v->is_signed)
		fprintf(out, "%20" PRId64, v->v);
	else
		fprintf(out, "%20" PRIu64, v->raw);
	fprintf(out, "  %s", gs_gc_value_from(i));
	if (!v->ok)
		fprintf(out, ": %s", v->why);
	fputc('\n', out);
}

static void wbuf_cell(FILE *out, const struct gs_wbuf *b)
{
	if (!b->addr)
		fprintf(out, " %18s %5s", "-", "-");
	else if (b->nobj < 0)
		fprintf(out, " %#18" PRIx64 " %5s", b->addr, "?");
	else
		fprintf(out, " %#18" PRIx64 " %5" PRId64, b->addr, b->nobj);
}

static void wbuf_line(FILE *out, const char *where, const struct gs_wbuf *b,
		      const struct gs_gc *g)
{
	fprintf(out, "  %-8s %#18" PRIx64 " %5" PRId64 "  %s%s%s", where, b->addr,
		b->nobj, b->in_busy_span ? "busy-span" : "NOT-IN-BUSY-SPAN",
		b->aligned ? "" : " misaligned", b->duplicate ? " DUPLICATE" : "");
	if (g->heap_joined && b->outside_heap)
		fprintf(out, " %" PRIu64 "-outside-heap", b->outside_heap);
	fputc('\n', out);
}

static void list_line(FILE *out, const char *name, const struct gs_gc_list *l)
{
	if (!l->ok) {
		fprintf(out, "  %-6s unavailable (%s)\n", name, l->stop ? l->stop : "?");
		return;
	}
	fprintf(out, "  %-6s %8zu workbufs %10" PRIu64 " objects%s%s\n", name, l->n,
		l->objects, l->stop ? "  stopped: " : "", l->stop ? l->stop : "");
}

static void spans_line(FILE *out, const char *name, const struct gs_gc_spans *s)
{
	uint64_t pages = 0, os = 0, res = 0;
	size_t i;

	if (!s->ok) {
		fprintf(out, "  %-5s unavailable (%s)\n", name, s->stop ? s->stop : "?");
		return;
	}
	for (i = 0; i < s->n; i++) {
		pages += s->v[i].npages;
		os += s->v[i].res.pages;
		res += s->v[i].res.resident;
	}
	fprintf(out, "  %-5s %6zu spans %8" PRIu64 " pages, resident %" PRIu64 " of %" PRIu64
		" OS pages%s%s\n", name, s->n, pages, res, os,
		s->stop ? "  stopped: " : "", s->stop ? s->stop : "");
}

static void print_ps(FILE *out, const struct gs_gc *g)
{
	size_t i;

	if (!g->ps_ok) {
		fprintf(out, "Ps: unavailable\n\n");
		return;
	}
	fprintf(out, "Ps (gcWork)\n  %4s %18s %5s %18s %5s %14s %14s %7s %6s %11s %4s %8s\n",
		"P", "WBUF1", "NOBJ", "WBUF2", "NOBJ", "BYTES-MARKED", "HEAP-SCAN", "FLUSHED",
		"SPANQ", "CHAIN", "MASK", "QUEUED");
	for (i = 0; i < g->nps; i++) {
		const struct gs_gc_p *p = &g->ps[i];

		fprintf(out, "  %4" PRId64, p->id);
		wbuf_cell(out, &p->wbuf[0]);
		wbuf_cell(out, &p->wbuf[1]);
		if (p->bytes_marked.ok)
			fprintf(out, " %14" PRIu64, p->bytes_marked.raw);
		else
			fprintf(out, " %14s", "?");
		if (p->heap_scan_work.ok)
			fprintf(out, " %14" PRId64, p->heap_scan_work.v);
		else
			fprintf(out, " %14s", "?");
		fprintf(out, " %7s", !p->flushed.ok ? "?" : p->flushed.raw ? "yes" : "no");
		if (p->spanq_ok)
			fprintf(out, " %6" PRIu32, p->spanq_len);
		else
			fprintf(out, " %6s", "-");
		if (p->chain_ok) {
			char chain[32];

			/* spans on the chain, and in how many rings */
			snprintf(chain, sizeof(chain), "%" PRIu64 "/%" PRIu32,
				 p->chain_spans, p->chain_rings);
			fprintf(out, " %11s", chain);
		} else {
			fprintf(out, " %11s", "-");
		}
		fprintf(out, " %4s", p->in_mask < 0 ? "-" : p->in_mask ? "yes" : "no");
		fprintf(out, " %8" PRIu64 "\n", p->queued);
	}
	fputc('\n', out);
}

/* Green Tea's spanSPMC rings (work.spanSPMCs), when the release has them. */
static void print_spanq(FILE *out, const struct gs_gc *g, bool every)
{
	const struct gs_gc_spanq *s = &g->spanq;
	size_t i;

	if (!s->ok) {
		fprintf(out, "Span rings (work.spanSPMCs): none: %s\n\n", s->why);
		return;
	}
	fprintf(out, "Span rings (work.spanSPMCs): %" PRIu64 " live, %" PRIu64
		" dead, %" PRIu64 " spans queued%s%s\n", s->live, s->dead, s->spans,
		s->stop ? "; walk stopped: " : "", s->stop ? s->stop : "");
	if (every && s->n) {
		fprintf(out, "  %18s %10s %10s %8s %6s %5s %5s\n", "SPMC", "HEAD", "TAIL",
			"CAP", "SPANS", "DEAD", "P");
		for (i = 0; i < s->n; i++) {
			const struct gs_spmc *r = &s->v[i];

			fprintf(out, "  %#18" PRIx64 " %10" PRIu32 " %10" PRIu32 " %8" PRIu32
				" %6" PRIu32 " %5s ", r->addr, r->head, r->tail, r->cap,
				(uint32_t)(r->tail - r->head), r->dead ? "yes" : "no");
			if (r->owner >= 0)
				fprintf(out, "%5" PRId64 "\n", r->owner);
			else
				fprintf(out, "%5s\n", "-");
		}
	}
	fputc('\n', out);
}

static void print_workbufs(FILE *out, const struct gs_gc *g)
{
	size_t i;
	int k;

	fprintf(out, "Workbufs\n  %-8s %18s %5s  %s\n", "WHERE", "ADDR", "NOBJ", "CHECKS");
	for (i = 0; i < g->full.n; i++)
		wbuf_line(out, "full", &g->full.v[i], g);
	for (i = 0; i < g->empty.n; i++)
		wbuf_line(out, "empty", &g->empty.v[i], g);
	for (i = 0; i < g->nps; i++)
		for (k = 0; k < 2; k++)
			if (g->ps[i].wbuf[k].addr) {
				char where[16];

				snprintf(where, sizeof(where), "P%" PRId64 ".w%d", g->ps[i].id, k + 1);
				wbuf_line(out, where, &g->ps[i].wbuf[k], g);
			}
	fputc('\n', out);
}

static void print_totals(FILE *out, const struct gs_gc *g)
{
	size_t i;

	fprintf(out, "Totals\n  grey objects queued: %" PRIu64 " (global %" PRIu64 ", Ps %" PRIu64
		")\n", g->queued, g->queued_global, g->queued_ps);
	if (g->spans_queued || g->spans_chained)
		fprintf(out, "  spans queued (Green Tea): %" PRIu64 " in local rings, %" PRIu64
			" on the Ps' chains\n", g->spans_queued, g->spans_chained);
	for (i = 0; i < g->nps; i++)
		fprintf(out, "    P%-4" PRId64 " %10" PRIu64 "  %5.1f%%\n", g->ps[i].id,
			g->ps[i].queued, g->queued ? 100.0 * g->ps[i].queued / g->queued : 0.0);
	fprintf(out, "  workbufs reached %" PRIu64 ": duplicates %" PRIu64 ", outside busy spans %"
		PRIu64 ", misaligned %" PRIu64 ", nobj over capacity %" PRIu64, g->workbufs,
		g->duplicates, g->outside_busy, g->misaligned, g->bad_nobj);
	if (g->heap_joined)
		fprintf(out, ", pointers outside in-use spans %" PRIu64 "\n", g->objects_outside_heap);
	else
		fprintf(out, ", pointers not checked (heap not decoded)\n");
}

void gc_print_plain(const struct gs_gc *g, const struct gc_out_opts *o, FILE *out)
{
	size_t i;

	fprintf(out, "executable %s (%s)\n", o->exe, o->go_version ? o->go_version : "Go version unknown");
	fprintf(out, "phase      %s\n\nCycle\n", g->val[GC_V_PHASE_RAW].ok ? g->phase : "unavailable");
	for (i = 0; i < GC_V_NR; i++)
		value_row(out, g, (enum gs_gc_value_id)i);
	fprintf(out, "\nGlobal lists (workbuf %" PRIu64 " bytes, %" PRIu64 " pointers)\n",
		g->wbuf_size, g->wbuf_cap);
	list_line(out, "full", &g->full);
	list_line(out, "empty", &g->empty);
	fputc('\n', out);
	print_ps(out, g);
	fprintf(out, "Workbuf spans (work.wbufSpans)\n");
	spans_line(out, "busy", &g->busy);
	spans_line(out, "free", &g->free);
	fputc('\n', out);
	print_spanq(out, g, o->workbufs);
	if (o->workbufs)
		print_workbufs(out, g);
	print_totals(out, g);
	if (g->nr_problems || gs_layout_nr_missing(o->layout))
		fprintf(out, "\nNot decoded\n");
	for (i = 0; i < g->nr_problems; i++)
		fprintf(out, "  problem: %s\n", g->problems[i]);
	for (i = 0; i < gs_layout_nr_missing(o->layout); i++)
		fprintf(out, "  unavailable: %s\n", gs_layout_missing(o->layout, i));
}
