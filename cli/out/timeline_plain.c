// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as a table: one row per moment, then why a figure is
 * missing where one is ("-" in the table).
 */
#include "out/timeline_out.h"

#include <inttypes.h>

/* KiB, or "-" when the figure is unknown. */
static void kib(FILE *out, int width, uint64_t bytes)
{
	fprintf(out, " %*" PRIu64, width, bytes >> 10);
}

static void num(FILE *out, int width, int64_t v)
{
	if (v < 0)
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*" PRId64, width, v);
}

static void footnote(FILE *out, const struct tl_row *r, const char *what, int64_t v,
		     const char *why)
{
	if (v < 0)
		fprintf(out, "  %s, %s: %s\n", r->moment, what, why);
}

void timeline_print_plain(const struct tl_report *r, FILE *out)
{
	size_t i;
	int k;

	fprintf(out, "%s: %zu moments (snapshots in %s)\n\n", r->program, r->n, r->dir);
	fprintf(out, "%-36s %8s %5s %4s %3s %4s %6s %13s %9s",
		"MOMENT", "T(ms)", "VMAS", "THR", "MS", "GS", "ARENAS", "SPANS(U/M/O)",
		"RSS(KiB)");
	for (k = 0; k < GS_REG_NR; k++)
		fprintf(out, " %8s", gs_region_name(k));
	fprintf(out, " %8s\n", "HELD(ms)");
	for (i = 0; i < r->n; i++) {
		const struct gs_moment *m = &r->rows[i].m;
		char spans[32] = "-";

		if (m->spans_inuse >= 0)
			snprintf(spans, sizeof(spans), "%" PRId64 "/%" PRId64 "/%" PRId64,
				 m->spans_inuse, m->spans_manual, m->spans_other);
		fprintf(out, "%-36.36s %8.1f", r->rows[i].moment,
			(double)(m->boottime_ns - r->rows[0].m.boottime_ns) / 1e6);
		num(out, 5, (int64_t)m->vmas);
		num(out, 4, (int64_t)m->threads);
		num(out, 3, m->ms);
		num(out, 4, m->goroutines);
		num(out, 6, m->arenas);
		fprintf(out, " %13s", spans);
		kib(out, 9, m->rss);
		for (k = 0; k < GS_REG_NR; k++)
			kib(out, 8, m->reg.resident[k]);
		fprintf(out, " %8.2f\n", (double)m->held_ns / 1e6);
	}
	fprintf(out, "\n(T: from the first moment; THR: threads; MS: the scheduler's Ms; "
		"GS: live goroutines;\n SPANS: in use/manual/other; the region columns split "
		"RSS, in KiB: docs/timeline.md)\n");
	if (r->skipped && *r->skipped)
		fprintf(out, "\nNo probe (this binary has no such function): %s\n", r->skipped);
	if (r->reentries)
		fprintf(out, "\n%zu init hit%s not shown: the same call entering again after its "
			"stack grew (its task's state still 0)\n", r->reentries,
			r->reentries == 1 ? "" : "s");
	for (i = 0; i < r->n; i++) {
		const struct tl_row *row = &r->rows[i];
		const struct gs_moment *m = &row->m;

		if (i == 0)
			fprintf(out, "\nNot decoded:\n");
		footnote(out, row, "goroutines", m->goroutines, m->goroutines_why);
		footnote(out, row, "Ms", m->ms, m->ms_why);
		footnote(out, row, "arenas", m->arenas, m->heap_why);
		if (m->package_why[0])
			fprintf(out, "  %s, package: %s\n", row->moment, m->package_why);
	}
}
