// SPDX-License-Identifier: GPL-2.0
#include "builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct sb *sb, size_t more)
{
	while (sb->len + more > sb->cap) {
		sb->cap = sb->cap ? sb->cap * 2 : 4096;
		sb->buf = realloc(sb->buf, sb->cap);
		if (!sb->buf) {
			perror("realloc");
			exit(2);
		}
	}
}

void sb_init(struct sb *sb, uint32_t sf_flags, size_t hdr_size)
{
	struct gosnap_stream_hdr *h;

	memset(sb, 0, sizeof(*sb));
	if (!hdr_size)
		hdr_size = sizeof(*h);
	grow(sb, hdr_size);
	memset(sb->buf, 0, hdr_size);
	h = (void *)sb->buf;
	h->magic = GOSNAP_STREAM_MAGIC;
	h->abi_version = GOSNAP_ABI_VERSION;
	h->hdr_size = (uint16_t)hdr_size;
	h->page_size = 4096;
	h->flags = sf_flags;
	h->arch = GOSNAP_ARCH_X86_64;
	h->seq = 1;
	h->realtime_ns = 1700000000123456789ULL;	/* 2023-11-14T22:13:20Z */
	h->boottime_ns = 5000000000ULL;
	strcpy(h->release, "6.1.0-test");
	sb->len = hdr_size;
}

void *sb_rec(struct sb *sb, uint32_t type, size_t size)
{
	struct gosnap_rec *r;

	size = (size + 7) & ~(size_t)7;
	if (sb->nr_records >= SB_MAX_RECORDS) {
		fprintf(stderr, "builder: too many records\n");
		exit(2);
	}
	grow(sb, size);
	r = (void *)(sb->buf + sb->len);
	memset(r, 0, size);
	r->type = type;
	r->size = (uint32_t)size;
	sb->off[sb->nr_records++] = sb->len;
	sb->len += size;
	return r;
}

void *sb_at(struct sb *sb, size_t i)
{
	return sb->buf + sb->off[i];
}

void sb_task(struct sb *sb, int32_t tgid, const char *comm, const char *exe)
{
	size_t exe_len = strlen(exe);
	struct gosnap_rec_task *t = sb_rec(sb, GOSNAP_REC_TASK,
					   sizeof(*t) + exe_len);
	static const uint8_t id[] = "abcdEFGH/ijklMNOP";

	t->tgid = tgid;
	t->nr_threads = 2;
	t->uid = 1000;
	t->build_id_type = GOSNAP_BUILD_ID_GO;
	t->build_id_size = sizeof(id) - 1;
	memcpy(t->build_id, id, sizeof(id) - 1);
	t->exe_len = (uint32_t)exe_len;
	t->start_boottime_ns = 4000000000ULL;
	strncpy(t->comm, comm, GOSNAP_COMM_LEN - 1);
	memcpy(t->exe, exe, exe_len);
}

uint32_t sb_vma(struct sb *sb, uint64_t start, uint64_t end, uint32_t flags,
		const char *path)
{
	size_t path_len = strlen(path);
	struct gosnap_rec_vma *v = sb_rec(sb, GOSNAP_REC_VMA,
					  sizeof(*v) + path_len);

	v->start = start;
	v->end = end;
	v->flags = flags;
	v->index = sb->nr_vmas;
	v->path_len = (uint32_t)path_len;
	if (flags & GOSNAP_VMA_FILE) {
		v->inode = 1234;
		v->dev = 0x801;
	}
	memcpy(v->path, path, path_len);
	return sb->nr_vmas++;
}

void sb_pages(struct sb *sb, uint32_t vma_index,
	      const struct gosnap_page_run *runs, uint32_t nr_runs)
{
	struct gosnap_rec_pages *p = sb_rec(sb, GOSNAP_REC_PAGES,
			sizeof(*p) + nr_runs * sizeof(runs[0]));

	p->vma_index = vma_index;
	p->nr_runs = nr_runs;
	memcpy(p->runs, runs, nr_runs * sizeof(runs[0]));
}

void sb_thread(struct sb *sb, int32_t tid, uint32_t flags, uint64_t rip,
	       uint64_t rsp)
{
	struct gosnap_rec_thread *t = sb_rec(sb, GOSNAP_REC_THREAD, sizeof(*t));

	t->tid = tid;
	t->flags = flags | GOSNAP_THR_REGS;
	t->state = GOSNAP_TS_SLEEPING;
	snprintf(t->comm, sizeof(t->comm), "thr%d", (int)tid);
	t->regs.rip = rip;
	t->regs.rsp = rsp;
}

void sb_mem(struct sb *sb, uint64_t addr, const void *data, uint64_t len,
	    uint32_t why)
{
	struct gosnap_rec_mem *m = sb_rec(sb, GOSNAP_REC_MEM, sizeof(*m) + len);

	m->addr = addr;
	m->len = len;
	m->why = why;
	memcpy(m->data, data, len);
}

void sb_capture(struct sb *sb, uint32_t trigger, uint32_t mode)
{
	struct gosnap_rec_capture *c = sb_rec(sb, GOSNAP_REC_CAPTURE, sizeof(*c));

	c->trigger = trigger;
	c->mode = mode;
	c->hold_ns = 1234567;
	c->walk_ns = 1000000;
	c->copy_ns = 200000;
	c->mem_bytes = 64;
}

size_t sb_end(struct sb *sb)
{
	size_t nr = sb->nr_records;
	struct gosnap_rec_end *e = sb_rec(sb, GOSNAP_REC_END, sizeof(*e));

	e->nr_records = (uint32_t)nr;
	e->stream_size = sb->len;
	return sb->len;
}

void sb_free(struct sb *sb)
{
	free(sb->buf);
	memset(sb, 0, sizeof(*sb));
}

#define RUN(a, n, f, p, mc) \
	{ .addr = (a), .npages = (n), .flags = (f), .pfn = (p), .mapcount = (mc) }

void sb_standard(struct sb *sb)
{
	const uint32_t P = GOSNAP_PG_PRESENT | GOSNAP_PG_PFN;
	const uint32_t R = GOSNAP_VMA_READ, W = GOSNAP_VMA_WRITE,
		       X = GOSNAP_VMA_EXEC, F = GOSNAP_VMA_FILE,
		       A = GOSNAP_VMA_ANON;
	const struct gosnap_page_run text[] = {
		RUN(0x400000, 16, P | GOSNAP_PG_FILE | GOSNAP_PG_YOUNG, 0x1000, 3),
		RUN(0x420000, 8, P | GOSNAP_PG_FILE, 0x2000, 1),
	};
	const struct gosnap_page_run data[] = {
		RUN(0x500000, 2, P | GOSNAP_PG_ANON | GOSNAP_PG_WRITE |
		    GOSNAP_PG_PTE_DIRTY | GOSNAP_PG_PAGE_DIRTY |
		    GOSNAP_PG_EXCLUSIVE, 0x3000, 1),
	};
	const struct gosnap_page_run bss[] = {
		RUN(0x502000, 1, P | GOSNAP_PG_ZERO, 0x10, 0),
		RUN(0x503000, 3, GOSNAP_PG_SWAP | GOSNAP_PG_PFN, 0x77, 0),
	};
	const struct gosnap_page_run arena1[] = {
		RUN(0xc000000000, 512, P | GOSNAP_PG_ANON | GOSNAP_PG_THP | GOSNAP_PG_PMD |
		    GOSNAP_PG_WRITE | GOSNAP_PG_PTE_DIRTY, 0x40000, 1),
	};
	const struct gosnap_page_run arena2[] = {
		RUN(0xc000200000, 4, P | GOSNAP_PG_ANON | GOSNAP_PG_WRITE, 0x5000, 1),
		RUN(0xc000204000, 1, GOSNAP_PG_MIGRATION, 0, 0),
		RUN(0xc000205000, 2, GOSNAP_PG_MARKER | GOSNAP_PG_UFFD_WP, 0, 0),
	};
	const struct gosnap_page_run stack[] = {
		RUN(0x7ffffffde000, 2, P | GOSNAP_PG_ANON | GOSNAP_PG_WRITE |
		    GOSNAP_PG_PTE_DIRTY | GOSNAP_PG_SOFT_DIRTY, 0x6000, 1),
	};
	const struct gosnap_page_run vdso[] = {
		RUN(0x7ffff7fc1000, 2, P | GOSNAP_PG_SPECIAL, 0, 0),
	};
	static const char words[] = "0123456789abcdef0123456789ABCDEF";
	static const char stackbytes[] = "stack-contents-.";

	sb_init(sb, GOSNAP_SF_PFN, 0);
	sb_task(sb, 4242, "gotarget", "/usr/local/bin/gotarget");
	sb_capture(sb, GOSNAP_TRIG_PID, GOSNAP_MODE_PAGES);
	sb_vma(sb, 0x400000, 0x480000, R | X | F, "/usr/local/bin/gotarget");
	sb_vma(sb, 0x500000, 0x502000, R | W | F, "/usr/local/bin/gotarget");
	sb_vma(sb, 0x502000, 0x510000, R | W | A, "");
	sb_vma(sb, 0xc000000000, 0xc000400000, R | W | A | GOSNAP_VMA_HUGEPAGE, "");
	sb_vma(sb, 0x7ffff7fc1000, 0x7ffff7fc3000, R | X | GOSNAP_VMA_SPECIAL |
	       GOSNAP_VMA_PFNMAP, "[vdso]");
	sb_vma(sb, 0x7ffff7fd0000, 0x7ffff7fd2000, R | W | F |
	       GOSNAP_VMA_SHARED | GOSNAP_VMA_MAYSHARE, "/dev/zero (deleted)");
	sb_vma(sb, 0x7ffffffde000, 0x7ffffffff000, R | W | A |
	       GOSNAP_VMA_GROWSDOWN | GOSNAP_VMA_STACK, "[stack]");
	sb_pages(sb, 0, text, 2);
	sb_pages(sb, 1, data, 1);
	sb_pages(sb, 2, bss, 2);
	/* One VMA's runs split over two records, as the module may do. */
	sb_pages(sb, 3, arena1, 1);
	sb_pages(sb, 3, arena2, 3);
	sb_pages(sb, 4, vdso, 1);
	sb_pages(sb, 6, stack, 1);
	sb_thread(sb, 4242, GOSNAP_THR_LEADER, 0x401000, 0x7ffffffdf000);
	sb_thread(sb, 4243, 0, 0x402000, 0xc000201000);
	sb_mem(sb, 0x500000, words, 16, GOSNAP_MEM_EXE_DATA);
	sb_mem(sb, 0x500010, words + 16, 16, GOSNAP_MEM_EXE_DATA);
	sb_mem(sb, 0x7ffffffdf000, stackbytes, 16, GOSNAP_MEM_STACK);
	sb_end(sb);
}
