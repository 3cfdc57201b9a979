// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli heap --svg FILE`: a heat map of the heap. One cell per
 * runtime page (several pages per cell when there are more than
 * SVG_MAX_CELLS), one block of rows per arena with its base address,
 * coloured by what the page is (span state, size class) and faded by how
 * much of it is resident. Neighbouring cells of the same look are drawn as
 * one rectangle and the looks are CSS classes, which keeps a 1 GiB heap
 * well under a few megabytes.
 */
#include "out/heap_out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SVG_MAX_CELLS	65536
#define SVG_COLS	128
#define SVG_CELL	6		/* px */
#define SVG_LEFT	150		/* room for the arena labels */
#define SVG_TOP		140		/* title and legend */
#define SVG_ARENA_GAP	14

/* One cell's look: colour index and opacity level. */
enum { LOOK_FREE = 0, LOOK_RELEASED, LOOK_MANUAL, LOOK_UNKNOWN, LOOK_LARGE,
       LOOK_UNUSED, LOOK_CLASS0 };	/* LOOK_CLASS0 + size class for small in-use spans */

static int cell_look(const struct goheap *h, const struct gh_arena *a,
		     uint64_t first, uint64_t n, int *opacity)
{
	uint64_t i, counts[GH_PG_NR_KINDS] = { 0 }, res = 0, best = 0;
	uint64_t per = h->page_size / h->os_page;
	int kind = GH_PG_UNKNOWN, cls = -1, k;

	for (i = first; i < first + n && i < h->pages_per_arena; i++) {
		counts[a->kind[i]]++;
		res += a->resident[i];
		if (a->kind[i] == GH_PG_INUSE && cls < 0)
			cls = a->sizeclass[i];
	}
	for (k = 0; k < GH_PG_NR_KINDS; k++)
		if (counts[k] > best) {
			best = counts[k];
			kind = k;
		}
	/* Three levels: none, some, all of its OS pages resident. */
	*opacity = res == 0 ? 0 : res >= n * per ? 2 : 1;
	switch (kind) {
	case GH_PG_INUSE:	return cls > 0 ? LOOK_CLASS0 + cls : LOOK_LARGE;
	case GH_PG_MANUAL:	return LOOK_MANUAL;
	case GH_PG_FREE:
	case GH_PG_CACHED:	return LOOK_FREE;
	case GH_PG_RELEASED:	return LOOK_RELEASED;
	case GH_PG_UNUSED:	return LOOK_UNUSED;
	default:		return LOOK_UNKNOWN;
	}
}

static void style(const struct goheap *h, FILE *out)
{
	size_t c, n = h->nr_classes ? h->nr_classes : 1;

	fprintf(out, "<style>text{font:11px monospace;fill:#222}"
		".t{font:bold 13px monospace}"
		".c%d{fill:#e0e0e0}.c%d{fill:#ffffff;stroke:#ccc;stroke-width:.3}"
		".c%d{fill:#ff8c00}.c%d{fill:#ff00ff}.c%d{fill:#1f3a93}"
		".c%d{fill:#f4f4f4;stroke:#eee;stroke-width:.3}"
		".o0{fill-opacity:.18}.o1{fill-opacity:.55}.o2{fill-opacity:1}",
		LOOK_FREE, LOOK_RELEASED, LOOK_MANUAL, LOOK_UNKNOWN, LOOK_LARGE,
		LOOK_UNUSED);
	/* Small size classes along the hue wheel, green to purple. */
	for (c = 1; c < n; c++)
		fprintf(out, ".c%zu{fill:hsl(%zu,70%%,45%%)}", LOOK_CLASS0 + c,
			90 + c * 210 / n);
	fprintf(out, "</style>\n");
}

static void legend(const struct goheap *h, FILE *out, uint64_t group)
{
	static const struct { int look; const char *name; } items[] = {
		{ LOOK_LARGE, "in use, large object" },
		{ LOOK_CLASS0 + 1, "in use, small (hue = size class)" },
		{ LOOK_MANUAL, "manual (stacks)" },
		{ LOOK_FREE, "free" },
		{ LOOK_RELEASED, "released (scavenged)" },
		{ LOOK_UNKNOWN, "not decoded" },
		{ LOOK_UNUSED, "arena space not yet used" },
	};
	const struct gh_counter *c = h->counters;
	size_t i;

	fprintf(out, "<text class=\"t\" x=\"10\" y=\"18\">Go heap %s: %zu arenas, "
		"%" PRIu64 " KiB resident of %" PRIu64 " KiB mapped</text>\n",
		h->version[0] ? h->version : "(version unknown)", h->nr_arenas,
		h->truth.resident >> 10, h->truth.arena_bytes >> 10);
	fprintf(out, "<text x=\"10\" y=\"36\">HeapInuse %" PRIu64 " KiB, HeapIdle %"
		PRIu64 " KiB, HeapReleased %" PRIu64 " KiB; one cell = %" PRIu64
		" page%s of %" PRIu64 " KiB</text>\n",
		c[GH_HEAP_INUSE].value >> 10, c[GH_HEAP_IDLE].value >> 10,
		c[GH_HEAP_RELEASED].value >> 10, group, group == 1 ? "" : "s",
		h->page_size >> 10);
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		int x = 10 + (int)(i % 3) * 260, y = 50 + (int)(i / 3) * 18;

		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
			"class=\"c%d o2\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
			x, y, items[i].look, x + 18, y + 10, items[i].name);
	}
	for (i = 0; i < 3; i++) {
		static const char *const what[] = { "not resident", "partly resident",
						    "resident" };
		int x = 10 + (int)i * 260, y = 110;

		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
			"class=\"c%d o%zu\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
			x, y, LOOK_LARGE, i, x + 18, y + 10, what[i]);
	}
}

/* Cells of one arena, run-length encoded along each row. Returns height. */
static int arena_block(const struct goheap *h, const struct gh_arena *a,
		       uint64_t group, int y0, FILE *out)
{
	uint64_t ncells = (h->pages_per_arena + group - 1) / group, i;
	int rows = (int)((ncells + SVG_COLS - 1) / SVG_COLS);

	fprintf(out, "<text x=\"6\" y=\"%d\">0x%" PRIx64 "</text>\n", y0 + 10, a->base);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n",
		SVG_LEFT - 2, y0 - 3, SVG_LEFT + SVG_COLS * SVG_CELL, y0 - 3);
	for (i = 0; i < ncells;) {
		int op, look = cell_look(h, a, i * group, group, &op), op2;
		uint64_t j = i + 1;

		/* Extend the run to the row's end while the look holds. */
		while (j < ncells && j % SVG_COLS &&
		       cell_look(h, a, j * group, group, &op2) == look && op2 == op)
			j++;
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"c%d o%d\"/>\n",
			SVG_LEFT + (int)(i % SVG_COLS) * SVG_CELL,
			y0 + (int)(i / SVG_COLS) * SVG_CELL,
			(int)(j - i) * SVG_CELL, SVG_CELL, look, op);
		i = j;
	}
	return rows * SVG_CELL;
}

int heap_write_svg(const struct goheap *h, const struct heap_out_opts *o,
		   FILE *out)
{
	uint64_t total = h->nr_arenas * h->pages_per_arena, group = 1;
	int height = SVG_TOP, width = SVG_LEFT + SVG_COLS * SVG_CELL + 10, y;
	size_t i;

	(void)o;
	while (total / group > SVG_MAX_CELLS)
		group *= 2;
	if (h->pages_per_arena)
		for (i = 0; i < h->nr_arenas; i++)
			height += (int)(((h->pages_per_arena + group - 1) / group +
					 SVG_COLS - 1) / SVG_COLS) * SVG_CELL +
				  SVG_ARENA_GAP;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n", width, height + 10, width, height + 10);
	style(h, out);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fafafa\"/>\n");
	legend(h, out, group);
	y = SVG_TOP;
	for (i = 0; h->pages_per_arena && i < h->nr_arenas; i++)
		y += arena_block(h, &h->arenas[i], group, y, out) + SVG_ARENA_GAP;
	if (!h->nr_arenas)
		fprintf(out, "<text x=\"10\" y=\"%d\">no arena could be decoded</text>\n",
			SVG_TOP + 10);
	fprintf(out, "</svg>\n");
	return ferror(out) ? -1 : 0;
}
