// SPDX-License-Identifier: GPL-2.0
/*
 * Go's stack-split check (cli/exe/splitcheck.c), read at a function's
 * entry: the three forms the compiler emits (bytes as objdump shows them
 * in go1.19 and go1.27 binaries: runtime.gcDrain, runtime.gcMarkDone,
 * runtime.newstack, runtime.getproccount), with short and near branches;
 * then what must not be taken for one: another guard offset, another
 * register, a backward branch, the wrong condition, a frame that grows
 * the wrong way, no check at all, and every truncation of a real one.
 * Last, the search for a call of morestack in a function's code: found in
 * a prologue's tail, not found in a leaf, and "cannot tell" (found) when
 * the code does not decode to its end.
 */
#include <string.h>

#include "exe/splitcheck.h"
#include "tap.h"

#define G16	16	/* g.stackguard0 in every release from go1.17 */

struct form {
	const char	*what;
	uint8_t		code[32];
	size_t		len;
	size_t		want;
};

static const struct form good[] = {
	{ "small frame: cmp 0x10(%r14),%rsp; jbe rel32",
	  { 0x49, 0x3b, 0x66, 0x10, 0x0f, 0x86, 0x4d, 0x05, 0, 0, 0x55 }, 11, 10 },
	{ "small frame: cmp; jbe rel8",
	  { 0x49, 0x3b, 0x66, 0x10, 0x76, 0x40, 0x55 }, 7, 6 },
	{ "big frame: lea -0x18(%rsp),%r12; cmp 0x10(%r14),%r12; jbe rel32",
	  { 0x4c, 0x8d, 0x64, 0x24, 0xe8, 0x4d, 0x3b, 0x66, 0x10,
	    0x0f, 0x86, 0xa1, 0x03, 0, 0, 0x55 }, 16, 15 },
	{ "big frame: lea -0xa8(%rsp),%r12 (disp32); cmp; jbe rel32",
	  { 0x4c, 0x8d, 0xa4, 0x24, 0x58, 0xff, 0xff, 0xff, 0x4d, 0x3b, 0x66, 0x10,
	    0x0f, 0x86, 0xb6, 0x0b, 0, 0, 0x55 }, 19, 18 },
	{ "huge frame: mov %rsp,%r12; sub $0x1fa8,%r12; jb; cmp; jbe",
	  { 0x49, 0x89, 0xe4, 0x49, 0x81, 0xec, 0xa8, 0x1f, 0, 0,
	    0x0f, 0x82, 0xdd, 0, 0, 0, 0x4d, 0x3b, 0x66, 0x10,
	    0x0f, 0x86, 0xd7, 0, 0, 0, 0x55 }, 27, 26 },
	{ "huge frame, short forms: sub $0x70,%r12 (imm8); jb rel8; jbe rel8",
	  { 0x49, 0x89, 0xe4, 0x49, 0x83, 0xec, 0x70, 0x72, 0x30,
	    0x4d, 0x3b, 0x66, 0x10, 0x76, 0x2a, 0x55 }, 16, 15 },
};

static const struct form bad[] = {
	{ "guard at 0x18, not stackguard0",
	  { 0x49, 0x3b, 0x66, 0x18, 0x76, 0x40 }, 6, 0 },
	{ "cmp of another register (%rax)",
	  { 0x49, 0x3b, 0x46, 0x10, 0x76, 0x40 }, 6, 0 },
	{ "base %r13, not %r14",
	  { 0x49, 0x3b, 0x65, 0x10, 0x76, 0x40 }, 6, 0 },
	{ "32-bit cmp",
	  { 0x41, 0x3b, 0x66, 0x10, 0x76, 0x40 }, 6, 0 },
	{ "jbe backward",
	  { 0x49, 0x3b, 0x66, 0x10, 0x76, 0xf0 }, 6, 0 },
	{ "ja, not jbe",
	  { 0x49, 0x3b, 0x66, 0x10, 0x77, 0x40 }, 6, 0 },
	{ "lea growing the frame upwards",
	  { 0x4c, 0x8d, 0x64, 0x24, 0x18, 0x4d, 0x3b, 0x66, 0x10, 0x76, 0x40 }, 11, 0 },
	{ "lea, then cmp of %rsp",
	  { 0x4c, 0x8d, 0x64, 0x24, 0xe8, 0x49, 0x3b, 0x66, 0x10, 0x76, 0x40 }, 11, 0 },
	{ "mov %rsp,%r12; add, not sub",
	  { 0x49, 0x89, 0xe4, 0x49, 0x81, 0xc4, 0xa8, 0x1f, 0, 0, 0x72, 0x30,
	    0x4d, 0x3b, 0x66, 0x10, 0x76, 0x2a }, 18, 0 },
	{ "mov; sub; no jb",
	  { 0x49, 0x89, 0xe4, 0x49, 0x83, 0xec, 0x70,
	    0x4d, 0x3b, 0x66, 0x10, 0x76, 0x2a }, 13, 0 },
	{ "no check: push %rbp; mov %rsp,%rbp",
	  { 0x55, 0x48, 0x89, 0xe5 }, 4, 0 },
	{ "ABI0 wrapper: mov %fs:-8,%r14 first",
	  { 0x64, 0x4c, 0x8b, 0x34, 0x25, 0xf8, 0xff, 0xff, 0xff,
	    0x49, 0x3b, 0x66, 0x10, 0x76, 0x40 }, 15, 0 },
	{ "invalid bytes", { 0x06, 0x07 }, 2, 0 },
	{ "nothing", { 0 }, 0, 0 },
};

/* main.grow-like: check, body, ret, tail: call 0x1000 (morestack); jmp entry */
static void branches(void)
{
	static const uint8_t fn[] = {
		0x49, 0x3b, 0x66, 0x10,			/* 0x400: cmp 0x10(%r14),%rsp */
		0x76, 0x02,				/* 0x404: jbe 0x408 */
		0x90,					/* 0x406: nop */
		0xc3,					/* 0x407: ret */
		0xe8, 0xf3, 0x0b, 0x00, 0x00,		/* 0x408: call 0x1000 */
		0xeb, 0xf1,				/* 0x40d: jmp 0x400 */
		0xcc, 0xcc,				/* padding */
	};
	static const uint8_t leaf[] = {
		0x48, 0xff, 0x05, 0xc9, 0x17, 0x0e, 0x00,	/* incq rip-rel */
		0xc3, 0xcc,
	};
	static const uint8_t junk[] = { 0x90, 0x06, 0x90 };
	const uint64_t more[2] = { 0x1000, 0x2000 }, other[1] = { 0x3000 };

	ok(gs_code_branches_to(fn, sizeof(fn), 0x400, more, 2),
	   "branches: the prologue's tail calls morestack");
	ok(!gs_code_branches_to(fn, sizeof(fn), 0x400, other, 1),
	   "branches: and nothing else");
	ok(!gs_code_branches_to(leaf, sizeof(leaf), 0x500, more, 2),
	   "branches: a leaf never calls morestack");
	ok(gs_code_branches_to(junk, sizeof(junk), 0x600, more, 2),
	   "branches: code that does not decode: cannot tell, so yes");
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct form *f = &good[i];
		size_t got = gs_split_check_len(f->code, f->len, G16), cut, worst = 0;

		ok(got == f->want, "%s: the body starts at +%zu (got +%zu)", f->what,
		   f->want, got);
		ok(gs_split_check_len(f->code, f->len, 24) == 0,
		   "%s: not a check of a guard at 24", f->what);
		/* cut anywhere inside the check: refused, never read past */
		for (cut = 0; cut < f->want; cut++) {
			uint8_t part[32];

			memcpy(part, f->code, cut);
			if (gs_split_check_len(part, cut, G16))
				worst = cut + 1;
		}
		ok(!worst, "%s: every truncation before +%zu refused%s", f->what,
		   f->want, worst ? " (not at one)" : "");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(gs_split_check_len(bad[i].code, bad[i].len, G16) == 0,
		   "not a split check: %s", bad[i].what);
	branches();
	return tap_done();
}
