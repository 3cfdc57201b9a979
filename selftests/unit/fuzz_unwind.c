// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the stack unwinder (cli/decode/unwind.c) over a real Go
 * executable's pclntab: the input is the stack memory of a snapshot and
 * where the walk starts. Whatever the bytes, gs_unwind() must return,
 * within its frame bound, with sp strictly increasing from frame to frame,
 * and say where and why it stopped.
 *
 * The executable is $GOSNAP_FUZZ_GO_EXE, else Go 1.19's own go command
 * (/usr/lib/go-1.19/bin/go, from scripts/install-deps). Input layout:
 *   bytes 0-3  start function (index into the pclntab, modulo its size)
 *   bytes 4-5  offset into it; bytes 6-7 sp offset into the stack
 *   rest       the stack, at STACK_BASE. A word whose low byte is < 0x60 is
 *              replaced by a return address inside a real function (its
 *              other bytes choose which), so walks go deep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exe/elfsym.h"
#include "exe/exe.h"
#include "decode/funcinfo.h"
#include "decode/gomem.h"
#include "snap/snapshot.h"
#include "decode/unwind.h"

#define STACK_BASE	0xc000100000ull
#define STACK_MAX	(64 * 1024)
#define MAX_FRAMES	256

static const char *g_exe;
static struct gs_exe *g_x;
static struct gs_symtab *g_st;
static struct gs_mem *g_file_mem;
static struct gs_funcinfo g_fi;
static uint64_t g_nfunc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];

	(void)argc;
	(void)argv;
	g_exe = getenv("GOSNAP_FUZZ_GO_EXE");
	if (!g_exe)
		g_exe = "/usr/lib/go-1.19/bin/go";
	g_x = gs_exe_open(g_exe, err, sizeof(err));
	g_st = g_x ? gs_exe_symtab(g_x, GS_SYMSRC_AUTO, err, sizeof(err)) : NULL;
	if (!g_st ||
	    !(g_file_mem = gs_mem_open(NULL, &g_x->im, err, sizeof(err))) ||
	    gs_funcinfo_init(&g_fi, g_st, g_x, g_file_mem, err, sizeof(err))) {
		fprintf(stderr, "fuzz_unwind: %s (set GOSNAP_FUZZ_GO_EXE to a Go binary)\n",
			err);
		exit(1);
	}
	g_nfunc = g_fi.tab->nfunc;
	return 0;
}

static uint64_t get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* A stream with one snapshot: header, the stack as one MEM record, END. */
static uint8_t *make_stream(const uint8_t *stack, size_t len, size_t *out_len)
{
	size_t memrec = (sizeof(struct gosnap_rec_mem) + len + 7) & ~(size_t)7;
	size_t total = sizeof(struct gosnap_stream_hdr) + memrec +
		       sizeof(struct gosnap_rec_end);
	struct gosnap_stream_hdr *h;
	struct gosnap_rec_mem *m;
	struct gosnap_rec_end *e;
	uint8_t *buf = calloc(1, total);

	if (!buf)
		return NULL;
	h = (void *)buf;
	h->magic = GOSNAP_STREAM_MAGIC;
	h->abi_version = GOSNAP_ABI_VERSION;
	h->hdr_size = sizeof(*h);
	h->page_size = 4096;
	h->arch = GOSNAP_ARCH_X86_64;
	h->seq = 1;
	m = (void *)(buf + sizeof(*h));
	m->hdr.type = GOSNAP_REC_MEM;
	m->hdr.size = (uint32_t)memrec;
	m->addr = STACK_BASE;
	m->len = len;
	m->why = GOSNAP_MEM_STACK;
	memcpy(m->data, stack, len);
	e = (void *)(buf + sizeof(*h) + memrec);
	e->hdr.type = GOSNAP_REC_END;
	e->hdr.size = sizeof(*e);
	e->stream_size = total;
	e->nr_records = 1;
	*out_len = total;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gs_unwind_req req = { .max_frames = MAX_FRAMES };
	struct gs_snapshot snap;
	struct gs_unwind u;
	struct gs_mem *mem;
	uint8_t *stack, *stream;
	size_t len, i, slen, phys = 0;
	uint64_t prev_sp = 0;
	char err[256];

	if (size < 16)
		return 0;
	len = (size - 8) & ~(size_t)7;
	if (len > STACK_MAX)
		len = STACK_MAX;
	stack = malloc(len);
	if (!stack)
		return 0;
	memcpy(stack, data + 8, len);
	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = get(stack + i, 8), pc;

		if ((w & 0xff) >= 0x60)
			continue;
		pc = gs_pclntab_entry(g_fi.tab, (w >> 8) % g_nfunc) + ((w >> 40) & 0xff);
		memcpy(stack + i, &pc, 8);
	}
	stream = make_stream(stack, len, &slen);
	free(stack);
	if (!stream)
		return 0;
	if (gs_snapshot_parse(stream, slen, &snap, err, sizeof(err))) {
		fprintf(stderr, "fuzz_unwind: own stream rejected: %s\n", err);
		abort();
	}
	mem = gs_mem_open(&snap, &g_x->im, err, sizeof(err));
	if (!mem)
		abort();
	req.pc = gs_pclntab_entry(g_fi.tab, get(data, 4) % g_nfunc) + get(data + 4, 2) % 512;
	req.sp = STACK_BASE + (get(data + 6, 2) * 8) % len;
	req.exact_pc = data[4] & 1;
	if (data[5] & 1) {
		req.stack_lo = STACK_BASE;
		req.stack_hi = STACK_BASE + len;
	}
	if (gs_unwind(&g_fi, mem, &snap, &req, &u) == 0) {
		if (!u.nframes || u.nphys > MAX_FRAMES || !u.stop_detail[0])
			abort();
		for (i = 0; i < u.nframes; i++) {
			if (u.frames[i].inlined)
				continue;
			if (phys++ && u.frames[i].sp <= prev_sp)
				abort();	/* sp must strictly increase */
			prev_sp = u.frames[i].sp;
		}
		gs_unwind_free(&u);
	}
	gs_mem_close(mem);
	gs_snapshot_free(&snap);
	free(stream);
	return 0;
}
