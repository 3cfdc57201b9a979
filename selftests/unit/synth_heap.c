// SPDX-License-Identifier: GPL-2.0
/*
 * The synthetic heap and collector of synth_heap.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_heap.h"

#define ARENA_L2_BITS	12
#define CHUNK_BYTES	(512 * SYN_PAGE)
#define CHUNK_L2_BITS	8

/* Where the heap's structures sit in the metadata (offsets from SYN_META). */
enum {
	O_MHEAP = 0x0000, O_GCCTL = 0x0100, O_MEMSTATS = 0x0180,
	O_VERSION = 0x0300, O_VERSTR = 0x0310, O_CLASSES = 0x0400,
	O_ALLSPANS = 0x0500, O_ARENAIDX = 0x0600, O_RANGES = 0x0700,
	O_ALLP = 0x0780, O_L2 = 0x1000, O_HEAPARENA = 0x9000, O_CHUNKS = 0xa000,
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
	{ "runtime.mspan", "next", "*runtime.mspan", 40, 8 },
	{ "runtime.gcControllerState", "heapInUse", "uint64", 0, 8 },
	{ "runtime.gcControllerState", "heapFree", "uint64", 8, 8 },
	{ "runtime.gcControllerState", "heapReleased", "uint64", 16, 8 },
	{ "runtime.gcControllerState", "heapLive", "uint64", 24, 8 },
	{ "runtime.gcControllerState", "heapMarked", "uint64", 32, 8 },
	{ "runtime.mstats", "heapStats", "runtime.consistentHeapStats", 0, 48 },
	{ "runtime.mstats", "numgc", "uint32", 56, 4 },
	{ "runtime.consistentHeapStats", "stats", "[3]runtime.heapStatsDelta", 0, 48 },
	{ "runtime.heapStatsDelta", "inStacks", "int64", 8, 8 },
	{ "runtime.p", "pcache", "runtime.pageCache", 0, 24 },
	{ "runtime.p", "id", "int32", SYN_P_ID, 4 },
	{ "runtime.p", "gcw", "runtime.gcWork", SYN_P_WBUF1, 64 },
	{ "runtime.pageCache", "base", "uintptr", 0, 8 },
	{ "runtime.pageCache", "cache", "uint64", 8, 8 },
	{ "runtime.pageCache", "scav", "uint64", 16, 8 },
	{ "runtime.gcWork", "wbuf1", "*runtime.workbuf", 0, 8 },
	{ "runtime.gcWork", "wbuf2", "*runtime.workbuf", 8, 8 },
	{ "runtime.gcWork", "bytesMarked", "uint64", 16, 8 },
	{ "runtime.gcWork", "heapScanWork", "int64", 24, 8 },
	{ "runtime.gcWork", "flushedWork", "bool", 32, 1 },
	{ "runtime.gcWork", "spanq", "runtime.spanQueue", SYN_P_SPANQ - SYN_P_WBUF1, 24 },
	{ "runtime.spanQueue", "head", "uint32", 0, 4 },
	{ "runtime.spanQueue", "tail", "uint32", 4, 4 },
	{ "runtime.spanQueue", "chain", "synth.chain", 8, 16 },
	{ "synth.chain", "head", "*runtime.spanSPMC", 0, 8 },
	{ "synth.chain", "tail", "internal/runtime/atomic.UnsafePointer", 8, 8 },
	{ "runtime.spanSPMC", "allnode", "runtime.listNodeManual", 0, 16 },
	{ "runtime.listNodeManual", "next", "uintptr", 8, 8 },
	{ "runtime.spanSPMC", "dead", "internal/runtime/atomic.Bool", SYN_S_DEAD, 1 },
	{ "runtime.spanSPMC", "prev", "internal/runtime/atomic.UnsafePointer", SYN_S_PREV, 8 },
	{ "runtime.spanSPMC", "head", "internal/runtime/atomic.Uint32", SYN_S_HEAD, 4 },
	{ "runtime.spanSPMC", "tail", "internal/runtime/atomic.Uint32", SYN_S_TAIL, 4 },
	{ "runtime.spanSPMC", "cap", "uint32", SYN_S_CAP, 4 },
	{ "runtime.spanSPMC", "ring", "*runtime.objptr", SYN_S_RING, 8 },
	{ "runtime.workType", "spanqMask", "runtime.pMask", SYN_W_MASK, 24 },
	{ "runtime.workType", "spanSPMCs", "synth.spanSPMCs", SYN_W_SPMCLIST - 8, 32 },
	{ "synth.spanSPMCs", "list", "runtime.listHeadManual", 8, 24 },
	{ "runtime.listHeadManual", "obj", "uintptr", 0, 8 },
	{ "runtime.workbuf", "workbufhdr", "runtime.workbufhdr", 0, 24 },
	{ "runtime.workbuf", "obj", "[253]uintptr", 24, 2024 },
	{ "runtime.workbufhdr", "node", "runtime.lfnode", 0, 16 },
	{ "runtime.workbufhdr", "nobj", "int", 16, 8 },
	{ "runtime.lfnode", "next", "uint64", 0, 8 },
	{ "runtime.workType", "full", "runtime.lfstack", SYN_W_FULL, 8 },
	{ "runtime.workType", "empty", "runtime.lfstack", SYN_W_EMPTY, 8 },
	/* work.wbufSpans is an unnamed struct: a name of the table's own */
	{ "runtime.workType", "wbufSpans", "synth.wbufSpans", SYN_W_BUSY, 16 },
	{ "synth.wbufSpans", "busy", "runtime.mSpanList", 0, 8 },
	{ "synth.wbufSpans", "free", "runtime.mSpanList", 8, 8 },
	{ "runtime.mSpanList", "first", "*runtime.mspan", 0, 8 },
	{ "runtime.workType", "nproc", "uint32", SYN_W_NPROC, 4 },
	{ "runtime.workType", "nwait", "uint32", SYN_W_NWAIT, 4 },
	{ "runtime.workType", "markrootNext", "uint32", SYN_W_MRNEXT, 4 },
	{ "runtime.workType", "markrootJobs", "uint32", SYN_W_MRJOBS, 4 },
	{ "runtime.workType", "cycles", "uint32", SYN_W_CYCLES, 4 },
	{ "runtime.workType", "bytesMarked", "uint64", SYN_W_BYTESMARKED, 8 },
};

static const struct { const char *name; uint64_t size; } sizes[] = {
	{ "runtime.mspan", 64 }, { "runtime.addrRange", 16 },
	{ "runtime.pallocData", 128 }, { "runtime.heapStatsDelta", 16 },
	{ "runtime.workbuf", SYN_WBUF },
};

static const struct { const char *name; int64_t v; } consts[] = {
	{ "runtime._PageSize", SYN_PAGE }, { "runtime.heapArenaBytes", SYN_ARENA_BYTES },
	{ "runtime.arenaL1Bits", 0 }, { "runtime.arenaL2Bits", ARENA_L2_BITS },
	{ "runtime.arenaBaseOffsetUintptr", 0 },
	{ "runtime.pallocChunkPages", 512 }, { "runtime.pallocChunksL1Bits", 0 },
	{ "runtime.pallocChunksL2Bits", CHUNK_L2_BITS },
	{ "runtime.mSpanDead", 0 }, { "runtime.mSpanInUse", 1 },
	{ "runtime.mSpanManual", 2 }, { "runtime._NumSizeClasses", 68 },
	{ "runtime.addrBits", 48 }, { "runtime.tagBits", 19 },
	{ "runtime._WorkbufSize", SYN_WBUF }, { "runtime._GCoff", 0 },
	{ "runtime._GCmark", 1 }, { "runtime._GCmarktermination", 2 },
};

static const struct { const char *name, *type; uint64_t off; } globals[] = {
	{ "runtime.mheap_", "runtime.mheap", O_MHEAP },
	{ "runtime.gcController", "runtime.gcControllerState", O_GCCTL },
	{ "runtime.memstats", "runtime.mstats", O_MEMSTATS },
	{ "runtime.buildVersion", "string", O_VERSION },
	{ "runtime.class_to_size", "[68]uint16", O_CLASSES },
	{ "runtime.allp", "[]*runtime.p", O_ALLP },
	{ "runtime.work", "runtime.workType", SYN_O_WORK },
	{ "runtime.gcphase", "uint32", SYN_O_GCPHASE },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static int t_size(void *priv, const char *type, uint64_t *size)
{
	(void)priv;
	for (size_t i = 0; i < N(sizes); i++)
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
	for (size_t i = 0; i < N(fields); i++)
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
	for (size_t i = 0; i < N(consts); i++)
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
	for (size_t i = 0; i < N(globals); i++)
		if (!strcmp(name, globals[i].name)) {
			*addr = SYN_META + globals[i].off;
			if (type && typelen)
				snprintf(type, typelen, "%s", globals[i].type);
			return 0;
		}
	return 1;
}

const struct gs_layout_ops synth_ops = {
	.name = "synth-table", .src = GS_LAYOUT_TABLE, .type_size = t_size,
	.field = t_field, .constant = t_const, .global = t_global,
};

void synth_put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t synth_lf_pack(uint64_t node, uint64_t cnt)
{
	return node << 16 | (cnt & ((1u << 19) - 1));
}

uint8_t *synth_at(struct synth *s, uint64_t addr)
{
	if (addr >= SYN_META && addr < SYN_META + SYN_META_SIZE)
		return s->meta->data + (addr - SYN_META);
	if (addr >= SYN_WBUFS && addr < SYN_WBUFS + SYN_WBUFS_SIZE)
		return s->wbufs->data + (addr - SYN_WBUFS);
	abort();
}

static void put(uint8_t *img, uint64_t off, uint64_t v, unsigned n)
{
	synth_put(img + off, v, n);
}

static void put_span(uint8_t *img, int i, uint64_t base, uint64_t npages,
		     uint8_t state, uint8_t spc, uint16_t alloc, uint64_t elem)
{
	uint64_t o = SYN_O_SPANS + 64 * (uint64_t)i;

	put(img, o, base, 8);
	put(img, o + 8, npages, 8);
	img[o + 16] = state;
	img[o + 17] = spc;
	put(img, o + 18, alloc, 2);
	put(img, o + 20, 4, 4);
	put(img, o + 24, elem, 8);
	put(img, o + 32, npages * SYN_PAGE / elem, 8);
	put(img, O_ALLSPANS + 8 * (uint64_t)i, SYN_META + o, 8);
	for (uint64_t p = 0; p < npages && state; p++)
		put(img, O_HEAPARENA + 8 * ((base - SYN_ARENA) / SYN_PAGE + p), SYN_META + o, 8);
}

/* A valid heap: 7 pages in use in 3 spans (one manual), one dead span. */
static void build_heap(uint8_t *img)
{
	uint64_t ai = SYN_ARENA / SYN_ARENA_BYTES, ci = SYN_ARENA / CHUNK_BYTES;

	memset(img, 0, SYN_META_SIZE);
	put(img, O_MHEAP + 0, SYN_META + O_ALLSPANS, 8);
	put(img, O_MHEAP + 8, 4, 8);
	put(img, O_MHEAP + 16, 4, 8);
	put(img, O_MHEAP + 24, SYN_META + O_L2, 8);
	put(img, O_MHEAP + 32, SYN_META + O_ARENAIDX, 8);
	put(img, O_MHEAP + 40, 1, 8);
	put(img, O_MHEAP + 48, 1, 8);
	put(img, O_MHEAP + 56, 4, 4);
	put(img, O_MHEAP + 64, SYN_META + O_CHUNKS - 128 * ci, 8);
	put(img, O_MHEAP + 72, SYN_META + O_RANGES, 8);
	put(img, O_MHEAP + 80, 1, 8);
	put(img, O_MHEAP + 88, 1, 8);
	put(img, O_ARENAIDX, ai, 8);
	put(img, O_L2 + 8 * (ai & ((1 << ARENA_L2_BITS) - 1)), SYN_META + O_HEAPARENA, 8);
	put(img, O_RANGES, SYN_ARENA, 8);
	put(img, O_RANGES + 8, SYN_ARENA + CHUNK_BYTES, 8);
	put_span(img, 0, SYN_ARENA, 1, 1, 1 << 1, 100, 8);
	put_span(img, 1, SYN_ARENA + SYN_PAGE, 4, 1, 0 << 1 | 1, 1, 4 * SYN_PAGE);
	put_span(img, 2, SYN_WBUFS, 2, 2, 0, 0, 8192);
	put_span(img, 3, SYN_ARENA + 9 * SYN_PAGE, 1, 0, 0, 0, 8192);
	/* pallocBits: 7 pages allocated; pages 40..63 and the rest scavenged */
	put(img, O_CHUNKS, 0x7f, 8);
	put(img, O_CHUNKS + 64, 0xffffff0000000000ULL, 8);
	for (int w = 1; w < 8; w++)
		put(img, O_CHUNKS + 64 + 8 * w, ~0ULL, 8);
	put(img, O_GCCTL, 5 * SYN_PAGE, 8);
	put(img, O_GCCTL + 8, 57 * SYN_PAGE, 8);
	put(img, O_GCCTL + 16, 24 * SYN_PAGE, 8);
	put(img, O_MEMSTATS + 8, 2 * SYN_PAGE, 8);
	put(img, O_VERSION, SYN_META + O_VERSTR, 8);
	put(img, O_VERSION + 8, 11, 8);
	memcpy(img + O_VERSTR, "go1.19-fuzz", 11);
	for (int c = 0; c < 68; c++)
		put(img, O_CLASSES + 2 * (uint64_t)c, (uint64_t)c * 16, 2);
}

/* nobj pointers into span 0 (in use, 8-byte objects) from object first. */
static void fill_wbuf(struct synth *s, unsigned i, uint64_t nobj, uint64_t first)
{
	uint8_t *wb = synth_at(s, synth_wbuf(i));

	synth_put(wb + 16, nobj, 8);
	for (uint64_t k = 0; k < nobj; k++)
		synth_put(wb + 24 + 8 * k, SYN_ARENA + 8 * (first + k), 8);
}

/*
 * Green Tea: P 0's local ring holds 3 spans; its chain is ring 0 alone
 * (10 spans of 512), listed in work.spanSPMCs before ring 1, dead (zeroed
 * but its list node); P 0's bit is set in work.spanqMask.
 */
static void build_spanq(uint8_t *img)
{
	uint8_t *w = img + SYN_O_WORK, *r0 = img + SYN_O_SPMC, *r1 = r0 + 64;
	uint8_t *q = img + SYN_O_P + SYN_P_SPANQ;

	synth_put(q, 2, 4);
	synth_put(q + 4, 5, 4);
	synth_put(q + 8, SYN_SPMC(0), 8);
	synth_put(q + 16, SYN_SPMC(0), 8);
	synth_put(r0 + SYN_S_NEXT, SYN_SPMC(1), 8);
	synth_put(r0 + SYN_S_HEAD, 7, 4);
	synth_put(r0 + SYN_S_TAIL, 17, 4);
	synth_put(r0 + SYN_S_CAP, 512, 4);
	synth_put(r0 + SYN_S_RING, SYN_META + 0xb000, 8);
	synth_put(r1 + SYN_S_DEAD, 1, 1);
	synth_put(w + SYN_W_SPMCLIST, SYN_SPMC(0), 8);
	synth_put(w + SYN_W_MASK, SYN_META + SYN_O_MASK, 8);
	synth_put(w + SYN_W_MASK + 8, 1, 8);
	synth_put(w + SYN_W_MASK + 16, 1, 8);
	synth_put(img + SYN_O_MASK, 1, 4);
}

/*
 * Marking: work.full holds workbufs 0 (3 objects) and 1 (full),
 * work.empty workbuf 2; P 0's gcWork has 3 (5 objects) and 4 (empty).
 */
static void build_gc(struct synth *s)
{
	uint8_t *img = s->meta->data, *w = img + SYN_O_WORK;

	memset(s->wbufs->data, 0, SYN_WBUFS_SIZE);
	fill_wbuf(s, 0, 3, 0);
	fill_wbuf(s, 1, SYN_WBUF_CAP, 3);
	fill_wbuf(s, 3, 5, 300);
	synth_put(synth_at(s, synth_wbuf(0)), synth_lf_pack(synth_wbuf(1), 2), 8);
	synth_put(w + SYN_W_FULL, synth_lf_pack(synth_wbuf(0), 1), 8);
	synth_put(w + SYN_W_EMPTY, synth_lf_pack(synth_wbuf(2), 3), 8);
	synth_put(w + SYN_W_BUSY, SYN_META + SYN_O_SPANS + 64 * 2, 8);
	synth_put(w + SYN_W_NPROC, 2, 4);
	synth_put(w + SYN_W_NWAIT, 1, 4);
	synth_put(w + SYN_W_MRNEXT, 10, 4);
	synth_put(w + SYN_W_MRJOBS, 10, 4);
	synth_put(w + SYN_W_CYCLES, 3, 4);
	synth_put(w + SYN_W_BYTESMARKED, 12345, 8);
	synth_put(img + SYN_O_GCPHASE, 1, 4);
	synth_put(img + O_MEMSTATS + 56, 2, 4);
	synth_put(img + O_ALLP, SYN_META + O_ALLP + 24, 8);
	synth_put(img + O_ALLP + 8, 1, 8);
	synth_put(img + O_ALLP + 16, 1, 8);
	synth_put(img + O_ALLP + 24, SYN_META + SYN_O_P, 8);
	synth_put(img + SYN_O_P + SYN_P_WBUF1, synth_wbuf(3), 8);
	synth_put(img + SYN_O_P + SYN_P_WBUF2, synth_wbuf(4), 8);
	build_spanq(img);
}

void synth_build(struct synth *s)
{
	memset(s, 0, sizeof(*s));
	s->meta = (struct gosnap_rec_mem *)s->meta_buf;
	s->wbufs = (struct gosnap_rec_mem *)s->wbuf_buf;
	s->meta->addr = SYN_META;
	s->meta->len = SYN_META_SIZE;
	s->wbufs->addr = SYN_WBUFS;
	s->wbufs->len = SYN_WBUFS_SIZE;
	s->mems[0] = s->meta;
	s->mems[1] = s->wbufs;
	s->hdr.page_size = 4096;
	s->vrec[0] = (struct gosnap_rec_vma){ .start = SYN_META, .end = SYN_META + SYN_META_SIZE,
					      .flags = GOSNAP_VMA_ANON | GOSNAP_VMA_WRITE };
	s->vrec[1] = (struct gosnap_rec_vma){ .start = SYN_ARENA, .end = SYN_ARENA + SYN_ARENA_BYTES,
					      .flags = GOSNAP_VMA_ANON | GOSNAP_VMA_WRITE };
	s->runs[0] = (struct gosnap_page_run){ .addr = SYN_META, .npages = SYN_META_SIZE / 4096,
					       .flags = GOSNAP_PG_PRESENT };
	s->runs[1] = (struct gosnap_page_run){ .addr = SYN_ARENA, .npages = 6,
					       .flags = GOSNAP_PG_PRESENT | GOSNAP_PG_THP };
	s->runs[2] = (struct gosnap_page_run){ .addr = SYN_ARENA + 8 * SYN_PAGE, .npages = 3,
					       .flags = GOSNAP_PG_SWAP };
	s->vmas[0] = (struct gs_vma){ .rec = &s->vrec[0], .path = "", .runs = &s->runs[0], .nr_runs = 1 };
	s->vmas[1] = (struct gs_vma){ .rec = &s->vrec[1], .path = "", .runs = &s->runs[1], .nr_runs = 2 };
	s->snap = (struct gs_snapshot){ .hdr = &s->hdr, .vmas = s->vmas, .nr_vmas = 2,
					.mems = s->mems, .nr_mems = 2 };
	build_heap(s->meta->data);
	build_gc(s);
}
