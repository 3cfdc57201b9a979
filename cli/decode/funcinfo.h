/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an unwinder asks about a PC, answered from one executable's
 * pclntab: which function holds it, the SP delta there, and the source
 * frames at it (inlined calls expanded through the inline tree, innermost
 * first). The inline trees are read through a gs_mem (they live in the
 * executable's read-only go:func.* data); gofunc, the base of 1.18+
 * funcdata offsets, is found in the executable's moduledata.
 *
 * PCs in and out are the process's: for a PIE the load bias of the
 * gs_mem (decode/loadbias.h) is taken off for the pclntab lookup and the
 * function returned is moved back to where the process has it.
 *
 * Lifetime: borrows the symtab and the gs_mem; both must outlive it.
 */
#ifndef GOSNAP_FUNCINFO_H
#define GOSNAP_FUNCINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "exe/elfsym.h"
#include "exe/exe.h"
#include "decode/gomem.h"
#include "exe/pctab.h"

#define GS_MAX_INLINE_DEPTH	64	/* bound on inlined levels at one PC */

struct gs_funcinfo {
	const struct gs_pclntab *tab;
	const struct gs_mem *mem;	/* reads go:func.* (inline trees) */
	uint64_t gofunc;		/* 0 if unknown (inline trees unavailable) */
	uint64_t bias;			/* the executable's load bias (PIE) */
	char gofunc_why[192];		/* why gofunc is unknown, or "" */
};

/* One source-level frame at a PC. */
struct gs_srcframe {
	const char *func;		/* points into the pclntab */
	const char *file;		/* "?" if unknown */
	int32_t line;
	bool inlined;			/* an inlined call inside the physical frame */
};

/*
 * Set up from a symtab of exe (with a pclntab) and memory that can read
 * the executable's read-only data. Returns 0, or -1 with err.
 */
int gs_funcinfo_init(struct gs_funcinfo *fi, const struct gs_symtab *st,
		     const struct gs_exe *exe, const struct gs_mem *mem,
		     char *err, size_t errlen);

/* The function holding pc; false if none (or its record is damaged). */
bool gs_funcinfo_find(const struct gs_funcinfo *fi, uint64_t pc,
		      struct gs_pcln_func *fn);

/* SP delta (pcsp) at pc: bytes pushed since entry; false if unknown. */
bool gs_funcinfo_spdelta(const struct gs_funcinfo *fi,
			 const struct gs_pcln_func *fn, uint64_t pc,
			 int32_t *delta);

/*
 * Source frames at tracepc in fn, innermost first: each inlined call,
 * then fn itself. Writes at most max (>= 1); returns how many.
 */
int gs_funcinfo_frames(const struct gs_funcinfo *fi,
		       const struct gs_pcln_func *fn, uint64_t tracepc,
		       struct gs_srcframe *out, int max);

/* Address of fn's inline tree (0 if none or gofunc unknown). */
uint64_t gs_funcinfo_inltree(const struct gs_funcinfo *fi,
			     const struct gs_pcln_func *fn);

#endif /* GOSNAP_FUNCINFO_H */
