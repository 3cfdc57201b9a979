// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli objects --pprof FILE`: every group of the decoded model as
 * one sample of a pprof profile, whatever --top says. The values are the
 * group's objects, bytes and resident bytes, exactly as the text and JSON
 * print them; the stack is one frame named for the group: its type, or
 * for an untyped group "untyped class C (S B, SHAPE, WHY)", the columns
 * of the text table (docs/objects.md, "pprof").
 */
#include "out/objects_out.h"
#include "out/pprof.h"

#include <inttypes.h>

/* The frame of group g: its type, or a name for its untyped shape. */
static void frame_name(const struct go_group *g, char *buf, size_t len)
{
	if (go_typesrc_typed(g->src))
		snprintf(buf, len, "%s%s", g->array ? "[]" : "", g->name);
	else
		snprintf(buf, len, "untyped class %u (%" PRIu64 " B, %s, %s)",
			 g->sizeclass, g->elemsize, objects_shape(g),
			 go_typesrc_name(g->src));
}

static void add_group(struct pprof *p, const struct go_group *g)
{
	char name[GS_TYPE_NAME_MAX + 64], desc[24], class[8];
	int64_t v[3] = { (int64_t)g->objects, (int64_t)g->bytes, (int64_t)g->resident };
	struct pprof_label typed[] = {
		{ .key = "from", .str = go_typesrc_name(g->src) },
		{ .key = "type_descriptor", .str = desc },
	};
	struct pprof_label untyped[] = {
		{ .key = "why", .str = go_typesrc_name(g->src) },
		{ .key = "shape", .str = objects_shape(g) },
		/* a string: a class is a name, and pprof drops a number 0 */
		{ .key = "size_class", .str = class },
		{ .key = "slot_bytes", .num = (int64_t)g->elemsize, .unit = "bytes" },
	};
	uint64_t loc;

	frame_name(g, name, sizeof(name));
	snprintf(desc, sizeof(desc), "0x%" PRIx64, g->type);
	snprintf(class, sizeof(class), "%u", g->sizeclass);
	loc = pprof_location(p, pprof_function(p, name));
	/* a type DWARF made up (hash<K,V>) has no descriptor: no label */
	if (go_typesrc_typed(g->src))
		pprof_sample(p, &loc, 1, v, typed,
			     sizeof(typed) / sizeof(typed[0]) - (g->type ? 0 : 1));
	else
		pprof_sample(p, &loc, 1, v, untyped, sizeof(untyped) / sizeof(untyped[0]));
}

int objects_write_pprof(const struct goobjects *ob, const struct goheap *h,
			const struct objects_out_opts *o, FILE *out)
{
	struct pprof *p = heap_pprof_new("objects", h, o->snap_path, o->exe_path,
					 o->realtime_ns, true);
	size_t i;

	if (!p)
		return -1;
	for (i = 0; i < ob->nr_groups; i++)
		add_group(p, &ob->groups[i]);
	return heap_pprof_finish(p, out);
}
