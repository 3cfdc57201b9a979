/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What changed between two snapshots of one process (`gosnap-cli diff`,
 * docs/diff.md): mappings added, removed, grown, shrunk or whose resident
 * pages changed; goroutines created and ended; threads that came and
 * went. Two snapshots are of one process when their thread group id and
 * start time agree.
 */
#ifndef GOSNAP_SNAPDIFF_H
#define GOSNAP_SNAPDIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/goroutines.h"
#include "decode/snapctx.h"
#include "decode/snapdiff_heap.h"

enum sd_vma_change { SD_ADDED, SD_REMOVED, SD_GROWN, SD_SHRUNK, SD_RESIDENT };

struct sd_vma {
	enum sd_vma_change change;
	uint64_t	start;			/* B's (A's when removed) */
	uint64_t	start_a, end_a, end_b;	/* 0: not in that snapshot */
	uint64_t	resident_a, resident_b;	/* OS pages */
	uint32_t	flags;			/* GOSNAP_VMA_* (B's, else A's) */
	const char	*path;
};

struct sd_g {
	int64_t		goid;
	bool		created;		/* else ended */
	const char	*start_func;
	const char	*status;		/* in B if created, in A if ended */
};

struct sd_thread {
	int32_t		tid;
	bool		added;
};

struct snapdiff {
	bool		same_process;
	char		why[160];		/* !same_process: how they differ */
	struct sd_vma	*vmas;
	size_t		nvmas;
	uint64_t	resident_a, resident_b;	/* OS pages, all mappings */
	bool		gs_ok;			/* both snapshots' goroutines decoded */
	char		gs_why[300];
	struct sd_g	*gs;
	size_t		ngs;
	struct sd_thread *threads;
	size_t		nthreads;
	struct sd_heap	heap;			/* filled by snapdiff_heap() */
};

/*
 * Compare a and b (their goroutines ga and gb, decoded or with a
 * problem). Returns 0, or -1 when out of memory.
 */
int snapdiff_compute(const struct gs_snapctx *a, const struct gs_goroutines *ga,
		     const struct gs_snapctx *b, const struct gs_goroutines *gb,
		     struct snapdiff *d);
void snapdiff_free(struct snapdiff *d);
const char *sd_change_name(enum sd_vma_change c);

#endif /* GOSNAP_SNAPDIFF_H */
