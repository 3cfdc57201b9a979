// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the in-memory pclntab and build info decoders
 * (cli/exe/pclntab.c, cli/exe/buildinfo.c): whatever the bytes, parsing either
 * fails with a message or yields a table every accessor can walk.
 *
 * The first input byte picks the mode:
 *   even: the rest is a pclntab as found in a binary;
 *   odd:  the rest follows a header synthesized from the next bytes (a
 *         valid magic, quantum, pointer size and in-range, ordered table
 *         offsets), so the fuzzer reaches the function records quickly
 *         instead of spending its time finding a header that validates.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exe/buildinfo.h"
#include "exe/pclntab.h"

#define FAKE_TEXT	0x401000u
#define FAKE_VADDR	0x4bc000u

static const uint32_t magics[] = { 0xfffffffb, 0xfffffffa, 0xfffffff0, 0xfffffff1 };

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Header for magic m over a body of n bytes, offsets picked by sel. */
static size_t synth_header(uint8_t *h, uint32_t m, const uint8_t *sel,
			   size_t n)
{
	size_t words = m == 0xfffffffb ? 1 : m == 0xfffffffa ? 7 : 8;
	size_t hsize = 8 + 8 * words, w = 0, i;
	uint64_t off = hsize, total = hsize + n;

	memset(h, 0, hsize);
	for (i = 0; i < 4; i++)
		h[i] = (uint8_t)(m >> (8 * i));
	h[6] = 1;
	h[7] = 8;
	put64(h + 8 + 8 * w++, 1 + sel[0] % 32);		/* nfunc */
	if (words == 1)
		return hsize;
	put64(h + 8 + 8 * w++, 1 + sel[1] % 8);		/* nfiles */
	if (words == 8)
		put64(h + 8 + 8 * w++, sel[2] & 1 ? FAKE_TEXT : 0);
	/* five ascending table offsets inside the body */
	for (i = 0; i < 5; i++) {
		off += n ? (sel[3 + i] * n) / (256 * 5) : 0;
		put64(h + 8 + 8 * w++, off < total ? off : total);
	}
	return hsize;
}

static const uint8_t *g_buf;
static size_t g_len;

/* The buffer as the memory image at FAKE_VADDR, for buildinfo pointers. */
static const uint8_t *fake_image(void *ctx, uint64_t vaddr, size_t len)
{
	(void)ctx;
	if (vaddr < FAKE_VADDR || vaddr - FAKE_VADDR > g_len ||
	    len > g_len - (vaddr - FAKE_VADDR))
		return NULL;
	return g_buf + (vaddr - FAKE_VADDR);
}

static void walk(const uint8_t *buf, size_t len)
{
	struct gs_pclntab tab;
	struct gs_pcln_func fn;
	char err[256], ver[128];
	uint64_t i, text;
	long off;

	g_buf = buf;
	g_len = len;
	off = gs_pclntab_scan(buf, len, 0);
	(void)off;
	off = gs_buildinfo_scan(buf, len, 0);
	if (off >= 0)
		gs_buildinfo_version(buf + off, len - (size_t)off, fake_image,
				     NULL, ver, sizeof(ver), err, sizeof(err));
	gs_buildinfo_version(buf, len, fake_image, NULL, ver, sizeof(ver),
			     err, sizeof(err));

	if (gs_pclntab_parse_mem(buf, len, FAKE_TEXT, &tab, err, sizeof(err)))
		return;
	for (i = 0; i < tab.nfunc; i++) {
		if (gs_pclntab_func(&tab, i, &fn, err, sizeof(err)))
			abort();	/* parse_mem promised every record is sound */
		if (strlen(fn.name) > len || fn.end < fn.entry)
			abort();
		if (gs_pclntab_find(&tab, fn.entry) < 0 && fn.end > fn.entry)
			abort();
	}
	gs_pclntab_find(&tab, gs_pclntab_entry(&tab, tab.nfunc));
	gs_pclntab_moduledata_text(&tab, FAKE_VADDR, buf, len, &text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	size_t h, n;

	if (size < 1)
		return 0;
	if (!(data[0] & 1) || size < 10) {
		/* an exact-size copy, so ASan sees any read past the end */
		buf = malloc(size - 1 ? size - 1 : 1);
		if (!buf)
			return 0;
		memcpy(buf, data + 1, size - 1);
		walk(buf, size - 1);
		free(buf);
		return 0;
	}
	n = size - 9;
	buf = malloc(GS_PCLN_HDR_MAX + n);
	if (!buf)
		return 0;
	h = synth_header(buf, magics[data[1] % 4], data + 1, n);
	memcpy(buf + h, data + 9, n);
	walk(buf, h + n);
	free(buf);
	return 0;
}
