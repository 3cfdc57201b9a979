// SPDX-License-Identifier: GPL-2.0
/*
 * A timeline moment from one snapshot (see timeline.h): the counts come
 * from the decoders every command uses (heap, goroutines, scheduler), so
 * the timeline says what `heap`, `stacks` and `sched` would say of the
 * same file.
 */
#include "decode/timeline.h"
#include "decode/goheap.h"
#include "decode/goroutines.h"
#include "decode/gosched.h"
#include "decode/threadwalk.h"
#include "snap/summary.h"

#include <gelf.h>
#include <stdio.h>
#include <string.h>

static void why(char *dst, const char *src)
{
	snprintf(dst, GS_WHY_LEN, "%.*s", GS_WHY_LEN - 1, src && *src ? src : "not decoded");
}

/* The .symtab object holding addr: "PKG..inittask" names the package. */
static int inittask_package(const struct gs_elfimg *im, uint64_t addr, char *pkg,
			    size_t len, char *whybuf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while (im->elf && (scn = elf_nextscn(im->elf, scn))) {
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		n = d ? sh.sh_size / sh.sh_entsize : 0;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name, *dot;

			if (!gelf_getsym(d, (int)i, &sym) || sym.st_value > addr ||
			    addr - sym.st_value >= (sym.st_size ? sym.st_size : 1))
				continue;
			name = elf_strptr(im->elf, sh.sh_link, sym.st_name);
			dot = name ? strstr(name, "..inittask") : NULL;
			if (!dot)
				continue;
			snprintf(pkg, len, "%.*s", (int)(dot - name), name);
			return 0;
		}
		snprintf(whybuf, GS_WHY_LEN, "no ..inittask symbol holds 0x%llx",
			 (unsigned long long)addr);
		return -1;
	}
	why(whybuf, "stripped: no .symtab names the init task");
	return -1;
}

/*
 * What the task runs: go1.21 on, {state, nfns uint32; fns}; before, three
 * uintptrs {state, ndeps, nfns} followed by the deps' *initTask, each
 * initialised (recursively, in order) before the task's own functions.
 */
static void task_shape(struct gs_snapctx *c, uint64_t task, struct gs_moment *m)
{
	uint64_t w[3], dep;
	uint32_t nfns;
	int i;

	if (c->go_minor >= 21) {
		if (gs_mem_read(c->mem, task + 4, &nfns, sizeof(nfns)))
			m->init_fns = nfns;
		return;
	}
	if (c->go_minor < 19 || !gs_mem_read(c->mem, task, w, sizeof(w)) ||
	    w[1] > GS_INIT_MAX_DEPS || w[2] > (1u << 20))
		return;
	m->init_fns = (int64_t)w[2];
	for (i = 0; i < (int)w[1]; i++) {
		char whybuf[GS_WHY_LEN];

		if (!gs_mem_read(c->mem, task + 24 + 8 * (uint64_t)i, &dep, sizeof(dep)) ||
		    inittask_package(&c->x->im, dep - c->bias, m->init_deps[i],
				     sizeof(m->init_deps[i]), whybuf))
			return;		/* init_ndeps stays unknown */
	}
	m->init_ndeps = (int)w[1];
}

/* Go's ABIInternal passes the first argument (the *initTask) in rax. */
static void init_package(struct gs_snapctx *c, struct gs_moment *m)
{
	uint32_t state;
	size_t i;

	for (i = 0; i < c->snap.nr_threads; i++) {
		const struct gosnap_rec_thread *t = c->snap.threads[i];

		if (!(t->flags & GOSNAP_THR_HIT))
			continue;
		if (!(t->flags & GOSNAP_THR_REGS)) {
			why(m->package_why, "the hitting thread has no registers");
			return;
		}
		m->init_task = t->regs.rax;
		/* .symtab has link-time addresses: a PIE's task is biased */
		inittask_package(&c->x->im, t->regs.rax - c->bias, m->package,
				 sizeof(m->package), m->package_why);
		/*
		 * initTask.state comes first (a uint32 from go1.21, a uintptr
		 * before; its low half either way): 2 is done. Callers ask for
		 * tasks already run (a package every other imports), and those
		 * hits initialise nothing.
		 */
		if (gs_mem_read(c->mem, t->regs.rax, &state, sizeof(state)))
			m->init_done = state == 2;
		task_shape(c, t->regs.rax, m);
		return;
	}
	why(m->package_why, "no thread hit the probe");
}

static void heap_figures(struct gs_snapctx *c, struct gs_moment *m)
{
	struct goheap *h = goheap_decode(&c->snap, c->mem, c->layout, c->go_version);
	size_t i;

	m->arenas = m->spans_inuse = m->spans_manual = m->spans_other = -1;
	gs_regions_compute(&c->snap, &c->x->im, c->bias, h, &m->reg);
	if (!h) {
		why(m->heap_why, "out of memory");
		return;
	}
	if (!goheap_pages_decoded(h)) {
		why(m->heap_why, h->nr_problems ? h->problems[0] : "no arena mapped yet");
		/* mheap_.arenas read and empty: the runtime has none yet */
		if (h->nr_problems == 0)
			m->arenas = 0;
		goheap_free(h);
		return;
	}
	m->arenas = (int64_t)h->nr_arenas;
	m->spans_inuse = m->spans_manual = m->spans_other = 0;
	for (i = 0; i < h->nr_spans; i++) {
		const struct gh_span *s = &h->spans[i];

		if (s->state == h->state_inuse)
			m->spans_inuse++;
		else if (s->state == h->state_manual)
			m->spans_manual++;
		else
			m->spans_other++;
	}
	goheap_free(h);
}

static int goroutine_figures(struct gs_snapctx *c, struct gs_moment *m)
{
	struct gs_thread_walks none = { 0 };
	struct gs_goroutines gr = { 0 };
	size_t i;

	m->goroutines = -1;
	if (gs_goroutines_decode(c, 1, &none, &gr))
		return -1;
	if (gr.allgs && !gr.problem[0]) {
		m->goroutines = 0;
		for (i = 0; i < gr.n; i++)
			m->goroutines += (gr.gs[i].status & ~GS_G_SCAN) != GS_G_DEAD;
	} else {
		why(m->goroutines_why, gr.problem);
	}
	gs_goroutines_free(&gr);
	return 0;
}

static void m_figures(struct gs_snapctx *c, struct gs_moment *m)
{
	struct gs_sched s = { 0 };

	m->ms = -1;
	if (gs_sched_decode(c, &s) == 0 && s.nms)
		m->ms = (int64_t)s.nms;
	else
		why(m->ms_why, s.problem);
	gs_sched_free(&s);
}

int gs_moment_decode(struct gs_snapctx *c, const char *init_func, struct gs_moment *m)
{
	const struct gs_snapshot *s = &c->snap;
	struct gs_sum sum, total = { 0 };
	size_t i;

	memset(m, 0, sizeof(*m));
	m->seq = s->hdr->seq;
	m->boottime_ns = s->hdr->boottime_ns;
	if (s->capture) {
		snprintf(m->label, sizeof(m->label), "%.*s", GOSNAP_LABEL_LEN,
			 s->capture->label);
		m->held_ns = s->capture->hold_ns;
	}
	for (i = 0; i < s->nr_threads; i++)
		if ((s->threads[i]->flags & GOSNAP_THR_HIT) &&
		    (s->threads[i]->flags & GOSNAP_THR_REGS))
			m->ip = s->threads[i]->regs.rip;
	m->vmas = s->nr_vmas;
	m->threads = s->nr_threads;
	for (i = 0; i < s->nr_vmas; i++) {
		gs_sum_vma(s, &s->vmas[i], &sum);
		gs_sum_add(&total, &sum);
	}
	m->rss = total.rss;
	m->init_done = -1;
	m->init_fns = -1;
	m->init_ndeps = -1;
	if (init_func && !strcmp(m->label, init_func))
		init_package(c, m);
	heap_figures(c, m);
	m_figures(c, m);
	return goroutine_figures(c, m);
}
