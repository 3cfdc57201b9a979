/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of `gosnap-cli objects`, over one decoded model
 * (goobjects.h, with the heap it was enumerated from): plain aligned
 * tables, JSON (docs/json.md, section objects) and a pprof profile.
 */
#ifndef GOSNAP_OBJECTS_OUT_H
#define GOSNAP_OBJECTS_OUT_H

#include <stdio.h>

#include "base/json.h"
#include "decode/goheap.h"
#include "decode/goobjects.h"
#include "out/heap_out.h"

struct objects_out_opts {
	const char	*snap_path;
	const char	*exe_path;
	uint64_t	top;		/* rows per table; 0: all */
	uint64_t	realtime_ns;	/* the capture's wall clock; 0: unknown */
};

void objects_print_plain(const struct goobjects *ob, const struct goheap *h,
			 const struct objects_out_opts *o, FILE *out);
void objects_print_json(const struct goobjects *ob, const struct goheap *h,
			const struct objects_out_opts *o, struct json_writer *w);
/*
 * Every group (o->top does not apply) as a gzipped pprof profile
 * (objects_pprof.c): 0, or -1 if writing failed (errno set).
 */
int objects_write_pprof(const struct goobjects *ob, const struct goheap *h,
			const struct objects_out_opts *o, FILE *out);

/* The name of an untyped group's shape: "scan", "noscan". */
static inline const char *objects_shape(const struct go_group *g)
{
	return g->noscan ? "noscan" : "scan";
}

#endif /* GOSNAP_OBJECTS_OUT_H */
