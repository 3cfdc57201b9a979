/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An object graph over the objects of synth_objects.h (allocation
 * headers), for the graph's unit test (test_graph.c) and fuzzer
 * (fuzz_graph.c). A MEM record of its own holds the three type
 * descriptors (their sizes, ptrdata and GC masks), a data section of two
 * words and a bss of one with the runtime's masks of them, and a
 * moduledata naming both; a layout source (graph_ops) gives moduledata's
 * and bitvector's fields and runtime.firstmoduledata.
 *
 * The pointers: data[0] -> object 0 (main.Big, words 1, 2 of its slot are
 * pointers: to 1 byte 100 of object 1, and to the free slot 3); data[1]
 * -> object 2 with its mask bit clear (not a pointer); object 1
 * (main.Small, tiled: word 1 of every 48 bytes) -> object 0 (a cycle);
 * bss[0] -> the large object (main.Huge: its word 0) -> object 5, whose
 * header points at no descriptor. So data reaches objects 0 and 1, bss
 * the large object and object 5 (its pointers unreadable), one pointer is
 * into a free slot. Object 2 is reached only from the registers of the
 * one thread with registers (tid 42: rax points 8 bytes into it).
 */
#ifndef GOSNAP_SYNTH_GRAPH_H
#define GOSNAP_SYNTH_GRAPH_H

#include "decode/snapctx.h"
#include "synth_objects.h"

#define GR_MEM		0x500000ULL	/* the record: types, data, bss, moduledata */
#define GR_MEM_SIZE	0x2000ULL
#define GR_DATA		(GR_MEM + 0x1000)
#define GR_BSS		(GR_MEM + 0x1100)
#define GR_MD		(GR_MEM + 0x1400)

struct synth_graph {
	struct synth_objects	o;
	uint8_t			buf[sizeof(struct gosnap_rec_mem) + GR_MEM_SIZE];
	struct gosnap_rec_mem	*rec;
	const struct gosnap_rec_mem *mems[4];
	struct gosnap_rec_thread thread;
	const struct gosnap_rec_thread *threads[1];
	struct gs_layout	*l;
	struct gs_mem		*m;
	struct gs_snapctx	c;	/* snap, mem, layout, go_minor: no exe, no functions */
};

extern const struct gs_layout_ops graph_ops;

/* Build it; synth_graph_open() then makes the layout and memory. */
void synth_graph_build(struct synth_graph *g);
/* Open layout and memory over the (possibly altered) bytes: 0 or -1. */
int synth_graph_open(struct synth_graph *g);
void synth_graph_close(struct synth_graph *g);

#endif /* GOSNAP_SYNTH_GRAPH_H */
