/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the collector scans of one goroutine frame stopped at a call
 * (a safe point): the pointer words of its locals and of its arguments,
 * from the funcdata stack maps at the frame's PC (PCDATA_StackMapIndex
 * into FUNCDATA_LocalsPointerMaps and ArgsPointerMaps), and its stack
 * objects (FUNCDATA_StackObjects: address-taken variables, whose words
 * the collector scans when something points at them; here always, by
 * their ptrdata). Read the way the runtime's getStackMap reads them, on
 * amd64 (frame pointers on, so varp is below the saved BP).
 */
#ifndef GOSNAP_GOSTACKMAP_H
#define GOSNAP_GOSTACKMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/funcinfo.h"
#include "decode/gomem.h"
#include "decode/unwind.h"

#define GS_STACKMAP_MAX_BITS	(1U << 20)	/* words of one map */
#define GS_STACKMAP_MAX_OBJS	1024		/* stack objects of one frame */

/* A range of the stack and its pointer words (bits NULL: every word). */
struct gs_stackrange {
	uint64_t	lo, hi;
	uint8_t		*bits;		/* one bit a word from lo, malloc'd */
};

struct gs_framemap {
	struct gs_stackrange locals, args;
	struct gs_stackrange objs[GS_STACKMAP_MAX_OBJS];
	size_t		nr_objs;
	const char	*why;		/* NULL, or why the frame has no map */
};

/*
 * The map of frame f (a physical Go frame at a call). False with why set
 * when its function, pcdata or funcdata cannot be read: scan it
 * conservatively then. Free with gs_framemap_free either way.
 */
bool gs_framemap_get(const struct gs_funcinfo *fi, const struct gs_mem *mem,
		     const struct gs_frame *f, struct gs_framemap *m);
void gs_framemap_free(struct gs_framemap *m);

#endif /* GOSNAP_GOSTACKMAP_H */
