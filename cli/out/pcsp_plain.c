// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli pcsp` as text: the function's record, its funcdata slots,
 * then one row per PC range (or the one range holding --pc, with its
 * source frames, inlined calls first).
 */
#include <inttypes.h>
#include <stdio.h>

#include "decode/pcsp_model.h"

static void print_flags(uint8_t flag)
{
	if (!flag) {
		printf("none");
		return;
	}
	printf("%s%s%s", flag & GS_FUNCFLAG_TOPFRAME ? "topframe " : "",
	       flag & GS_FUNCFLAG_SPWRITE ? "spwrite " : "",
	       flag & GS_FUNCFLAG_ASM ? "asm " : "");
	if (flag & ~(GS_FUNCFLAG_TOPFRAME | GS_FUNCFLAG_SPWRITE | GS_FUNCFLAG_ASM))
		printf("0x%x", flag);
}

static void print_funcdata(const struct pcsp_func *pf)
{
	uint32_t i;
	size_t k;

	printf("funcdata (%u slots):\n", pf->fn.nfuncdata);
	for (i = 0; i < pf->nfuncdata_shown; i++) {
		const struct pcsp_funcdata *d = &pf->funcdata[i];

		printf("  %u %-22s ", i, pcsp_funcdata_name(i));
		if (!d->present) {
			printf("-\n");
			continue;
		}
		if (d->addr) {
			printf("0x%" PRIx64, d->addr);
		} else {
			printf("offset 0x%" PRIx64 " unavailable: %s\n", d->raw,
			       pf->unavailable ? pf->unavailable : "gofunc unknown");
			continue;
		}
		if (d->decoded && (i == GS_FUNCDATA_ARGS_PTRMAPS ||
				   i == GS_FUNCDATA_LOCALS_PTRMAPS))
			printf("  %" PRId64 " bitmaps of %d bits", d->count, d->nbit);
		else if (d->decoded && i == GS_FUNCDATA_STACK_OBJECTS)
			printf("  %" PRId64 " stack objects", d->count);
		else if (i == GS_FUNCDATA_INL_TREE)
			printf("  %" PRId64 " entries", d->count);
		printf("\n");
	}
	for (k = 0; k < pf->ninl; k++) {
		const struct gs_inl_call *ic = &pf->inl[k];

		printf("    inline[%zu] %s parent_pc=+0x%x", k,
		       ic->name ? ic->name : "?", (unsigned)ic->parent_pc);
		if (ic->parent >= 0 || ic->line)
			printf(" parent=%d line=%d", ic->parent, ic->line);
		if (ic->start_line)
			printf(" start_line=%d", ic->start_line);
		printf("\n");
	}
}

static void print_row(const struct pcsp_func *pf, const struct pcsp_row *r)
{
	uint32_t k;

	printf("  0x%" PRIx64 "-0x%" PRIx64 " %5d  %s:%d", r->start, r->end,
	       r->sp, r->file, r->line);
	for (k = 0; k < pf->npcdata_shown; k++)
		printf(" %d", r->pcdata[k]);
	printf("\n");
}

/* How capture --at counts this function's calls (docs/abi.md, GOSNAP_PROBE_*). */
static void print_reentry(const struct pcsp_func *pf)
{
	switch (pf->reentry) {
	case GS_REENTRY_NEVER:
		printf("  re-entry: none, it never calls morestack: every entry is a call\n");
		break;
	case GS_REENTRY_BODY:
		printf("  re-entry: told by a second probe past the stack check, at +0x%zx\n",
		       pf->check_len);
		break;
	default:
		printf("  re-entry: guessed (no stack check of a form this reader knows)\n");
		break;
	}
}

void pcsp_print_plain(const struct pcsp_func *pf, bool one_pc)
{
	const struct gs_pcln_func *fn = &pf->fn;
	uint32_t k;
	size_t i;
	int f;

	printf("%s\n", fn->name);
	printf("  entry 0x%" PRIx64 "  end 0x%" PRIx64 "  size %" PRIu64
	       "  args %d  frame %d  funcID %u  flags ", fn->entry, fn->end,
	       fn->end - fn->entry, fn->args, pf->max_sp, fn->func_id);
	print_flags(fn->flag);
	printf("\n  file %s", pf->file);
	if (fn->start_line)
		printf("  start line %d", fn->start_line);
	if (fn->deferreturn)
		printf("  deferreturn +0x%x", fn->deferreturn);
	printf("\n");
	print_reentry(pf);
	if (pf->damaged)
		printf("  warning: a pc table is damaged; rows after it read -1\n");
	print_funcdata(pf);
	printf("ranges (%zu): START-END SP FILE:LINE", pf->nrows);
	for (k = 0; k < pf->npcdata_shown; k++)
		printf(" %s", pcsp_pcdata_name(k));
	printf("\n");
	if (!one_pc) {
		for (i = 0; i < pf->nrows; i++)
			print_row(pf, &pf->rows[i]);
		return;
	}
	if (pf->nrows)
		print_row(pf, &pf->rows[pf->pc_row]);
	printf("frames at 0x%" PRIx64 ":\n", pf->pc);
	for (f = 0; f < pf->nframes; f++)
		printf("  %s%s %s:%d\n", pf->frames[f].func,
		       pf->frames[f].inlined ? " (inlined)" : "",
		       pf->frames[f].file, pf->frames[f].line);
}
