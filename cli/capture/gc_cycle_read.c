// SPDX-License-Identifier: GPL-2.0
/*
 * capture --gc-cycle: read work.cycles from a snapshot just read from the
 * device, with the probed executable and its layout (opened once), before
 * the judge (gc_cycle.c) decides whether the snapshot is kept.
 */
#include <stdio.h>

#include "capture/gc_cycle.h"
#include "decode/gogc.h"
#include "decode/snapctx.h"

int gc_cycle_read(struct gs_exe *x, struct gs_layout *layout, const void *data,
		  size_t size, uint64_t *cycles, char *err, size_t errlen)
{
	struct gs_snapctx c;
	struct gs_gc g;
	int ret = -1;

	if (gs_snapctx_borrow(&c, data, size, x, layout, err, errlen))
		goto out;
	if (gs_gc_decode(&c, NULL, &g)) {
		snprintf(err, errlen, "out of memory decoding the collector");
		goto out;
	}
	if (g.val[GC_V_CYCLES].ok) {
		*cycles = g.val[GC_V_CYCLES].raw;
		ret = 0;
	} else {
		snprintf(err, errlen, "runtime.work.cycles: %s", g.val[GC_V_CYCLES].why);
	}
	gs_gc_free(&g);
out:
	gs_snapctx_close(&c);
	return ret;
}
