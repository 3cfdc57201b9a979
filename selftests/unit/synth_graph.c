// SPDX-License-Identifier: GPL-2.0
/* The object graph of synth_graph.h. */
#include <stdio.h>
#include <string.h>

#include "synth_graph.h"

/* moduledata: data, edata, bss, ebss, then the two bitvectors */
enum { MD_DATA = 0, MD_EDATA = 8, MD_BSS = 16, MD_EBSS = 24, MD_DMASK = 32,
       MD_BMASK = 48 };

static int g_field(void *priv, const char *type, const char *name,
		   struct gs_field *out)
{
	static const struct { const char *type, *name; uint64_t off, size; } f[] = {
		{ "runtime.moduledata", "data", MD_DATA, 8 },
		{ "runtime.moduledata", "edata", MD_EDATA, 8 },
		{ "runtime.moduledata", "bss", MD_BSS, 8 },
		{ "runtime.moduledata", "ebss", MD_EBSS, 8 },
		{ "runtime.moduledata", "gcdatamask", MD_DMASK, 16 },
		{ "runtime.moduledata", "gcbssmask", MD_BMASK, 16 },
		{ "runtime.bitvector", "n", 0, 4 },
		{ "runtime.bitvector", "bytedata", 8, 8 },
	};

	(void)priv;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(type, f[i].type) && !strcmp(name, f[i].name)) {
			out->offset = f[i].off;
			out->size = f[i].size;
			snprintf(out->type, sizeof(out->type), "uintptr");
			return 0;
		}
	return 1;
}

static int g_global(void *priv, const char *name, uint64_t *addr, char *type,
		    size_t typelen)
{
	(void)priv;
	if (strcmp(name, "runtime.firstmoduledata"))
		return 1;
	*addr = GR_MD;
	snprintf(type, typelen, "runtime.moduledata");
	return 0;
}

const struct gs_layout_ops graph_ops = {
	.name = "synth-graph", .src = GS_LAYOUT_TABLE, .field = g_field,
	.global = g_global,
};

static void put(struct synth_graph *g, uint64_t addr, uint64_t v, int n)
{
	synth_put(g->rec->data + (addr - GR_MEM), v, n);
}

/* A type descriptor: size, ptrdata, and its GC mask at mask. */
static void type(struct synth_graph *g, uint64_t at, uint64_t size, uint64_t ptrdata,
		 uint64_t mask, uint8_t bits)
{
	put(g, at, size, 8);
	put(g, at + 8, ptrdata, 8);
	put(g, at + 32, mask, 8);
	put(g, mask, bits, 1);
}

void synth_graph_build(struct synth_graph *g)
{
	uint8_t *a;

	memset(g, 0, sizeof(*g));
	synth_objects_build(&g->o, true);
	g->rec = (struct gosnap_rec_mem *)g->buf;
	g->rec->addr = GR_MEM;
	g->rec->len = GR_MEM_SIZE;
	type(g, OBJ_T_BIG, 1016, 16, GR_MEM + 0x800, 0x03);
	type(g, OBJ_T_SMALL, 48, 16, GR_MEM + 0x808, 0x02);
	type(g, OBJ_T_HUGE, 30000, 8, GR_MEM + 0x810, 0x01);

	put(g, GR_DATA, SYN_ARENA, 8);			/* -> object 0 */
	put(g, GR_DATA + 8, SYN_ARENA + 2 * 1024, 8);	/* not a pointer */
	put(g, GR_BSS, SYN_ARENA + SYN_PAGE, 8);	/* -> the large object */
	put(g, GR_MEM + 0x1200, 0x01, 1);		/* data's mask: word 0 */
	put(g, GR_MEM + 0x1208, 0x01, 1);		/* bss's */
	put(g, GR_MD + MD_DATA, GR_DATA, 8);
	put(g, GR_MD + MD_EDATA, GR_DATA + 16, 8);
	put(g, GR_MD + MD_BSS, GR_BSS, 8);
	put(g, GR_MD + MD_EBSS, GR_BSS + 8, 8);
	put(g, GR_MD + MD_DMASK, 2, 4);
	put(g, GR_MD + MD_DMASK + 8, GR_MEM + 0x1200, 8);
	put(g, GR_MD + MD_BMASK, 1, 4);
	put(g, GR_MD + MD_BMASK + 8, GR_MEM + 0x1208, 8);

	a = g->o.arena->data;
	synth_put(a + 8, SYN_ARENA + 1024 + 100, 8);	/* object 0 -> 1, inside */
	synth_put(a + 16, SYN_ARENA + 3 * 1024, 8);	/* -> free slot 3 */
	synth_put(a + 1024 + 16, SYN_ARENA + 40, 8);	/* object 1 -> 0 */
	synth_put(a + SYN_PAGE, SYN_ARENA + 5 * 1024, 8);	/* large -> 5 */

	/* by address, as a snapshot's records are */
	g->mems[0] = g->rec;
	g->mems[1] = g->o.mems[0];
	g->mems[2] = g->o.mems[1];
	g->mems[3] = g->o.mems[2];
	g->o.snap.mems = g->mems;
	g->o.snap.nr_mems = 4;

	g->thread.tid = 42;
	g->thread.flags = GOSNAP_THR_REGS | GOSNAP_THR_HIT;
	g->thread.regs.rax = SYN_ARENA + 2 * 1024 + 8;	/* only here: object 2 */
	g->thread.regs.rsp = 0x7ffe0000;		/* not scanned: no heap */
	g->threads[0] = &g->thread;
	g->o.snap.threads = g->threads;
	g->o.snap.nr_threads = 1;
}

int synth_graph_open(struct synth_graph *g)
{
	char err[128];

	g->l = gs_layout_new();
	g->m = gs_mem_open(&g->o.snap, NULL, err, sizeof(err));
	if (!g->l || !g->m || gs_layout_add(g->l, &graph_ops, NULL) ||
	    gs_layout_add(g->l, &obj_ops, &g->o) || gs_layout_add(g->l, &synth_ops, NULL))
		return -1;
	memset(&g->c, 0, sizeof(g->c));
	g->c.snap = g->o.snap;
	g->c.have_snap = true;
	g->c.mem = g->m;
	g->c.layout = g->l;
	g->c.go_minor = 22;
	return 0;
}

void synth_graph_close(struct synth_graph *g)
{
	gs_mem_close(g->m);
	gs_layout_free(g->l);
	g->m = NULL;
	g->l = NULL;
}
