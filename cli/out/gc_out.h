/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of `gosnap-cli gc`, one file each over the decoded
 * collector (decode/gogc.h): plain text (gc_plain.c) and JSON (gc_json.c,
 * docs/json.md section gc).
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

#endif /* GOSNAP_GC_OUT_H */
