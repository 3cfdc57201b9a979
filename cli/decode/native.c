// SPDX-License-Identifier: GPL-2.0
/*
 * Native (C) frames with libdw's unwinder; see native.h.
 */
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/native.h"

#define NREADS		64	/* memory reads remembered: the last frame step's */
#define X86_64_NREGS	17	/* DWARF rax..r15 and the return address (rip) */

struct gs_native {
	struct gs_snapctx *c;
	Dwfl *dwfl;
	bool attached;
	/* the last memory reads, to find the slot a return address came from */
	struct { uint64_t addr, val; } reads[NREADS];
	size_t nreads;
	/* the walk in progress */
	const struct gosnap_rec_thread *t;
	struct gs_native_walk *w;
	size_t cap, max;
	bool oom;
};

static char *debuginfo_path;
static const Dwfl_Callbacks dwfl_cbs = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	(void)dwfl; (void)arg; (void)thread_argp;
	return 0;	/* threads are asked for by id only */
}

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	struct gs_native *n = arg;

	(void)dwfl;
	if (!n->t || n->t->tid != tid)
		return false;
	*thread_argp = n;
	return true;
}

static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct gs_native *n = arg;
	uint64_t v;

	(void)dwfl;
	if (!gs_mem_u64(n->c->mem, addr, &v))
		return false;
	*result = v;
	n->reads[n->nreads % NREADS].addr = addr;
	n->reads[n->nreads % NREADS].val = v;
	n->nreads++;
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	const struct gosnap_regs *r = &((struct gs_native *)arg)->t->regs;
	Dwarf_Word regs[X86_64_NREGS] = {
		r->rax, r->rdx, r->rcx, r->rbx, r->rsi, r->rdi, r->rbp, r->rsp,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
		r->rip,
	};

	dwfl_thread_state_register_pc(thread, r->rip);
	return dwfl_thread_state_registers(thread, 0, X86_64_NREGS, regs);
}

static const Dwfl_Thread_Callbacks thread_cbs = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

/* Every other executable ELF file the snapshot maps, at its load address. */
static void report_libraries(struct gs_native *n)
{
	const struct gs_snapshot *s = &n->c->snap;
	size_t i, j;

	for (i = 0; i < s->nr_vmas; i++) {
		const struct gs_vma *v = &s->vmas[i];
		bool exec = false, seen = false;

		/* a library's mapping of its file's start: the load base */
		if (!(v->rec->flags & GOSNAP_VMA_FILE) || v->rec->file_offset ||
		    v->path[0] != '/' || !strcmp(v->path, s->exe))
			continue;
		for (j = 0; j < s->nr_vmas; j++) {
			if (strcmp(s->vmas[j].path, v->path))
				continue;
			exec |= !!(s->vmas[j].rec->flags & GOSNAP_VMA_EXEC);
			seen |= j < i && !s->vmas[j].rec->file_offset;
		}
		/* code only, once, and only a file this host has */
		if (exec && !seen && !access(v->path, R_OK))
			dwfl_report_elf(n->dwfl, v->path, v->path, -1, v->rec->start, false);
	}
}

struct gs_native *gs_native_open(struct gs_snapctx *c, char *err, size_t errlen)
{
	struct gs_native *n = calloc(1, sizeof(*n));

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->c = c;
	n->dwfl = dwfl_begin(&dwfl_cbs);
	if (!n->dwfl) {
		snprintf(err, errlen, "libdw: %s", dwfl_errmsg(-1));
		free(n);
		return NULL;
	}
	dwfl_report_begin(n->dwfl);
	if (c->exe && !dwfl_report_elf(n->dwfl, c->exe_name ? c->exe_name : c->exe,
				       c->exe, -1, c->bias, false)) {
		snprintf(err, errlen, "libdw: %s: %s", c->exe, dwfl_errmsg(-1));
		dwfl_end(n->dwfl);
		free(n);
		return NULL;
	}
	report_libraries(n);
	dwfl_report_end(n->dwfl, NULL, NULL);
	n->attached = dwfl_attach_state(n->dwfl, NULL,
					c->snap.task && c->snap.task->tgid > 0 ?
					c->snap.task->tgid : 1,
					&thread_cbs, n);
	if (!n->attached) {
		snprintf(err, errlen, "libdw: cannot attach the unwinder: %s",
			 dwfl_errmsg(-1));
		dwfl_end(n->dwfl);
		free(n);
		return NULL;
	}
	return n;
}

void gs_native_close(struct gs_native *n)
{
	if (!n)
		return;
	dwfl_end(n->dwfl);
	free(n);
}

/* The slot the return address pc was just read from, plus 8; 0 unknown. */
static uint64_t sp_of_return(const struct gs_native *n, uint64_t pc)
{
	size_t i, have = n->nreads < NREADS ? n->nreads : NREADS;

	for (i = 1; i <= have; i++) {
		size_t k = (n->nreads - i) % NREADS;

		if (n->reads[k].val == pc)
			return n->reads[k].addr + 8;
	}
	return 0;
}

static int push(struct gs_native *n, const struct gs_frame *f)
{
	struct gs_native_walk *w = n->w;

	if (w->nframes == n->cap) {
		size_t ncap = n->cap ? 2 * n->cap : 16;
		struct gs_frame *p = realloc(w->frames, ncap * sizeof(*p));

		if (!p) {
			n->oom = true;
			return -1;
		}
		w->frames = p;
		n->cap = ncap;
	}
	w->frames[w->nframes++] = *f;
	return 0;
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct gs_native *n = arg;
	struct gs_native_walk *w = n->w;
	struct gs_frame f = { .func = "?", .file = "?", .native = true };
	struct gs_pcln_func fn;
	Dwarf_Addr pc, lookup, off;
	Dwfl_Module *mod;
	bool activation;
	GElf_Sym sym;
	Dwfl_Line *line;

	if (!dwfl_frame_pc(state, &pc, &activation)) {
		snprintf(w->stop_detail, sizeof(w->stop_detail), "libdw: %s",
			 dwfl_errmsg(-1));
		return DWARF_CB_ABORT;
	}
	/* the innermost frame's pc is exact; the others are return addresses */
	f.pc = pc;
	f.sp = w->nframes ? sp_of_return(n, pc) : n->t->regs.rsp;
	if (gs_funcinfo_find(&n->c->fi, pc, &fn)) {
		w->reached_go = true;
		w->go_pc = pc;
		w->go_sp = f.sp;
		w->go_exact = !w->nframes;
		return DWARF_CB_ABORT;
	}
	if (w->nframes == n->max) {
		snprintf(w->stop_detail, sizeof(w->stop_detail),
			 "stopped after %zu native frames", n->max);
		return DWARF_CB_ABORT;
	}
	lookup = activation ? pc : pc - 1;
	mod = dwfl_addrmodule(n->dwfl, lookup);
	if (mod) {
		const char *name = dwfl_module_addrinfo(mod, lookup, &off, &sym,
							NULL, NULL, NULL);
		int lineno = 0;
		const char *file;

		if (name) {
			f.func = name;
			f.entry = lookup - off;
		}
		line = dwfl_module_getsrc(mod, lookup);
		file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
		if (file) {
			f.file = file;
			f.line = lineno;
		} else {
			f.file = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL,
						  NULL, NULL);
			if (!f.file)
				f.file = "?";
		}
	}
	f.frame_size = -1;
	if (push(n, &f))
		return DWARF_CB_ABORT;
	return DWARF_CB_OK;
}

int gs_native_walk(struct gs_native *n, const struct gosnap_rec_thread *t,
		   size_t max_frames, struct gs_native_walk *w)
{
	int rc;

	memset(w, 0, sizeof(*w));
	n->t = t;
	n->w = w;
	n->cap = 0;
	n->max = max_frames ? max_frames : GS_UNWIND_MAX_FRAMES;
	n->oom = false;
	n->nreads = 0;
	rc = dwfl_getthread_frames(n->dwfl, t->tid, frame_cb, n);
	n->t = NULL;
	n->w = NULL;
	if (n->oom) {
		free(w->frames);
		memset(w, 0, sizeof(*w));
		return -1;
	}
	if (rc == 0) {
		w->stop_clean = true;
		snprintf(w->stop_detail, sizeof(w->stop_detail),
			 "the outermost native frame (libdw found no caller)");
	} else if (rc == -1 && !w->reached_go && !w->stop_detail[0]) {
		snprintf(w->stop_detail, sizeof(w->stop_detail), "libdw: %s",
			 dwfl_errmsg(-1));
	}
	return 0;
}
