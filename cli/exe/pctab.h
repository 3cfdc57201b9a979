/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-function tables of a Go pclntab, decoded from the table bytes:
 * pcvalue tables (pcsp, pcfile, pcln and every pcdata table), file names
 * through the compilation-unit table, funcdata slots and inline-tree
 * entries. Everything is bounds-checked against the table buffer; garbage
 * gives an error result, never a read outside the buffer.
 *
 * A pcvalue table is a sequence of (value delta, pc delta) pairs of
 * varints, the value delta zig-zag coded, the pc delta in units of the
 * instruction quantum (minLC). The value starts at -1 and the pc at the
 * function's entry; each pair gives the value for [previous pc, new pc).
 * A zero value delta after the first pair ends the table. Offset 0 means
 * "no table" (the value is -1 everywhere).
 */
#ifndef GOSNAP_PCTAB_H
#define GOSNAP_PCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exe/pclntab.h"

/* pcdata table indices (the same from Go 1.12 to 1.26). */
enum gs_pcdata {
	GS_PCDATA_UNSAFE_POINT	= 0,	/* -1 safe, -2 unsafe, -3..-5 restart */
	GS_PCDATA_STACK_MAP	= 1,	/* index into the locals/args maps */
	GS_PCDATA_INL_TREE	= 2,	/* index into the inline tree, -1 = none */
	GS_PCDATA_ARG_LIVE	= 3,	/* go1.18+ */
	GS_PCDATA_PANIC_BOUNDS	= 4,	/* go1.26 */
};

/* funcdata slot indices. */
enum gs_funcdata {
	GS_FUNCDATA_ARGS_PTRMAPS	= 0,
	GS_FUNCDATA_LOCALS_PTRMAPS	= 1,
	GS_FUNCDATA_STACK_OBJECTS	= 2,
	GS_FUNCDATA_INL_TREE		= 3,
	GS_FUNCDATA_OPEN_DEFER		= 4,
	GS_FUNCDATA_ARG_INFO		= 5,	/* go1.17+ */
	GS_FUNCDATA_ARG_LIVE_INFO	= 6,	/* go1.18+ */
	GS_FUNCDATA_WRAP_INFO		= 7,	/* go1.21+ */
};

/* _func flag bits (go1.17+). */
#define GS_FUNCFLAG_TOPFRAME	0x1	/* no caller: unwinding ends here */
#define GS_FUNCFLAG_SPWRITE	0x2	/* writes SP: the frame cannot be unwound */
#define GS_FUNCFLAG_ASM		0x4	/* written in assembly */

/* Iterates one pcvalue table: each call yields one PC range and its value. */
struct gs_pcvalue_iter {
	const uint8_t *p;		/* next pair */
	const uint8_t *end;		/* table buffer end */
	uint64_t entry;
	uint64_t pc;			/* end of the last range */
	int32_t val;
	uint8_t quantum;
	bool bad;			/* ran off the buffer / overflowed */
};

/* Start at table offset off (from pctab_off) of function fn. */
void gs_pcvalue_start(struct gs_pcvalue_iter *it, const struct gs_pclntab *tab,
		      const struct gs_pcln_func *fn, uint32_t off);
/*
 * Next range [*start, *end) with value *val. Returns false at the end of
 * the table (it->bad tells a damaged table from a clean end).
 */
bool gs_pcvalue_next(struct gs_pcvalue_iter *it, uint64_t *start,
		     uint64_t *end, int32_t *val);

/*
 * Value of table off at pc, as the runtime's pcvalue computes it: -1 when
 * off is 0 or pc is past the table. Returns false if the table is damaged
 * or does not cover pc (then *val is -1).
 */
bool gs_pcvalue_at(const struct gs_pclntab *tab, const struct gs_pcln_func *fn,
		   uint32_t off, uint64_t pc, int32_t *val);

/* Offset of pcdata table i of fn (0 if i >= npcdata: no table). */
uint32_t gs_pcdata_off(const struct gs_pclntab *tab,
		       const struct gs_pcln_func *fn, uint32_t i);

/*
 * File name of pcfile value fileno in fn's compilation unit; NULL if the
 * index or the name is outside the tables.
 */
const char *gs_pcln_file(const struct gs_pclntab *tab,
			 const struct gs_pcln_func *fn, int32_t fileno);

/* File and line at pc (pcfile/pcln); false ("?", 0) if not decodable. */
bool gs_pcln_line(const struct gs_pclntab *tab, const struct gs_pcln_func *fn,
		  uint64_t pc, const char **file, int32_t *line);

/* A function name at offset name_off of the name table (NULL if bad). */
const char *gs_pcln_name(const struct gs_pclntab *tab, int32_t name_off);

/*
 * funcdata slot i of fn. Go 1.18+ stores a uint32 offset from the module's
 * gofunc symbol (go:func.*), ~0 for none; 1.16-1.17 store an absolute
 * pointer (0 for none). *raw gets what is stored, *addr the address (0 if
 * none; gofunc may be 0 if unknown, then *addr is 0 for 1.18+ too).
 * Returns false if i >= nfuncdata or the slot is outside the table.
 */
bool gs_funcdata(const struct gs_pclntab *tab, const struct gs_pcln_func *fn,
		 uint32_t i, uint64_t gofunc, uint64_t *raw, uint64_t *addr);

/* One entry of an inline tree (runtime.inlinedCall), decoded. */
struct gs_inl_call {
	int16_t parent;		/* go1.16-1.19: parent entry, <0 none */
	uint8_t func_id;
	int32_t file;		/* go1.16-1.19: per-CU file index */
	int32_t line;		/* go1.16-1.19: line of the call site */
	int32_t name_off;	/* of the inlined function's name */
	int32_t parent_pc;	/* offset from entry of a PC at the call site */
	int32_t start_line;	/* go1.20+ */
	const char *name;	/* NULL if name_off is bad */
};

/* Bytes of one inline-tree entry for this table version. */
size_t gs_inl_entry_size(const struct gs_pclntab *tab);
/* Decode entry bytes (gs_inl_entry_size of them). */
void gs_inl_decode(const struct gs_pclntab *tab, const uint8_t *bytes,
		   struct gs_inl_call *ic);

/*
 * Module data fields that the static tables need, found like
 * gs_pclntab_moduledata_text: a moduledata whose first word is the
 * table's address. gofunc is the base of 1.18+ funcdata offsets. Its word
 * in moduledata depends on the release (go_minor, N of go1.N): -1 for a
 * release whose moduledata layout is not known here, or -1 if unknown.
 */
int gs_pclntab_moduledata_gofunc(const struct gs_pclntab *tab,
				 uint64_t pcln_vaddr, const uint8_t *data,
				 size_t len, int go_minor, uint64_t *gofunc,
				 uint64_t *md_off);

#endif /* GOSNAP_PCTAB_H */
