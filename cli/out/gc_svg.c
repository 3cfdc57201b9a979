// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli gc --svg FILE`: where the grey objects are queued. One row
 * per holder (work.full, work.empty, each P); each workbuf it holds is a
 * box as wide as its capacity allows, filled from the bottom by nobj /
 * capacity, and under the boxes a bar of the row's queued objects, on one
 * scale for all rows. With Green Tea (go1.26+) a P's row has a second bar:
 * the spans queued in its local ring and on its spanSPMC chain, on a scale
 * of their own. Rows are cut at GC_SVG_MAX_BOXES boxes.
 */
#include <inttypes.h>

#include "out/gc_out.h"
#include "out/svg_text.h"

#define GC_SVG_MAX_BOXES	64
#define BOX_W		14
#define BOX_H		40
#define BOX_GAP		3
#define BAR_H		12
#define ROW_H		(BOX_H + 2 * BAR_H + 30)
#define BARS_W		(GC_SVG_MAX_BOXES * (BOX_W + BOX_GAP))
#define LEFT		130
#define TOP		70
#define WIDTH		(LEFT + GC_SVG_MAX_BOXES * (BOX_W + BOX_GAP) + 120)

static void box(FILE *out, int x, int y, const struct gs_wbuf *b, uint64_t cap)
{
	int fill = 0;

	if (b->nobj > 0 && cap)	/* at least a line for one object */
		fill = 1 + (int)((uint64_t)(b->nobj > (int64_t)cap ? (int64_t)cap : b->nobj) *
				 (BOX_H - 1) / cap);
	fprintf(out, "<rect class=\"buf%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
		b->in_busy_span && !b->duplicate ? "" : " bad", x, y, BOX_W, BOX_H);
	if (fill)
		fprintf(out, "<rect class=\"obj\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
			x, y + BOX_H - fill, BOX_W, fill);
}

/* The bar of what a row holds, on the scale of max, and its label. */
static void bar(FILE *out, int y, const char *class, uint64_t n, uint64_t max,
		const char *what)
{
	fprintf(out, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n"
		"<text x=\"%d\" y=\"%d\">%" PRIu64 " %s</text>\n", class, LEFT, y,
		max ? (int)(n * (uint64_t)BARS_W / max) : 0, BAR_H, LEFT - 122, y + BAR_H, n,
		what);
}

static void row(FILE *out, int r, const char *name, const struct gs_wbuf *const *v,
		size_t n, uint64_t queued, uint64_t max, uint64_t cap)
{
	int y = TOP + r * ROW_H, x = LEFT;
	size_t i;

	fprintf(out, "<text x=\"8\" y=\"%d\">%s</text>\n", y + BOX_H / 2 + 5, name);
	for (i = 0; i < n && i < GC_SVG_MAX_BOXES; i++, x += BOX_W + BOX_GAP)
		box(out, x, y, v[i], cap);
	if (n > GC_SVG_MAX_BOXES)
		fprintf(out, "<text x=\"%d\" y=\"%d\">+%zu</text>\n", x + 4, y + BOX_H / 2 + 5,
			n - GC_SVG_MAX_BOXES);
	bar(out, y + BOX_H + 6, "bar", queued, max, "queued");
}

static void list_row(FILE *out, int r, const char *name, const struct gs_gc_list *l,
		     uint64_t max, uint64_t cap)
{
	const struct gs_wbuf *v[GC_SVG_MAX_BOXES];
	size_t i;

	for (i = 0; i < l->n && i < GC_SVG_MAX_BOXES; i++)
		v[i] = &l->v[i];
	row(out, r, name, v, l->n, l->objects, max, cap);
}

/* Green Tea: the spans a P has queued, local and chained. */
static uint64_t p_spans(const struct gs_gc_p *p)
{
	return (p->spanq_ok ? p->spanq_len : 0) + (p->chain_ok ? p->chain_spans : 0);
}

int gc_write_svg(const struct gs_gc *g, const struct gc_out_opts *o, FILE *out)
{
	uint64_t max = g->full.objects, smax = 0;
	size_t i, rows = 2 + g->nps;
	int r = 0;

	for (i = 0; i < g->nps; i++) {
		if (g->ps[i].queued > max)
			max = g->ps[i].queued;
		if (p_spans(&g->ps[i]) > smax)
			smax = p_spans(&g->ps[i]);
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
		"font-family=\"monospace\" font-size=\"13\">\n<style>\n"
		".buf { fill: #eef3f8; stroke: #2b5d8a; stroke-width: 1 }\n"
		".bad { stroke: #d62728; stroke-width: 2 }\n"
		".obj { fill: #e6781e }\n.bar { fill: #2b5d8a }\n.spans { fill: #2ca02c }\n"
		"</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
		"<text x=\"8\" y=\"22\" font-size=\"16\">", WIDTH, TOP + rows * ROW_H + 10);
	svg_text(out, o->exe);
	fprintf(out, " (%s): phase %s, ", o->go_version ? o->go_version : "Go version unknown",
		g->val[GC_V_PHASE_RAW].ok ? g->phase : "unavailable");
	if (g->val[GC_V_CYCLES].ok)
		fprintf(out, "cycle %" PRIu64 ", ", g->val[GC_V_CYCLES].raw);
	fprintf(out, "%" PRIu64 " grey objects queued</text>\n"
		"<text x=\"8\" y=\"44\">each box a workbuf (%" PRIu64 " pointers), filled by "
		"its objects; bars: objects queued%s</text>\n", g->queued, g->wbuf_cap,
		g->spanq.ok ? ", spans queued (Green Tea)" : "");
	list_row(out, r++, "work.full", &g->full, max, g->wbuf_cap);
	list_row(out, r++, "work.empty", &g->empty, max, g->wbuf_cap);
	for (i = 0; i < g->nps; i++) {
		const struct gs_wbuf *v[2];
		char name[32];
		size_t n = 0;
		int k;

		for (k = 0; k < 2; k++)
			if (g->ps[i].wbuf[k].addr)
				v[n++] = &g->ps[i].wbuf[k];
		snprintf(name, sizeof(name), "P%" PRId64, g->ps[i].id);
		row(out, r, name, v, n, g->ps[i].queued, max, g->wbuf_cap);
		if (g->ps[i].spanq_ok)
			bar(out, TOP + r * ROW_H + BOX_H + 12 + BAR_H, "spans",
			    p_spans(&g->ps[i]), smax, "spans");
		r++;
	}
	fprintf(out, "</svg>\n");
	return ferror(out) ? -1 : 0;
}
