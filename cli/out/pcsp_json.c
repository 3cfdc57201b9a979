// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli pcsp -j`: the pcsp model as one JSON object per function
 * (keys in docs/json.md, section "pcsp").
 */
#include "base/report.h"
#include "decode/pcsp_model.h"

static void json_funcdata(const struct pcsp_func *pf)
{
	struct json_writer *w = json_wtr;
	uint32_t i;
	size_t k;

	jw_key(w, "funcdata");
	jw_start_array(w);
	for (i = 0; i < pf->nfuncdata_shown; i++) {
		const struct pcsp_funcdata *d = &pf->funcdata[i];

		jw_start_object(w);
		jw_kv_u64(w, "slot", i);
		jw_kv_string(w, "kind", pcsp_funcdata_name(i));
		jw_kv_bool(w, "present", d->present);
		if (d->present) {
			jw_kv_u64(w, "raw", d->raw);
			jw_key(w, "address");
			if (d->addr)
				jw_u64(w, d->addr);
			else
				jw_null(w);
			if (!d->addr)
				jw_kv_string(w, "unavailable", pf->unavailable ?
					     pf->unavailable : "gofunc unknown");
		}
		if (d->decoded && (i == GS_FUNCDATA_ARGS_PTRMAPS ||
				   i == GS_FUNCDATA_LOCALS_PTRMAPS)) {
			jw_kv_i64(w, "bitmaps", d->count);
			jw_kv_i64(w, "bits", d->nbit);
		} else if (d->decoded && i == GS_FUNCDATA_STACK_OBJECTS) {
			jw_kv_i64(w, "objects", d->count);
		} else if (d->present && d->addr && i == GS_FUNCDATA_INL_TREE) {
			jw_key(w, "entries");
			jw_start_array(w);
			for (k = 0; k < pf->ninl; k++) {
				const struct gs_inl_call *ic = &pf->inl[k];

				jw_start_object(w);
				jw_key(w, "function");
				if (ic->name)
					jw_string(w, ic->name);
				else
					jw_null(w);
				jw_kv_i64(w, "parent_pc", ic->parent_pc);
				jw_kv_i64(w, "parent", ic->parent);
				jw_kv_i64(w, "line", ic->line);
				jw_kv_i64(w, "start_line", ic->start_line);
				jw_kv_u64(w, "func_id", ic->func_id);
				jw_end_object(w);
			}
			jw_end_array(w);
		}
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void json_row(const struct pcsp_func *pf, const struct pcsp_row *r)
{
	struct json_writer *w = json_wtr;
	uint32_t k;

	jw_start_object(w);
	jw_kv_u64(w, "start", r->start);
	jw_kv_u64(w, "end", r->end);
	jw_kv_i64(w, "sp_delta", r->sp);
	jw_kv_string(w, "file", r->file);
	jw_kv_i64(w, "line", r->line);
	jw_key(w, "pcdata");
	jw_start_object(w);
	for (k = 0; k < pf->npcdata_shown; k++)
		jw_kv_i64(w, pcsp_pcdata_name(k), r->pcdata[k]);
	jw_end_object(w);
	jw_end_object(w);
}

void pcsp_print_json(const struct pcsp_func *pf, bool one_pc)
{
	struct json_writer *w = json_wtr;
	const struct gs_pcln_func *fn = &pf->fn;
	size_t i;
	int f;

	jw_start_object(w);
	jw_kv_string(w, "function", fn->name);
	jw_kv_u64(w, "entry", fn->entry);
	jw_kv_u64(w, "end", fn->end);
	jw_kv_i64(w, "args", fn->args);
	jw_kv_i64(w, "frame_size", pf->max_sp);
	jw_kv_u64(w, "func_id", fn->func_id);
	jw_key(w, "flags");
	jw_start_array(w);
	if (fn->flag & GS_FUNCFLAG_TOPFRAME)
		jw_string(w, "topframe");
	if (fn->flag & GS_FUNCFLAG_SPWRITE)
		jw_string(w, "spwrite");
	if (fn->flag & GS_FUNCFLAG_ASM)
		jw_string(w, "asm");
	jw_end_array(w);
	jw_kv_string(w, "file", pf->file);
	jw_kv_i64(w, "start_line", fn->start_line);
	jw_kv_string(w, "reentry", gs_reentry_name(pf->reentry));
	jw_key(w, "body");
	if (pf->reentry == GS_REENTRY_BODY)
		jw_u64(w, fn->entry + pf->check_len);
	else
		jw_null(w);
	jw_kv_u64(w, "deferreturn", fn->deferreturn);
	jw_kv_u64(w, "npcdata", fn->npcdata);
	jw_kv_u64(w, "nfuncdata", fn->nfuncdata);
	jw_kv_bool(w, "damaged", pf->damaged);
	json_funcdata(pf);
	jw_key(w, "ranges");
	jw_start_array(w);
	if (!one_pc) {
		for (i = 0; i < pf->nrows; i++)
			json_row(pf, &pf->rows[i]);
	} else if (pf->nrows) {
		json_row(pf, &pf->rows[pf->pc_row]);
	}
	jw_end_array(w);
	if (one_pc) {
		jw_kv_u64(w, "pc", pf->pc);
		jw_key(w, "frames");
		jw_start_array(w);
		for (f = 0; f < pf->nframes; f++) {
			jw_start_object(w);
			jw_kv_string(w, "function", pf->frames[f].func);
			jw_kv_string(w, "file", pf->frames[f].file);
			jw_kv_i64(w, "line", pf->frames[f].line);
			jw_kv_bool(w, "inlined", pf->frames[f].inlined);
			jw_end_object(w);
		}
		jw_end_array(w);
	}
	jw_end_object(w);
}
