// SPDX-License-Identifier: GPL-2.0
/*
 * The GC decoder (cli/decode/gogc.c) on the synthetic heap and collector
 * of synth_heap.h: the valid state decodes to what was built, and each
 * hostile change is reported and ends: an lfstack that runs in a cycle,
 * a workbuf reached from a list and a P, nobj above capacity, a queued
 * pointer outside the heap, a workbuf outside the busy spans, a busy
 * span list in a cycle, a damaged lfstack packing; Green Tea's span
 * rings as built, and each hostile change to them (a chain in a cycle,
 * more spans than capacity, a capacity not a power of two, the ring list
 * in a cycle, a ring on a chain but not listed, a dead one on a chain, a
 * chain that does not end at its head) (issue 13, acceptance 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gogc.h"
#include "decode/goheap.h"
#include "layout/layout.h"
#include "synth_heap.h"
#include "tap.h"

static struct synth s;

struct run {
	struct gs_layout *l;
	struct gs_mem *m;
	struct goheap *h;
	struct gs_snapctx c;
	struct gs_gc g;
};

static void decode(struct run *r)
{
	char err[128];

	memset(r, 0, sizeof(*r));
	r->l = gs_layout_new();
	r->m = gs_mem_open(&s.snap, NULL, err, sizeof(err));
	if (!r->l || !r->m || gs_layout_add(r->l, &synth_ops, NULL))
		abort();
	r->h = goheap_decode(&s.snap, r->m, r->l, "go1.19-fuzz");
	r->c.snap = s.snap;
	r->c.mem = r->m;
	r->c.layout = r->l;
	if (!r->h || gs_gc_decode(&r->c, r->h, &r->g))
		abort();
}

static void done(struct run *r)
{
	gs_gc_free(&r->g);
	goheap_free(r->h);
	gs_mem_close(r->m);
	gs_layout_free(r->l);
}

static int has_problem(const struct gs_gc *g, const char *part)
{
	for (size_t i = 0; i < g->nr_problems; i++)
		if (strstr(g->problems[i], part))
			return 1;
	return 0;
}

static void valid(void)
{
	struct run r;
	const struct gs_gc *g;

	synth_build(&s);
	decode(&r);
	g = &r.g;
	ok(!strcmp(g->phase, "mark") && g->val[GC_V_CYCLES].raw == 3 &&
	   g->val[GC_V_NUMGC].raw == 2 && g->val[GC_V_NPROC].raw == 2 &&
	   g->val[GC_V_NWAIT].raw == 1 && g->val[GC_V_BYTES_MARKED].raw == 12345,
	   "valid: phase %s, cycles, numgc, nproc, nwait, bytesMarked as built", g->phase);
	ok(g->full.ok && !g->full.stop && g->full.n == 2 &&
	   g->full.v[0].addr == synth_wbuf(0) && g->full.v[1].addr == synth_wbuf(1) &&
	   g->full.objects == 3 + SYN_WBUF_CAP,
	   "valid: work.full is workbufs 0 and 1, %llu objects",
	   (unsigned long long)g->full.objects);
	ok(g->empty.n == 1 && g->empty.v[0].addr == synth_wbuf(2) && g->empty.v[0].nobj == 0,
	   "valid: work.empty is workbuf 2");
	ok(g->nps == 1 && g->ps[0].wbuf[0].addr == synth_wbuf(3) &&
	   g->ps[0].wbuf[0].nobj == 5 && g->ps[0].wbuf[1].addr == synth_wbuf(4) &&
	   g->ps[0].queued == 5,
	   "valid: P 0's gcWork holds workbufs 3 (5 objects) and 4");
	ok(g->busy.n == 1 && g->busy.v[0].base == SYN_WBUFS && g->busy.v[0].npages == 2,
	   "valid: one busy workbuf span, the manual span");
	ok(g->queued == 3 + SYN_WBUF_CAP + 5 && g->queued_global == 3 + SYN_WBUF_CAP &&
	   g->workbufs == 5 && !g->duplicates && !g->misaligned && !g->outside_busy &&
	   !g->bad_nobj && g->heap_joined && !g->objects_outside_heap && !g->nr_problems,
	   "valid: totals, and no check fails (%zu problems)", g->nr_problems);
	ok(!g->val[GC_V_HEAP_GOAL].ok && strstr(g->val[GC_V_HEAP_GOAL].why, "gcPercentHeapGoal"),
	   "valid: a field the layout lacks is unavailable, named: %s",
	   g->val[GC_V_HEAP_GOAL].why);
	done(&r);
}

static void lfstack_cycle(void)
{
	struct run r;

	synth_build(&s);
	/* workbuf 1, the last of work.full, points back at workbuf 0 */
	synth_put(synth_at(&s, synth_wbuf(1)), synth_lf_pack(synth_wbuf(0), 9), 8);
	decode(&r);
	ok(r.g.full.n == 3 && r.g.full.stop && strstr(r.g.full.stop, "cycle") &&
	   r.g.duplicates == 1,
	   "work.full in a cycle: the walk stops after %zu nodes: %s", r.g.full.n,
	   r.g.full.stop ? r.g.full.stop : "(no reason)");
	done(&r);
}

static void shared_node(void)
{
	struct run r;

	synth_build(&s);
	/* P 0's spare is also on work.empty */
	synth_put(synth_at(&s, SYN_META + SYN_O_P + SYN_P_WBUF2), synth_wbuf(2), 8);
	decode(&r);
	ok(r.g.duplicates == 1 && r.g.ps[0].wbuf[1].duplicate && r.g.workbufs == 4,
	   "a workbuf on work.empty and in a P: reported as reached twice");
	done(&r);
}

static void bad_nobj(void)
{
	struct run r;

	synth_build(&s);
	synth_put(synth_at(&s, synth_wbuf(0)) + 16, 100000, 8);
	decode(&r);
	ok(r.g.bad_nobj == 1 && r.g.full.v[0].nobj == 100000 &&
	   r.g.full.objects == SYN_WBUF_CAP && has_problem(&r.g, "capacity"),
	   "nobj 100000: counted over capacity, not summed, a problem");
	done(&r);
}

static void outside_heap(void)
{
	struct run r;

	synth_build(&s);
	/* workbuf 3's second pointer: into the dead span; the third: nowhere */
	synth_put(synth_at(&s, synth_wbuf(3)) + 24 + 8, SYN_ARENA + 9 * SYN_PAGE + 8, 8);
	synth_put(synth_at(&s, synth_wbuf(3)) + 24 + 16, 0x7fff00000000ULL, 8);
	decode(&r);
	ok(r.g.objects_outside_heap == 2 && r.g.ps[0].wbuf[0].outside_heap == 2,
	   "queued pointers into a dead span and outside every span: 2 reported (%llu)",
	   (unsigned long long)r.g.objects_outside_heap);
	done(&r);
}

static void outside_busy(void)
{
	struct run r;

	synth_build(&s);
	/* work.empty's workbuf moved into span 0, which is not a workbuf span */
	synth_put(synth_at(&s, SYN_META + SYN_O_WORK + SYN_W_EMPTY),
		  synth_lf_pack(SYN_ARENA + 64, 3), 8);
	decode(&r);
	ok(r.g.outside_busy == 1 && !r.g.empty.v[0].in_busy_span && r.g.empty.stop,
	   "a workbuf outside the busy spans: reported (%s)",
	   r.g.empty.stop ? r.g.empty.stop : "walk ended");
	done(&r);
}

static void span_cycle(void)
{
	struct run r;

	synth_build(&s);
	/* the busy span's next is itself */
	synth_put(synth_at(&s, SYN_META + SYN_O_SPANS + 64 * 2 + 40),
		  SYN_META + SYN_O_SPANS + 64 * 2, 8);
	decode(&r);
	ok(r.g.busy.n == 1 && r.g.busy.stop && strstr(r.g.busy.stop, "cycle"),
	   "work.wbufSpans.busy in a cycle: stops after one span: %s",
	   r.g.busy.stop ? r.g.busy.stop : "(no reason)");
	done(&r);
}

static void bad_packing(void)
{
	struct run r;

	synth_build(&s);
	/* a node pointer that unpacks outside the snapshot */
	synth_put(synth_at(&s, SYN_META + SYN_O_WORK + SYN_W_FULL), ~0ULL, 8);
	decode(&r);
	ok(r.g.full.n == 1 && r.g.full.v[0].nobj == -1 && r.g.full.stop &&
	   strstr(r.g.full.stop, "not in the snapshot"),
	   "an lfstack word that points nowhere: one unreadable node, then: %s",
	   r.g.full.stop ? r.g.full.stop : "(no reason)");
	done(&r);
}

static void spanq_valid(void)
{
	struct run r;
	const struct gs_gc *g;

	synth_build(&s);
	decode(&r);
	g = &r.g;
	ok(g->spanq.ok && g->spanq.n == 2 && g->spanq.live == 1 && g->spanq.dead == 1 &&
	   g->spanq.spans == 10 && !g->spanq.stop && g->spanq.mask_ok,
	   "Green Tea: work.spanSPMCs is ring 0 (10 spans) and ring 1 (dead)");
	ok(g->ps[0].spanq_ok && g->ps[0].spanq_len == 3 && g->ps[0].chain_ok &&
	   g->ps[0].chain_rings == 1 && g->ps[0].chain_spans == 10 && g->ps[0].in_mask == 1 &&
	   g->spanq.v[0].owner == 0 && g->spanq.v[1].owner == -1 &&
	   g->spans_queued == 3 && g->spans_chained == 10 && !g->nr_problems,
	   "Green Tea: P 0 has 3 spans local, 10 on its chain of one ring, its mask bit set (%zu problems)",
	   g->nr_problems);
	done(&r);
}

/* One hostile change to the span rings, and the problem it must raise. */
static void spanq_bad(const char *what, uint64_t addr, uint64_t v, unsigned n,
		      const char *want)
{
	struct run r;

	synth_build(&s);
	synth_put(synth_at(&s, addr), v, n);
	decode(&r);
	ok(has_problem(&r.g, want) && r.g.spanq.n <= GS_GC_MAX_SPMCS,
	   "Green Tea, %s: reported ('%s'), the walks end", what, want);
	if (!has_problem(&r.g, want))
		for (size_t i = 0; i < r.g.nr_problems; i++)
			diag("problem: %s", r.g.problems[i]);
	done(&r);
}

int main(void)
{
	uint64_t chain_tail = SYN_META + SYN_O_P + SYN_P_SPANQ + 16;

	valid();
	spanq_valid();
	spanq_bad("a chain in a cycle", SYN_SPMC(0) + SYN_S_PREV, SYN_SPMC(0), 8,
		  "chain too (a cycle)");
	spanq_bad("more spans than capacity", SYN_SPMC(0) + SYN_S_TAIL, 7 + 513, 4,
		  "above its capacity");
	spanq_bad("capacity not a power of two", SYN_SPMC(0) + SYN_S_CAP, 600, 4,
		  "not a power of two");
	spanq_bad("the list in a cycle", SYN_SPMC(1) + SYN_S_NEXT, SYN_SPMC(0), 8,
		  "on work.spanSPMCs twice");
	spanq_bad("a chain ring not on the list", chain_tail, SYN_META + 0xb000, 8,
		  "is not on work.spanSPMCs");
	spanq_bad("a dead ring on a chain", chain_tail, SYN_SPMC(1), 8, "a dead spanSPMC");
	spanq_bad("a chain that misses its head", chain_tail - 8, SYN_SPMC(1), 8,
		  "not at its head");
	lfstack_cycle();
	shared_node();
	bad_nobj();
	outside_heap();
	outside_busy();
	span_cycle();
	bad_packing();
	return tap_done();
}
