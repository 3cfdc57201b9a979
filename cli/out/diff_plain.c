// SPDX-License-Identifier: GPL-2.0
/* `gosnap-cli diff A B` as text: one aligned table per kind of change. */
#include <inttypes.h>

#include "out/diff_out.h"

static void vmas(const struct snapdiff *d, FILE *out)
{
	size_t i;

	fprintf(out, "Mappings: %zu changed; resident %" PRIu64 " -> %" PRIu64 " pages\n",
		d->nvmas, d->resident_a, d->resident_b);
	if (!d->nvmas)
		return;
	fprintf(out, "  %-8s %18s %18s %18s %18s %9s %9s  %s\n", "CHANGE", "START-A", "END-A",
		"START-B", "END-B", "RES-A", "RES-B", "PATH");
	for (i = 0; i < d->nvmas; i++) {
		const struct sd_vma *v = &d->vmas[i];

		fprintf(out, "  %-8s", sd_change_name(v->change));
		if (v->end_a)
			fprintf(out, " %#18" PRIx64 " %#18" PRIx64, v->start_a, v->end_a);
		else
			fprintf(out, " %18s %18s", "-", "-");
		if (v->end_b)
			fprintf(out, " %#18" PRIx64 " %#18" PRIx64, v->start, v->end_b);
		else
			fprintf(out, " %18s %18s", "-", "-");
		fprintf(out, " %9" PRIu64 " %9" PRIu64 "  %s\n", v->resident_a, v->resident_b,
			v->path && v->path[0] ? v->path : "[anon]");
	}
}

static void heap(const struct sd_heap *h, FILE *out)
{
	int k;

	fprintf(out, "\nResident by region (KiB):");
	for (k = 0; k < GS_REG_NR; k++)
		fprintf(out, " %s %" PRIu64 " -> %" PRIu64 "%s", gs_region_name(k),
			h->reg_a.resident[k] >> 10, h->reg_b.resident[k] >> 10,
			k + 1 < GS_REG_NR ? "," : "\n");
	if (!h->ok) {
		fprintf(out, "Heap: unavailable: %s\n", h->why);
		return;
	}
	fprintf(out, "Heap: arenas %" PRIu64 " -> %" PRIu64 ", spans %" PRIu64 " -> %" PRIu64
		": %" PRIu64 " created, %" PRIu64 " freed, %" PRIu64 " changed state or size\n",
		h->arenas_a, h->arenas_b, h->spans_a, h->spans_b, h->spans_created,
		h->spans_freed, h->spans_changed);
	for (k = 0; k < (int)h->nadded; k++)
		fprintf(out, "  arena added %#" PRIx64 "\n", h->arenas_added[k]);
}

static void goroutines(const struct snapdiff *d, FILE *out)
{
	size_t i;

	if (!d->gs_ok) {
		fprintf(out, "\nGoroutines: unavailable: %s\n", d->gs_why);
		return;
	}
	fprintf(out, "\nGoroutines: %zu created or ended\n", d->ngs);
	if (!d->ngs)
		return;
	fprintf(out, "  %-8s %8s  %-22s %s\n", "CHANGE", "GOID", "STATUS", "STARTED-AT");
	for (i = 0; i < d->ngs; i++)
		fprintf(out, "  %-8s %8" PRId64 "  %-22s %s\n",
			d->gs[i].created ? "created" : "ended", d->gs[i].goid,
			d->gs[i].status ? d->gs[i].status : "?",
			d->gs[i].start_func ? d->gs[i].start_func : "?");
}

void diff_print_plain(const struct snapdiff *d, const char *a, const char *b, FILE *out)
{
	size_t i;

	fprintf(out, "A %s\nB %s\n\n", a, b);
	vmas(d, out);
	heap(&d->heap, out);
	goroutines(d, out);
	fprintf(out, "\nThreads: %zu came or went\n", d->nthreads);
	for (i = 0; i < d->nthreads; i++)
		fprintf(out, "  %-8s %8d\n", d->threads[i].added ? "added" : "gone",
			d->threads[i].tid);
}
