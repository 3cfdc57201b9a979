// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as a chart: one stacked bar per moment, resident memory
 * split by region, with the moment's name under it and its goroutines,
 * threads and arenas above it.
 */
#include "out/timeline_out.h"
#include "out/svg_text.h"

#include <errno.h>
#include <inttypes.h>

#define BAR_W	34
#define GAP	16
#define LEFT	80
#define TOP	60
#define PLOT_H	320
#define LABEL_H	190

static const char *const colour[GS_REG_NR] = {
	"#1f77b4", "#aec7e8", "#98df8a", "#2ca02c", "#ff7f0e", "#9467bd", "#c7c7c7",
};

static void bar(FILE *out, const struct tl_row *r, int x, uint64_t max)
{
	const struct gs_moment *m = &r->m;
	double y = TOP + PLOT_H;
	int k;

	for (k = 0; k < GS_REG_NR; k++) {
		double h = max ? (double)m->reg.resident[k] * PLOT_H / (double)max : 0;

		if (h <= 0)
			continue;
		y -= h;
		fprintf(out, "<rect class=\"r%d\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\">"
			"<title>", k, x, y, BAR_W, h);
		svg_text(out, r->moment);
		fprintf(out, ": %s %" PRIu64 " KiB</title></rect>\n", gs_region_name(k),
			m->reg.resident[k] >> 10);
	}
	fprintf(out, "<text class=\"s\" x=\"%d\" y=\"%.1f\">", x, y - 4);
	if (m->goroutines >= 0)
		fprintf(out, "%" PRId64 "g ", m->goroutines);
	fprintf(out, "%" PRIu64 "t</text>\n", m->threads);
	fprintf(out, "<text class=\"l\" transform=\"translate(%d,%d) rotate(50)\">",
		x + BAR_W / 2, TOP + PLOT_H + 12);
	svg_text(out, r->moment);
	fprintf(out, "</text>\n");
}

int timeline_write_svg(const struct tl_report *r, const char *path)
{
	int width = LEFT + (int)r->n * (BAR_W + GAP) + 170;
	uint64_t max = 0;
	FILE *out;
	size_t i;
	int k;

	out = fopen(path, "w");
	if (!out)
		return -1;
	for (i = 0; i < r->n; i++)
		if (r->rows[i].m.rss > max)
			max = r->rows[i].m.rss;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"11\">\n<style>", width,
		TOP + PLOT_H + LABEL_H);
	for (k = 0; k < GS_REG_NR; k++)
		fprintf(out, ".r%d{fill:%s}", k, colour[k]);
	fprintf(out, ".s{font-size:9px}.t{font-size:14px}</style>\n"
		"<text class=\"t\" x=\"10\" y=\"20\">");
	svg_text(out, r->program);
	fprintf(out, ": resident memory at each start-up moment (KiB by region)</text>\n");
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
		LEFT - 6, TOP + PLOT_H, width - 160, TOP + PLOT_H);
	fprintf(out, "<text x=\"6\" y=\"%d\">%" PRIu64 " KiB</text>\n"
		"<text x=\"6\" y=\"%d\">0</text>\n", TOP + 4, max >> 10, TOP + PLOT_H);
	for (i = 0; i < r->n; i++)
		bar(out, &r->rows[i], LEFT + (int)i * (BAR_W + GAP), max);
	for (k = 0; k < GS_REG_NR; k++)
		fprintf(out, "<rect class=\"r%d\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/>"
			"<text x=\"%d\" y=\"%d\">%s</text>\n", k, width - 150, TOP + 18 * k,
			width - 132, TOP + 18 * k + 10, gs_region_name(k));
	fprintf(out, "</svg>\n");
	if (ferror(out)) {
		int e = errno;

		fclose(out);
		errno = e ? e : EIO;
		return -1;
	}
	return fclose(out);
}
