// SPDX-License-Identifier: GPL-2.0
/*
 * The object enumerator (cli/decode/goobjects.c) on the objects of
 * synth_objects.h: with allocation headers (go1.22+) each object is
 * counted once, typed by its header or its span's largeType, a slice's
 * backing array named as one, a nil header and one that points at no
 * descriptor left untyped and said why; before go1.22 every object is
 * untyped with the same totals; residency is per object, page by page;
 * a disagreeing allocCount, a freeindex past the slots and unreadable
 * allocBits are each reported, and the span's allocCount is kept apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/goheap.h"
#include "decode/goobjects.h"
#include "out/objects_out.h"
#include "synth_objects.h"
#include "tap.h"

static struct synth_objects so;

static const struct go_group *find(const struct goobjects *o, enum go_typesrc src,
				   const char *name)
{
	for (size_t i = 0; i < o->nr_groups; i++)
		if (o->groups[i].src == src && (!name || !strcmp(o->groups[i].name, name)))
			return &o->groups[i];
	return NULL;
}

static bool has_problem(const struct goobjects *o, const char *part)
{
	for (size_t i = 0; i < o->problems.nr; i++)
		if (strstr(o->problems.v[i], part))
			return true;
	return false;
}

static bool group_is(const struct go_group *g, uint64_t n, uint64_t bytes,
		     uint64_t res)
{
	return g && g->objects == n && g->bytes == bytes && g->resident == res;
}

/* Every printer over the model, to /dev/null (ASan watches). */
static void print_all(const struct synth_objects_run *r)
{
	struct objects_out_opts oo = { "t.gsnap", "t", 0, 0 };
	struct json_writer w;
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	objects_print_plain(r->o, r->h, &oo, null);
	oo.top = 1;
	objects_print_plain(r->o, r->h, &oo, null);
	jw_init(&w, null, true);
	objects_print_json(r->o, r->h, &oo, &w);
	if (objects_write_pprof(r->o, r->h, &oo, null))
		abort();
	fclose(null);
}

static void test_headers(void)
{
	struct synth_objects_run r;
	const struct go_group *g;

	synth_objects_build(&so, true);
	synth_objects_decode(&so, &r);
	ok(r.o->headers && r.o->header_min == 512 && r.o->header_size == 8,
	   "go1.22+: allocation headers of 8 bytes above 512");
	ok(r.o->objects == 5 && r.o->bytes == 4 * 1024 + 4 * SYN_PAGE,
	   "5 objects, 36864 bytes: below freeindex or in allocBits (%llu, %llu)",
	   (unsigned long long)r.o->objects, (unsigned long long)r.o->bytes);
	ok(r.o->alloc_count_objects == 5 && r.o->alloc_count_bytes == r.o->bytes &&
	   r.o->spans_mismatch == 0 && r.o->spans == 2,
	   "the totals equal the spans' allocCount");
	ok(r.o->resident == 4096 + 4 * 1024 * 4,
	   "resident: span 0 whole, 16 KiB of the large object (%llu)",
	   (unsigned long long)r.o->resident);
	g = find(r.o, GO_TY_HEADER, "main.Big");
	ok(group_is(g, 1, 1024, 1024) && !g->array, "header: one main.Big");
	g = find(r.o, GO_TY_HEADER, "main.Small");
	ok(group_is(g, 1, 1024, 1024) && g->array,
	   "header: main.Small in a 1 KiB slot is a slice's backing array");
	g = find(r.o, GO_TY_LARGETYPE, "main.Huge");
	ok(group_is(g, 1, 4 * SYN_PAGE, 2 * SYN_PAGE) && !g->array,
	   "largeType: one main.Huge, half of it resident");
	g = find(r.o, GO_UNTY_EMPTY, NULL);
	ok(group_is(g, 1, 1024, 1024) && g->sizeclass == 40 && !g->noscan,
	   "a nil header: untyped, by class and shape");
	ok(group_is(find(r.o, GO_UNTY_BADTYPE, NULL), 1, 1024, 1024),
	   "a header that is no type descriptor: untyped, not guessed");
	ok(r.o->typed_objects == 3 && r.o->nr_groups == 5, "3 typed, 5 groups");
	ok(r.o->problems.nr == 0, "no problem");
	print_all(&r);
	synth_objects_done(&r);
}

static void test_bitmap(void)
{
	struct synth_objects_run r;

	synth_objects_build(&so, false);
	synth_objects_decode(&so, &r);
	ok(!r.o->headers && r.o->typed_objects == 0 && r.o->objects == 5 &&
	   r.o->bytes == 4 * 1024 + 4 * SYN_PAGE,
	   "before go1.22: the same 5 objects, none typed");
	ok(r.o->nr_groups == 2 && r.o->groups[1].src == GO_UNTY_BITMAP &&
	   r.o->groups[1].sizeclass == 40 && group_is(&r.o->groups[1], 4, 4096, 4096) &&
	   r.o->groups[0].src == GO_UNTY_BITMAP && r.o->groups[0].sizeclass == 0,
	   "grouped by size class, said to be the heap bitmap's");
	print_all(&r);
	synth_objects_done(&r);
}

static void test_hostile(void)
{
	struct synth_objects_run r;

	synth_objects_build(&so, true);
	synth_put(synth_objects_mspan(&so, 0) + 18, 6, 2);
	synth_objects_decode(&so, &r);
	ok(r.o->objects == 5 && r.o->spans_mismatch == 1 &&
	   has_problem(r.o, "allocCount 6") && r.o->alloc_count_objects == 7,
	   "bits and allocCount disagree: counted by the bits, reported");
	synth_objects_done(&r);

	synth_objects_build(&so, true);
	synth_put(synth_objects_mspan(&so, 0) + OBJ_M_FREEINDEX, 9, 2);
	synth_objects_decode(&so, &r);
	ok(r.o->objects == 1 && r.o->spans_skipped == 1 && r.o->skipped_objects == 4 &&
	   has_problem(r.o, "freeindex 9"), "freeindex past the slots: span skipped, said");
	synth_objects_done(&r);

	synth_objects_build(&so, true);
	synth_put(synth_objects_mspan(&so, 1) + OBJ_M_ALLOCBITS, 0x7000000000ULL, 8);
	synth_objects_decode(&so, &r);
	ok(r.o->objects == 4 && r.o->spans_skipped == 1 &&
	   has_problem(r.o, "allocBits at 0x7000000000"),
	   "allocBits not in the snapshot: span skipped, said");
	synth_objects_done(&r);

	synth_objects_build(&so, true);
	synth_put(synth_objects_mspan(&so, 0) + 32, 100000, 8);
	synth_objects_decode(&so, &r);
	ok(r.o->spans_skipped == 1 && has_problem(r.o, "do not fit"),
	   "more slots than the span holds: skipped, said");
	print_all(&r);
	synth_objects_done(&r);
}

int main(void)
{
	test_headers();
	test_bitmap();
	test_hostile();
	return tap_done();
}
