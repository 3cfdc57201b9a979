// SPDX-License-Identifier: GPL-2.0
/*
 * `gosnap-cli stacks` as text: the hitting thread, the other threads with
 * registers, then each goroutine,
 * frames innermost first, each ending with why the walk stopped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "out/stacks_out.h"

static void print_frames(const struct gs_unwind *u)
{
	size_t i;

	for (i = 0; i < u->nframes; i++) {
		const struct gs_frame *f = &u->frames[i];

		if (f->after_switch)
			printf("  == %s\n", u->switch_detail);
		printf("  %s%s\n", f->func, f->inlined ? " (inlined)" :
		       f->native ? " (native)" : "");
		printf("      %s:%d", f->file, f->line);
		if (f->native)
			printf("  pc=0x%" PRIx64 " sp=%s", f->pc, f->sp ? "" : "?");
		if (f->native && f->sp)
			printf("0x%" PRIx64, f->sp);
		else if (!f->inlined && !f->native)
			printf("  pc=0x%" PRIx64 " sp=0x%" PRIx64 " frame=%d",
			       f->pc, f->sp, f->frame_size);
		printf("\n");
	}
	printf("  -- %s: %s\n", gs_unwind_stop_name(u->stop), u->stop_detail);
}

/* "thread N (comm) ...": which stack its registers are on, and for whom. */
static void print_thread_head(const struct stacks_model *sm,
			      const struct gs_thread_walk *w, const char *what)
{
	const struct gosnap_rec_thread *t = w->t;

	printf("thread %d (%.16s)%s: rip 0x%llx rsp 0x%llx fs_base 0x%llx\n",
	       t->tid, t->comm, what, (unsigned long long)t->regs.rip,
	       (unsigned long long)t->regs.rsp, (unsigned long long)t->regs.fs_base);
	if (w->m_id >= 0)
		printf("  M%" PRId64 ", on %s (g 0x%" PRIx64 ")", w->m_id,
		       gs_thread_on_name(w->on), w->g);
	else if (w->g)
		printf("  g 0x%" PRIx64, w->g);
	if (w->goroutine && w->goid >= 0)
		printf("%s goroutine %" PRId64, w->on == GS_ON_G0 ? ", working for" :
		       ", running", w->goid);
	else if (w->g && !w->m && sm->gr.n)
		printf(" (no M: not a Go thread, or a damaged g)");
	if (w->g || w->m_id >= 0)
		printf("\n");
	if (w->g_from && !strcmp(w->g_from, "m"))
		printf("  (g from its M, whose procid is this thread's id: %s)\n",
		       w->g_note ? w->g_note : "the TLS slot was not used");
	else if (!w->g && w->g_note)
		printf("  (g unknown: %s)\n", w->g_note);
	if (w->note)
		printf("  (%s)\n", w->note);
	print_frames(&w->unwind);
}

static void print_hit(const struct stacks_model *sm)
{
	if (!sm->hit) {
		printf("no thread hit a probe in this snapshot (or its registers are missing)\n\n");
		return;
	}
	print_thread_head(sm, sm->hit, " hit the probe");
	printf("\n");
}

static void print_threads(const struct stacks_model *sm)
{
	size_t i;

	for (i = 0; i < sm->tw.n; i++) {
		if (&sm->tw.w[i] == sm->hit)
			continue;
		print_thread_head(sm, &sm->tw.w[i], "");
		printf("\n");
	}
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
	if (g->thread_tid)
		printf("  (unwound from %sthread %d's registers%s)\n",
		       g->on_hit_thread ? "the hitting " : "", g->thread_tid,
		       g->via_system_stack ? ", which were on its system stack" : "");
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
	if (c->fi.gofunc_why[0])	/* frames below lack their inlined calls */
		printf("inlined frames unavailable: %s\n", c->fi.gofunc_why);
	print_hit(sm);
	print_threads(sm);
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
	/* what no layout source had, as heap prints it */
	if (gs_layout_nr_missing(c->layout))
		printf("\nNot decoded\n");
	for (i = 0; i < gs_layout_nr_missing(c->layout); i++)
		printf("  unavailable: %s\n", gs_layout_missing(c->layout, i));
}
