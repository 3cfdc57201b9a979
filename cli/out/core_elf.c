// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF core writer; see core_elf.h. Layout: the ELF header, the
 * program headers (PT_NOTE first, then the PT_LOADs in address order),
 * the notes, then each segment's bytes, page-aligned. The notes follow
 * the kernel's own cores (fs/binfmt_elf.c): "CORE" NT_PRSTATUS per
 * thread (struct elf_prstatus, whose pr_reg is user_regs_struct, the
 * layout of struct gosnap_regs), NT_PRPSINFO, NT_FILE.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "out/core_elf.h"

#define CORE_PAGE	4096ULL

/* struct elf_prstatus on x86-64: the offsets of the fields written. */
#define PRSTATUS_SIZE	336
#define PRSTATUS_PID	32
#define PRSTATUS_PPID	36
#define PRSTATUS_PGRP	40
#define PRSTATUS_SID	44
#define PRSTATUS_REG	112	/* 27 registers, user_regs_struct */
/* struct elf_prpsinfo on x86-64 */
#define PRPSINFO_SIZE	136
#define PRPSINFO_STATE	0
#define PRPSINFO_SNAME	1
#define PRPSINFO_UID	16
#define PRPSINFO_PID	24
#define PRPSINFO_FNAME	40
#define PRPSINFO_PSARGS	56

struct seg {
	uint64_t	vaddr, len;
	uint32_t	flags;		/* PF_* */
	const uint8_t	*data;
};

struct buf {
	uint8_t	*p;
	size_t	n, cap;
	bool	oom;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->n + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (d)
		memcpy(b->p + b->n, d, n);
	else
		memset(b->p + b->n, 0, n);
	b->n += n;
}

/* One note named "CORE", its descriptor padded to 4 bytes. */
static void note(struct buf *b, uint32_t type, const void *desc, size_t n)
{
	Elf64_Nhdr h = { .n_namesz = 5, .n_descsz = (Elf64_Word)n, .n_type = type };

	put(b, &h, sizeof(h));
	put(b, "CORE\0\0\0", 8);
	put(b, desc, n);
	put(b, NULL, (4 - n % 4) % 4);
}

static void le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t vma_pf(uint32_t f)
{
	return (f & GOSNAP_VMA_READ ? PF_R : 0) | (f & GOSNAP_VMA_WRITE ? PF_W : 0) |
	       (f & GOSNAP_VMA_EXEC ? PF_X : 0);
}

static const struct gs_vma *vma_of(const struct gs_snapshot *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < s->nr_vmas; i++)
		if (addr >= s->vmas[i].rec->start && addr < s->vmas[i].rec->end)
			return &s->vmas[i];
	return NULL;
}

static void prstatus(struct buf *b, const struct gs_snapshot *s,
		     const struct gosnap_rec_thread *t)
{
	uint8_t d[PRSTATUS_SIZE] = { 0 };
	int32_t tgid = s->task ? s->task->tgid : 0;

	le32(d + PRSTATUS_PID, (uint32_t)t->tid);
	le32(d + PRSTATUS_PGRP, (uint32_t)tgid);
	le32(d + PRSTATUS_SID, (uint32_t)tgid);
	memcpy(d + PRSTATUS_REG, &t->regs, sizeof(t->regs));
	note(b, NT_PRSTATUS, d, sizeof(d));
}

static void prpsinfo(struct buf *b, const struct gs_snapshot *s)
{
	uint8_t d[PRPSINFO_SIZE] = { 0 };
	const char *comm = s->task ? s->task->comm : "";
	size_t n = strnlen(comm, GOSNAP_COMM_LEN);

	d[PRPSINFO_STATE] = 0;
	d[PRPSINFO_SNAME] = 'R';
	if (s->task) {
		le32(d + PRPSINFO_UID, s->task->uid);
		le32(d + PRPSINFO_PID, (uint32_t)s->task->tgid);
	}
	memcpy(d + PRPSINFO_FNAME, comm, n < 16 ? n : 15);
	n = strlen(s->exe);
	memcpy(d + PRPSINFO_PSARGS, s->exe, n < 80 ? n : 79);
	note(b, NT_PRPSINFO, d, sizeof(d));
}

/* NT_FILE: every file-backed mapping, its range and file offset in pages. */
static size_t file_note(struct buf *b, const struct gs_snapshot *s)
{
	struct buf d = { 0 };
	uint64_t count = 0, page = CORE_PAGE;
	size_t i;

	for (i = 0; i < s->nr_vmas; i++)
		if (s->vmas[i].rec->flags & GOSNAP_VMA_FILE && s->vmas[i].path[0] == '/')
			count++;
	put(&d, &count, 8);
	put(&d, &page, 8);
	for (i = 0; i < s->nr_vmas; i++) {
		const struct gosnap_rec_vma *v = s->vmas[i].rec;
		uint64_t pg = v->file_offset / CORE_PAGE;

		if (!(v->flags & GOSNAP_VMA_FILE) || s->vmas[i].path[0] != '/')
			continue;
		put(&d, &v->start, 8);
		put(&d, &v->end, 8);
		put(&d, &pg, 8);
	}
	for (i = 0; i < s->nr_vmas; i++)
		if (s->vmas[i].rec->flags & GOSNAP_VMA_FILE && s->vmas[i].path[0] == '/')
			put(&d, s->vmas[i].path, strlen(s->vmas[i].path) + 1);
	if (!d.oom)
		note(b, NT_FILE, d.p, d.n);
	b->oom |= d.oom;
	free(d.p);
	return (size_t)count;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

/*
 * The executable's read-only PT_LOADs, where the snapshot maps them: the
 * file mapping of the executable at that segment's file offset (no load
 * bias for ET_EXEC; PIE's bias from that mapping).
 */
static size_t exe_segs(const struct gs_snapshot *s, const struct gs_exe *x,
		       struct seg *out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; x && i < x->im.nr_seg && n < max; i++) {
		const struct gs_elfimg_seg *g = &x->im.seg[i];

		if (g->write || !g->filesz)
			continue;
		for (j = 0; j < s->nr_vmas; j++) {
			const struct gosnap_rec_vma *v = s->vmas[j].rec;
			uint64_t off = g->offset & ~(CORE_PAGE - 1);
			uint64_t addr;

			if (!(v->flags & GOSNAP_VMA_FILE) || v->flags & GOSNAP_VMA_WRITE ||
			    strcmp(s->vmas[j].path, s->exe) || v->file_offset != off)
				continue;
			addr = v->start + (g->offset - off);
			if (addr + g->filesz > v->end)
				break;	/* not all of it mapped there: leave it out */
			out[n++] = (struct seg){ addr, g->filesz, vma_pf(v->flags),
						 x->im.map + g->offset };
			break;
		}
	}
	return n;
}

int core_write(const struct gs_snapshot *s, const struct gs_exe *x, FILE *out,
	       struct core_summary *sum, char *err, size_t errlen)
{
	struct buf notes = { 0 };
	struct seg *segs;
	Elf64_Ehdr eh = { 0 };
	uint64_t off;
	size_t i, n = 0, nexe;
	int ret = -1;

	memset(sum, 0, sizeof(*sum));
	segs = calloc(s->nr_mems + GS_ELFIMG_MAX_SEGS + 1, sizeof(*segs));
	if (!segs) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* the hitting thread first: gdb's thread 1, the one a core stopped in */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < s->nr_threads; i++) {
			const struct gosnap_rec_thread *t = s->threads[i];
			bool hit = t->flags & GOSNAP_THR_HIT;

			if ((pass == 0) != hit)
				continue;
			if (!(t->flags & GOSNAP_THR_REGS)) {
				sum->no_regs++;
				continue;
			}
			prstatus(&notes, s, t);
			sum->threads++;
		}
	if (!sum->threads) {
		snprintf(err, errlen, "no thread has registers in this snapshot (capture with --at; --stop-world records every thread's)");
		goto out;
	}
	prpsinfo(&notes, s);
	sum->files = file_note(&notes, s);
	if (notes.oom) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < s->nr_mems; i++) {
		const struct gosnap_rec_mem *m = s->mems[i];
		const struct gs_vma *v = vma_of(s, m->addr);

		if (!m->len)
			continue;
		segs[n++] = (struct seg){ m->addr, m->len,
					  v ? vma_pf(v->rec->flags) : PF_R | PF_W, m->data };
	}
	nexe = exe_segs(s, x, segs + n, GS_ELFIMG_MAX_SEGS);
	n += nexe;
	qsort(segs, n, sizeof(*segs), cmp_seg);
	sum->loads = n;
	sum->from_exe = nexe;

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	if (n + 1 >= PN_XNUM) {
		snprintf(err, errlen, "%zu segments: more than an ELF header counts", n + 1);
		goto out;
	}
	eh.e_phnum = (Elf64_Half)(n + 1);
	if (fwrite(&eh, sizeof(eh), 1, out) != 1)
		goto io;
	off = sizeof(eh) + (n + 1) * sizeof(Elf64_Phdr);
	{
		Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = off, .p_filesz = notes.n,
				  .p_align = 4 };

		if (fwrite(&ph, sizeof(ph), 1, out) != 1)
			goto io;
	}
	off = (off + notes.n + CORE_PAGE - 1) & ~(CORE_PAGE - 1);
	for (i = 0; i < n; i++) {
		Elf64_Phdr ph = { .p_type = PT_LOAD, .p_flags = segs[i].flags,
				  .p_offset = off, .p_vaddr = segs[i].vaddr,
				  .p_filesz = segs[i].len, .p_memsz = segs[i].len,
				  .p_align = CORE_PAGE };

		if (fwrite(&ph, sizeof(ph), 1, out) != 1)
			goto io;
		off = (off + segs[i].len + CORE_PAGE - 1) & ~(CORE_PAGE - 1);
	}
	if (fwrite(notes.p, 1, notes.n, out) != notes.n)
		goto io;
	progress_begin();
	for (i = 0; i < n; i++) {
		long at = ftell(out);

		if (at < 0 || fseek(out, (long)((at + CORE_PAGE - 1) & ~(CORE_PAGE - 1)), SEEK_SET) ||
		    fwrite(segs[i].data, 1, segs[i].len, out) != segs[i].len)
			goto io;
		sum->mem_bytes += segs[i].len;
		progress_update("export-core: %zu of %zu segments, %llu MiB written",
				i + 1, n, sum->mem_bytes >> 20);
	}
	ret = 0;
	goto out;
io:
	snprintf(err, errlen, "writing the core: %s", strerror(errno));
out:
	progress_end();
	free(notes.p);
	free(segs);
	return ret;
}
