// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli stacks -j`: keys in docs/json.md, section "stacks".
 */
#include "base/report.h"
#include "out/stacks_out.h"

static void json_unwind(struct json_writer *w, const struct gs_unwind *u)
{
	size_t i;

	jw_key(w, "frames");
	jw_start_array(w);
	for (i = 0; i < u->nframes; i++) {
		const struct gs_frame *f = &u->frames[i];

		jw_start_object(w);
		jw_kv_string(w, "function", f->func);
		jw_kv_string(w, "file", f->file);
		jw_kv_i64(w, "line", f->line);
		jw_kv_u64(w, "pc", f->pc);
		jw_kv_u64(w, "sp", f->sp);
		jw_kv_i64(w, "frame_size", f->frame_size);
		jw_kv_bool(w, "inlined", f->inlined);
		jw_kv_bool(w, "after_switch", f->after_switch);
		jw_kv_bool(w, "native", f->native);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "switch");
	if (u->switch_frame) {
		jw_start_object(w);
		jw_kv_u64(w, "frame", u->switch_frame);
		jw_kv_string(w, "detail", u->switch_detail);
		jw_end_object(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "stop");
	jw_start_object(w);
	jw_kv_string(w, "reason", gs_unwind_stop_name(u->stop));
	jw_kv_bool(w, "clean", gs_unwind_stop_clean(u->stop));
	jw_kv_u64(w, "address", u->stop_addr);
	jw_kv_string(w, "detail", u->stop_detail);
	jw_end_object(w);
}

static void json_thread(struct json_writer *w, const struct gs_thread_walk *tw)
{
	const struct gosnap_rec_thread *t = tw->t;

	jw_start_object(w);
	jw_kv_i64(w, "tid", t->tid);
	jw_kv_string(w, "comm", t->comm[0] ? t->comm : "");
	jw_kv_bool(w, "hit", t->flags & GOSNAP_THR_HIT);
	jw_kv_u64(w, "rip", t->regs.rip);
	jw_kv_u64(w, "rsp", t->regs.rsp);
	jw_kv_u64(w, "fs_base", t->regs.fs_base);
	jw_kv_u64(w, "g", tw->g);
	jw_kv_string_or_null(w, "g_from", tw->g_from);
	jw_kv_string_or_null(w, "g_note", tw->g_note);
	jw_kv_u64(w, "m", tw->m);
	jw_kv_i64_if(w, "m_id", tw->m_id >= 0, tw->m_id);
	jw_kv_string(w, "on", gs_thread_on_name(tw->on));
	jw_kv_i64_if(w, "goid", tw->goroutine && tw->goid >= 0, tw->goid);
	jw_kv_string_or_null(w, "note", tw->note);
	json_unwind(w, &tw->unwind);
	jw_end_object(w);
}

static void json_goroutine(struct json_writer *w, const struct gs_goroutine *g)
{
	jw_start_object(w);
	jw_kv_i64(w, "goid", g->goid);
	jw_kv_u64(w, "g", g->g);
	jw_kv_u64(w, "status_raw", g->status_raw);
	jw_kv_string(w, "status", gs_g_status_name(g->status));
	jw_kv_bool(w, "scan", g->status & GS_G_SCAN);
	jw_kv_u64(w, "wait_reason_raw", g->waitreason);
	jw_kv_string_or_null(w, "wait_reason", g->waitreason ? g->wait_reason : NULL);
	jw_kv_i64(w, "wait_since", g->waitsince);
	jw_kv_u64(w, "stack_lo", g->stack_lo);
	jw_kv_u64(w, "stack_hi", g->stack_hi);
	jw_kv_u64(w, "stack_pages", g->stack_pages);
	jw_kv_u64(w, "stack_pages_resident", g->stack_resident);
	jw_kv_u64(w, "sched_pc", g->sched_pc);
	jw_kv_u64(w, "sched_sp", g->sched_sp);
	jw_kv_u64(w, "syscall_pc", g->syscallpc);
	jw_kv_u64(w, "syscall_sp", g->syscallsp);
	jw_kv_u64(w, "m", g->m);
	jw_kv_u64(w, "start_pc", g->startpc);
	jw_kv_string_or_null(w, "start_function", g->start_func);
	jw_kv_u64(w, "go_pc", g->gopc);
	jw_kv_string_or_null(w, "created_by", g->created_by);
	jw_kv_bool(w, "on_hit_thread", g->on_hit_thread);
	jw_kv_i64_if(w, "thread", g->thread_tid > 0, g->thread_tid);
	jw_kv_bool(w, "via_system_stack", g->via_system_stack);
	jw_kv_bool(w, "unwound", g->unwound);
	if (g->unwound)
		json_unwind(w, &g->unwind);
	else
		jw_kv_string_or_null(w, "not_unwound", g->no_unwind);
	jw_end_object(w);
}

void stacks_print_json(const struct stacks_model *sm)
{
	struct json_writer *w = json_wtr;
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "snapshot", sm->snap_path);
	jw_kv_string(w, "exe", sm->ctx->exe);
	jw_kv_string_or_null(w, "go_version", sm->ctx->go_version);
	if (sm->ctx->fi.gofunc_why[0])	/* frames lack their inlined calls */
		jw_kv_string(w, "inlined_frames_unavailable", sm->ctx->fi.gofunc_why);
	jw_key(w, "hit_thread");
	if (sm->hit)
		json_thread(w, sm->hit);
	else
		jw_null(w);
	jw_key(w, "threads");
	jw_start_array(w);
	for (i = 0; i < sm->tw.n; i++)
		if (&sm->tw.w[i] != sm->hit)
			json_thread(w, &sm->tw.w[i]);
	jw_end_array(w);
	jw_kv_string_or_null(w, "goroutines_problem", sm->gr.problem[0] ? sm->gr.problem : NULL);
	jw_key(w, "allgs");
	jw_u64(w, sm->gr.allgs);
	jw_kv_u64(w, "allglen", sm->gr.allglen);
	jw_key(w, "goroutines");
	jw_start_array(w);
	for (i = 0; i < sm->gr.n; i++)
		json_goroutine(w, &sm->gr.gs[i]);
	jw_end_array(w);
	/* what no layout source had, as heap -j prints it */
	jw_key(w, "unavailable");
	jw_start_array(w);
	for (i = 0; i < gs_layout_nr_missing(sm->ctx->layout); i++)
		jw_string(w, gs_layout_missing(sm->ctx->layout, i));
	jw_end_array(w);
	jw_end_object(w);
}
