/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of `gosnap-cli gc`, one file each over the decoded
 * collector (decode/gogc.h): plain text (gc_plain.c), JSON (gc_json.c,
 * docs/json.md section gc), Graphviz (gc_dot.c), SVG (gc_svg.c), and a
 * series of snapshots as a table (gc_series.c).
 */
#ifndef GOSNAP_GC_OUT_H
#define GOSNAP_GC_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "base/json.h"
#include "decode/gogc.h"
#include "layout/layout.h"

struct gc_out_opts {
	const char		*exe;		/* the executable decoded with */
	const char		*go_version;	/* NULL if unknown */
	const struct gs_layout	*layout;	/* what no layout source had */
	bool			workbufs;	/* text: list every workbuf */
	/* JSON --objects: each workbuf's queued pointers, read through this */
	struct gs_snapctx	*objects_from;
};

void gc_print_plain(const struct gs_gc *g, const struct gc_out_opts *o, FILE *out);
void gc_print_json(const struct gs_gc *g, const struct gc_out_opts *o,
		   struct json_writer *w);
/* One snapshot of a series (gc DIR): its file, probe label and hit. */
struct gc_moment {
	const char	*file;
	char		label[64];
	uint64_t	hit;
	int		hit_tid;
	struct gs_gc	g;
};

/* gc DIR: one row per snapshot, in file order (gc_series.c). */
void gc_print_series_plain(const struct gc_moment *m, size_t n, FILE *out);
void gc_print_series_json(const struct gc_moment *m, size_t n, const char *dir,
			  struct json_writer *w);

/* --dot: a Graphviz graph (gc_dot.c); --svg: the queues drawn (gc_svg.c). */
int gc_write_dot(const struct gs_gc *g, const struct gc_out_opts *o, FILE *out);
int gc_write_svg(const struct gs_gc *g, const struct gc_out_opts *o, FILE *out);

#endif /* GOSNAP_GC_OUT_H */
