// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the heap and GC decoders (cli/decode/goheap.c,
 * gogc.c) and their outputs: the synthetic heap and collector of
 * synth_heap.h (work.full and work.empty, a P's gcWork, a manual workbuf
 * span, Green Tea's span rings) with the fuzz input XORed over the
 * runtime's metadata and, read backwards, over the workbufs: an empty
 * input is a valid heap marking, a few set bits are a bit-flipped
 * snapshot (a cycle in an lfstack or a ring chain, a wrong nobj, a
 * pointer outside the heap). Whatever the flips, decoding must
 * not crash or loop, and every output (text, JSON, SVG, DOT) must be
 * printable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gogc.h"
#include "decode/goheap.h"
#include "out/gc_out.h"
#include "out/heap_out.h"
#include "layout/layout.h"
#include "synth_heap.h"

static void decode_gc(struct synth *s, struct gs_mem *m, struct gs_layout *l,
		      const struct goheap *h, FILE *null)
{
	struct gs_snapctx c;
	struct json_writer w;
	struct gs_gc g;

	memset(&c, 0, sizeof(c));
	c.snap = s->snap;
	c.mem = m;
	c.layout = l;
	if (gs_gc_decode(&c, h, &g))
		return;
	{
		struct gc_out_opts o = { "fuzz", "go1.19-fuzz", l, true, &c };

		gc_print_plain(&g, &o, null);
		jw_init(&w, null, false);
		gc_print_json(&g, &o, &w);
		gc_write_dot(&g, &o, null);
		gc_write_svg(&g, &o, null);
	}
	gs_gc_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct synth s;
	struct heap_out_opts o = { "fuzz.gsnap", "fuzz", true };
	struct json_writer w;
	struct gs_layout *l;
	struct gs_mem *m;
	struct goheap *h;
	char err[128];
	FILE *null;

	synth_build(&s);
	for (size_t i = 0; i < size && i < SYN_META_SIZE; i++)
		s.meta->data[i] ^= data[i];
	for (size_t i = 0; i < size && i < SYN_WBUFS_SIZE; i++)
		s.wbufs->data[i] ^= data[size - 1 - i];

	l = gs_layout_new();
	m = gs_mem_open(&s.snap, NULL, err, sizeof(err));
	null = fopen("/dev/null", "w");
	if (!l || !m || !null || gs_layout_add(l, &synth_ops, NULL))
		abort();
	h = goheap_decode(&s.snap, m, l, size ? NULL : "go1.19-fuzz");
	if (h) {
		heap_print_plain(h, &o, null);
		jw_init(&w, null, false);
		heap_print_json(h, &o, &w);
		heap_write_svg(h, &o, null);
	}
	decode_gc(&s, m, l, h, null);
	if (h)
		goheap_free(h);
	fclose(null);
	gs_mem_close(m);
	gs_layout_free(l);
	return 0;
}
