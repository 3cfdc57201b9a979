// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for a PIE's RELRO relocations (cli/exe/elfrel.c):
 * the input is XORed over a small, valid image (an ELF header whose
 * padding bytes give the RELRO range, one PT_DYNAMIC naming a RELA table
 * of three relocations: two RELATIVE, one GLOB_DAT), whose length the
 * first byte shortens, in a heap buffer of exactly that size (so ASan
 * sees any read past the file). Checked: loading never fails but for
 * memory; the relocations kept lie in RELRO, sorted; applying them to
 * windows of the file (each its own exact-size buffer) writes only
 * inside the window, and a window refused overlaps a non-RELATIVE word.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "exe/elfrel.h"

#define IMG	0x300u

static void check(int cond)
{
	if (!cond)
		__builtin_trap();
}

static void put(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void build(uint8_t *img)
{
	static const uint64_t rela[3][3] = {
		{ 0x200, R_X86_64_RELATIVE, 0x1234 },
		{ 0x208, R_X86_64_GLOB_DAT | (1ull << 32), 0 },
		{ 0x2f8, R_X86_64_RELATIVE, 0x5678 },
	};
	uint8_t *ph = img + 64, *dyn = img + 0xc0;
	int i;

	memset(img, 0, IMG);
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2LSB;
	put(img + 8, 0x200, 4);		/* RELRO start (harness convention) */
	put(img + 12, 0x300, 4);	/* RELRO end */
	put(img + 0x20, 64, 8);		/* e_phoff */
	put(img + 0x36, 56, 2);		/* e_phentsize */
	put(img + 0x38, 1, 2);		/* e_phnum */
	put(ph, PT_DYNAMIC, 4);
	put(ph + 8, 0xc0, 8);		/* p_offset */
	put(ph + 32, 0x40, 8);		/* p_filesz */
	put(dyn, DT_RELA, 8);
	put(dyn + 8, 0x100, 8);
	put(dyn + 16, DT_RELASZ, 8);
	put(dyn + 24, sizeof(rela) / 3 * 3 * 8, 8);
	for (i = 0; i < 3; i++) {
		put(img + 0x100 + 24 * i, rela[i][0], 8);
		put(img + 0x108 + 24 * i, rela[i][1], 8);
		put(img + 0x110 + 24 * i, rela[i][2], 8);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t base[IMG], *img;
	struct gs_elfimg im;
	struct gs_relro rr;
	size_t len = IMG - (size ? data[0] % 128 : 0), i, k;

	build(base);
	for (i = 1; i < size; i++)
		base[(i - 1) % IMG] ^= data[i];
	img = malloc(len);
	if (!img)
		return 0;
	memcpy(img, base, len);
	memset(&im, 0, sizeof(im));
	im.map = img;
	im.len = len;
	im.elf64le = true;
	im.machine = EM_X86_64;
	im.pie = true;
	im.fd = -1;
	im.relro_start = get32(base + 8);
	im.relro_end = get32(base + 12);
	im.seg[0] = (struct gs_elfimg_seg){ .vaddr = 0, .filesz = len, .memsz = len };
	im.nr_seg = 1;
	if (gs_relro_load(&im, &rr)) {
		free(img);
		return 0;
	}
	for (i = 0; i < rr.n; i++) {
		check(rr.r[i].vaddr >= rr.start && rr.r[i].vaddr < rr.end);
		check(!i || rr.r[i - 1].vaddr <= rr.r[i].vaddr);
	}
	/* windows over RELRO, each in a buffer of its own size */
	for (k = 0; k < 8 && rr.end > rr.start; k++) {
		uint64_t at = rr.start + (size > k + 1 ? data[k + 1] : k * 8) % (rr.end - rr.start);
		size_t wl = 1 + (size > k + 9 ? data[k + 9] % 24 : k);
		uint8_t *w = malloc(wl);
		bool bad = false;

		if (!w)
			break;
		memset(w, 0xaa, wl);
		for (i = 0; i < rr.n; i++)
			if (!rr.r[i].relative && rr.r[i].vaddr < at + wl &&
			    rr.r[i].vaddr + 8 > at)
				bad = true;
		check(gs_relro_apply(&rr, at, w, wl, 0x7f0000000000) ==
		      (rr.usable && !bad));
		free(w);
	}
	gs_relro_free(&rr);
	free(img);
	return 0;
}
