/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of `gosnap-cli retain`, over one marked object graph
 * (decode/gograph.h, with the heap it was built on): plain aligned tables
 * and JSON (docs/json.md, section retain).
 */
#ifndef GOSNAP_RETAIN_OUT_H
#define GOSNAP_RETAIN_OUT_H

#include <stdio.h>

#include "base/json.h"
#include "decode/goheap.h"
#include "decode/gograph.h"

struct retain_out_opts {
	const char	*snap_path;
	const char	*exe_path;
	uint64_t	top;		/* root rows; 0: all */
	uint64_t	realtime_ns;	/* the capture's wall clock; 0: unknown */
};

/* The field paths' indexes by bytes, descending (malloc'd; NULL: out of memory). */
uint32_t *retain_paths_sorted(const struct gograph *g);

/* The root entries by bytes retained, descending (malloc'd; NULL: none). */
const struct gg_rootent **retain_sorted(const struct gograph *g);

void retain_print_plain(const struct gograph *g, const struct goheap *h,
			const struct retain_out_opts *o, FILE *out);
void retain_print_json(const struct gograph *g, const struct goheap *h,
		       const struct retain_out_opts *o, struct json_writer *w);
/* Every root as a pprof sample, gzipped to out: 0, or -1 with errno. */
int retain_write_pprof(const struct gograph *g, const struct goheap *h,
		       const struct retain_out_opts *o, FILE *out);

#endif /* GOSNAP_RETAIN_OUT_H */
