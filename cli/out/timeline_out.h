/* SPDX-License-Identifier: GPL-2.0 */
/* Printers of `gosnap-cli timeline` (docs/timeline.md): table, JSON, SVG. */
#ifndef GOSNAP_TIMELINE_OUT_H
#define GOSNAP_TIMELINE_OUT_H

#include <stdio.h>

#include "base/json.h"
#include "decode/timeline.h"

struct tl_row {
	char		moment[192];	/* "mallocinit returned", "init fmt" */
	char		file[64];	/* the snapshot's name in the directory */
	struct gs_moment m;
};

struct tl_report {
	const char	*dir;
	const char	*program;
	const char	*skipped;	/* probes this binary has no function for */
	struct tl_row	*rows;		/* ordered by snapshot */
	size_t		n;
	size_t		reentries;	/* init hits dropped: the same call again */
};

void timeline_print_plain(const struct tl_report *r, FILE *out);
void timeline_print_json(const struct tl_report *r, struct json_writer *w);
/* The chart; 0, or -1 with errno set. */
int timeline_write_svg(const struct tl_report *r, const char *path);

#endif /* GOSNAP_TIMELINE_OUT_H */
