// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli sched SNAP: every M (id, thread, g0 stack, curg, p, the
 * thread's captured registers when the snapshot has them), every P (id,
 * status, run-queue length, mcache) and runtime.sched's counters.
 */
#include "commands.h"
#include "decode/gosched.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sched_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s sched SNAP [--exe PATH] [--seq N] [-j|-p]\n\n"
		"List the snapshot's Ms (OS threads: id, thread id, g0 stack, current\n"
		"goroutine, P, captured registers), Ps (status, local run queue, mcache)\n"
		"and runtime.sched counters (Ms alive, idle Ms and Ps, global run queue).\n"
		"Counters a Go release does not have print as -1 / null.\n\n"
		"  --exe PATH   the executable (default: the one the snapshot names,\n"
		"               else its embedded copy); its build ID must match\n"
		"  --seq N      the snapshot with this sequence number (default: first)\n"
		"  -j, --json   JSON (docs/json.md, section sched); -p pretty\n"
		"  -h, --help   this text\n", PROG);
}

/*
 * What no layout source had and the sched counters do not already say
 * (their own entry gives the reason): the i-th such name, or NULL.
 */
static const char *layout_gap(const struct gs_snapctx *c,
			      const struct gs_sched *s, size_t i)
{
	static const char prefix[] = "field runtime.schedt.";
	const char *name = gs_layout_missing(c->layout, i);

	if (!strncmp(name, prefix, sizeof(prefix) - 1) &&
	    gs_sched_unavailable(s, name + sizeof(prefix) - 1))
		return NULL;
	return name;
}

/* A counter as text: the number, or "unavailable" (see the list below). */
static const char *num(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		return "unavailable";
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

static void plain(const struct gs_snapctx *c, const struct gs_sched *s)
{
	char b[14][24];
	size_t i;

	printf("# %s, %s\n", c->exe, c->go_version ? c->go_version : "Go version unknown");
	if (s->problem[0])
		printf("problem: %s\n", s->problem);
	printf("sched: Ms %s (idle %s, idle locked %s, spinning %s, system %s, next id %s, freed %s)\n"
	       "       idle Ps %s, global run queue %s, system goroutines %s, need spinning %s,"
	       " GC waiting %s, stop wait %s, sysmon waiting %s\n",
	       num(b[0], 24, s->threads), num(b[1], 24, s->nmidle),
	       num(b[2], 24, s->nmidlelocked), num(b[3], 24, s->nmspinning),
	       num(b[4], 24, s->nmsys), num(b[5], 24, s->mnext), num(b[6], 24, s->nmfreed),
	       num(b[7], 24, s->npidle), num(b[8], 24, s->runqsize), num(b[9], 24, s->ngsys),
	       num(b[10], 24, s->needspinning), num(b[11], 24, s->gcwaiting),
	       num(b[12], 24, s->stopwait), num(b[13], 24, s->sysmonwait));
	for (i = 0; i < s->nunavail; i++)
		printf("unavailable: runtime.schedt.%s: %s\n", s->unavail[i].field,
		       s->unavail[i].why);
	for (i = 0; i < gs_layout_nr_missing(c->layout); i++)
		if (layout_gap(c, s, i))
			printf("unavailable: %s: no layout source has it\n",
			       layout_gap(c, s, i));
	printf("\nMs (%zu, from %s):\n", s->nms, s->ms_source ? s->ms_source : "-");
	for (i = 0; i < s->nms; i++) {
		const struct gs_m *m = &s->ms[i];

		printf("  M%" PRId64 " m=0x%" PRIx64 " tid %" PRIu64 " g0 stack [0x%" PRIx64
		       ", 0x%" PRIx64 ") curg 0x%" PRIx64, m->id, m->m, m->procid,
		       m->g0_stack_lo, m->g0_stack_hi, m->curg);
		if (m->curg_goid >= 0)
			printf(" (goroutine %" PRId64 ")", m->curg_goid);
		printf(" p 0x%" PRIx64, m->p);
		if (m->p_id >= 0)
			printf(" (P%" PRId64 ")", m->p_id);
		if (m->thread && (m->thread->flags & GOSNAP_THR_REGS))
			printf(" rip 0x%llx rsp 0x%llx%s",
			       (unsigned long long)m->thread->regs.rip,
			       (unsigned long long)m->thread->regs.rsp,
			       m->thread->flags & GOSNAP_THR_HIT ? " (hit the probe)" : "");
		printf("\n");
	}
	printf("\nPs (%zu):\n", s->nps);
	for (i = 0; i < s->nps; i++) {
		const struct gs_p *p = &s->ps[i];

		printf("  P%" PRId64 " p=0x%" PRIx64 " %s runq %u%s mcache 0x%" PRIx64 " m 0x%" PRIx64 "\n",
		       p->id, p->p, gs_p_status_name(p->status),
		       p->runqtail - p->runqhead, p->runnext ? " +runnext" : "",
		       p->mcache, p->m);
	}
}

static void kv_count(struct json_writer *w, const char *k, int64_t v)
{
	jw_key(w, k);
	if (v < 0)
		jw_null(w);
	else
		jw_i64(w, v);
}

static void json(const struct gs_snapctx *c, const struct gs_sched *s)
{
	struct json_writer *w = json_wtr;
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "exe", c->exe);
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
	for (i = 0; i < gs_layout_nr_missing(c->layout); i++)
		if (layout_gap(c, s, i))
			jw_kv_string(w, layout_gap(c, s, i), "no layout source has it");
	jw_end_object(w);
	jw_kv_string(w, "ms_source", s->ms_source ? s->ms_source : "");
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
	jw_end_object(w);
}

int cmd_sched(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 's' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	const char *exe = NULL;
	struct gs_snapctx ctx;
	struct gs_sched s;
	long seq = -1;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "e:s:", opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'e': exe = optarg; break;
		case 's':
			if (parse_seq("sched", optarg, &seq))
				return EXIT_USAGE;
			break;
		case 'h': sched_usage(stdout); return 0;
		default: sched_usage(stderr); return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind + 1 != argc) {
		p_err("sched takes one SNAP (try '%s sched --help')", PROG);
		return EXIT_USAGE;
	}
	if (gs_snapctx_open(&ctx, argv[optind], exe, seq)) {
		gs_snapctx_close(&ctx);
		return 1;
	}
	if (gs_sched_decode(&ctx, &s)) {
		p_err("out of memory");
		ret = 1;
	} else {
		(json_wtr ? json : plain)(&ctx, &s);
		if (!gs_sched_decoded_anything(&s)) {
			p_err("%s: no M, no P and no scheduler counter decoded",
			      argv[optind]);
			ret = 1;
		}
	}
	gs_sched_free(&s);
	gs_snapctx_close(&ctx);
	return ret;
}
