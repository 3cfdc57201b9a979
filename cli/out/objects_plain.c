// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli objects` as plain text: the totals against the spans' own
 * allocCount, then the typed groups, then the untyped ones apart, each
 * table by bytes. Byte counts are exact so tests and scripts can use
 * them; docs/objects.md describes every column.
 */
#include "out/objects_out.h"

#include <inttypes.h>

static void print_summary(const struct goobjects *ob, const struct goheap *h,
			  const struct objects_out_opts *o, FILE *out)
{
	fprintf(out, "%s: %s\n", o->snap_path,
		h->version[0] ? h->version : "Go version unknown");
	fprintf(out, "  executable %s\n", o->exe_path);
	fprintf(out, "  types from %s\n", ob->headers ?
		"allocation headers and large spans' largeType" :
		"nowhere: this release keeps no type with its objects");
	if (ob->flow && ob->flow->ran)
		fprintf(out, "  and from DWARF along pointers: %" PRIu64 " objects walked as "
			"their type (%" PRIu64 " named by their header),\n"
			"  from %" PRIu64 " globals and %" PRIu64 " variables in %" PRIu64
			" frames; not taken: %" PRIu64 " pointers into an object's middle,\n"
			"  %" PRIu64 " types of the wrong shape, %" PRIu64
			" interface types DWARF does not name\n\n",
			ob->flow->objects, ob->flow->seeded, ob->flow->globals,
			ob->flow->vars, ob->flow->frames, ob->flow->interior,
			ob->flow->refused, ob->flow->unknown_dyn);
	else
		fprintf(out, "  not from DWARF: %s\n\n",
			ob->flow ? ob->flow->why : "not asked");
	fprintf(out, "  %-34s %12s %15s %15s\n", "", "OBJECTS", "BYTES", "RESIDENT");
	fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 " %15" PRIu64 "\n",
		"allocated (enumerated)", ob->objects, ob->bytes, ob->resident);
	fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "\n", "  of them typed",
		ob->typed_objects, ob->typed_bytes);
	fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "\n", "spans' allocCount",
		ob->alloc_count_objects, ob->alloc_count_bytes);
	if (ob->spans_skipped)
		fprintf(out, "  %-34s %12" PRIu64 " %15" PRIu64 "\n",
			"  in spans not enumerated", ob->skipped_objects,
			ob->skipped_bytes);
	fprintf(out, "  (%" PRIu64 " in-use spans enumerated, %" PRIu64 " not; bytes are "
		"slot sizes, as MemStats.HeapAlloc counts them)\n", ob->spans,
		ob->spans_skipped);
}

/* Rows of the typed (typed = true) or the untyped groups, up to o->top. */
static void print_groups(const struct goobjects *ob, const struct objects_out_opts *o,
			 bool typed, FILE *out)
{
	uint64_t rows = 0, more = 0, more_objects = 0, more_bytes = 0;
	size_t i;

	if (typed)
		fprintf(out, "\nTyped (the type the object or its span records, or DWARF's)\n"
			"  %12s %15s %15s %-9s %s\n", "OBJECTS", "BYTES", "RESIDENT",
			"FROM", "TYPE");
	else
		fprintf(out, "\nUntyped (no type recorded: by size class and shape, not guessed)\n"
			"  %12s %15s %15s %5s %10s %-6s %s\n", "OBJECTS", "BYTES",
			"RESIDENT", "CLASS", "SIZE", "SHAPE", "WHY");
	for (i = 0; i < ob->nr_groups; i++) {
		const struct go_group *g = &ob->groups[i];

		if (go_typesrc_typed(g->src) != typed)
			continue;
		if (o->top && rows == o->top) {
			more++;
			more_objects += g->objects;
			more_bytes += g->bytes;
			continue;
		}
		rows++;
		fprintf(out, "  %12" PRIu64 " %15" PRIu64 " %15" PRIu64, g->objects,
			g->bytes, g->resident);
		if (typed)
			fprintf(out, " %-9s %s%s\n", go_typesrc_name(g->src),
				g->array ? "[]" : "", g->name);
		else
			fprintf(out, " %5u %10" PRIu64 " %-6s %s\n", g->sizeclass,
				g->elemsize, objects_shape(g), go_typesrc_name(g->src));
	}
	if (!rows)
		fprintf(out, "  (none)\n");
	if (more)
		fprintf(out, "  %12" PRIu64 " %15" PRIu64 " in %" PRIu64 " more group%s\n",
			more_objects, more_bytes, more, more == 1 ? "" : "s");
}

void objects_print_plain(const struct goobjects *ob, const struct goheap *h,
			 const struct objects_out_opts *o, FILE *out)
{
	print_summary(ob, h, o, out);
	print_groups(ob, o, true, out);
	print_groups(ob, o, false, out);
	heap_print_not_decoded(h, &ob->problems, out);
}
