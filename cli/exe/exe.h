/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One executable, read once: the file is opened and mapped a single time
 * (exe/elfimg.h: the PT_LOAD table, the ELF and section headers), and
 * every reader borrows that image. What costs time is built on first
 * use and kept: the function table per source (exe/elfsym.h), the Go
 * version from every source (exe/goversion.h, settled after the tables
 * and the instruction-decoded runtime.buildVersion), the runtime globals
 * (exe/goglobals.h) and the DWARF (libdw over the same Elf).
 *
 * The snapshot context (decode/snapctx.h) owns the gs_exe of a snapshot;
 * the commands that take only an executable open one themselves. Every
 * pointer returned is valid until gs_exe_close().
 */
#ifndef GOSNAP_EXE_H
#define GOSNAP_EXE_H

#include <elfutils/libdw.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "exe/elfimg.h"
#include "exe/elfsym.h"
#include "exe/goglobals.h"
#include "exe/goversion.h"

#define GS_EXE_NSRC	3	/* enum gs_symsrc values */
#define GS_EXE_NGLOB	2	/* enum gs_globals_src values */

struct gs_exe {
	struct gs_elfimg im;
	char		path[PATH_MAX];
	/* function tables as loaded, one per gs_symsrc, version set */
	struct gs_symtab *st[GS_EXE_NSRC];
	char		st_err[GS_EXE_NSRC][1024];
	bool		st_tried[GS_EXE_NSRC];
	bool		have_ver;
	struct gs_goversion ver;
	struct gs_globals *gg[GS_EXE_NGLOB];
	char		gg_err[GS_EXE_NGLOB][1024];
	bool		gg_tried[GS_EXE_NGLOB];
	Dwarf		*dw;
	bool		dw_tried;
	char		dw_err[PATH_MAX + 256];
};

/* Open path once. NULL with a message in err. */
struct gs_exe *gs_exe_open(const char *path, char *err, size_t errlen);
void gs_exe_close(struct gs_exe *e);

/*
 * The function table from src. A table read from the pclntab of a Go
 * release this tool does not know is refused (the table may have
 * changed). NULL with a message in err.
 */
struct gs_symtab *gs_exe_symtab(struct gs_exe *e, enum gs_symsrc src,
				char *err, size_t errlen);

/* The Go version from every source, settled (see goversion.h). */
const struct gs_goversion *gs_exe_goversion(struct gs_exe *e);

/* The runtime globals (goglobals.h). NULL with a message in err. */
const struct gs_globals *gs_exe_globals(struct gs_exe *e,
					enum gs_globals_src src,
					char *err, size_t errlen);

/* The DWARF over the same Elf; NULL with the reason in err if none. */
Dwarf *gs_exe_dwarf(struct gs_exe *e, char *err, size_t errlen);

#endif /* GOSNAP_EXE_H */
