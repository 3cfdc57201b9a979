// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli sched` as text: runtime.sched's counters (and why one is
 * unavailable), then every M and every P, one line each.
 */
#include <inttypes.h>
#include <stdio.h>

#include "out/sched_out.h"

/* A counter as text: the number, or "unavailable" (see the list below). */
static const char *num(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		return "unavailable";
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

void sched_print_plain(const struct gs_sched *s, const struct sched_out_opts *o,
		       FILE *out)
{
	char b[14][24];
	size_t i;

	fprintf(out, "# %s, %s\n", o->exe,
		o->go_version ? o->go_version : "Go version unknown");
	if (s->problem[0])
		fprintf(out, "problem: %s\n", s->problem);
	fprintf(out, "sched: Ms %s (idle %s, idle locked %s, spinning %s, system %s, next id %s, freed %s)\n"
		"       idle Ps %s, global run queue %s, system goroutines %s, need spinning %s,"
		" GC waiting %s, stop wait %s, sysmon waiting %s\n",
		num(b[0], 24, s->threads), num(b[1], 24, s->nmidle),
		num(b[2], 24, s->nmidlelocked), num(b[3], 24, s->nmspinning),
		num(b[4], 24, s->nmsys), num(b[5], 24, s->mnext), num(b[6], 24, s->nmfreed),
		num(b[7], 24, s->npidle), num(b[8], 24, s->runqsize), num(b[9], 24, s->ngsys),
		num(b[10], 24, s->needspinning), num(b[11], 24, s->gcwaiting),
		num(b[12], 24, s->stopwait), num(b[13], 24, s->sysmonwait));
	for (i = 0; i < s->nunavail; i++)
		fprintf(out, "unavailable: runtime.schedt.%s: %s\n", s->unavail[i].field,
			s->unavail[i].why);
	for (i = 0; i < gs_layout_nr_missing(o->layout); i++)
		if (sched_layout_gap(s, o->layout, i))
			fprintf(out, "unavailable: %s: no layout source has it\n",
				sched_layout_gap(s, o->layout, i));
	fprintf(out, "\nMs (%zu, from %s):\n", s->nms, s->ms_source ? s->ms_source : "-");
	for (i = 0; i < s->nms; i++) {
		const struct gs_m *m = &s->ms[i];

		fprintf(out, "  M%" PRId64 " m=0x%" PRIx64 " tid %" PRIu64 " g0 stack [0x%" PRIx64
			", 0x%" PRIx64 ") curg 0x%" PRIx64, m->id, m->m, m->procid,
			m->g0_stack_lo, m->g0_stack_hi, m->curg);
		if (m->curg_goid >= 0)
			fprintf(out, " (goroutine %" PRId64 ")", m->curg_goid);
		fprintf(out, " p 0x%" PRIx64, m->p);
		if (m->p_id >= 0)
			fprintf(out, " (P%" PRId64 ")", m->p_id);
		if (m->thread && (m->thread->flags & GOSNAP_THR_REGS))
			fprintf(out, " rip 0x%llx rsp 0x%llx%s",
				(unsigned long long)m->thread->regs.rip,
				(unsigned long long)m->thread->regs.rsp,
				m->thread->flags & GOSNAP_THR_HIT ? " (hit the probe)" : "");
		fprintf(out, "\n");
	}
	fprintf(out, "\nPs (%zu):\n", s->nps);
	for (i = 0; i < s->nps; i++) {
		const struct gs_p *p = &s->ps[i];

		fprintf(out, "  P%" PRId64 " p=0x%" PRIx64 " %s runq %u%s mcache 0x%" PRIx64
			" m 0x%" PRIx64 "\n",
			p->id, p->p, gs_p_status_name(p->status),
			p->runqtail - p->runqhead, p->runnext ? " +runnext" : "",
			p->mcache, p->m);
	}
}
