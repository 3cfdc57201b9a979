// SPDX-License-Identifier: GPL-2.0
/*
 * The pointer-word readers of the object graph (cli/decode/goptrs.c)
 * against bitmaps this test encodes itself from lists of pointer words,
 * in each release's format as its runtime documents it: go1.19's two
 * bits a word (pointer bits in a byte's low nibble, scan bits in the
 * high one), go1.20-1.21's one bit a word with noMorePtrs, and go1.22+'s
 * type masks tiled over a slot after its allocation header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/goptrs.h"
#include "tap.h"

#define WORDS	4096

static uint64_t mask[WORDS / 64];

/* Are exactly the words in want[0..n) set in mask (of words bits)? */
static bool exactly(const uint64_t *want, size_t n, uint64_t words)
{
	uint64_t i, set = 0;
	size_t k;

	for (i = 0; i < words; i++)
		set += go_mask_test(mask, i);
	if (set != n)
		return false;
	for (k = 0; k < n; k++)
		if (!go_mask_test(mask, want[k]))
			return false;
	return true;
}

/* go1.19: object at word w0 with pointers ptrs, scan bits up to last. */
static void enc2(uint8_t *bm, uint64_t w0, const uint64_t *ptrs, size_t n,
		 uint64_t last)
{
	uint64_t w;
	size_t k;

	for (w = 0; w <= last; w++)
		bm[(w0 + w) / 4] |= 0x10 << ((w0 + w) % 4);
	for (k = 0; k < n; k++)
		bm[(w0 + ptrs[k]) / 4] |= 1 << ((w0 + ptrs[k]) % 4);
}

static void test_bits2(void)
{
	static uint8_t bm[WORDS / 4];
	const uint64_t p[] = { 0, 2, 5, 6 }, q[] = { 1 };
	uint64_t got;

	memset(bm, 0, sizeof(bm));
	memset(mask, 0, sizeof(mask));
	enc2(bm, 3, p, 4, 6);		/* crosses two byte boundaries */
	got = go_bits2(bm, sizeof(bm), 3, 16, mask);
	ok(exactly(p, 4, 16) && got == 7,
	   "2-bit: pointers at words 0, 2, 5, 6 of an object at word 3; the scan "
	   "bit ends it after word 6 (read %llu)", (unsigned long long)got);

	/* the next object's bits follow at once: they must not leak in */
	enc2(bm, 19, q, 1, 1);
	memset(mask, 0, sizeof(mask));
	go_bits2(bm, sizeof(bm), 3, 16, mask);
	ok(exactly(p, 4, 16), "2-bit: a following object's bits are not read");

	memset(mask, 0, sizeof(mask));
	got = go_bits2(bm, 2, 3, 16, mask);
	ok(got == 5 && exactly(p, 2, 16), "2-bit: never past the bitmap's end");
}

static void test_bits1(void)
{
	static uint64_t bm[WORDS / 64];
	static uint8_t nomore[WORDS / 64 / 8];
	const uint64_t p[] = { 0, 63 - 60, 70 - 60, 130 - 60 };
	uint64_t got;

	memset(bm, 0, sizeof(bm));
	memset(nomore, 0, sizeof(nomore));
	/* an object of 100 words at word 60: pointers at 60, 63, 70, 130 */
	bm[0] |= 1ULL << 60 | 1ULL << 63;
	bm[1] |= 1ULL << 6;
	bm[2] |= 1ULL << 2;
	memset(mask, 0, sizeof(mask));
	got = go_bits1(bm, WORDS / 64, nomore, sizeof(nomore), 60, 100, mask);
	ok(got == 100 && exactly(p, 4, 100),
	   "1-bit: an object across three bitmap words keeps every pointer");

	nomore[0] = 1 << 1;	/* no more pointers after bitmap word 1 */
	memset(mask, 0, sizeof(mask));
	got = go_bits1(bm, WORDS / 64, nomore, sizeof(nomore), 60, 100, mask);
	ok(got == 68 && exactly(p, 3, 100),
	   "1-bit: noMorePtrs ends the object at its bitmap word's end (read %llu)",
	   (unsigned long long)got);

	bm[0] |= 1ULL << 59;	/* the object before: not ours */
	bm[2] |= 1ULL << 40;	/* past the object's 100 words */
	nomore[0] = 0;
	memset(mask, 0, sizeof(mask));
	go_bits1(bm, WORDS / 64, nomore, sizeof(nomore), 60, 100, mask);
	ok(exactly(p, 4, 100), "1-bit: neighbours' bits are not read");
}

static void test_tile(void)
{
	/* a 24-byte type, pointers in its words 0 and 2 */
	const uint8_t m24[] = { 0x05 };
	/* 1 KiB slot with an 8-byte header: elements at words 1, 4, 7, ... */
	uint64_t want[256], n = 0, e;
	uint8_t big[3] = { 0x01, 0x00, 0x80 };	/* words 0 and 23 of 24 */

	for (e = 1; e + 2 < 128; e += 3) {
		want[n++] = e;
		want[n++] = e + 2;
	}
	if (e < 128)
		want[n++] = e;		/* a last, partial element: word 0 fits */
	memset(mask, 0, sizeof(mask));
	ok(go_bits_tile(m24, 24, 24, 1, 128, mask) && exactly(want, n, 128),
	   "tile: a 24-byte type over a 1 KiB slot after its header, partial last "
	   "element included (%llu pointers)", (unsigned long long)n);

	memset(mask, 0, sizeof(mask));
	n = 0;
	want[n++] = 0;
	want[n++] = 23;
	want[n++] = 32;
	ok(go_bits_tile(big, 192, 256, 0, 40, mask) && exactly(want, n, 40),
	   "tile: ptrdata shorter than the type (24 of 32 words): the scalar tail "
	   "has no pointers; a large object has no header");

	memset(mask, 0, sizeof(mask));
	ok(!go_bits_tile(m24, 32, 24, 0, 10, mask) && !go_bits_tile(m24, 8, 0, 0, 10, mask) &&
	   !go_bits_tile(m24, 8, 12, 0, 10, mask),
	   "tile: ptrdata past the size, a zero size, an unaligned size refused");
}

int main(void)
{
	test_bits2();
	test_bits1();
	test_tile();
	return tap_done();
}
