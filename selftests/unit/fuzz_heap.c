// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the heap decoder (cli/decode/goheap.c) and its three
 * outputs: a small but complete Go heap (mheap_, one arena, its spans
 * array, four spans, a page-allocator chunk, counters, size classes) is
 * laid out in a synthetic snapshot, described by a layout source of its
 * own (the layout interface's third kind, a table), and the fuzz input is
 * XORed over its memory: an empty input is a valid heap, a few set bits are
 * a bit-flipped snapshot. Whatever the flips, decoding must not crash and
 * every output must be printable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/goheap.h"
#include "out/heap_out.h"
#include "layout/layout.h"

#define IMG_BASE	0x10000000ULL	/* runtime metadata lives here */
#define IMG_SIZE	0x20000ULL
#define ARENA		0x20000000ULL	/* the heap arena */
#define PAGE		8192ULL
#define ARENA_PAGES	64ULL
#define ARENA_BYTES	(ARENA_PAGES * PAGE)
#define CHUNK_BYTES	(512 * PAGE)
#define ARENA_L2_BITS	12
#define CHUNK_L2_BITS	8

/* Where each structure sits in the image (offsets from IMG_BASE). */
enum {
	O_MHEAP = 0x0000, O_GCCTL = 0x0100, O_MEMSTATS = 0x0180,
	O_VERSION = 0x0300, O_VERSTR = 0x0310, O_CLASSES = 0x0400,
	O_ALLSPANS = 0x0500, O_ARENAIDX = 0x0600, O_RANGES = 0x0700,
	O_ALLP = 0x0780, O_SPANS = 0x0800, O_L2 = 0x1000,
	O_HEAPARENA = 0x9000, O_CHUNKS = 0xa000,
};

struct fld { const char *type, *name, *ftype; uint64_t off, size; };

static const struct fld fields[] = {
	{ "runtime.mheap", "allspans", "[]*runtime.mspan", 0, 24 },
	{ "runtime.mheap", "arenas", "[1]*[4096]*runtime.heapArena", 24, 8 },
	{ "runtime.mheap", "allArenas", "[]runtime.arenaIdx", 32, 24 },
	{ "runtime.mheap", "sweepgen", "uint32", 56, 4 },
	{ "runtime.mheap", "pages", "runtime.pageAlloc", 64, 40 },
	{ "runtime.pageAlloc", "chunks", "[1]*[256]runtime.pallocData", 0, 8 },
	{ "runtime.pageAlloc", "inUse", "runtime.addrRanges", 8, 32 },
	{ "runtime.addrRanges", "ranges", "[]runtime.addrRange", 0, 24 },
	{ "runtime.addrRange", "base", "runtime.offAddr", 0, 8 },
	{ "runtime.addrRange", "limit", "runtime.offAddr", 8, 8 },
	{ "runtime.offAddr", "a", "uintptr", 0, 8 },
	{ "runtime.pallocData", "pallocBits", "runtime.pallocBits", 0, 64 },
	{ "runtime.pallocData", "scavenged", "runtime.pageBits", 64, 64 },
	{ "runtime.heapArena", "spans", "[64]*runtime.mspan", 0, 512 },
	{ "runtime.mspan", "startAddr", "uintptr", 0, 8 },
	{ "runtime.mspan", "npages", "uintptr", 8, 8 },
	{ "runtime.mspan", "state", "runtime.mSpanStateBox", 16, 1 },
	{ "runtime.mSpanStateBox", "s", "runtime.mSpanState", 0, 1 },
	{ "runtime.mspan", "spanclass", "runtime.spanClass", 17, 1 },
	{ "runtime.mspan", "allocCount", "uint16", 18, 2 },
	{ "runtime.mspan", "sweepgen", "uint32", 20, 4 },
	{ "runtime.mspan", "elemsize", "uintptr", 24, 8 },
	{ "runtime.mspan", "nelems", "uintptr", 32, 8 },
	{ "runtime.gcControllerState", "heapInUse", "uint64", 0, 8 },
	{ "runtime.gcControllerState", "heapFree", "uint64", 8, 8 },
	{ "runtime.gcControllerState", "heapReleased", "uint64", 16, 8 },
	{ "runtime.mstats", "heapStats", "runtime.consistentHeapStats", 0, 48 },
	{ "runtime.consistentHeapStats", "stats", "[3]runtime.heapStatsDelta", 0, 48 },
	{ "runtime.heapStatsDelta", "inStacks", "int64", 8, 8 },
	{ "runtime.p", "pcache", "runtime.pageCache", 0, 24 },
	{ "runtime.pageCache", "base", "uintptr", 0, 8 },
	{ "runtime.pageCache", "cache", "uint64", 8, 8 },
	{ "runtime.pageCache", "scav", "uint64", 16, 8 },
};

static const struct { const char *name; uint64_t size; } sizes[] = {
	{ "runtime.mspan", 64 }, { "runtime.addrRange", 16 },
	{ "runtime.pallocData", 128 }, { "runtime.heapStatsDelta", 16 },
};

static const struct { const char *name; int64_t v; } consts[] = {
	{ "runtime._PageSize", PAGE }, { "runtime.heapArenaBytes", ARENA_BYTES },
	{ "runtime.arenaL1Bits", 0 }, { "runtime.arenaL2Bits", ARENA_L2_BITS },
	{ "runtime.arenaBaseOffsetUintptr", 0 },
	{ "runtime.pallocChunkPages", 512 }, { "runtime.pallocChunksL1Bits", 0 },
	{ "runtime.pallocChunksL2Bits", CHUNK_L2_BITS },
	{ "runtime.mSpanDead", 0 }, { "runtime.mSpanInUse", 1 },
	{ "runtime.mSpanManual", 2 }, { "runtime._NumSizeClasses", 68 },
};

static const struct { const char *name, *type; uint64_t off; } globals[] = {
	{ "runtime.mheap_", "runtime.mheap", O_MHEAP },
	{ "runtime.gcController", "runtime.gcControllerState", O_GCCTL },
	{ "runtime.memstats", "runtime.mstats", O_MEMSTATS },
	{ "runtime.buildVersion", "string", O_VERSION },
	{ "runtime.class_to_size", "[68]uint16", O_CLASSES },
	{ "runtime.allp", "[]*runtime.p", O_ALLP },
};

static int t_size(void *priv, const char *type, uint64_t *size)
{
	(void)priv;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (!strcmp(type, sizes[i].name)) {
			*size = sizes[i].size;
			return 0;
		}
	return 1;
}

static int t_field(void *priv, const char *type, const char *name,
		   struct gs_field *out)
{
	(void)priv;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(type, fields[i].type) && !strcmp(name, fields[i].name)) {
			out->offset = fields[i].off;
			out->size = fields[i].size;
			snprintf(out->type, sizeof(out->type), "%s", fields[i].ftype);
			return 0;
		}
	return 1;
}

static int t_const(void *priv, const char *name, int64_t *v)
{
	(void)priv;
	for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]); i++)
		if (!strcmp(name, consts[i].name)) {
			*v = consts[i].v;
			return 0;
		}
	return 1;
}

static int t_global(void *priv, const char *name, uint64_t *addr, char *type,
		    size_t typelen)
{
	(void)priv;
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
		if (!strcmp(name, globals[i].name)) {
			*addr = IMG_BASE + globals[i].off;
			if (type && typelen)
				snprintf(type, typelen, "%s", globals[i].type);
			return 0;
		}
	return 1;
}

static const struct gs_layout_ops fuzz_ops = {
	.name = "fuzz-table", .src = GS_LAYOUT_TABLE, .type_size = t_size,
	.field = t_field, .constant = t_const, .global = t_global,
};

static void put(uint8_t *img, uint64_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_span(uint8_t *img, int i, uint64_t base, uint64_t npages,
		     uint8_t state, uint8_t spc, uint16_t alloc, uint64_t elem)
{
	uint64_t o = O_SPANS + 64 * (uint64_t)i;

	put(img, o, base, 8);
	put(img, o + 8, npages, 8);
	img[o + 16] = state;
	img[o + 17] = spc;
	put(img, o + 18, alloc, 2);
	put(img, o + 20, 4, 4);
	put(img, o + 24, elem, 8);
	put(img, o + 32, npages * PAGE / elem, 8);
	put(img, O_ALLSPANS + 8 * (uint64_t)i, IMG_BASE + o, 8);
	for (uint64_t p = 0; p < npages && state; p++)
		put(img, O_HEAPARENA + 8 * ((base - ARENA) / PAGE + p), IMG_BASE + o, 8);
}

/* A valid heap: 7 pages in use in 3 spans (one manual), one dead span. */
static void build_image(uint8_t *img)
{
	uint64_t ai = ARENA / ARENA_BYTES, ci = ARENA / CHUNK_BYTES;

	memset(img, 0, IMG_SIZE);
	put(img, O_MHEAP + 0, IMG_BASE + O_ALLSPANS, 8);
	put(img, O_MHEAP + 8, 4, 8);
	put(img, O_MHEAP + 16, 4, 8);
	put(img, O_MHEAP + 24, IMG_BASE + O_L2, 8);
	put(img, O_MHEAP + 32, IMG_BASE + O_ARENAIDX, 8);
	put(img, O_MHEAP + 40, 1, 8);
	put(img, O_MHEAP + 48, 1, 8);
	put(img, O_MHEAP + 56, 4, 4);
	put(img, O_MHEAP + 64, IMG_BASE + O_CHUNKS - 128 * ci, 8);
	put(img, O_MHEAP + 72, IMG_BASE + O_RANGES, 8);
	put(img, O_MHEAP + 80, 1, 8);
	put(img, O_MHEAP + 88, 1, 8);
	put(img, O_ARENAIDX, ai, 8);
	put(img, O_L2 + 8 * (ai & ((1 << ARENA_L2_BITS) - 1)), IMG_BASE + O_HEAPARENA, 8);
	put(img, O_RANGES, ARENA, 8);
	put(img, O_RANGES + 8, ARENA + CHUNK_BYTES, 8);
	put_span(img, 0, ARENA, 1, 1, 1 << 1, 100, 8);
	put_span(img, 1, ARENA + PAGE, 4, 1, 0 << 1 | 1, 1, 4 * PAGE);
	put_span(img, 2, ARENA + 5 * PAGE, 2, 2, 0, 0, 8192);
	put_span(img, 3, ARENA + 9 * PAGE, 1, 0, 0, 0, 8192);
	/* pallocBits: 7 pages allocated; pages 40..63 and the rest scavenged */
	put(img, O_CHUNKS, 0x7f, 8);
	put(img, O_CHUNKS + 64, 0xffffff0000000000ULL, 8);
	for (int w = 1; w < 8; w++)
		put(img, O_CHUNKS + 64 + 8 * w, ~0ULL, 8);
	put(img, O_GCCTL, 5 * PAGE, 8);
	put(img, O_GCCTL + 8, 57 * PAGE, 8);
	put(img, O_GCCTL + 16, 24 * PAGE, 8);
	put(img, O_MEMSTATS + 8, 2 * PAGE, 8);
	put(img, O_VERSION, IMG_BASE + O_VERSTR, 8);
	put(img, O_VERSION + 8, 11, 8);
	memcpy(img + O_VERSTR, "go1.19-fuzz", 11);
	for (int c = 0; c < 68; c++)
		put(img, O_CLASSES + 2 * (uint64_t)c, (uint64_t)c * 16, 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rec_buf[sizeof(struct gosnap_rec_mem) + IMG_SIZE];
	static struct gosnap_stream_hdr hdr = { .page_size = 4096 };
	struct gosnap_rec_mem *mem = (struct gosnap_rec_mem *)rec_buf;
	const struct gosnap_rec_mem *mems[1] = { mem };
	struct gosnap_rec_vma vrec[2] = {
		{ .start = IMG_BASE, .end = IMG_BASE + IMG_SIZE,
		  .flags = GOSNAP_VMA_ANON | GOSNAP_VMA_WRITE },
		{ .start = ARENA, .end = ARENA + ARENA_BYTES,
		  .flags = GOSNAP_VMA_ANON | GOSNAP_VMA_WRITE },
	};
	struct gosnap_page_run runs[3] = {
		{ .addr = IMG_BASE, .npages = IMG_SIZE / 4096, .flags = GOSNAP_PG_PRESENT },
		{ .addr = ARENA, .npages = 6, .flags = GOSNAP_PG_PRESENT | GOSNAP_PG_THP },
		{ .addr = ARENA + 8 * PAGE, .npages = 3, .flags = GOSNAP_PG_SWAP },
	};
	struct gs_vma vmas[2] = {
		{ .rec = &vrec[0], .path = "", .runs = &runs[0], .nr_runs = 1 },
		{ .rec = &vrec[1], .path = "", .runs = &runs[1], .nr_runs = 2 },
	};
	struct gs_snapshot snap = {
		.hdr = &hdr, .vmas = vmas, .nr_vmas = 2,
		.mems = mems, .nr_mems = 1,
	};
	struct heap_out_opts o = { "fuzz.gsnap", "fuzz", true };
	struct json_writer w;
	struct gs_layout *l;
	struct gs_mem *m;
	struct goheap *h;
	char err[128];
	FILE *null;

	mem->addr = IMG_BASE;
	mem->len = IMG_SIZE;
	build_image(mem->data);
	for (size_t i = 0; i < size && i < IMG_SIZE; i++)
		mem->data[i] ^= data[i];

	l = gs_layout_new();
	m = gs_mem_open(&snap, NULL, err, sizeof(err));
	null = fopen("/dev/null", "w");
	if (!l || !m || !null || gs_layout_add(l, &fuzz_ops, NULL))
		abort();
	h = goheap_decode(&snap, m, l, size ? NULL : "go1.19-fuzz");
	if (h) {
		heap_print_plain(h, &o, null);
		jw_init(&w, null, false);
		heap_print_json(h, &o, &w);
		heap_write_svg(h, &o, null);
		goheap_free(h);
	}
	fclose(null);
	gs_mem_close(m);
	gs_layout_free(l);
	return 0;
}
