/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The type flow (decode/gotypeflow.h) over the graph of synth_graph.h,
 * for its unit test (test_typeflow.c) and fuzzer (fuzz_typeflow.c). The
 * DWARF is this program's own (/proc/self/exe, built with -g): the C
 * types below and the global tf_root, whose DW_OP_addr becomes a MEM
 * record of the snapshot (bias 0). moduledata.types is given, so
 * headers' descriptors fall outside every DWARF type (C has no
 * DW_AT_go_runtime_type): only pointers type. moduledata's bss is
 * tf_root's record: the flow reads a global only inside data or bss.
 *
 * tf_root: big -> object 2 (nil header: typed tf_big, one), whose first
 * -> object 5 (header 0xdead: typed as an array of tf_small), whose
 * element 0's next -> itself (a cycle) and element 1's -> object 1 (its
 * header names main.Small: it keeps that name); mid -> inside object 1
 * (not taken: interior); noptr -> object 0 (a type without pointers on a
 * scan object: refused); opaque (void *) -> the large object (not
 * followed); free -> free slot 3 (not typed).
 */
#ifndef GOSNAP_SYNTH_TYPEFLOW_H
#define GOSNAP_SYNTH_TYPEFLOW_H

#include "exe/exe.h"
#include "synth_graph.h"

struct tf_small {
	struct tf_small	*next;
	long		id;
	long		pad[4];
};

struct tf_big {
	struct tf_small	*first;
	long		n;
	char		pad[1000];
};

struct tf_noptr {
	long		a, b;
};

struct tf_roots {
	struct tf_big	*big;
	struct tf_small	*mid;
	struct tf_noptr	*noptr;
	void		*opaque;
	struct tf_small	*free;
};

extern struct tf_roots tf_root;

#define TF_TYPES	0x100000000ULL	/* moduledata.types: no header's type */

struct synth_typeflow {
	struct synth_graph	g;
	struct gs_exe		*x;	/* this program, for its DWARF */
	uint64_t		root;	/* tf_root's DWARF address */
	uint8_t			buf[sizeof(struct gosnap_rec_mem) + sizeof(struct tf_roots)];
	struct gosnap_rec_mem	*rec;
	const struct gosnap_rec_mem *mems[5];
};

/* Build it (aborts if this program's DWARF lacks tf_root). */
void synth_typeflow_build(struct synth_typeflow *t);
/* Open the graph's layout and memory, with the executable: 0 or -1. */
int synth_typeflow_open(struct synth_typeflow *t);
void synth_typeflow_close(struct synth_typeflow *t);

#endif /* GOSNAP_SYNTH_TYPEFLOW_H */
