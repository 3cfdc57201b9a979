// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime's globals found by decoding the instructions that use them
 * (exe/goglobals.h), as a layout source like DWARF, the type descriptors
 * and the tables: it answers the address of a global, nothing else. It
 * comes last, so a binary's DWARF or a release's table answers first;
 * decoders ask the layout only and never fall back on their own.
 */
#include <stdio.h>
#include <string.h>

#include "exe/exe.h"
#include "exe/goglobals.h"
#include "layout/layout.h"

static int gl_global(void *priv, const char *name, uint64_t *addr,
		     char *type, size_t typelen)
{
	const struct gs_globals *gg = priv;
	int i;

	for (i = 0; i < GS_GLOBAL_COUNT; i++) {
		if (!gg->g[i].name || strcmp(gg->g[i].name, name))
			continue;
		if (!gg->g[i].have_addr)
			return 1;
		*addr = gg->g[i].addr;
		if (type && typelen)
			type[0] = '\0';	/* the instructions do not say */
		return 0;
	}
	return 1;
}

static void gl_close(void *priv)
{
	(void)priv;	/* borrowed from the gs_exe */
}

static const struct gs_layout_ops globals_ops = {
	.name		= "decoded",
	.src		= GS_LAYOUT_DECODED,
	.global		= gl_global,
	.close		= gl_close,
};

int gs_layout_add_decoded(struct gs_layout *l, struct gs_exe *exe,
			  char *err, size_t errlen)
{
	const struct gs_globals *gg = gs_exe_globals(exe, GS_GLOBALS_AUTO, err,
						     errlen);

	if (!gg)
		return 1;
	if (gs_layout_add(l, &globals_ops, (void *)gg)) {
		snprintf(err, errlen, "too many layout sources");
		return -1;
	}
	return 0;
}
