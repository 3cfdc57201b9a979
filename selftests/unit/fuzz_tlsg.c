// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the TLS slot of g (cli/decode/tlsg.c): the input
 * is XORed over a valid image (tlsg_img.h: PT_TLS, .symtab with
 * runtime.tlsg), whose length the first byte shortens, in a heap buffer
 * of exactly that size. Checked: a slot found lies inside the 1 GiB a
 * block may have and leaves room for the 8-byte g; a source is always
 * named.
 */
#include <gelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/tlsg.h"
#include "tlsg_img.h"

static void check(int cond)
{
	if (!cond)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t base[TLSG_IMG], *img;
	size_t len = TLSG_IMG - (size ? data[0] % 128 : 0), i;
	struct gs_elfimg im;
	struct gs_tlsg t;

	elf_version(EV_CURRENT);
	tlsg_img(base, 0x10e0, 8, "runtime.tlsg", 0x88);
	for (i = 1; i < size; i++)
		base[(i - 1) % TLSG_IMG] ^= data[i];
	img = malloc(len);
	if (!img)
		return 0;
	memcpy(img, base, len);
	memset(&im, 0, sizeof(im));
	im.elf = elf_memory((char *)img, len);
	gs_tlsg_find(&im, &t);
	check(t.source != NULL);
	if (t.known)
		check(t.off <= -8 && t.off >= -(int64_t)(1LL << 30));
	if (im.elf)
		elf_end(im.elf);
	free(img);
	return 0;
}
