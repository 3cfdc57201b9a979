// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli heap` as plain text: the runtime's counters beside what the
 * page tables say, then arenas, size classes and (with --spans) every span
 * and free range. Byte counts are exact so tests and scripts can use them;
 * docs/heap.md describes every column.
 */
#include "out/heap_out.h"

#include <inttypes.h>

static void counter_row(FILE *out, const struct goheap *h, enum gh_counter_id id,
			uint64_t from_pages, uint64_t resident)
{
	const struct gh_counter *c = &h->counters[id];

	if (c->ok)
		fprintf(out, "  %-13s %15" PRIu64, c->name, c->value);
	else
		fprintf(out, "  %-13s %15s", c->name ? c->name : "?", "unavailable");
	if (!goheap_pages_decoded(h))	/* zeros would read as a measurement */
		fprintf(out, " %15s %15s\n", "unavailable", "unavailable");
	else
		fprintf(out, " %15" PRIu64 " %15" PRIu64 "\n", from_pages, resident);
}

static void print_summary(const struct goheap *h, const struct heap_out_opts *o,
			  FILE *out)
{
	const struct gh_truth *t = &h->truth;
	size_t i;

	fprintf(out, "%s: %s (version from %s)\n", o->snap_path,
		h->version[0] ? h->version : "Go version unknown",
		h->version_from ? h->version_from : "nowhere");
	fprintf(out, "  executable %s\n", o->exe_path);
	fprintf(out, "  arenas %zu, spans %zu, page-allocator chunks %zu, runtime page %" PRIu64
		" B, OS page %" PRIu64 " B\n\n", h->nr_arenas, h->nr_spans,
		h->nr_chunks, h->page_size, h->os_page);
	fprintf(out, "  %-13s %15s %15s %15s\n", "MEMSTATS", "RUNTIME", "PAGES", "RESIDENT");
	counter_row(out, h, GH_HEAP_INUSE, t->bytes_by_kind[GH_PG_INUSE],
		    t->resident_by_kind[GH_PG_INUSE]);
	counter_row(out, h, GH_STACK_INUSE, t->bytes_by_kind[GH_PG_MANUAL],
		    t->resident_by_kind[GH_PG_MANUAL]);
	counter_row(out, h, GH_HEAP_IDLE,
		    t->bytes_by_kind[GH_PG_FREE] + t->bytes_by_kind[GH_PG_RELEASED] +
		    t->bytes_by_kind[GH_PG_CACHED],
		    t->resident_by_kind[GH_PG_FREE] + t->resident_by_kind[GH_PG_RELEASED] +
		    t->resident_by_kind[GH_PG_CACHED]);
	counter_row(out, h, GH_HEAP_RELEASED, t->bytes_by_kind[GH_PG_RELEASED],
		    t->released_resident);
	counter_row(out, h, GH_HEAP_SYS,
		    t->bytes_by_kind[GH_PG_INUSE] + t->bytes_by_kind[GH_PG_FREE] +
		    t->bytes_by_kind[GH_PG_RELEASED] + t->bytes_by_kind[GH_PG_CACHED],
		    t->resident_by_kind[GH_PG_INUSE] + t->resident_by_kind[GH_PG_FREE] +
		    t->resident_by_kind[GH_PG_RELEASED] + t->resident_by_kind[GH_PG_CACHED]);
	fprintf(out, "  (RUNTIME: as runtime.ReadMemStats computes it; PAGES: the same from\n"
		"   spans and page-allocator bitmaps; RESIDENT: present in the page tables;\n"
		"   manual spans hold stacks and GC work buffers)\n");
	if (!goheap_pages_decoded(h)) {
		fprintf(out, "\n  page figures unavailable: no heap arena was decoded\n");
		return;
	}
	fprintf(out, "\n  %-48s %15" PRIu64 "\n", "arena bytes mapped", t->arena_bytes);
	fprintf(out, "  %-48s %15" PRIu64 "\n", "in-use span bytes never touched",
		t->inuse_untouched);
	fprintf(out, "  %-48s %15" PRIu64 "\n", "resident in free (not released) pages",
		t->resident_by_kind[GH_PG_FREE]);
	if (h->page_caches_read)
		fprintf(out, "  %-48s %15" PRIu64 "\n", "free bytes held in Ps' page caches",
			t->cached_bytes);
	else
		fprintf(out, "  %-48s %15" PRIu64 "\n",
			"in Ps' page caches (not in this snapshot)",
			t->bytes_by_kind[GH_PG_CACHED]);
	if (t->padding_bytes)
		fprintf(out, "  %-48s %15" PRIu64 "\n",
			"released as random heap-base padding", t->padding_bytes);
	fprintf(out, "  %-48s %15" PRIu64 "\n", "arena bytes not yet used (resident)",
		t->resident_by_kind[GH_PG_UNUSED]);
	fprintf(out, "  %-48s %15" PRIu64 "\n", h->thp_is_pmd ?
		"heap bytes mapped by PMDs (pte facts: THP unknown)" :
		"heap bytes backed by THP", t->thp);
	fprintf(out, "  %-48s %15" PRIu64 "\n", "heap bytes swapped", t->swapped);
	if (t->resident_by_kind[GH_PG_UNKNOWN] || t->bytes_by_kind[GH_PG_UNKNOWN])
		fprintf(out, "  %-48s %15" PRIu64 "\n", "bytes of pages not decoded",
			t->bytes_by_kind[GH_PG_UNKNOWN]);
	for (i = 0; i < GH_NR_COUNTERS; i++)
		if (h->counters[i].ok)
			fprintf(out, "  # %s = %s\n", h->counters[i].name,
				h->counters[i].from);
}

static void print_arenas(const struct goheap *h, FILE *out)
{
	size_t i;

	fprintf(out, "\nArenas (pages are %" PRIu64 " B runtime pages; resident, THP in bytes)\n",
		h->page_size);
	fprintf(out, "  %-18s %6s %7s %7s %7s %9s %7s %7s %12s %12s\n", "ARENA", "SPANS",
		"INUSE", "MANUAL", "FREE", "RELEASED", "UNUSED", "UNKNOWN", "RESIDENT",
		"THP");
	for (i = 0; i < h->nr_arenas; i++) {
		const struct gh_arena *a = &h->arenas[i];

		fprintf(out, "  0x%016" PRIx64 " %6" PRIu64 " %7" PRIu64 " %7" PRIu64
			" %7" PRIu64 " %9" PRIu64 " %7" PRIu64 " %7" PRIu64 " %12" PRIu64
			" %12" PRIu64 "\n",
			a->base, a->nr_spans, a->pages[GH_PG_INUSE],
			a->pages[GH_PG_MANUAL], a->pages[GH_PG_FREE],
			a->pages[GH_PG_RELEASED], a->pages[GH_PG_UNUSED],
			a->pages[GH_PG_UNKNOWN],
			a->res.resident * h->os_page, a->res.thp * h->os_page);
	}
}

static void print_classes(const struct goheap *h, FILE *out)
{
	size_t i;

	fprintf(out, "\nSize classes (in-use spans; class 0 holds large objects)\n");
	fprintf(out, "  %5s %6s %7s %9s %12s %12s %12s\n", "CLASS", "SIZE", "SPANS",
		"OBJECTS", "BYTES", "SPAN_BYTES", "RESIDENT");
	for (i = 0; i < h->nr_classes; i++) {
		const struct gh_class *c = &h->classes[i];

		if (!c->spans)
			continue;
		fprintf(out, "  %5zu %6" PRIu64 " %7" PRIu64 " %9" PRIu64 " %12" PRIu64
			" %12" PRIu64 " %12" PRIu64 "\n", i, c->size, c->spans,
			c->objects, c->object_bytes, c->span_bytes,
			c->res.resident * h->os_page);
	}
}

static void print_spans(const struct goheap *h, FILE *out)
{
	char buf[16];
	size_t i;

	fprintf(out, "\nSpans (mheap_.allspans; dead spans left out)\n");
	fprintf(out, "  %-18s %7s %-7s %5s %6s %8s %6s %6s %-14s %12s %12s\n", "BASE",
		"PAGES", "STATE", "CLASS", "NOSCAN", "ELEMSIZE", "NELEMS", "ALLOC",
		"SWEEP", "RESIDENT", "THP");
	for (i = 0; i < h->nr_spans; i++) {
		const struct gh_span *s = &h->spans[i];

		if (!gh_span_live(h, s))
			continue;
		fprintf(out, "  0x%016" PRIx64 " %7" PRIu64 " %-7s %5u %6s %8" PRIu64
			" %6" PRIu64 " %6" PRIu64 " %-14s %12" PRIu64 " %12" PRIu64 "\n",
			s->base, s->npages, gh_span_state_name(h, s->state, buf, sizeof(buf)),
			s->spanclass >> 1, s->spanclass & 1 ? "yes" : "no",
			s->elemsize, s->nelems, s->alloc_count,
			gh_sweep_name(h, s), s->res.resident * h->os_page,
			s->res.thp * h->os_page);
	}
	fprintf(out, "\nFree ranges (page allocator; released = scavenged; padding = released,\n"
		"  before the first heap page of a randomized heap base)\n");
	fprintf(out, "  %-18s %7s %-8s %12s\n", "BASE", "PAGES", "KIND", "RESIDENT");
	for (i = 0; i < h->nr_free_ranges; i++) {
		const struct gh_free_range *r = &h->free_ranges[i];

		fprintf(out, "  0x%016" PRIx64 " %7" PRIu64 " %-8s %12" PRIu64 "\n",
			r->base, r->npages,
			r->padding ? "padding" : r->released ? "released" : "free",
			r->res.resident * h->os_page);
	}
}

void heap_print_plain(const struct goheap *h, const struct heap_out_opts *o,
		      FILE *out)
{
	print_summary(h, o, out);
	print_arenas(h, out);
	print_classes(h, out);
	if (o->spans)
		print_spans(h, out);
	heap_print_not_decoded(h, NULL, out);
}

void heap_print_not_decoded(const struct goheap *h, const struct gs_problems *own,
			    FILE *out)
{
	size_t i, n = gs_layout_nr_missing(h->layout);

	if (n || h->nr_problems || (own && own->nr))
		fprintf(out, "\nNot decoded\n");
	for (i = 0; i < n; i++)
		fprintf(out, "  unavailable: %s\n", gs_layout_missing(h->layout, i));
	for (i = 0; i < h->nr_problems; i++)
		fprintf(out, "  %s%s\n", own ? "heap: " : "", h->problems[i]);
	for (i = 0; own && i < own->nr; i++)
		fprintf(out, "  %s\n", own->v[i]);
}
