/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resident memory of a Go process by region: the executable's text, its
 * data (read-only and writable file-backed parts), its bss, the heap
 * arenas, stacks, the runtime's off-heap memory, and the rest. Used by
 * `timeline` (a row per moment) and `diff` (docs/timeline.md, "Regions").
 */
#ifndef GOSNAP_REGIONS_H
#define GOSNAP_REGIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/goheap.h"
#include "exe/elfimg.h"
#include "snap/snapshot.h"

enum gs_region {
	GS_REG_TEXT,		/* the executable's executable mappings */
	GS_REG_DATA,		/* its other file-backed mappings: rodata, data */
	GS_REG_BSS,		/* anonymous pages of its .bss and .noptrbss */
	GS_REG_HEAP,		/* arena pages not in manual spans */
	GS_REG_STACKS,		/* manual spans (goroutine stacks, GC work
				 * buffers) and the main thread's [stack] */
	GS_REG_RUNTIME,		/* other private anonymous memory: the
				 * runtime's off-heap metadata (and, with
				 * cgo, C's malloc) */
	GS_REG_OTHER,		/* libraries, other files, shared memory, vdso */
	GS_REG_NR,
};

struct gs_regions {
	uint64_t	resident[GS_REG_NR];	/* bytes, as show counts rss */
	bool		arenas_known;	/* the heap's arenas were decoded: else
					 * arena pages count as runtime */
	bool		bss_known;	/* the ELF named its bss sections */
};

/* "text", "data", "bss", "heap", "stacks", "runtime", "other". */
const char *gs_region_name(enum gs_region r);

/*
 * Split snap's resident pages. exe may be NULL (then nothing is bss); bias
 * is its load bias in snap (a PIE's; decode/loadbias.h). h may be NULL
 * (then arenas are not told apart from runtime memory).
 */
void gs_regions_compute(const struct gs_snapshot *snap, const struct gs_elfimg *exe,
			uint64_t bias, const struct goheap *h, struct gs_regions *out);

#endif /* GOSNAP_REGIONS_H */
