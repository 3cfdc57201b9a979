/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the Go runtime's globals are (runtime.mheap_, allgs, allp, sched,
 * work, m0, g0, buildVersion, firstmoduledata, memstats, gcController, …)
 * in any Go binary, stripped or not.
 *
 * With a .symtab the addresses are read from it. Independently, every
 * global is also found by decoding the machine code of runtime functions
 * located through the pclntab (which stripping keeps): a rule names a
 * function and an instruction pattern with a RIP-relative operand, e.g.
 * "the LEA into RAX (the receiver) before CALL runtime.(*mheap).alloc in
 * runtime.(*mcentral).grow". Each global has two or three rules built on
 * different instructions, usually in different functions; the first one
 * that matches gives the address and the next one that matches is the
 * cross-check. A decoded address is reported only if it lies in a writable
 * segment, and where the pointed-to bytes are known in the file (build
 * version string, moduledata's pclntab pointer) they are checked too.
 *
 * Go 1.17+ register ABI is assumed for receiver-in-RAX rules (the
 * pclntab-based path targets Go 1.19 and later; older binaries may find
 * fewer globals, and say so).
 */
#ifndef GOSNAP_GOGLOBALS_H
#define GOSNAP_GOGLOBALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exe/elfimg.h"

enum gs_global_id {
	GS_GLOBAL_MHEAP,		/* runtime.mheap_ */
	GS_GLOBAL_ALLGS,		/* runtime.allgs ([]*g) */
	GS_GLOBAL_ALLGLEN,		/* runtime.allglen (1.16+) */
	GS_GLOBAL_ALLGPTR,		/* runtime.allgptr (1.16+) */
	GS_GLOBAL_ALLP,			/* runtime.allp ([]*p) */
	GS_GLOBAL_SCHED,		/* runtime.sched */
	GS_GLOBAL_WORK,			/* runtime.work */
	GS_GLOBAL_M0,			/* runtime.m0 */
	GS_GLOBAL_G0,			/* runtime.g0 */
	GS_GLOBAL_BUILDVERSION,		/* runtime.buildVersion (string) */
	GS_GLOBAL_FIRSTMODULEDATA,	/* runtime.firstmoduledata */
	GS_GLOBAL_MEMSTATS,		/* runtime.memstats */
	GS_GLOBAL_GCCONTROLLER,		/* runtime.gcController */
	GS_GLOBAL_ALLM,			/* runtime.allm (*m, linked by alllink) */
	GS_GLOBAL_GCPHASE,		/* runtime.gcphase (uint32) */
	GS_GLOBAL_COUNT
};

enum gs_globals_src {
	GS_GLOBALS_AUTO,	/* .symtab when it has the symbol, else decoded */
	GS_GLOBALS_DECODE,	/* decoded only, even if .symtab exists */
};

/* One instruction that names a global, and the rule that recognised it. */
struct gs_global_ref {
	bool		found;
	uint64_t	addr;		/* the global's address it implies */
	uint64_t	pc;		/* the instruction */
	const char	*func;		/* function holding pc (pclntab name) */
	uint64_t	func_off;	/* pc - function entry */
	char		rule[128];	/* e.g. "lea rax before call runtime.check" */
};

enum gs_global_status {
	GS_GLOBAL_MISSING,	/* no rule matched (and no symbol) */
	GS_GLOBAL_OK,		/* decoded, cross-checked by a second reference */
	GS_GLOBAL_UNCHECKED,	/* decoded by one reference only */
	GS_GLOBAL_CONFLICT,	/* two references disagree: no address given */
	GS_GLOBAL_BAD_MEMORY,	/* decoded, but the memory check failed */
};

struct gs_global {
	const char	*name;		/* "runtime.mheap_" */
	bool		have_addr;	/* addr is reported */
	uint64_t	addr;
	const char	*source;	/* "symtab" or "decoded" */
	/* .symtab, when it has the symbol */
	bool		in_symtab;
	uint64_t	symtab_addr;
	uint64_t	symtab_size;
	/* instruction decoding, always run */
	enum gs_global_status status;
	struct gs_global_ref primary;
	struct gs_global_ref check;
	const char	*memcheck;	/* what was checked in the file, or NULL */
	int		memcheck_ok;	/* 1 passed, 0 failed, -1 not done */
	char		note[192];	/* why missing / what disagreed */
};

struct gs_symtab;

struct gs_globals {
	struct gs_global g[GS_GLOBAL_COUNT];
	struct gs_symtab *st;			/* kept open: names point into it */
	char		go_version[128];	/* see go_version_from, "" if none */
	const char	*go_version_from;	/* its source (goversion.h), or NULL */
	char		go_version_problem[256];	/* sources disagree, or "" */
	/* each source's answer ("" none), gs_gover_src order */
	char		go_version_found[4][128];
	/* what runtime.buildVersion's string is checked against, or "" */
	char		check_version[128];
	bool		pie;			/* ET_DYN: addresses are link-time */
	bool		have_symtab;		/* .symtab with runtime.* objects */
	uint64_t	pclntab_vaddr;
	size_t		funcs_decoded;		/* functions the rules decoded */
	size_t		insns_decoded;
	size_t		decode_errors;		/* functions cut short */
};

/*
 * Find the globals of the executable loaded in im (path names it in
 * messages), with st its pclntab function table whose Go version is
 * settled; st is borrowed (strings in *out point into it). Returns 0
 * (some globals may still be missing: see each status), or -1 with a
 * message in err. Callers go through gs_exe_globals() (exe/exe.h).
 */
int gs_go_globals(const struct gs_elfimg *im, const char *path,
		  struct gs_symtab *st, enum gs_globals_src src,
		  struct gs_globals *out, char *err, size_t errlen);

const char *gs_global_status_name(enum gs_global_status s);

/*
 * runtime.buildVersion's address from the instructions that use it (two
 * references that agree), for a function table st of the image im: the
 * version source of a binary whose build info is gone. 0 or -1.
 */
int gs_go_buildversion_decoded(const struct gs_elfimg *im,
			       struct gs_symtab *st, uint64_t *addr);

#endif /* GOSNAP_GOGLOBALS_H */
