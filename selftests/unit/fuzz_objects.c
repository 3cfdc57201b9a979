// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the object enumerator (cli/decode/goobjects.c)
 * and its outputs: the objects of synth_objects.h (allocation headers,
 * a large object's largeType, allocBits, freeindex) with the fuzz input
 * XORed over the runtime's metadata and, read backwards, over the arena's
 * objects; the first byte chooses a release with or without headers. An
 * empty input is a valid heap; a few set bits are a bit-flipped snapshot
 * (a freeindex past the slots, a span that claims a million pages, a
 * header pointing anywhere). Whatever the flips, decoding must not crash
 * or loop, and every output (text, JSON, pprof) must be writable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "decode/goheap.h"
#include "decode/goobjects.h"
#include "out/objects_out.h"
#include "synth_objects.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct synth_objects so;
	struct objects_out_opts oo = { "fuzz.gsnap", "fuzz", 3, 0 };
	struct json_writer w;
	struct goobjects *ob = NULL;
	struct gs_layout *l;
	struct gs_mem *m;
	struct goheap *h;
	char err[128];
	FILE *null;

	synth_objects_build(&so, !size || !(data[0] & 1));
	for (size_t i = 0; i < size && i < SYN_META_SIZE; i++)
		so.s.meta->data[i] ^= data[i];
	for (size_t i = 0; i < size && i < OBJ_ARENA_MEM; i++)
		so.arena->data[i] ^= data[size - 1 - i];

	l = gs_layout_new();
	m = gs_mem_open(&so.snap, NULL, err, sizeof(err));
	null = fopen("/dev/null", "w");
	if (!l || !m || !null || gs_layout_add(l, &obj_ops, &so) ||
	    gs_layout_add(l, &synth_ops, NULL))
		abort();
	h = goheap_decode(&so.snap, m, l, "go1.22-fuzz");
	if (h)
		ob = goobjects_decode(&so.snap, m, l, h, NULL);
	if (ob) {
		objects_print_plain(ob, h, &oo, null);
		jw_init(&w, null, false);
		objects_print_json(ob, h, &oo, &w);
		objects_write_pprof(ob, h, &oo, null);
	}
	goobjects_free(ob);
	goheap_free(h);
	fclose(null);
	gs_mem_close(m);
	gs_layout_free(l);
	return 0;
}
