/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An ELF core file from a snapshot (`gosnap-cli export-core`, docs/core.md):
 * what gdb, Delve and every reader of Linux cores open with the
 * executable. Threads with registers become NT_PRSTATUS notes, the
 * hitting thread first; captured memory becomes PT_LOAD segments, and the
 * executable's read-only segments are filled from the executable, so
 * code and read-only data are there too. Memory that was not captured is
 * absent, never zero-filled.
 */
#ifndef GOSNAP_CORE_ELF_H
#define GOSNAP_CORE_ELF_H

#include <stddef.h>
#include <stdio.h>

#include "exe/exe.h"
#include "snap/snapshot.h"

struct core_summary {
	size_t	threads;	/* NT_PRSTATUS written: threads with registers */
	size_t	no_regs;	/* threads left out: the module recorded none */
	size_t	loads;		/* PT_LOAD segments */
	size_t	from_exe;	/* of which filled from the executable */
	size_t	files;		/* NT_FILE entries */
	unsigned long long mem_bytes;	/* bytes of memory in the core */
};

/*
 * Write the core of s, with x its executable (NULL: no read-only
 * segments), to out. Returns 0, or -1 with err (out of memory, a write
 * that failed, a snapshot with no thread registers).
 */
int core_write(const struct gs_snapshot *s, const struct gs_exe *x, FILE *out,
	       struct core_summary *sum, char *err, size_t errlen);

#endif /* GOSNAP_CORE_ELF_H */
