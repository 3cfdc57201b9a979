/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model behind `gosnap-cli pcsp`: one function's tables decoded into
 * rows (maximal PC ranges where SP delta, file, line and every pcdata
 * value are constant) and its funcdata slots with what they decode to.
 * Printed by pcsp_plain.c and pcsp_json.c.
 */
#ifndef GOSNAP_PCSP_MODEL_H
#define GOSNAP_PCSP_MODEL_H

#include "decode/reentry.h"
#include <stdbool.h>
#include <stdint.h>

#include "decode/funcinfo.h"

#define PCSP_MAX_PCDATA		8	/* tables shown; Go 1.26 has 5 */
#define PCSP_MAX_FUNCDATA	8
#define PCSP_MAX_INL		256	/* inline-tree entries listed */

struct pcsp_row {
	uint64_t start, end;
	int32_t sp;			/* -1: not covered by the table */
	const char *file;		/* "?" if not covered */
	int32_t line;
	int32_t pcdata[PCSP_MAX_PCDATA];
};

struct pcsp_funcdata {
	bool present;
	uint64_t raw;			/* as stored in the record */
	uint64_t addr;			/* 0 if none or not computable */
	bool decoded;			/* the fields below are valid */
	int64_t count;			/* bitmaps / objects / tree entries */
	int32_t nbit;			/* pointer maps: bits per bitmap */
};

struct pcsp_func {
	struct gs_pcln_func fn;
	const char *file;		/* of the entry PC */
	int32_t max_sp;			/* largest SP delta: the frame size */
	uint32_t npcdata_shown;
	struct pcsp_row *rows;
	size_t nrows;
	bool damaged;			/* a table ran off its buffer */
	const char *unavailable;	/* why 1.18+ funcdata are not read, or NULL */
	struct pcsp_funcdata funcdata[PCSP_MAX_FUNCDATA];
	uint32_t nfuncdata_shown;
	struct gs_inl_call inl[PCSP_MAX_INL];
	size_t ninl;
	/* --pc: the row at pc and its source frames */
	bool have_pc;
	uint64_t pc;
	size_t pc_row;
	struct gs_srcframe frames[GS_MAX_INLINE_DEPTH + 1];
	int nframes;
	/* how a probe at the entry tells a call from its re-entry (pcsp only) */
	enum gs_reentry reentry;
	size_t check_len;		/* GS_REENTRY_BODY: the body at entry + it */
};

/* Decode fn fully (pc == 0: all rows; else also the frames at pc). */
int pcsp_decode(const struct gs_funcinfo *fi, const struct gs_pcln_func *fn,
		uint64_t pc, struct pcsp_func *out, char *err, size_t errlen);
void pcsp_free(struct pcsp_func *pf);

const char *pcsp_funcdata_name(uint32_t i);
const char *pcsp_pcdata_name(uint32_t i);

void pcsp_print_plain(const struct pcsp_func *pf, bool one_pc);
void pcsp_print_json(const struct pcsp_func *pf, bool one_pc);

#endif /* GOSNAP_PCSP_MODEL_H */
