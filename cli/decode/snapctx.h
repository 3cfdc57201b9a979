/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything a decoder of one snapshot needs, opened together: the
 * snapshot file and the chosen snapshot in it, its executable (see
 * gs_exe_choose), the executable's function table, the target's memory,
 * the pclntab PC lookups and the layout interface. Used by `stacks`,
 * `sched` and `heap`.
 */
#ifndef GOSNAP_SNAPCTX_H
#define GOSNAP_SNAPCTX_H

#include <limits.h>

#include "exe/elfsym.h"
#include "exe/exe.h"
#include "decode/funcinfo.h"
#include "decode/gomem.h"
#include "layout/layout.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"

/* The executable a snapshot is decoded with. */
struct gs_exe_choice {
	char	path[PATH_MAX];		/* a file, or /proc/self/fd/N */
	char	name[PATH_MAX + 16];	/* to show: the path, "(embedded)" added */
	int	memfd;			/* the embedded copy's, or -1 */
	bool	embedded;
	struct gs_exe *exe;		/* path, opened once (owned) */
};

/*
 * Choose the executable for snapshot s of file f. With override (--exe),
 * that file, whose build ID must equal the snapshot's. Otherwise the path
 * the snapshot records if it exists with the snapshot's build ID, else
 * the copy embedded in the file (capture --embed). A build-ID mismatch
 * that leaves nothing to use is an error naming both IDs. Returns 0 (with
 * note saying why an embedded copy was used, or empty), or -1 with err.
 */
int gs_exe_choose(const struct gsf_file *f, const struct gs_snapshot *s,
		  const char *override, struct gs_exe_choice *e, char *note,
		  size_t notelen, char *err, size_t errlen);
void gs_exe_choice_release(struct gs_exe_choice *e);

struct gs_snapctx {
	struct gsf_file file;
	struct gs_snapshot snap;
	bool have_snap;
	struct gs_exe_choice exe_src;
	const char *exe;		/* exe_src.path */
	const char *exe_name;		/* exe_src.name: what messages show */
	struct gs_exe *x;		/* exe_src.exe: every stage borrows it */
	struct gs_symtab *st;		/* borrowed from x */
	struct gs_mem *mem;
	struct gs_funcinfo fi;
	struct gs_layout *layout;
	bool borrowed;			/* x and layout belong to the caller */
	uint64_t bias;			/* the executable's load bias (PIE) */
	int go_minor;			/* 19 for go1.19.x; 0 if unknown */
	const char *go_version;		/* NULL if unknown */
	char note[256];			/* layout sources that did not open */
};

/*
 * Open snapshot seq (-1: the first) of path with exe (NULL: the one the
 * snapshot names, or its embedded copy). Returns 0, or -1 after
 * reporting the error (p_err). Using an embedded copy is a warning.
 */
int gs_snapctx_open(struct gs_snapctx *c, const char *path, const char *exe,
		    long seq);
void gs_snapctx_close(struct gs_snapctx *c);

/*
 * Open the snapshot record data (one stream record, as the module queues
 * it, size bytes, not copied: it must outlive c) with x and layout, both
 * borrowed: capture's look at a snapshot before it decides to keep it,
 * with the executable it probed opened once. No function table. Returns
 * 0, or -1 with err. Close with gs_snapctx_close().
 */
int gs_snapctx_borrow(struct gs_snapctx *c, const void *data, size_t size,
		      struct gs_exe *x, struct gs_layout *layout, char *err,
		      size_t errlen);


/*
 * Why Go heap memory may be missing from this snapshot, to append to a
 * "not in the snapshot" message: "" for a full snapshot.
 */
const char *gs_snapctx_heap_hint(const struct gs_snapctx *c);

/* Resident and total OS pages of [lo, hi) from the snapshot's page runs. */
void gs_snapctx_residency(const struct gs_snapctx *c, uint64_t lo, uint64_t hi,
			  uint64_t *pages, uint64_t *resident);

#endif /* GOSNAP_SNAPCTX_H */
