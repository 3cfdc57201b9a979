/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small but complete Go heap and collector in a synthetic snapshot, for
 * the heap and GC fuzzer (fuzz_heap.c) and the GC decoder's unit test
 * (test_gc.c): mheap_, one arena, its spans array, four spans (one a
 * manual workbuf span), a page-allocator chunk, counters, size classes,
 * runtime.work with work.full (two workbufs) and work.empty (one), one P
 * whose gcWork holds two more, Green Tea's span rings (one live on the P's
 * chain, one dead), all described by a layout source of its own (a
 * table). SYN_META is the runtime's metadata, SYN_WBUFS the workbuf
 * span's memory; both are snapshot MEM records the caller may change.
 */
#ifndef GOSNAP_SYNTH_HEAP_H
#define GOSNAP_SYNTH_HEAP_H

#include <stdint.h>

#include "layout/layout.h"
#include "snap/snapshot.h"

#define SYN_META	0x10000000ULL	/* runtime metadata lives here */
#define SYN_META_SIZE	0x20000ULL
#define SYN_ARENA	0x20000000ULL	/* the heap arena */
#define SYN_PAGE	8192ULL
#define SYN_ARENA_PAGES	64ULL
#define SYN_ARENA_BYTES	(SYN_ARENA_PAGES * SYN_PAGE)
#define SYN_WBUFS	(SYN_ARENA + 5 * SYN_PAGE)	/* the manual span */
#define SYN_WBUFS_SIZE	(2 * SYN_PAGE)
#define SYN_WBUF	2048ULL
#define SYN_WBUF_CAP	253ULL

/* Where the GC's structures sit in the metadata (offsets from SYN_META). */
enum {
	SYN_O_WORK = 0x0200, SYN_O_GCPHASE = 0x02f0, SYN_O_P = 0x0980,
	SYN_O_SPANS = 0x0800,	/* span i's mspan at + 64 * i */
	SYN_O_SPMC = 0x0a00,	/* Green Tea's spanSPMC i at + 64 * i (two) */
	SYN_O_MASK = 0x0a80,	/* work.spanqMask's one word */
};

/* Offsets in runtime.workType and the P of the table. */
enum {
	SYN_W_FULL = 0, SYN_W_EMPTY = 8, SYN_W_BUSY = 16, SYN_W_FREE = 24,
	SYN_W_NPROC = 32, SYN_W_NWAIT = 36, SYN_W_MRNEXT = 40, SYN_W_MRJOBS = 44,
	SYN_W_CYCLES = 48, SYN_W_BYTESMARKED = 56,
	SYN_P_ID = 24, SYN_P_WBUF1 = 32, SYN_P_WBUF2 = 40,
	SYN_W_MASK = 64, SYN_W_SPMCLIST = 96,	/* spanqMask, spanSPMCs.list.obj */
	SYN_P_SPANQ = 72,	/* gcw.spanq: head, tail, chain.head, chain.tail */
	SYN_S_NEXT = 8, SYN_S_DEAD = 16, SYN_S_PREV = 24, SYN_S_HEAD = 32,
	SYN_S_TAIL = 36, SYN_S_CAP = 40, SYN_S_RING = 48,	/* in a spanSPMC */
};

/* spanSPMC i's address (i < 2). */
#define SYN_SPMC(i)	(SYN_META + SYN_O_SPMC + 64 * (i))

struct synth {
	uint8_t			meta_buf[sizeof(struct gosnap_rec_mem) + SYN_META_SIZE];
	uint8_t			wbuf_buf[sizeof(struct gosnap_rec_mem) + SYN_WBUFS_SIZE];
	struct gosnap_rec_mem	*meta, *wbufs;	/* ->data: the bytes */
	const struct gosnap_rec_mem *mems[2];
	struct gosnap_stream_hdr hdr;
	struct gosnap_rec_vma	vrec[2];
	struct gosnap_page_run	runs[3];
	struct gs_vma		vmas[2];
	struct gs_snapshot	snap;
};

extern const struct gs_layout_ops synth_ops;

/* Build the valid heap and collector into s, and its snapshot s->snap. */
void synth_build(struct synth *s);
/* Little-endian n bytes of v at p. */
void synth_put(uint8_t *p, uint64_t v, unsigned n);
/* The lfstack word of a workbuf (go1.21-1.24 packing: tagBits 19). */
uint64_t synth_lf_pack(uint64_t node, uint64_t cnt);
/* Workbuf i's address (i < SYN_WBUFS_SIZE / SYN_WBUF). */
static inline uint64_t synth_wbuf(unsigned i)
{
	return SYN_WBUFS + SYN_WBUF * i;
}
/* The bytes of the snapshot at addr (metadata or workbuf span). */
uint8_t *synth_at(struct synth *s, uint64_t addr);

#endif /* GOSNAP_SYNTH_HEAP_H */
