// SPDX-License-Identifier: GPL-2.0
/*
 * The object graph (cli/decode/gograph.c) on synth_graph.h: marked from
 * the data and bss masks through header and largeType masks; exactly
 * the objects the pointers lead to are reached, a masked-out data word is
 * not followed, an interior pointer marks its object, a cycle ends, a
 * pointer into a free slot is counted and not followed, an object whose
 * type cannot be read is reached and said unscanned; each root is charged
 * with what it reaches first; damage (a moduledata mask of the wrong
 * length, a type larger than its slot) is said, never followed.
 */
#include <stdlib.h>
#include <string.h>

#include "decode/goheap.h"
#include "decode/gograph.h"
#include "out/retain_out.h"
#include "synth_graph.h"
#include "tap.h"

static struct synth_graph sg;

static struct gograph *build(struct goheap **h)
{
	if (synth_graph_open(&sg))
		abort();
	*h = goheap_decode(&sg.o.snap, sg.m, sg.l, "go1.22-synth");
	if (!*h)
		abort();
	return gograph_build(&sg.c, *h);
}

static void done(struct gograph *g, struct goheap *h)
{
	gograph_free(g);
	goheap_free(h);
	synth_graph_close(&sg);
}

static const struct gg_rootent *rootent(const struct gograph *g, const char *name)
{
	for (size_t i = 0; i < g->nr_rootents; i++)
		if (!strcmp(g->rootents[i].name, name))
			return &g->rootents[i];
	return NULL;
}

static void test_marks(void)
{
	const struct gg_rootent *d, *b;
	struct goheap *h;
	struct gograph *g;
	FILE *null = fopen("/dev/null", "w");
	struct json_writer w;
	struct retain_out_opts o = { "synth.gsnap", "synth", 0, 0 };

	synth_graph_build(&sg);
	g = build(&h);
	ok(g && g->scheme == GP_HEADERS && g->objects == 5 && g->bytes == 4 * 1024 + 4 * SYN_PAGE,
	   "headers scheme; 5 allocated objects, %llu bytes",
	   g ? (unsigned long long)g->bytes : 0ULL);
	ok(g->reached_objects == 5 && g->reached_bytes == 4 * 1024 + 4 * SYN_PAGE,
	   "all 5 reached (%llu): objects 0, 1 from data, the large one and object 5 "
	   "from bss, object 2 from a register", (unsigned long long)g->reached_objects);
	ok(gograph_reached(g, 0, 0) == 1 + GG_ROOT_DATA && gograph_reached(g, 0, 1) == 1 + GG_ROOT_DATA &&
	   gograph_reached(g, 0, 2) == 1 + GG_ROOT_REGS && gograph_reached(g, 0, 5) == 1 + GG_ROOT_BSS &&
	   gograph_reached(g, 1, 0) == 1 + GG_ROOT_BSS,
	   "object 2 (its data word masked out) reached only from thread 42's rax; the "
	   "interior pointer and the cycle 0 -> 1 -> 0 mark each once");
	ok(g->to_free == 1 && g->unscanned[GP_NOMEM] == 1 && g->scanned == 3,
	   "the pointer into free slot 3 counted, not followed; object 5's type unreadable: "
	   "reached, said unscanned");
	d = rootent(g, "data+0x0");
	b = rootent(g, "bss+0x0");
	ok(d && d->objects == 2 && d->bytes == 2048 && b && b->objects == 2 &&
	   b->bytes == 4 * SYN_PAGE + 1024 && rootent(g, "thread 42: rax") &&
	   rootent(g, "thread 42: rax")->objects == 1 && g->nr_rootents == 3,
	   "data+0x0 retains objects 0 and 1, bss+0x0 the large object and object 5, "
	   "thread 42: rax object 2");
	ok(g->roots[GG_ROOT_DATA].scanned && g->roots[GG_ROOT_DATA].words == 1 &&
	   g->roots[GG_ROOT_BSS].scanned && !g->roots[GG_ROOT_STACKS].scanned &&
	   strstr(g->roots[GG_ROOT_STACKS].why, "no function table") &&
	   g->roots[GG_ROOT_REGS].scanned && g->roots[GG_ROOT_REGS].words == 15,
	   "one data word taken by its mask; stacks not scanned, said why; the 15 "
	   "general registers of the one thread with registers");
	if (getenv("GRAPH_DEBUG"))
		retain_print_plain(g, h, &o, stdout);
	retain_print_plain(g, h, &o, null);
	jw_init(&w, null, false);
	retain_print_json(g, h, &o, &w);
	ok(retain_write_pprof(g, h, &o, null) == 0, "the profile of the roots is written");
	fclose(null);
	done(g, h);
}

static void test_hostile(void)
{
	struct goheap *h;
	struct gograph *g;

	synth_graph_build(&sg);
	synth_put(sg.rec->data + (GR_MD + 32 - GR_MEM), 9, 4);	/* data mask: 9 bits */
	g = build(&h);
	ok(!g->roots[GG_ROOT_DATA].scanned && strstr(g->roots[GG_ROOT_DATA].why, "9-bit") &&
	   g->reached_objects == 3, "a data mask of the wrong length: data not scanned, said");
	done(g, h);

	synth_graph_build(&sg);
	synth_put(sg.rec->data + (OBJ_T_HUGE - GR_MEM), 1 << 20, 8);	/* past its slot */
	g = build(&h);
	ok(g->unscanned[GP_BADTYPE] == 1 && g->reached_objects == 4,
	   "a type larger than its slot: the object reached, its words not read");
	done(g, h);

	synth_graph_build(&sg);
	synth_put(sg.o.arena->data + SYN_PAGE, SYN_ARENA + SYN_PAGE + 8, 8);	/* self */
	synth_put(sg.o.arena->data + 8, 0xffffffffffff0000ULL, 8);		/* nowhere */
	g = build(&h);
	ok(g->reached_objects == 3 && g->to_free == 1,
	   "a pointer to itself and one to nowhere: nothing more reached");
	done(g, h);
}

int main(void)
{
	test_marks();
	test_hostile();
	return tap_done();
}
