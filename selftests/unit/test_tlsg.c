// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS slot of Go's g (cli/decode/tlsg.c): the arithmetic on a TLS
 * block's size, alignment and runtime.tlsg's st_value, and the executable
 * read for them: a cgo binary's block shared with C's __thread variables
 * (the figures of the cgo target built by Go 1.19: p_memsz 0x10e0, align
 * 8, tlsg at 0x88, whose code reads g at %fs:-0x1058), Go's own linker's
 * block of g alone, a stripped binary either way, and damage: tlsg
 * outside the block, an alignment not a power of two, no PT_TLS.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "decode/tlsg.h"
#include "tap.h"
#include "tlsg_img.h"

/* gs_tlsg_find over an image built by tlsg_img. */
static struct gs_tlsg find(uint8_t *img)
{
	struct gs_elfimg im;
	struct gs_tlsg t;

	memset(&im, 0, sizeof(im));
	im.elf = elf_memory((char *)img, TLSG_IMG);
	gs_tlsg_find(&im, &t);
	if (im.elf)
		elf_end(im.elf);
	return t;
}

int main(void)
{
	static uint8_t img[TLSG_IMG];
	struct gs_elfimg none;
	struct gs_tlsg t;
	int64_t off = 0;

	elf_version(EV_CURRENT);
	ok(gs_tlsg_offset(0x10e0, 8, 0x88, &off) && off == -0x1058,
	   "cgo block: g at fs_base - 0x1058");
	ok(gs_tlsg_offset(8, 8, 0, &off) && off == -8, "Go's block: fs_base - 8");
	ok(gs_tlsg_offset(0x10d9, 16, 0, &off) && off == -0x10e0,
	   "the block is rounded up to its alignment");
	ok(gs_tlsg_offset(8, 0, 0, &off) && off == -8, "alignment 0 counts as 1");
	ok(!gs_tlsg_offset(0x100, 8, 0xfc, &off), "a slot running past the block: refused");
	ok(!gs_tlsg_offset(0x100, 8, 0x200, &off), "a slot outside the block: refused");
	ok(!gs_tlsg_offset(0x100, 24, 0, &off), "alignment not a power of two: refused");
	ok(!gs_tlsg_offset(1ULL << 40, 8, 0, &off), "an implausible block: refused");

	tlsg_img(img, 0x10e0, 8, "runtime.tlsg", 0x88);
	t = find(img);
	ok(t.known && t.off == -0x1058 && strstr(t.source, "runtime.tlsg"),
	   "ELF: runtime.tlsg in a shared PT_TLS (%s)", t.source);
	tlsg_img(img, 8, 8, "runtime.tlsg", 0);
	t = find(img);
	ok(t.known && t.off == -8, "ELF: Go's linker, runtime.tlsg at 0");
	tlsg_img(img, 8, 8, "runtime.xxxx", 0);
	t = find(img);
	ok(t.known && t.off == -8 && strstr(t.source, "alone"),
	   "ELF stripped, g alone in PT_TLS: fs_base - 8 (%s)", t.source);
	tlsg_img(img, 0x10e0, 8, "runtime.xxxx", 0x88);
	t = find(img);
	ok(!t.known && strstr(t.source, "stripped"),
	   "ELF stripped, PT_TLS shared with C: unknown (%s)", t.source);
	tlsg_img(img, 0x80, 8, "runtime.tlsg", 0x88);
	t = find(img);
	ok(!t.known && strstr(t.source, "outside"), "ELF: tlsg outside PT_TLS (%s)", t.source);
	tlsg_img(img, 0x10e0, 8, "runtime.tlsg", 0x88);
	tlsg_put(img + 64, PT_LOAD, 4);
	t = find(img);
	ok(!t.known && strstr(t.source, "no PT_TLS"), "ELF without PT_TLS (%s)", t.source);
	memset(&none, 0, sizeof(none));
	gs_tlsg_find(&none, &t);
	ok(!t.known && t.source, "no ELF at all (%s)", t.source);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}
