// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding one function's pclntab tables into the pcsp model; see
 * pcsp_model.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/pcsp_model.h"

/* One table being swept: the range it is in and its value there. */
struct cursor {
	struct gs_pcvalue_iter it;
	uint64_t s, e;
	int32_t v;
	bool done;
};

#define CUR_SP		0
#define CUR_FILE	1
#define CUR_LINE	2
#define CUR_PCDATA	3
#define NCUR		(CUR_PCDATA + PCSP_MAX_PCDATA)

static const char *const funcdata_names[PCSP_MAX_FUNCDATA] = {
	[GS_FUNCDATA_ARGS_PTRMAPS]	= "args_pointer_maps",
	[GS_FUNCDATA_LOCALS_PTRMAPS]	= "locals_pointer_maps",
	[GS_FUNCDATA_STACK_OBJECTS]	= "stack_objects",
	[GS_FUNCDATA_INL_TREE]		= "inline_tree",
	[GS_FUNCDATA_OPEN_DEFER]	= "open_coded_defer_info",
	[GS_FUNCDATA_ARG_INFO]		= "arg_info",
	[GS_FUNCDATA_ARG_LIVE_INFO]	= "arg_live_info",
	[GS_FUNCDATA_WRAP_INFO]		= "wrap_info",
};

static const char *const pcdata_names[PCSP_MAX_PCDATA] = {
	[GS_PCDATA_UNSAFE_POINT]	= "unsafe_point",
	[GS_PCDATA_STACK_MAP]		= "stack_map_index",
	[GS_PCDATA_INL_TREE]		= "inline_tree_index",
	[GS_PCDATA_ARG_LIVE]		= "arg_live_index",
	[GS_PCDATA_PANIC_BOUNDS]	= "panic_bounds",
};

const char *pcsp_funcdata_name(uint32_t i)
{
	return i < PCSP_MAX_FUNCDATA && funcdata_names[i] ? funcdata_names[i] : "unknown";
}

const char *pcsp_pcdata_name(uint32_t i)
{
	return i < PCSP_MAX_PCDATA && pcdata_names[i] ? pcdata_names[i] : "unknown";
}

static void cursor_advance(struct cursor *c, uint64_t pc)
{
	unsigned long guard = 0;

	while (!c->done && c->e <= pc) {
		if (!gs_pcvalue_next(&c->it, &c->s, &c->e, &c->v) ||
		    ++guard > (1ul << 24)) {
			c->done = true;
			c->v = -1;
		}
	}
}

static int32_t cursor_value(const struct cursor *c, uint64_t pc)
{
	return !c->done && c->s <= pc ? c->v : -1;
}

static int sweep_rows(const struct gs_funcinfo *fi, struct pcsp_func *pf)
{
	const struct gs_pcln_func *fn = &pf->fn;
	struct cursor cur[NCUR];
	uint32_t offs[NCUR];
	size_t cap = 64, k;
	uint64_t pc = fn->entry;

	memset(cur, 0, sizeof(cur));
	memset(offs, 0, sizeof(offs));
	offs[CUR_SP] = fn->pcsp;
	offs[CUR_FILE] = fn->pcfile;
	offs[CUR_LINE] = fn->pcln;
	for (k = 0; k < pf->npcdata_shown; k++)
		offs[CUR_PCDATA + k] = gs_pcdata_off(fi->tab, fn, (uint32_t)k);
	for (k = 0; k < NCUR; k++) {
		gs_pcvalue_start(&cur[k].it, fi->tab, fn, offs[k]);
		cur[k].s = cur[k].e = fn->entry;
		cur[k].v = -1;
		if (!offs[k])
			cur[k].done = true;
	}
	pf->rows = malloc(cap * sizeof(*pf->rows));
	if (!pf->rows)
		return -1;
	while (pc < fn->end) {
		struct pcsp_row *r;
		uint64_t next = fn->end;
		int32_t fileno;

		for (k = 0; k < NCUR; k++) {
			cursor_advance(&cur[k], pc);
			if (!cur[k].done && cur[k].e < next)
				next = cur[k].e;
		}
		if (pf->nrows == cap) {
			struct pcsp_row *n = realloc(pf->rows, 2 * cap * sizeof(*n));

			if (!n)
				return -1;
			pf->rows = n;
			cap *= 2;
		}
		r = &pf->rows[pf->nrows++];
		r->start = pc;
		r->end = next;
		r->sp = cursor_value(&cur[CUR_SP], pc);
		r->line = cursor_value(&cur[CUR_LINE], pc);
		fileno = cursor_value(&cur[CUR_FILE], pc);
		r->file = fileno >= 0 ? gs_pcln_file(fi->tab, fn, fileno) : NULL;
		if (!r->file || r->line < 0) {
			r->file = "?";
			r->line = 0;
		}
		for (k = 0; k < PCSP_MAX_PCDATA; k++)
			r->pcdata[k] = k < pf->npcdata_shown ?
				       cursor_value(&cur[CUR_PCDATA + k], pc) : -1;
		if (r->sp > pf->max_sp)
			pf->max_sp = r->sp;
		pc = next;
	}
	for (k = 0; k < NCUR; k++)
		if (cur[k].it.bad)
			pf->damaged = true;
	return 0;
}

/* What a funcdata slot points at, where we know its shape. */
static void decode_funcdata(const struct gs_funcinfo *fi, struct pcsp_func *pf,
			    uint32_t i)
{
	struct pcsp_funcdata *d = &pf->funcdata[i];
	int32_t hdr[2];
	uint64_t n;

	if (!d->addr || !fi->mem)
		return;
	switch (i) {
	case GS_FUNCDATA_ARGS_PTRMAPS:
	case GS_FUNCDATA_LOCALS_PTRMAPS:
		/* runtime.stackmap: n int32, nbit int32, then the bitmaps */
		if (gs_mem_read(fi->mem, d->addr, hdr, sizeof(hdr))) {
			d->count = hdr[0];
			d->nbit = hdr[1];
			d->decoded = true;
		}
		break;
	case GS_FUNCDATA_STACK_OBJECTS:
		/* a uintptr count, then stackObjectRecords */
		if (gs_mem_u64(fi->mem, d->addr, &n)) {
			d->count = (int64_t)n;
			d->decoded = true;
		}
		break;
	default:
		break;
	}
}

/* The inline tree: as many entries as the largest index any PC uses. */
static void decode_inltree(const struct gs_funcinfo *fi, struct pcsp_func *pf)
{
	const struct pcsp_funcdata *d = &pf->funcdata[GS_FUNCDATA_INL_TREE];
	size_t esize = gs_inl_entry_size(fi->tab), i;
	int32_t max = -1;

	if (!d->addr || !fi->mem || pf->npcdata_shown <= GS_PCDATA_INL_TREE)
		return;
	for (i = 0; i < pf->nrows; i++)
		if (pf->rows[i].pcdata[GS_PCDATA_INL_TREE] > max)
			max = pf->rows[i].pcdata[GS_PCDATA_INL_TREE];
	for (i = 0; i < (size_t)(max + 1) && i < PCSP_MAX_INL; i++) {
		uint8_t b[32];

		if (!gs_mem_read(fi->mem, d->addr + i * esize, b, esize))
			break;
		gs_inl_decode(fi->tab, b, &pf->inl[i]);
		pf->ninl = i + 1;
	}
	pf->funcdata[GS_FUNCDATA_INL_TREE].count = max + 1;
	pf->funcdata[GS_FUNCDATA_INL_TREE].decoded = pf->ninl == (size_t)(max + 1);
}

int pcsp_decode(const struct gs_funcinfo *fi, const struct gs_pcln_func *fn,
		uint64_t pc, struct pcsp_func *pf, char *err, size_t errlen)
{
	int32_t line;
	uint32_t i;
	size_t k;

	memset(pf, 0, sizeof(*pf));
	pf->fn = *fn;
	pf->npcdata_shown = fn->npcdata < PCSP_MAX_PCDATA ? fn->npcdata : PCSP_MAX_PCDATA;
	pf->nfuncdata_shown = fn->nfuncdata < PCSP_MAX_FUNCDATA ? fn->nfuncdata :
			      PCSP_MAX_FUNCDATA;
	gs_pcln_line(fi->tab, fn, fn->entry, &pf->file, &line);
	if (fi->gofunc_why[0])
		pf->unavailable = fi->gofunc_why;
	if (sweep_rows(fi, pf)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < pf->nfuncdata_shown; i++) {
		struct pcsp_funcdata *d = &pf->funcdata[i];

		if (!gs_funcdata(fi->tab, fn, i, fi->gofunc, &d->raw, &d->addr))
			continue;
		d->present = fi->tab->version >= GS_PCLN_GO118 ?
			     d->raw != UINT32_MAX : d->raw != 0;
		decode_funcdata(fi, pf, i);
	}
	decode_inltree(fi, pf);
	if (pc) {
		pf->have_pc = true;
		pf->pc = pc;
		for (k = 0; k < pf->nrows; k++)
			if (pc >= pf->rows[k].start && pc < pf->rows[k].end)
				pf->pc_row = k;
		pf->nframes = gs_funcinfo_frames(fi, fn, pc, pf->frames,
						 GS_MAX_INLINE_DEPTH + 1);
	}
	return 0;
}

void pcsp_free(struct pcsp_func *pf)
{
	free(pf->rows);
	pf->rows = NULL;
}
