// SPDX-License-Identifier: GPL-2.0
/*
 * A layout for one executable: its sources, most exact first. Kept out of
 * layout.c so that the interface does not depend on the sources that
 * plug into it.
 */
#include "layout/layout.h"
#include "layout/layout_table.h"
#include "layout/layout_typedesc.h"

#include <stdio.h>
#include <string.h>

struct gs_layout *gs_layout_open(struct gs_exe *exe, char *note,
				 size_t notelen)
{
	struct gs_layout *l = gs_layout_new();
	char err[256] = "";

	if (note && notelen)
		note[0] = '\0';
	if (!l)
		return NULL;
	if (gs_layout_add_dwarf(l, exe, err, sizeof(err)) && note)
		snprintf(note, notelen, "dwarf: %s", err);
	/* Then the runtime's type descriptors and the per-release tables. */
	if (gs_layout_add_typedesc(l, exe, err, sizeof(err)) && note)
		snprintf(note + strlen(note), notelen - strlen(note), "%stypedesc: %s",
			 note[0] ? "; " : "", err);
	if (gs_layout_add_table(l, exe, err, sizeof(err)) && note)
		snprintf(note + strlen(note), notelen - strlen(note), "%stable: %s",
			 note[0] ? "; " : "", err);
	/* Last, the globals decoded from instructions (no note: the table
	 * source above reports the same failure). */
	gs_layout_add_decoded(l, exe, err, sizeof(err));
	return l;
}
