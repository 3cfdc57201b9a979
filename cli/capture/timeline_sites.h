/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where `gosnap-cli timeline` freezes a starting Go program (docs/
 * timeline.md): the runtime's start-up functions, the instruction after
 * schedinit's call of mallocinit, each package's init, main.main and the
 * first GC, as probe specs for capture_probes().
 */
#ifndef GOSNAP_TIMELINE_SITES_H
#define GOSNAP_TIMELINE_SITES_H

#include <stddef.h>

#include "exe/exe.h"

#define TL_MAX_SITES	12

struct tl_site {
	char	spec[96];	/* for --at: "runtime.main#1", "0x41b2c3#1" */
	char	label[96];	/* what the probe's label will be (spec, no #N) */
	char	moment[64];	/* what the timeline calls it */
	int	is_init;	/* each hit is a package's init */
};

struct tl_sites {
	struct tl_site	s[TL_MAX_SITES];
	size_t		n;
	char		init_func[64];	/* "runtime.doInit1" or "runtime.doInit" */
	char		skipped[512];	/* functions this binary lacks, for a note */
};

/*
 * The sites of executable x, ending with until (a function, or NULL).
 * Returns 0, or -1 with a message in err (not a Go program, no schedinit).
 */
int timeline_sites(struct gs_exe *x, const char *until, struct tl_sites *out,
		   char *err, size_t errlen);

#endif /* GOSNAP_TIMELINE_SITES_H */
