// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli stacks` as text: the hitting thread, then each goroutine,
 * frames innermost first, each ending with why the walk stopped.
 */
#include <inttypes.h>
#include <stdio.h>

#include "stacks_out.h"

static void print_frames(const struct gs_unwind *u)
{
	size_t i;

	for (i = 0; i < u->nframes; i++) {
		const struct gs_frame *f = &u->frames[i];

		printf("  %s%s\n", f->func, f->inlined ? " (inlined)" : "");
		printf("      %s:%d", f->file, f->line);
		if (!f->inlined)
			printf("  pc=0x%" PRIx64 " sp=0x%" PRIx64 " frame=%d",
			       f->pc, f->sp, f->frame_size);
		printf("\n");
	}
	printf("  -- %s: %s\n", gs_unwind_stop_name(u->stop), u->stop_detail);
}

static void print_hit(const struct stacks_model *sm)
{
	const struct gosnap_rec_thread *t = sm->hit;

	if (!t) {
		printf("no thread hit a probe in this snapshot (or its registers are missing)\n\n");
		return;
	}
	printf("thread %d (%.16s) hit the probe: rip 0x%llx rsp 0x%llx fs_base 0x%llx\n",
	       t->tid, t->comm, (unsigned long long)t->regs.rip,
	       (unsigned long long)t->regs.rsp, (unsigned long long)t->regs.fs_base);
	if (sm->hit_goroutine)
		printf("  running goroutine %" PRId64 " (g 0x%" PRIx64 ")\n",
		       sm->hit_goroutine->goid, sm->hit_g);
	else if (sm->hit_g && sm->gr.n)
		printf("  g 0x%" PRIx64 " is no goroutine in allgs: a system stack (g0 or gsignal)\n",
		       sm->hit_g);
	else if (sm->hit_g)
		printf("  g 0x%" PRIx64 " (goroutines not decoded)\n", sm->hit_g);
	if (sm->have_hit_unwind)
		print_frames(&sm->hit_unwind);
	printf("\n");
}

static void print_goroutine(const struct stacks_model *sm, const struct gs_goroutine *g)
{
	uint32_t st = g->status & ~(uint32_t)GS_G_SCAN;

	printf("goroutine %" PRId64 " [%s", g->goid, gs_g_status_name(g->status));
	if (g->waitreason)
		printf(", %s", g->wait_reason ? g->wait_reason : "?");
	if (g->status & GS_G_SCAN)
		printf(", scan");
	printf("] g=0x%" PRIx64, g->g);
	if (g->m)
		printf(" m=0x%" PRIx64, g->m);
	printf("\n");
	if (st != GS_G_DEAD)
		printf("  stack [0x%" PRIx64 ", 0x%" PRIx64 ") %" PRIu64
		       " KiB, %" PRIu64 "/%" PRIu64 " pages resident; sched pc=0x%" PRIx64
		       " sp=0x%" PRIx64 "\n", g->stack_lo, g->stack_hi,
		       (g->stack_hi - g->stack_lo) >> 10, g->stack_resident,
		       g->stack_pages, g->sched_pc, g->sched_sp);
	if (g->start_func || g->created_by)
		printf("  started at %s, created by %s\n",
		       g->start_func ? g->start_func : "?",
		       g->created_by ? g->created_by : "?");
	if (g->on_hit_thread)
		printf("  (unwound from the hitting thread's registers)\n");
	if (g->unwound)
		print_frames(&g->unwind);
	else if (g->no_unwind && st != GS_G_DEAD)
		printf("  -- not unwound: %s\n", g->no_unwind);
	(void)sm;
}

void stacks_print_plain(const struct stacks_model *sm)
{
	const struct gs_snapctx *c = sm->ctx;
	size_t i, dead = 0;

	printf("# %s: %s, %s\n", sm->snap_path, c->exe,
	       c->go_version ? c->go_version : "Go version unknown");
	print_hit(sm);
	if (sm->gr.problem[0])
		printf("goroutines: %s\n", sm->gr.problem);
	for (i = 0; i < sm->gr.n; i++) {
		const struct gs_goroutine *g = &sm->gr.gs[i];

		if ((g->status & ~(uint32_t)GS_G_SCAN) == GS_G_DEAD) {
			dead++;
			continue;
		}
		print_goroutine(sm, g);
		printf("\n");
	}
	printf("# %zu goroutines in allgs (%zu dead, not shown)\n", sm->gr.n, dead);
}
