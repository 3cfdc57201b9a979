// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli gc --dot FILE`: a Graphviz graph of the collector's work.
 * Each busy workbuf span is a cluster holding its workbufs; work.full and
 * work.empty are chains through their workbufs, each P points at its
 * wbuf1 and wbuf2. A workbuf reached twice is one node with two arrows
 * in. Long lists are cut at GC_DOT_MAX_CHAIN nodes with a "+N more" node.
 */
#include <inttypes.h>

#include "out/gc_out.h"

#define GC_DOT_MAX_CHAIN	48

static void wbuf_node(FILE *out, const struct gs_wbuf *b, const struct gs_gc *g)
{
	fprintf(out, "  wb_%" PRIx64 " [label=\"%#" PRIx64 "\\nnobj %" PRId64 "\"",
		b->addr, b->addr, b->nobj);
	if (b->nobj > 0 && g->wbuf_cap)
		fprintf(out, ", style=filled, fillcolor=\"0.08 %.2f 1.0\"",
			0.15 + 0.85 * (double)b->nobj / (double)g->wbuf_cap);
	if (!b->in_busy_span || b->duplicate || (b->nobj >= 0 && (uint64_t)b->nobj > g->wbuf_cap))
		fprintf(out, ", color=red, penwidth=2");
	fprintf(out, "];\n");
}

/* The busy span holding addr, or NULL (spans are few: a scan). */
static const struct gs_wbuf_span *span_of(const struct gs_gc *g, uint64_t addr)
{
	size_t i;

	for (i = 0; i < g->busy.n; i++)
		if (addr >= g->busy.v[i].base &&
		    addr - g->busy.v[i].base < g->busy.v[i].npages * g->page_size)
			return &g->busy.v[i];
	return NULL;
}

/* Every workbuf drawn, once, inside its span's cluster (or outside). */
static void nodes(FILE *out, const struct gs_gc *g, const struct gs_wbuf_span *in)
{
	const struct gs_gc_list *lists[2] = { &g->full, &g->empty };
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < lists[k]->n && i < GC_DOT_MAX_CHAIN; i++)
			if (span_of(g, lists[k]->v[i].addr) == in && !lists[k]->v[i].duplicate)
				wbuf_node(out, &lists[k]->v[i], g);
	for (i = 0; i < g->nps; i++)
		for (k = 0; k < 2; k++) {
			const struct gs_wbuf *b = &g->ps[i].wbuf[k];

			if (b->addr && !b->duplicate && span_of(g, b->addr) == in)
				wbuf_node(out, b, g);
		}
}

static void chain(FILE *out, const char *name, const struct gs_gc_list *l)
{
	size_t i;

	fprintf(out, "  %s [shape=folder, label=\"work.%s\\n%zu workbufs, %" PRIu64
		" objects%s\"];\n", name, name, l->n, l->objects, l->stop ? "\\n(walk stopped)" : "");
	for (i = 0; i < l->n && i < GC_DOT_MAX_CHAIN; i++) {
		if (i == 0)
			fprintf(out, "  %s -> wb_%" PRIx64 ";\n", name, l->v[i].addr);
		else
			fprintf(out, "  wb_%" PRIx64 " -> wb_%" PRIx64 ";\n", l->v[i - 1].addr,
				l->v[i].addr);
	}
	if (l->n > GC_DOT_MAX_CHAIN)
		fprintf(out, "  %s_more [shape=plaintext, label=\"+%zu more\"];\n"
			"  wb_%" PRIx64 " -> %s_more;\n", name, l->n - GC_DOT_MAX_CHAIN,
			l->v[GC_DOT_MAX_CHAIN - 1].addr, name);
}

/* s inside a quoted DOT string. */
static void quoted(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

int gc_write_dot(const struct gs_gc *g, const struct gc_out_opts *o, FILE *out)
{
	size_t i;
	int k;

	fprintf(out, "digraph gc {\n  rankdir=LR;\n  node [shape=box, fontname=monospace];\n"
		"  labelloc=t;\n  label=\"");
	quoted(out, o->exe);
	fprintf(out, " (%s): phase %s, %" PRIu64 " grey objects queued\";\n",
		o->go_version ? o->go_version : "Go version unknown",
		g->val[GC_V_PHASE_RAW].ok ? g->phase : "unavailable", g->queued);
	for (i = 0; i < g->busy.n; i++) {
		const struct gs_wbuf_span *s = &g->busy.v[i];

		fprintf(out, "  subgraph cluster_%zu {\n  label=\"span %#" PRIx64 " (%" PRIu64
			" pages, %" PRIu64 "/%" PRIu64 " OS pages resident)\";\n", i, s->base,
			s->npages, s->res.resident, s->res.pages);
		nodes(out, g, s);
		fprintf(out, "  }\n");
	}
	nodes(out, g, NULL);
	if (g->full.ok)
		chain(out, "full", &g->full);
	if (g->empty.ok)
		chain(out, "empty", &g->empty);
	for (i = 0; i < g->nps; i++) {
		const struct gs_gc_p *p = &g->ps[i];

		fprintf(out, "  p%zu [shape=component, label=\"P%" PRId64 "\\nqueued %" PRIu64 "\"];\n",
			i, p->id, p->queued);
		for (k = 0; k < 2; k++)
			if (p->wbuf[k].addr)
				fprintf(out, "  p%zu -> wb_%" PRIx64 " [label=\"wbuf%d\"];\n", i,
					p->wbuf[k].addr, k + 1);
	}
	fprintf(out, "}\n");
	return ferror(out) ? -1 : 0;
}
