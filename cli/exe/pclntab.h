/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Go's function table (.gopclntab): the one symbol table a Go binary keeps
 * when it is stripped. Decoded in place from a byte buffer, nothing copied;
 * every offset taken from the table is checked against the buffer before it
 * is followed, so a truncated or garbage table gives an error, not a crash.
 *
 * Formats (little-endian, 8-byte pointers only; x86-64 is the target):
 *   0xfffffffb  Go 1.2-1.15   entries and names only (record fields zero)
 *   0xfffffffa  Go 1.16-1.17  absolute entry PCs
 *   0xfffffff0  Go 1.18-1.19  entry offsets from the text start
 *   0xfffffff1  Go 1.20+      same, _func gains startLine; in Go 1.26 the
 *                             header's textStart is written as 0
 */
#ifndef GOSNAP_PCLNTAB_H
#define GOSNAP_PCLNTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gs_pcln_version {
	GS_PCLN_GO12 = 12,	/* magic 0xfffffffb */
	GS_PCLN_GO116 = 116,	/* magic 0xfffffffa */
	GS_PCLN_GO118 = 118,	/* magic 0xfffffff0 */
	GS_PCLN_GO120 = 120,	/* magic 0xfffffff1 */
};

struct gs_pclntab {
	const uint8_t *base;		/* the header's first byte */
	size_t size;			/* bytes readable from base */
	enum gs_pcln_version version;
	uint32_t magic;
	uint8_t min_lc;			/* instruction size quantum: 1 on x86 */
	uint8_t ptr_size;		/* always 8 here */
	uint64_t nfunc;			/* functions; the functab has nfunc+1 PCs */
	uint64_t nfiles;		/* 1.16+ */
	uint64_t hdr_text_start;	/* textStart as written (1.18+; 0 in 1.26) */
	uint64_t text_start;		/* what 1.18+ entry offsets are added to */
	/* Table offsets from base, as the 1.16+ header gives them. */
	uint64_t funcname_off;		/* NUL-terminated function names */
	uint64_t cu_off;		/* compilation unit -> file index table */
	uint64_t filetab_off;		/* file names */
	uint64_t pctab_off;		/* pcsp/pcfile/pcln/pcdata value tables */
	uint64_t functab_off;		/* {entry, funcoff} pairs, then _func records */
	size_t functab_field;		/* bytes of one functab field: 4 (1.18+) or 8 */
};

/*
 * One _func record, decoded. Offsets into other tables are kept raw: pcsp,
 * pcfile, pcln and the pcdata entries are offsets from pctab_off; nameoff
 * is from funcname_off (from base for GS_PCLN_GO12).
 */
struct gs_pcln_func {
	uint64_t entry;			/* absolute entry PC */
	uint64_t end;			/* next function's entry (table end for the last) */
	const char *name;		/* points into the table, NUL-terminated */
	uint64_t rec_off;		/* offset of the _func record from base */
	bool fields_valid;		/* false for GS_PCLN_GO12: only entry/name */
	uint32_t entry_off;		/* 1.18+: entry - text_start */
	int32_t name_off;
	int32_t args;			/* in/out argument bytes */
	uint32_t deferreturn;
	uint32_t pcsp;
	uint32_t pcfile;
	uint32_t pcln;
	uint32_t npcdata;
	uint32_t cu_offset;
	int32_t start_line;		/* 1.20+, else 0 */
	uint8_t func_id;		/* numbering differs between Go releases */
	uint8_t flag;			/* 1.17+: topframe 1, spwrite 2, asm 4 */
	uint8_t nfuncdata;
	uint64_t pcdata_off;		/* from base: npcdata uint32 offsets follow */
};

#define GS_PCLN_HDR_MAX 72		/* bytes of the largest (1.18+) header */

/*
 * Does buf start with a pclntab header that validates: a known magic, zero
 * pad bytes, minLC 1/2/4, ptrSize 8, and (1.16+) every table offset inside
 * len and in the order the linker writes them? Cheap: used to scan memory.
 */
bool gs_pclntab_header_ok(const uint8_t *buf, size_t len);

/*
 * Parse the table at buf (len bytes readable). text_start is used for
 * 1.18+ tables whose header has none (Go 1.26); pass 0 if unknown. Checks
 * the whole function table: every record and name inside the buffer, entry
 * PCs ascending. Returns 0, or -1 with a message in err.
 */
int gs_pclntab_parse_mem(const uint8_t *buf, size_t len, uint64_t text_start,
			 struct gs_pclntab *tab, char *err, size_t errlen);

/*
 * First offset in buf, at or after from, where a validating header starts
 * (4-byte aligned); -1 if none.
 */
long gs_pclntab_scan(const uint8_t *buf, size_t len, size_t from);
/*
 * The same, checking only the first 8 bytes (magic, pad, minLC, ptrSize):
 * finds a damaged table, so that parsing it can say what is wrong.
 */
long gs_pclntab_scan_prefix(const uint8_t *buf, size_t len, size_t from);

/* Entry PC of function i; i == nfunc gives the end of the last function. */
uint64_t gs_pclntab_entry(const struct gs_pclntab *tab, uint64_t i);

/*
 * Decode function i (< nfunc). Returns 0, or -1 with a message in err if
 * the record or its name lies outside the table.
 */
int gs_pclntab_func(const struct gs_pclntab *tab, uint64_t i,
		    struct gs_pcln_func *fn, char *err, size_t errlen);

/* Index of the function whose [entry, end) holds pc, or -1. */
long gs_pclntab_find(const struct gs_pclntab *tab, uint64_t pc);

/*
 * Go 1.26 writes no text start into the header; the runtime's moduledata
 * keeps it. Given a data image (data, len, mapped at data_vaddr) and the
 * table's own address pcln_vaddr, find a moduledata whose first word is
 * pcln_vaddr and whose funcnametab/ftab fields agree with the header, and
 * return its text field in *text. Returns 0, or -1 if none validates.
 */
int gs_pclntab_moduledata_text(const struct gs_pclntab *tab, uint64_t pcln_vaddr,
			       const uint8_t *data, size_t len,
			       uint64_t *text);

#endif /* GOSNAP_PCLNTAB_H */
