/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of `gosnap-cli sched`, one file each over the decoded
 * scheduler (decode/gosched.h): plain text (sched_plain.c) and JSON
 * (sched_json.c, docs/json.md section sched).
 */
#ifndef GOSNAP_SCHED_OUT_H
#define GOSNAP_SCHED_OUT_H

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "decode/gosched.h"
#include "layout/layout.h"

struct sched_out_opts {
	const char		*exe;		/* the executable decoded with */
	const char		*go_version;	/* NULL if unknown */
	const struct gs_layout	*layout;	/* what no layout source had */
};

void sched_print_plain(const struct gs_sched *s, const struct sched_out_opts *o,
		       FILE *out);
void sched_print_json(const struct gs_sched *s, const struct sched_out_opts *o,
		      struct json_writer *w);

/*
 * What no layout source had and the sched counters do not already say
 * (their own entry gives the reason): the i-th such name, or NULL.
 * Inline so that both printers use it without depending on each other.
 */
static inline const char *sched_layout_gap(const struct gs_sched *s,
					   const struct gs_layout *l, size_t i)
{
	static const char prefix[] = "field runtime.schedt.";
	const char *name = gs_layout_missing(l, i);

	if (!strncmp(name, prefix, sizeof(prefix) - 1) &&
	    gs_sched_unavailable(s, name + sizeof(prefix) - 1))
		return NULL;
	return name;
}

#endif /* GOSNAP_SCHED_OUT_H */
