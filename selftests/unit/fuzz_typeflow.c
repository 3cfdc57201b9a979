// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the type flow (cli/decode/gotypeflow.c) and the
 * enumerator typing by it: synth_typeflow.h (this harness's own DWARF)
 * with the fuzz input XORed over the arena's objects, over tf_root (the
 * typed global) and over the runtime's metadata. A few set bits are a
 * bit-flipped snapshot: a typed pointer anywhere, a cycle, a header
 * naming anything, spans claiming other slots. Whatever the flips, the
 * flow must end (each object typed and queued once), and so must the
 * marking by field paths over its types; the outputs must be printable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "decode/goheap.h"
#include "decode/gograph.h"
#include "decode/goobjects.h"
#include "decode/gospanset.h"
#include "decode/gotypeflow.h"
#include "out/objects_out.h"
#include "out/retain_out.h"
#include "synth_typeflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct synth_typeflow st;
	struct objects_out_opts o = { "fuzz.gsnap", "fuzz", 3, 0 };
	struct retain_out_opts ro = { "fuzz.gsnap", "fuzz", 3, 0 };
	struct gograph *gp = NULL;
	struct gotypeflow *f = NULL;
	struct goobjects *ob = NULL;
	struct gg_spanset *set = NULL;
	struct json_writer w;
	struct goheap *h;
	FILE *null;
	size_t i;

	synth_typeflow_build(&st);
	for (i = 0; i < size && i < OBJ_ARENA_MEM; i++)
		st.g.o.arena->data[i] ^= data[i];
	for (i = 0; i < size && i < sizeof(struct tf_roots); i++)
		st.rec->data[i] ^= data[size - 1 - i];
	for (i = 0; i < size && i < SYN_META_SIZE; i++)
		st.g.o.s.meta->data[(i * 13) % SYN_META_SIZE] ^= data[i];
	null = fopen("/dev/null", "w");
	if (!null || synth_typeflow_open(&st))
		abort();
	h = goheap_decode(&st.g.o.snap, st.g.m, st.g.l, "go1.22-fuzz");
	if (h)
		set = gg_spanset_new(&st.g.c, h);
	if (set)
		f = gotypeflow_run(&st.g.c, set);
	if (f)
		ob = goobjects_decode(&st.g.o.snap, st.g.m, st.g.l, h, f);
	if (ob) {
		objects_print_plain(ob, h, &o, null);
		jw_init(&w, null, false);
		objects_print_json(ob, h, &o, &w);
		objects_write_pprof(ob, h, &o, null);
	}
	/* retain's field paths, named by the flow's types */
	if (f)
		gp = gograph_build_paths(&st.g.c, h, f, 4);
	if (gp) {
		retain_print_plain(gp, h, &ro, null);
		jw_init(&w, null, false);
		retain_print_json(gp, h, &ro, &w);
		retain_write_pprof(gp, h, &ro, null);
	}
	gograph_free(gp);
	goobjects_free(ob);
	gotypeflow_free(f);
	gg_spanset_free(set);
	goheap_free(h);
	fclose(null);
	synth_typeflow_close(&st);
	return 0;
}
