/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Captures taken with gosnap-cli, read back with the CLI's own file and
 * snapshot parsers, and what pagemap says about one region: the scale
 * tests' helpers.
 */
#ifndef GUEST_CLISNAP_H
#define GUEST_CLISNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procmaps.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"

/* User addresses are below this with 5-level paging too (the test VM
 * runs -cpu max: LA57, uprobes puts its XOL page just below 2^56). */
#define USER_END	(1ULL << 56)

/* A snapshot file, read and its (first) snapshot parsed. */
struct snap {
	struct gsf_file file;
	struct gs_snapshot s;
	bool parsed;
	double secs;		/* the CLI's wall time */
	char path[512];		/* the file */
};

int snap_load(struct snap *sn, const char *path, char *err, size_t errlen);
void snap_free(struct snap *sn);

/* CLOCK_MONOTONIC in seconds. */
double now_s(void);

/*
 * gosnap-cli capture --pid PID -o /tmp/scale.gsnap [extra...], and its
 * file parsed. 0, or -errno with err filled.
 */
int cli_capture_pid(pid_t target, const char *const extra[],
		    struct snap *sn, char *err, size_t errlen);

/* Tell the target to start (start) or stop reaching the probed symbol. */
typedef int (*cli_kick_fn)(void *arg, bool start);

/*
 * gosnap-cli capture --at SYM --pid PID --max-snapshots 1 [extra...] in
 * the background, kick(arg, true), wait for the CLI, kick(arg, false),
 * parse the one snapshot. 0, or -errno with err filled.
 */
int cli_capture_probe(pid_t target, const char *sym,
		      const char *const extra[], cli_kick_fn kick, void *arg,
		      struct snap *sn, char *err, size_t errlen);

/*
 * What pagemap says about [start, end): the number of runs a snapshot must
 * have (a new run wherever a page's state, as pagemap and kpageflags tell
 * it, does not continue the previous page's; PFN continuity counts when
 * pfns), and counts by kind.
 */
struct region_oracle {
	uint64_t runs;
	uint64_t present;
	uint64_t huge_zero;	/* pages: kpageflags ZERO_PAGE and THP */
	uint64_t thp;		/* pages: THP, not the zero page */
};

int region_oracle(pid_t pid, uint64_t start, uint64_t end, bool pfns,
		  struct region_oracle *o);

/* Runs outside their VMA or above USER_END (logged as "# " lines). */
uint64_t runs_outside(const struct gs_snapshot *s);

/*
 * smaps now (*all, *nr_all, malloc'ed) and the index and number of the
 * entries inside [start, end). 0 or -errno.
 */
int vmas_in(pid_t pid, uint64_t start, uint64_t end, struct proc_vma **all,
	    size_t *nr_all, size_t *first, size_t *n);

#endif /* GUEST_CLISNAP_H */
