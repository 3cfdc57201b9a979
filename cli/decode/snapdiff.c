// SPDX-License-Identifier: GPL-2.0
/*
 * The difference of two snapshots; see snapdiff.h. Mappings are matched by
 * start address (the VMAs of a snapshot are sorted and disjoint),
 * goroutines by goid (a dead g is an ended goroutine: the runtime keeps it
 * for reuse), threads by tid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/snapdiff.h"
#include "snap/summary.h"

const char *sd_change_name(enum sd_vma_change c)
{
	static const char *const n[] = { "added", "removed", "grown", "shrunk", "resident" };

	return c <= SD_RESIDENT ? n[c] : "?";
}

static uint64_t resident(const struct gs_vma *v)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < v->nr_runs; i++)
		if (gs_run_resident(v->runs[i].flags))	/* as show counts rss */
			n += v->runs[i].npages;
	return n;
}

/* The first mapping of s that overlaps [start, end), or NULL. */
static const struct gs_vma *overlap(const struct gs_snapshot *s, uint64_t start,
				    uint64_t end, size_t *at)
{
	size_t lo = 0, hi = s->nr_vmas;

	while (lo < hi) {	/* the first mapping ending after start */
		size_t mid = lo + (hi - lo) / 2;

		if (s->vmas[mid].rec->end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->nr_vmas || s->vmas[lo].rec->start >= end)
		return NULL;
	*at = lo;
	return &s->vmas[lo];
}

/*
 * A mapping of A and the one of B that overlaps it: the same, resident
 * pages changed, grown (B's holds A's: the kernel merged a neighbour into
 * it, or mremap grew it) or shrunk (A's holds B's). Anything else (a
 * mapping split, or moved) is one removed and one added.
 */
static int diff_vmas(const struct gs_snapshot *a, const struct gs_snapshot *b,
		     struct snapdiff *d)
{
	bool *used = calloc(b->nr_vmas + 1, sizeof(*used));
	size_t i, j;

	d->vmas = calloc(a->nr_vmas + b->nr_vmas + 1, sizeof(*d->vmas));
	if (!d->vmas || !used) {
		free(used);
		return -1;
	}
	for (i = 0; i < a->nr_vmas; i++) {
		const struct gs_vma *va = &a->vmas[i];
		const struct gs_vma *vb = overlap(b, va->rec->start, va->rec->end, &j);
		uint64_t as = va->rec->start, ae = va->rec->end;
		struct sd_vma x = { .start_a = as, .end_a = ae, .resident_a = resident(va),
				    .flags = va->rec->flags, .path = va->path };

		d->resident_a += x.resident_a;
		if (vb && !used[j] && strcmp(vb->path, va->path) == 0 &&
		    ((vb->rec->start <= as && vb->rec->end >= ae) ||
		     (vb->rec->start >= as && vb->rec->end <= ae))) {
			used[j] = true;
			x.start = vb->rec->start;
			x.end_b = vb->rec->end;
			x.resident_b = resident(vb);
			x.flags = vb->rec->flags;
			if (x.start == as && x.end_b == ae) {
				if (x.resident_a == x.resident_b)
					continue;
				x.change = SD_RESIDENT;
			} else {
				x.change = x.end_b - x.start > ae - as ? SD_GROWN : SD_SHRUNK;
			}
		} else {
			x.change = SD_REMOVED;
			x.start = as;
		}
		d->vmas[d->nvmas++] = x;
	}
	for (j = 0; j < b->nr_vmas; j++) {
		const struct gs_vma *vb = &b->vmas[j];

		d->resident_b += resident(vb);
		if (used[j])
			continue;
		d->vmas[d->nvmas++] = (struct sd_vma){ .change = SD_ADDED,
			.start = vb->rec->start, .end_b = vb->rec->end,
			.resident_b = resident(vb), .flags = vb->rec->flags, .path = vb->path };
	}
	free(used);
	return 0;
}

static const struct gs_goroutine *find_g(const struct gs_goroutines *gr, int64_t goid)
{
	size_t i;

	for (i = 0; i < gr->n; i++)
		if (gr->gs[i].goid == goid && (gr->gs[i].status & ~GS_G_SCAN) != GS_G_DEAD)
			return &gr->gs[i];
	return NULL;
}

static int diff_goroutines(const struct gs_goroutines *ga, const struct gs_goroutines *gb,
			   struct snapdiff *d)
{
	size_t i;

	if (!ga->n || !gb->n) {
		snprintf(d->gs_why, sizeof(d->gs_why), "goroutines not decoded: %s",
			 !ga->n ? ga->problem : gb->problem);
		return 0;
	}
	d->gs_ok = true;
	d->gs = calloc(ga->n + gb->n + 1, sizeof(*d->gs));
	if (!d->gs)
		return -1;
	for (i = 0; i < gb->n; i++) {
		const struct gs_goroutine *g = &gb->gs[i];

		if ((g->status & ~GS_G_SCAN) == GS_G_DEAD || find_g(ga, g->goid))
			continue;
		d->gs[d->ngs++] = (struct sd_g){ g->goid, true, g->start_func,
						 gs_g_status_name(g->status) };
	}
	for (i = 0; i < ga->n; i++) {
		const struct gs_goroutine *g = &ga->gs[i];

		if ((g->status & ~GS_G_SCAN) == GS_G_DEAD || find_g(gb, g->goid))
			continue;
		d->gs[d->ngs++] = (struct sd_g){ g->goid, false, g->start_func,
						 gs_g_status_name(g->status) };
	}
	return 0;
}

static bool has_tid(const struct gs_snapshot *s, int32_t tid)
{
	size_t i;

	for (i = 0; i < s->nr_threads; i++)
		if (s->threads[i]->tid == tid)
			return true;
	return false;
}

static int diff_threads(const struct gs_snapshot *a, const struct gs_snapshot *b,
			struct snapdiff *d)
{
	size_t i;

	d->threads = calloc(a->nr_threads + b->nr_threads + 1, sizeof(*d->threads));
	if (!d->threads)
		return -1;
	for (i = 0; i < b->nr_threads; i++)
		if (!has_tid(a, b->threads[i]->tid))
			d->threads[d->nthreads++] = (struct sd_thread){ b->threads[i]->tid, true };
	for (i = 0; i < a->nr_threads; i++)
		if (!has_tid(b, a->threads[i]->tid))
			d->threads[d->nthreads++] = (struct sd_thread){ a->threads[i]->tid, false };
	return 0;
}

int snapdiff_compute(const struct gs_snapctx *a, const struct gs_goroutines *ga,
		     const struct gs_snapctx *b, const struct gs_goroutines *gb,
		     struct snapdiff *d)
{
	const struct gosnap_rec_task *ta = a->snap.task, *tb = b->snap.task;

	memset(d, 0, sizeof(*d));
	if (!ta || !tb)
		snprintf(d->why, sizeof(d->why), "a snapshot has no task record");
	else if (ta->tgid != tb->tgid)
		snprintf(d->why, sizeof(d->why), "pid %d and pid %d", ta->tgid, tb->tgid);
	else if (ta->start_boottime_ns != tb->start_boottime_ns)
		snprintf(d->why, sizeof(d->why),
			 "pid %d, but started at %llu ns and %llu ns after boot: two processes",
			 ta->tgid, (unsigned long long)ta->start_boottime_ns,
			 (unsigned long long)tb->start_boottime_ns);
	else
		d->same_process = true;
	if (diff_vmas(&a->snap, &b->snap, d) || diff_goroutines(ga, gb, d) ||
	    diff_threads(&a->snap, &b->snap, d))
		return -1;
	return 0;
}

void snapdiff_free(struct snapdiff *d)
{
	free(d->vmas);
	free(d->gs);
	free(d->threads);
	memset(d, 0, sizeof(*d));
}
