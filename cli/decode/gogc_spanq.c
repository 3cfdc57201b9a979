// SPDX-License-Identifier: GPL-2.0
/*
 * Green Tea's span queues (go1.26+, mgcmark_greenteagc.go), beyond each
 * P's local ring: every spanSPMC ring the runtime allocated
 * (work.spanSPMCs.list, linked through allnode), each P's chain of them
 * (gcw.spanq.chain: tail, then prev up to head), and work.spanqMask, the
 * Ps with span work worth stealing. A ring holds tail - head spans, at
 * most cap, a power of two of at least a page of pointers (newSpanSPMC).
 * Walks are bounded; a ring on two chains, a chain in a cycle, a ring
 * on a chain but not on the list, or a dead one on a chain are problems.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gogc.h"
#include "decode/needs.h"

enum sq_need {
	SQ_WORK, SQ_LIST, SQ_MASK,
	SQ_P_CHAIN_HEAD, SQ_P_CHAIN_TAIL,
	SQ_S_NEXT, SQ_S_DEAD, SQ_S_PREV, SQ_S_HEAD, SQ_S_TAIL, SQ_S_CAP,
	SQ_S_RING,
	SQ_N
};

#define SPMC_F(n)	GS_NEED_F_OPT("runtime.spanSPMC", n)

static const struct gs_need sq_needs[SQ_N] = {
	[SQ_WORK]		= GS_NEED_G("runtime.work"),
	[SQ_LIST]		= GS_NEED_F_OPT("runtime.workType", "spanSPMCs.list.obj"),
	[SQ_MASK]		= GS_NEED_F_OPT("runtime.workType", "spanqMask"),
	[SQ_P_CHAIN_HEAD]	= GS_NEED_F_OPT("runtime.p", "gcw.spanq.chain.head"),
	[SQ_P_CHAIN_TAIL]	= GS_NEED_F_OPT("runtime.p", "gcw.spanq.chain.tail"),
	/* listNodeManual.next: the next ring's address, not its node's */
	[SQ_S_NEXT]		= SPMC_F("allnode.next"),
	[SQ_S_DEAD]		= SPMC_F("dead"),
	[SQ_S_PREV]		= SPMC_F("prev"),
	[SQ_S_HEAD]		= SPMC_F("head"),
	[SQ_S_TAIL]		= SPMC_F("tail"),
	[SQ_S_CAP]		= SPMC_F("cap"),
	[SQ_S_RING]		= SPMC_F("ring"),
};

const struct gs_needs gs_gc_spanq_needs = { "gc_spanq", sq_needs, SQ_N };

struct sq {
	struct gs_snapctx	*c;
	struct gs_gc		*g;
	struct gs_need_ans	a[SQ_N];
	uint64_t		*sorted;	/* ring addresses, for lookups */
	size_t			*index;		/* sorted[i] is g->spanq.v[index[i]] */
};

static bool rd(const struct sq *q, uint64_t base, enum sq_need f, uint64_t *out)
{
	const struct gs_need_ans *a = &q->a[f];

	if (!a->ok || !a->size || a->size > 8)
		return false;
	return gs_mem_uint_zfill(q->c->mem, base + a->value, a->size, out);
}

static bool read_ring(const struct sq *q, uint64_t addr, struct gs_spmc *r)
{
	uint64_t dead, head, tail, cap, ring;

	if (!rd(q, addr, SQ_S_DEAD, &dead) || !rd(q, addr, SQ_S_HEAD, &head) ||
	    !rd(q, addr, SQ_S_TAIL, &tail) || !rd(q, addr, SQ_S_CAP, &cap) ||
	    !rd(q, addr, SQ_S_RING, &ring))
		return false;
	memset(r, 0, sizeof(*r));
	r->addr = addr;
	r->dead = dead & 0xff;
	r->head = (uint32_t)head;
	r->tail = (uint32_t)tail;
	r->cap = (uint32_t)cap;
	r->ring = ring;
	r->owner = -1;
	return true;
}

static void check_ring(struct sq *q, const struct gs_spmc *r)
{
	uint64_t page_cap = q->c->snap.hdr->page_size / 8;

	if (r->dead)
		return;		/* deinit zeroes it: nothing to hold */
	if (!r->cap || r->cap & (r->cap - 1) || (page_cap && r->cap < page_cap))
		gs_gc_problem(q->g, "spanSPMC 0x%" PRIx64 ": capacity %" PRIu32
			      " is not a power of two of at least %" PRIu64,
			      r->addr, r->cap, page_cap);
	if ((uint32_t)(r->tail - r->head) > r->cap)
		gs_gc_problem(q->g, "spanSPMC 0x%" PRIx64 ": %" PRIu32
			      " spans queued, above its capacity %" PRIu32,
			      r->addr, (uint32_t)(r->tail - r->head), r->cap);
	if (!r->ring)
		gs_gc_problem(q->g, "spanSPMC 0x%" PRIx64 ": no ring", r->addr);
}

/* work.spanSPMCs.list: every ring, bounded, in list order. */
static int walk_list(struct sq *q, uint64_t work)
{
	struct gs_gc_spanq *s = &q->g->spanq;
	uint64_t at;

	s->v = calloc(GS_GC_MAX_SPMCS, sizeof(*s->v));
	if (!s->v)
		return -1;
	if (!rd(q, work, SQ_LIST, &at)) {
		s->stop = "work.spanSPMCs is not in the snapshot";
		return 0;
	}
	while (at && s->n < GS_GC_MAX_SPMCS) {
		struct gs_spmc *r = &s->v[s->n];

		if (!read_ring(q, at, r)) {
			s->stop = "a ring is not in the snapshot";
			return 0;
		}
		s->n++;
		if (!rd(q, at, SQ_S_NEXT, &at)) {
			s->stop = "a ring's list node is not in the snapshot";
			return 0;
		}
	}
	if (at)
		s->stop = "more rings than a walk follows (a cycle?)";
	return 0;
}

static const struct sq *cmp_ctx;

static int cmp_index(const void *a, const void *b)
{
	uint64_t x = cmp_ctx->g->spanq.v[*(const size_t *)a].addr;
	uint64_t y = cmp_ctx->g->spanq.v[*(const size_t *)b].addr;

	return (x > y) - (x < y);
}

/* Sort the rings by address; a ring listed twice is a problem. */
static int index_rings(struct sq *q)
{
	struct gs_gc_spanq *s = &q->g->spanq;
	size_t i;

	q->sorted = malloc((s->n ? s->n : 1) * sizeof(*q->sorted));
	q->index = malloc((s->n ? s->n : 1) * sizeof(*q->index));
	if (!q->sorted || !q->index)
		return -1;
	for (i = 0; i < s->n; i++)
		q->index[i] = i;
	cmp_ctx = q;
	qsort(q->index, s->n, sizeof(*q->index), cmp_index);
	for (i = 0; i < s->n; i++) {
		q->sorted[i] = s->v[q->index[i]].addr;
		if (i && q->sorted[i] == q->sorted[i - 1]) {
			gs_gc_problem(q->g, "spanSPMC 0x%" PRIx64 " is on work.spanSPMCs twice",
				      q->sorted[i]);
			if (!s->stop)
				s->stop = "the list runs in a cycle";
		}
	}
	return 0;
}

static struct gs_spmc *find_ring(const struct sq *q, uint64_t addr)
{
	size_t lo = 0, hi = q->g->spanq.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (q->sorted[mid] == addr)
			return &q->g->spanq.v[q->index[mid]];
		if (q->sorted[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* p's chain: from tail along prev; it must end at head. */
static void walk_chain(struct sq *q, struct gs_gc_p *p)
{
	uint64_t at, head;
	uint32_t n = 0;

	if (!rd(q, p->p, SQ_P_CHAIN_TAIL, &at) || !rd(q, p->p, SQ_P_CHAIN_HEAD, &head)) {
		gs_gc_problem(q->g, "P %" PRId64 ": its span chain is not in the snapshot", p->id);
		return;
	}
	while (at) {
		struct gs_spmc *r = find_ring(q, at);
		uint64_t prev;

		if (!r) {
			gs_gc_problem(q->g, "P %" PRId64 ": spanSPMC 0x%" PRIx64
				      " on its chain is not on work.spanSPMCs", p->id, at);
			return;
		}
		if (r->owner >= 0) {
			gs_gc_problem(q->g, "P %" PRId64 ": spanSPMC 0x%" PRIx64
				      " is on P %" PRId64 "'s chain too%s", p->id, at,
				      r->owner, r->owner == p->id ? " (a cycle)" : "");
			return;
		}
		if (r->dead)
			gs_gc_problem(q->g, "P %" PRId64 ": a dead spanSPMC 0x%" PRIx64
				      " is on its chain", p->id, at);
		r->owner = p->id;
		n++;
		if (!r->dead && (uint32_t)(r->tail - r->head) <= r->cap)
			p->chain_spans += (uint32_t)(r->tail - r->head);
		if (!rd(q, at, SQ_S_PREV, &prev)) {
			gs_gc_problem(q->g, "P %" PRId64 ": spanSPMC 0x%" PRIx64
				      " is not in the snapshot", p->id, at);
			return;
		}
		if (!prev && at != head)
			gs_gc_problem(q->g, "P %" PRId64 ": its chain ends at 0x%" PRIx64
				      ", not at its head 0x%" PRIx64, p->id, at, head);
		at = prev;
	}
	if (!n && head)
		gs_gc_problem(q->g, "P %" PRId64 ": no chain tail, but head 0x%" PRIx64,
			      p->id, head);
	p->chain_ok = true;
	p->chain_rings = n;
	q->g->spans_chained += p->chain_spans;
}

/* work.spanqMask, a pMask: a []uint32 of one bit per P id. */
static void read_mask(struct sq *q, uint64_t work)
{
	struct gs_gc *g = q->g;
	uint64_t hdr[2], i;

	if (!q->a[SQ_MASK].ok || q->a[SQ_MASK].size != 24 ||
	    !gs_mem_read(q->c->mem, work + q->a[SQ_MASK].value, hdr, sizeof(hdr)) ||
	    hdr[1] > (GS_GC_MAX_PS + 31) / 32)
		return;
	for (i = 0; i < g->nps; i++) {
		uint64_t word;
		int64_t id = g->ps[i].id;

		if (id < 0 || (uint64_t)id / 32 >= hdr[1] ||
		    !gs_mem_uint_zfill(q->c->mem, hdr[0] + 4 * ((uint64_t)id / 32), 4, &word))
			return;
		g->ps[i].in_mask = (word >> (id % 32)) & 1;
	}
	g->spanq.mask_ok = true;
}

int gs_gc_spanq_decode(struct gs_snapctx *c, struct gs_gc *g)
{
	struct gs_gc_spanq *s = &g->spanq;
	struct sq q = { .c = c, .g = g };
	uint64_t work;
	size_t i;
	int ret = -1;

	gs_needs_resolve(c->layout, &gs_gc_spanq_needs, q.a);
	for (i = 0; i < SQ_N; i++) {
		if (!q.a[i].ok) {
			snprintf(s->why, sizeof(s->why), "no layout source knows %s%s%s%s",
				 sq_needs[i].type ? sq_needs[i].type : "",
				 sq_needs[i].type ? "." : "", sq_needs[i].name,
				 i >= SQ_LIST ? " (Green Tea, go1.26+)" : "");
			return 0;
		}
	}
	if (!g->ps_ok) {
		snprintf(s->why, sizeof(s->why), "the Ps were not read");
		return 0;
	}
	work = q.a[SQ_WORK].value;
	if (walk_list(&q, work) || index_rings(&q))
		goto out;
	s->ok = true;
	for (i = 0; i < s->n; i++) {
		check_ring(&q, &s->v[i]);
		if (s->v[i].dead) {
			s->dead++;
		} else {
			s->live++;
			if ((uint32_t)(s->v[i].tail - s->v[i].head) <= s->v[i].cap)
				s->spans += (uint32_t)(s->v[i].tail - s->v[i].head);
		}
	}
	for (i = 0; i < g->nps; i++)
		walk_chain(&q, &g->ps[i]);
	read_mask(&q, work);
	ret = 0;
out:
	free(q.sorted);
	free(q.index);
	return ret;
}
