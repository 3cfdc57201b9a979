// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the object graph (cli/decode/gograph.c, goptrs.c)
 * and retain's outputs: the graph of synth_graph.h with the fuzz input
 * XORed over the runtime's metadata, over the arena's objects (read
 * backwards) and over the record of type descriptors, data, bss and
 * moduledata. A few set bits are a bit-flipped snapshot: a pointer
 * anywhere, a cycle, a type claiming any size or mask, a data mask of any
 * length, spans claiming other slots. Whatever the flips, marking must
 * end (each object is queued once), and both outputs must be printable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "decode/goheap.h"
#include "decode/gograph.h"
#include "out/retain_out.h"
#include "synth_graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct synth_graph sg;
	struct retain_out_opts o = { "fuzz.gsnap", "fuzz", 3, 0 };
	struct gograph *g = NULL;
	struct json_writer w;
	struct goheap *h;
	FILE *null;
	size_t i;

	synth_graph_build(&sg);
	for (i = 0; i < size && i < SYN_META_SIZE; i++)
		sg.o.s.meta->data[i] ^= data[i];
	for (i = 0; i < size && i < OBJ_ARENA_MEM; i++)
		sg.o.arena->data[i] ^= data[size - 1 - i];
	for (i = 0; i < size && i < GR_MEM_SIZE; i++)
		sg.rec->data[(i * 7) % GR_MEM_SIZE] ^= data[i];
	null = fopen("/dev/null", "w");
	if (!null || synth_graph_open(&sg))
		abort();
	h = goheap_decode(&sg.o.snap, sg.m, sg.l, "go1.22-fuzz");
	if (h)
		g = gograph_build(&sg.c, h);
	if (g) {
		retain_print_plain(g, h, &o, null);
		jw_init(&w, null, false);
		retain_print_json(g, h, &o, &w);
		retain_write_pprof(g, h, &o, null);
	}
	gograph_free(g);
	goheap_free(h);
	fclose(null);
	synth_graph_close(&sg);
	return 0;
}
