/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything a decoder of one snapshot needs, opened together: the
 * snapshot file and the chosen snapshot in it, the executable it names
 * (or the one given; its build ID must equal the snapshot's), the
 * executable's function table, the target's memory, the pclntab PC
 * lookups and the layout interface. Used by `stacks` and `sched`.
 */
#ifndef GOSNAP_SNAPCTX_H
#define GOSNAP_SNAPCTX_H

#include "elfsym.h"
#include "funcinfo.h"
#include "gomem.h"
#include "layout.h"
#include "snapfile.h"
#include "snapshot.h"

struct gs_snapctx {
	struct gsf_file file;
	struct gs_snapshot snap;
	bool have_snap;
	const char *exe;
	struct gs_symtab *st;
	struct gs_mem *mem;
	struct gs_funcinfo fi;
	struct gs_layout *layout;
	int go_minor;			/* 19 for go1.19.x; 0 if unknown */
	const char *go_version;		/* NULL if unknown */
	char note[256];			/* layout sources that did not open */
};

/*
 * Open snapshot seq (-1: the first) of path with exe (NULL: the one the
 * snapshot names). Returns 0, or -1 after reporting the error (p_err).
 */
int gs_snapctx_open(struct gs_snapctx *c, const char *path, const char *exe,
		    long seq);
void gs_snapctx_close(struct gs_snapctx *c);

/* The thread that hit the probe (with registers), or NULL. */
const struct gosnap_rec_thread *gs_snapctx_hit_thread(const struct gs_snapctx *c);

/* Resident and total OS pages of [lo, hi) from the snapshot's page runs. */
void gs_snapctx_residency(const struct gs_snapctx *c, uint64_t lo, uint64_t hi,
			  uint64_t *pages, uint64_t *resident);

#endif /* GOSNAP_SNAPCTX_H */
