// SPDX-License-Identifier: GPL-2.0
/*
 * The type flow (cli/decode/gotypeflow.c, exe/dwtypes.c) on
 * synth_typeflow.h, with this program's own DWARF: a global's pointers
 * type the objects they point to the start of (one value, or an array of
 * the type when it fits twice), and what those objects point to in turn;
 * a cycle ends; an interior pointer, a pointer to a free slot, a type
 * without pointers over a scan object and an untyped pointer type
 * nothing, each counted; the enumerator names a flow-typed object
 * "dwarf" unless its header names it; without DWARF the flow says why.
 */
#include <stdlib.h>
#include <string.h>

#include "decode/goheap.h"
#include "decode/gograph.h"
#include "decode/goobjects.h"
#include "decode/gospanset.h"
#include "decode/gotypeflow.h"
#include "out/objects_out.h"
#include "synth_typeflow.h"
#include "tap.h"

static struct synth_typeflow st;

/* One flow over st: its heap, its span set, the flow. */
struct flow_run {
	struct goheap *h;
	struct gg_spanset *set;
	struct gotypeflow *f;
};

/* Open st as built (and changed) so far; no_exe: as if stripped of it. */
static void flow_open(struct flow_run *r, bool no_exe)
{
	if (synth_typeflow_open(&st))
		abort();
	if (no_exe)
		st.g.c.x = NULL;
	r->h = goheap_decode(&st.g.o.snap, st.g.m, st.g.l, "go1.22-synth");
	r->set = r->h ? gg_spanset_new(&st.g.c, r->h) : NULL;
	r->f = r->set ? gotypeflow_run(&st.g.c, r->set) : NULL;
}

static void flow_close(struct flow_run *r)
{
	gotypeflow_free(r->f);
	gg_spanset_free(r->set);
	goheap_free(r->h);
	synth_typeflow_close(&st);
}

static const char *slot_type(const struct gotypeflow *f, uint64_t slot, bool *exact)
{
	uint32_t ty = gotypeflow_slot(f, 0, slot, exact);

	return ty == DWT_NONE ? NULL : dwt_get(f->dt, ty)->name;
}

static const struct go_group *group(const struct goobjects *o, enum go_typesrc src,
				    const char *name)
{
	for (size_t i = 0; i < o->nr_groups; i++)
		if (o->groups[i].src == src && !strcmp(o->groups[i].name, name))
			return &o->groups[i];
	return NULL;
}

static void test_flow(void)
{
	struct objects_out_opts oo = { "synth.gsnap", "synth", 0, 0 };
	FILE *null = fopen("/dev/null", "w");
	const struct go_group *gb, *gs;
	struct flow_run r;
	struct gotypeflow *f;
	struct goobjects *o;
	struct json_writer w;
	const char *n2, *n5, *n1;
	bool e2 = false, e5 = true, e1 = true;

	synth_typeflow_build(&st);
	flow_open(&r, false);
	f = r.f;
	if (!f)
		abort();
	ok(f->ran && f->globals >= 1, "the flow ran over this program's DWARF: %llu globals "
	   "with pointers walked", (unsigned long long)f->globals);
	n2 = slot_type(f, 2, &e2);
	n5 = slot_type(f, 5, &e5);
	n1 = slot_type(f, 1, &e1);
	ok(n2 && !strcmp(n2, "tf_big") && !e2, "tf_root.big types object 2 tf_big (%s)",
	   n2 ? n2 : "none");
	ok(n5 && !strcmp(n5, "tf_small") && !e5 && n1 && !strcmp(n1, "tf_small"),
	   "object 2's first types object 5 as tf_small (an array: 1016 / 48), whose "
	   "element 1 types object 1; element 0's cycle to itself ends");
	ok(!slot_type(f, 0, &e1) && !slot_type(f, 3, &e1) && f->interior == 1 &&
	   f->refused == 1 && f->objects == 3,
	   "object 0 (tf_noptr over a scan object) refused, free slot 3 and the large "
	   "object (void *) untyped, the pointer into object 1 interior: 3 typed, "
	   "%llu interior, %llu refused", (unsigned long long)f->interior,
	   (unsigned long long)f->refused);

	o = goobjects_decode(&st.g.o.snap, st.g.m, st.g.l, r.h, f);
	gb = o ? group(o, GO_TY_DWARF, "tf_big") : NULL;
	gs = o ? group(o, GO_TY_DWARF, "tf_small") : NULL;
	ok(gb && gb->objects == 1 && !gb->array && gb->type == 0 && gs && gs->objects == 1 &&
	   gs->array && group(o, GO_TY_HEADER, "main.Small") &&
	   group(o, GO_TY_HEADER, "main.Small")->objects == 1 && o->typed_objects == 5,
	   "objects: tf_big and []tf_small from DWARF (no descriptor), object 1 still "
	   "main.Small by its header; all 5 typed");
	objects_print_plain(o, r.h, &oo, null);
	jw_init(&w, null, false);
	objects_print_json(o, r.h, &oo, &w);
	ok(objects_write_pprof(o, r.h, &oo, null) == 0, "text, JSON and pprof written");
	goobjects_free(o);
	flow_close(&r);
	fclose(null);
}

/* A global is read no further than its section: bss cut after tf_root.big. */
static void test_section_end(void)
{
	struct flow_run r;
	struct gotypeflow *f;
	bool e = false;

	synth_typeflow_build(&st);
	synth_put(st.g.rec->data + (GR_MD + 24 - GR_MEM), st.root + 8, 8);	/* ebss */
	flow_open(&r, false);
	f = r.f;
	ok(f && f->ran && slot_type(f, 2, &e) && f->interior == 0 && f->refused == 0,
	   "a global is read only up to its section's end: tf_root.big followed, the "
	   "fields past ebss (mid, noptr) not read (%llu interior, %llu refused)",
	   f ? (unsigned long long)f->interior : 0ULL, f ? (unsigned long long)f->refused : 0ULL);
	flow_close(&r);
}

/* The objects first reached at path name of gp, or -1 if it has none. */
static long long path_objects(const struct gograph *gp, const char *want)
{
	char name[256];
	size_t i;

	for (i = 0; gp && i < gp->nr_paths; i++) {
		gograph_path_name(gp, (uint32_t)i, name, sizeof(name));
		if (!strcmp(name, want))
			return (long long)gp->paths[i].objects;
	}
	return -1;
}

/*
 * retain's field paths over the flow's types: tf_root's words (the bss,
 * every word a pointer) name the objects they reach first by tf_root's
 * fields; what an untyped object reaches stays at its path; what data
 * (scanned first) reached is at data's root, not under tf_root.
 */
static void test_paths(void)
{
	struct flow_run r;
	struct gograph *gp;

	synth_typeflow_build(&st);
	flow_open(&r, false);
	gp = r.f ? gograph_build_paths(&st.g.c, r.h, r.f, 4) : NULL;
	ok(gp && gp->paths && gp->nr_paths == 2 && path_objects(gp, "tf_root.big") == 1 &&
	   path_objects(gp, "tf_root.opaque") == 2 && path_objects(gp, "tf_root.mid") == -1,
	   "field paths: tf_root.big (object 2), .opaque (the large object and object 5 "
	   "it reaches, untyped: no selector), no .mid (objects 0 and 1 reached first "
	   "from data, at its root) (%zu paths)", gp ? gp->nr_paths : 0);
	gograph_free(gp);
	flow_close(&r);
}

static void test_no_dwarf(void)
{
	struct flow_run r;
	struct gotypeflow *f;

	synth_typeflow_build(&st);
	flow_open(&r, true);
	f = r.f;
	ok(f && !f->ran && f->why[0] && f->objects == 0 && gotypeflow_slot(f, 0, 2, &(bool){ 0 }) == DWT_NONE,
	   "without an executable the flow does not run and says why (%s)", f ? f->why : "?");
	flow_close(&r);
}

int main(void)
{
	test_flow();
	test_section_end();
	test_paths();
	test_no_dwarf();
	return tap_done();
}
