/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of `gosnap-cli heap`, one file each over one decoded model
 * (goheap.h): plain aligned tables, JSON (docs/json.md), an SVG heat map.
 */
#ifndef GOSNAP_HEAP_OUT_H
#define GOSNAP_HEAP_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "decode/goheap.h"
#include "base/json.h"
#include "base/problems.h"

struct heap_out_opts {
	const char	*snap_path;
	const char	*exe_path;
	bool		spans;		/* every span and free range */
};

void heap_print_plain(const struct goheap *h, const struct heap_out_opts *o,
		      FILE *out);
void heap_print_json(const struct goheap *h, const struct heap_out_opts *o,
		     struct json_writer *w);
/*
 * The keys a heap-based JSON document starts with: snapshot, executable,
 * go_version (null if unknown); the caller opened the object.
 */
void heap_json_head(struct json_writer *w, const struct goheap *h,
		    const char *snap_path, const char *exe_path);
/* "unavailable": the layout names h's decoders asked for and did not get. */
void heap_json_unavailable(struct json_writer *w, const struct goheap *h);
/*
 * The "Not decoded" section of a heap-based text output: the layout's
 * unavailable names, h's problems (prefixed "heap: " when own is given),
 * then own's; nothing when there is none.
 */
void heap_print_not_decoded(const struct goheap *h, const struct gs_problems *own,
			    FILE *out);
/* "problems": h's, each prefixed "heap: ", then the command's own. */
void heap_json_problems(struct json_writer *w, const struct goheap *h,
			const struct gs_problems *own);
struct pprof;
/*
 * A profile of a snapshot's heap for command cmd ("objects", "retain"):
 * sample types objects/count, bytes/bytes (the default) and, with
 * resident, resident/bytes; the capture's time, a comment naming the
 * snapshot and Go version, the executable as its mapping. NULL when out
 * of memory (errno ENOMEM).
 */
struct pprof *heap_pprof_new(const char *cmd, const struct goheap *h,
			     const char *snap_path, const char *exe_path,
			     uint64_t realtime_ns, bool resident);
/* Write p gzipped to out and free it: 0, or -1 with errno. */
int heap_pprof_finish(struct pprof *p, FILE *out);

/* 0, or -1 if writing failed (errno set). */
int heap_write_svg(const struct goheap *h, const struct heap_out_opts *o,
		   FILE *out);

#endif /* GOSNAP_HEAP_OUT_H */
