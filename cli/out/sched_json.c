// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli sched -j` (docs/json.md, section sched): the counters (null
 * when unavailable, with the reason under "unavailable"), every M with
 * its captured registers, every P.
 */
#include <stdint.h>

#include "out/sched_out.h"

static void kv_count(struct json_writer *w, const char *k, int64_t v)
{
	jw_key(w, k);
	if (v < 0)
		jw_null(w);
	else
		jw_i64(w, v);
}

static void print_ms(const struct gs_sched *s, struct json_writer *w)
{
	size_t i;

	jw_key(w, "ms");
	jw_start_array(w);
	for (i = 0; i < s->nms; i++) {
		const struct gs_m *m = &s->ms[i];

		jw_start_object(w);
		jw_kv_i64(w, "id", m->id);
		jw_kv_u64(w, "m", m->m);
		jw_kv_u64(w, "tid", m->procid);
		jw_kv_u64(w, "g0", m->g0);
		jw_kv_u64(w, "g0_stack_lo", m->g0_stack_lo);
		jw_kv_u64(w, "g0_stack_hi", m->g0_stack_hi);
		jw_kv_u64(w, "curg", m->curg);
		kv_count(w, "curg_goid", m->curg_goid);
		jw_kv_u64(w, "p", m->p);
		kv_count(w, "p_id", m->p_id);
		jw_key(w, "regs");
		if (m->thread && (m->thread->flags & GOSNAP_THR_REGS)) {
			jw_start_object(w);
			jw_kv_u64(w, "rip", m->thread->regs.rip);
			jw_kv_u64(w, "rsp", m->thread->regs.rsp);
			jw_kv_u64(w, "rbp", m->thread->regs.rbp);
			jw_kv_u64(w, "fs_base", m->thread->regs.fs_base);
			jw_kv_bool(w, "hit", m->thread->flags & GOSNAP_THR_HIT);
			jw_end_object(w);
		} else {
			jw_null(w);
		}
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void print_ps(const struct gs_sched *s, struct json_writer *w)
{
	size_t i;

	jw_key(w, "ps");
	jw_start_array(w);
	for (i = 0; i < s->nps; i++) {
		const struct gs_p *p = &s->ps[i];

		jw_start_object(w);
		jw_kv_i64(w, "id", p->id);
		jw_kv_u64(w, "p", p->p);
		jw_kv_string(w, "status", gs_p_status_name(p->status));
		jw_kv_u64(w, "runq", (uint32_t)(p->runqtail - p->runqhead));
		jw_kv_u64(w, "runnext", p->runnext);
		jw_kv_u64(w, "mcache", p->mcache);
		jw_kv_u64(w, "m", p->m);
		jw_end_object(w);
	}
	jw_end_array(w);
}

void sched_print_json(const struct gs_sched *s, const struct sched_out_opts *o,
		      struct json_writer *w)
{
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "exe", o->exe);
	jw_key(w, "problem");
	if (s->problem[0])
		jw_string(w, s->problem);
	else
		jw_null(w);
	jw_key(w, "sched");
	jw_start_object(w);
	kv_count(w, "threads", s->threads);
	kv_count(w, "idle_ms", s->nmidle);
	kv_count(w, "idle_locked_ms", s->nmidlelocked);
	kv_count(w, "spinning_ms", s->nmspinning);
	kv_count(w, "system_ms", s->nmsys);
	kv_count(w, "next_m_id", s->mnext);
	kv_count(w, "idle_ps", s->npidle);
	kv_count(w, "global_runq", s->runqsize);
	kv_count(w, "system_goroutines", s->ngsys);
	kv_count(w, "freed_ms", s->nmfreed);
	kv_count(w, "need_spinning", s->needspinning);
	kv_count(w, "gc_waiting", s->gcwaiting);
	kv_count(w, "stop_wait", s->stopwait);
	kv_count(w, "sysmon_waiting", s->sysmonwait);
	jw_end_object(w);
	/* why a counter is null: runtime.schedt field -> reason */
	jw_key(w, "unavailable");
	jw_start_object(w);
	for (i = 0; i < s->nunavail; i++)
		jw_kv_string(w, s->unavail[i].field, s->unavail[i].why);
	/* and what else no layout source had: "field runtime.m.procid" */
	for (i = 0; i < gs_layout_nr_missing(o->layout); i++)
		if (sched_layout_gap(s, o->layout, i))
			jw_kv_string(w, sched_layout_gap(s, o->layout, i),
				     "no layout source has it");
	jw_end_object(w);
	jw_kv_string(w, "ms_source", s->ms_source ? s->ms_source : "");
	print_ms(s, w);
	print_ps(s, w);
	jw_end_object(w);
}
