/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Go section of `gosnap-cli show`: when the target is a Go program,
 * its Go version and the heap decoder's (goheap.h) key figures, heap in
 * use and mapped beside what of it is resident. Decoded with the
 * executable gs_exe_resolve() picks (the named one, or the file's
 * embedded copy); when that fails for a Go program, the reason is kept
 * and shown instead.
 */
#ifndef GOSNAP_SHOW_GO_H
#define GOSNAP_SHOW_GO_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/json.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"

struct show_go {
	bool		is_go;		/* otherwise nothing else is set */
	char		version[64];	/* "" if unknown */
	const char	*version_from;	/* "runtime.buildVersion", ".go.buildinfo" */
	char		exe[PATH_MAX + 16];
	bool		embedded;	/* decoded with the file's embedded copy */
	char		error[1024];	/* why the heap was not decoded, or "" */
	bool		heap_ok;
	bool		from_runtime;	/* the runtime's counters (else pages) */
	uint64_t	heap_inuse, heap_inuse_resident;	/* HeapInuse */
	uint64_t	heap_sys, heap_sys_resident;		/* HeapSys */
	uint64_t	stack_inuse, stack_inuse_resident;	/* StackInuse */
	uint64_t	nr_problems;	/* what the decoder could not decode */
};

/* Fill g for snapshot s of file f. */
void show_go_decode(const struct gsf_file *f, const struct gs_snapshot *s,
		    struct show_go *g);
void show_go_json(struct json_writer *w, const struct show_go *g);

#endif /* GOSNAP_SHOW_GO_H */
