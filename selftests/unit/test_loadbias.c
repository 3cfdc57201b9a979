// SPDX-License-Identifier: GPL-2.0
/*
 * The load bias of a PIE (cli/decode/loadbias.c) from built snapshots:
 * Go's internal linker's layout (linked at 0x400000) and GNU ld's (at 0,
 * a data segment whose file offset is not page-aligned), a bias that
 * wraps below the link address, an ET_EXEC (0, whatever is mapped); and
 * the hostile cases, each refused with its reason rather than guessed: no
 * mapping of the file, the file mapped twice as a whole, a stray mapping
 * of its first page beside the real one (not a placement: ignored), a
 * second segment at the wrong file offset, a segment whose address and
 * offset disagree modulo the page, no executable named. Then the RELRO
 * relocations (cli/exe/elfrel.c) a PIE's file bytes are read through.
 */
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "decode/loadbias.h"
#include "exe/elfrel.h"
#include "tap.h"

#define R	GOSNAP_VMA_READ
#define W	GOSNAP_VMA_WRITE
#define X	GOSNAP_VMA_EXEC
#define F	GOSNAP_VMA_FILE
#define A	GOSNAP_VMA_ANON

static const char *exe = "/opt/prog";

/* One mapping of the file, with its file offset. */
static void map(struct sb *sb, uint64_t start, uint64_t end, uint32_t flags,
		uint64_t off, const char *path)
{
	struct gosnap_rec_vma *v;

	sb_vma(sb, start, end, flags, path);
	v = sb_at(sb, sb->nr_records - 1);
	v->file_offset = off;
}

static void seg(struct gs_elfimg *im, uint64_t vaddr, uint64_t off,
		uint64_t filesz, bool write)
{
	im->seg[im->nr_seg++] = (struct gs_elfimg_seg){
		.vaddr = vaddr, .offset = off, .filesz = filesz,
		.memsz = filesz, .write = write,
	};
}

/* Go's internal linker: text at 0x400000, rodata, RELRO + data. */
static void go_image(struct gs_elfimg *im)
{
	memset(im, 0, sizeof(*im));
	im->pie = true;
	seg(im, 0x400000, 0, 0xa7bf0, false);
	seg(im, 0x4a8000, 0xa8000, 0xe02c8, false);
	seg(im, 0x589000, 0x189000, 0x24680, true);
}

/* The three mappings of go_image at base (the address of 0x400000). */
static void go_maps(struct sb *sb, uint64_t base, const char *path)
{
	map(sb, base, base + 0xa8000, R | X | F, 0, path);
	map(sb, base + 0xa8000, base + 0x189000, R | F, 0xa8000, path);
	map(sb, base + 0x189000, base + 0x1ae000, R | W | F, 0x189000, path);
}

struct run {
	uint64_t bias;
	int ret;
	char err[256];
};

/* Parse the stream in sb and ask for the bias of im. */
static struct run ask(struct sb *sb, const struct gs_elfimg *im)
{
	struct gs_snapshot s;
	struct run r = { 0 };
	size_t len = sb_end(sb);

	if (gs_snapshot_parse(sb->buf, len, &s, r.err, sizeof(r.err))) {
		r.ret = -2;
		sb_free(sb);
		return r;
	}
	r.ret = gs_load_bias(&s, im, &r.bias, r.err, sizeof(r.err));
	gs_snapshot_free(&s);
	sb_free(sb);
	return r;
}

static void start(struct sb *sb, const char *task_exe)
{
	sb_init(sb, 0, 0);
	sb_task(sb, 100, "prog", task_exe);
}

static void test_bias(void)
{
	struct gs_elfimg im;
	struct sb sb;
	struct run r;

	go_image(&im);
	start(&sb, exe);
	go_maps(&sb, 0x555555554000, exe);
	map(&sb, 0x555555702000, 0x555555740000, R | W | A, 0, "");
	r = ask(&sb, &im);
	ok(r.ret == 0 && r.bias == 0x555555554000 - 0x400000,
	   "Go's internal PIE: bias 0x%llx (%s)", (unsigned long long)r.bias, r.err);

	/* GNU ld: linked at 0, RW at offset 0x18d7d0 / vaddr 0x18e7d0 */
	memset(&im, 0, sizeof(im));
	im.pie = true;
	seg(&im, 0, 0, 0x2a170, false);
	seg(&im, 0x2b000, 0x2b000, 0xa8461, false);
	seg(&im, 0x18e7d0, 0x18d7d0, 0x2e8f2, true);
	start(&sb, exe);
	map(&sb, 0x7f0000000000, 0x7f000002b000, R | F, 0, exe);
	map(&sb, 0x7f000002b000, 0x7f00000d4000, R | X | F, 0x2b000, exe);
	map(&sb, 0x7f000018e000, 0x7f00001b3000, R | F, 0x18d000, exe);	/* RELRO */
	map(&sb, 0x7f00001b3000, 0x7f00001bd000, R | W | F, 0x1b2000, exe);
	r = ask(&sb, &im);
	ok(r.ret == 0 && r.bias == 0x7f0000000000,
	   "GNU ld's PIE, data offset not page-aligned: bias 0x%llx (%s)",
	   (unsigned long long)r.bias, r.err);

	/* mapped below its link address: the bias wraps, still exact */
	go_image(&im);
	start(&sb, exe);
	go_maps(&sb, 0x10000, exe);
	r = ask(&sb, &im);
	ok(r.ret == 0 && r.bias + 0x400000 == 0x10000,
	   "mapped below the link address: bias wraps to 0x%llx", (unsigned long long)r.bias);

	/* ET_EXEC: 0, whatever the mappings say */
	go_image(&im);
	im.pie = false;
	start(&sb, exe);
	go_maps(&sb, 0x555555554000, exe);
	r = ask(&sb, &im);
	ok(r.ret == 0 && r.bias == 0, "ET_EXEC: bias 0");
}

static void test_hostile(void)
{
	struct gs_elfimg im;
	struct sb sb;
	struct run r;

	go_image(&im);
	start(&sb, exe);
	go_maps(&sb, 0x555555554000, "/opt/other");
	r = ask(&sb, &im);
	ok(r.ret == -1 && strstr(r.err, "no mapping of /opt/prog"),
	   "no mapping of the executable: refused (%s)", r.err);

	start(&sb, exe);
	go_maps(&sb, 0x555555554000, exe);
	go_maps(&sb, 0x7f1234000000, exe);
	r = ask(&sb, &im);
	ok(r.ret == -1 && strstr(r.err, "mapped 2 times"),
	   "the file mapped twice as a whole: refused (%s)", r.err);

	/* a stray mapping of the file's first page is not a placement */
	start(&sb, exe);
	go_maps(&sb, 0x555555554000, exe);
	map(&sb, 0x7f1234000000, 0x7f1234001000, R | F, 0, exe);
	r = ask(&sb, &im);
	ok(r.ret == 0 && r.bias == 0x555555554000 - 0x400000,
	   "a stray mapping of the first page beside the real one: ignored (%s)", r.err);

	/* the second segment's mapping at the wrong file offset */
	start(&sb, exe);
	map(&sb, 0x555555554000, 0x5555555fc000, R | X | F, 0, exe);
	map(&sb, 0x5555555fc000, 0x5555556dd000, R | F, 0x1000, exe);
	map(&sb, 0x5555556dd000, 0x555555702000, R | W | F, 0x189000, exe);
	r = ask(&sb, &im);
	ok(r.ret == -1 && strstr(r.err, "no mapping"),
	   "a segment mapped at the wrong file offset: refused (%s)", r.err);

	/* only the first segment mapped (the rest unmapped): refused */
	start(&sb, exe);
	map(&sb, 0x555555554000, 0x5555555fc000, R | X | F, 0, exe);
	r = ask(&sb, &im);
	ok(r.ret == -1, "only the first segment mapped: refused (%s)", r.err);

	/* address and offset disagree modulo the page */
	go_image(&im);
	im.seg[2].vaddr += 0x10;
	start(&sb, exe);
	go_maps(&sb, 0x555555554000, exe);
	r = ask(&sb, &im);
	ok(r.ret == -1 && strstr(r.err, "not page-aligned"),
	   "a misaligned segment: refused (%s)", r.err);

	go_image(&im);
	start(&sb, "");
	go_maps(&sb, 0x555555554000, exe);
	r = ask(&sb, &im);
	ok(r.ret == -1 && strstr(r.err, "names no executable"),
	   "the snapshot names no executable: refused (%s)", r.err);

	memset(&im, 0, sizeof(im));
	im.pie = true;
	start(&sb, exe);
	go_maps(&sb, 0x555555554000, exe);
	r = ask(&sb, &im);
	ok(r.ret == -1, "a PIE with no PT_LOAD: refused (%s)", r.err);
}

static uint64_t word(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static void test_relro(void)
{
	struct gs_reloc rel[] = {
		{ 0x1000, 0x2000, true },
		{ 0x1010, 0, false },		/* GLOB_DAT: unknowable */
		{ 0x1020, 0x3000, true },
	};
	struct gs_relro rr = { .start = 0x1000, .end = 0x2000, .r = rel, .n = 3,
			       .usable = true };
	uint8_t b[16];

	memset(b, 0xaa, sizeof(b));
	ok(gs_relro_apply(&rr, 0x1000, b, 8, 0x10) && word(b) == 0x2010,
	   "a RELATIVE word reads addend + bias");
	memset(b, 0xaa, sizeof(b));
	ok(gs_relro_apply(&rr, 0x1004, b, 4, 0x5500000000) &&
	   b[0] == 0x55 && b[1] == 0 && b[3] == 0,
	   "a read of a RELATIVE word's upper half gets its upper half");
	memset(b, 0xaa, sizeof(b));
	ok(gs_relro_apply(&rr, 0x101c, b, 8, 0x10) &&
	   b[0] == 0xaa && b[3] == 0xaa && b[4] == 0x10 && b[5] == 0x30,
	   "a read straddling into a RELATIVE word patches only its bytes");
	ok(!gs_relro_apply(&rr, 0x100c, b, 8, 0x10),
	   "a read touching a symbol's relocation is refused");
	memset(b, 0xaa, sizeof(b));
	ok(gs_relro_apply(&rr, 0x1030, b, 16, 0x10) && b[0] == 0xaa && b[15] == 0xaa,
	   "a read past every relocation is left as the file has it");
	rr.usable = false;
	ok(!gs_relro_apply(&rr, 0x1030, b, 8, 0x10),
	   "relocations that could not be read refuse every read");
}

int main(void)
{
	test_bias();
	test_hostile();
	test_relro();
	return tap_done();
}
