// SPDX-License-Identifier: GPL-2.0
/*
 * The objects of synth_objects.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_objects.h"

static int o_field(void *priv, const char *type, const char *name,
		   struct gs_field *out)
{
	static const struct { const char *name; uint64_t off, size; } f[] = {
		{ "largeType", OBJ_M_LARGETYPE, 8 },
		{ "allocBits", OBJ_M_ALLOCBITS, 8 },
		{ "freeindex", OBJ_M_FREEINDEX, 2 },
	};
	const struct synth_objects *o = priv;

	if (strcmp(type, "runtime.mspan"))
		return 1;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(name, f[i].name) && (o->headers || i)) {
			out->offset = f[i].off;
			out->size = f[i].size;
			snprintf(out->type, sizeof(out->type), "%s", i ? "uintptr" : "*runtime._type");
			return 0;
		}
	return 1;
}

static int o_const(void *priv, const char *name, int64_t *v)
{
	const struct synth_objects *o = priv;

	if (!o->headers)
		return 1;
	if (!strcmp(name, "runtime.minSizeForMallocHeader"))
		*v = 512;
	else if (!strcmp(name, "runtime.mallocHeaderSize"))
		*v = 8;
	else
		return 1;
	return 0;
}

static int o_type_at(void *priv, uint64_t addr, char *name, size_t namelen,
		     uint64_t *size)
{
	static const struct { uint64_t addr; const char *name; uint64_t size; } t[] = {
		{ OBJ_T_BIG, "main.Big", 1016 },
		{ OBJ_T_SMALL, "main.Small", 48 },
		{ OBJ_T_HUGE, "main.Huge", 30000 },
	};

	(void)priv;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].addr == addr) {
			snprintf(name, namelen, "%s", t[i].name);
			*size = t[i].size;
			return 0;
		}
	return 1;
}

const struct gs_layout_ops obj_ops = {
	.name = "synth-objects", .src = GS_LAYOUT_TABLE, .field = o_field,
	.constant = o_const, .type_at = o_type_at,
};

uint8_t *synth_objects_mspan(struct synth_objects *o, int i)
{
	return synth_at(&o->s, SYN_META + SYN_O_SPANS + 64 * (uint64_t)i);
}

void synth_objects_build(struct synth_objects *o, bool headers)
{
	uint8_t *m0, *m1, *a;

	memset(o, 0, sizeof(*o));
	synth_build(&o->s);
	o->headers = headers;
	o->arena = (struct gosnap_rec_mem *)o->arena_buf;
	o->arena->addr = SYN_ARENA;
	o->arena->len = OBJ_ARENA_MEM;
	a = o->arena->data;

	/* span 0: one page of 1 KiB scan objects (class 40), 4 allocated */
	m0 = synth_objects_mspan(o, 0);
	m0[17] = 40 << 1;
	synth_put(m0 + 18, 4, 2);
	synth_put(m0 + 24, 1024, 8);
	synth_put(m0 + 32, 8, 8);
	synth_put(m0 + OBJ_M_ALLOCBITS, OBJ_BITS, 8);
	synth_put(m0 + OBJ_M_FREEINDEX, 3, 2);
	synth_put(synth_at(&o->s, OBJ_BITS), 1 << 5 | 1 << 1, 1);
	synth_put(a + 0 * 1024, OBJ_T_BIG, 8);
	synth_put(a + 1 * 1024, OBJ_T_SMALL, 8);
	synth_put(a + 5 * 1024, 0xdead, 8);
	synth_put(a + 6 * 1024, OBJ_T_BIG, 8);	/* free: not counted */

	/* span 1: a large scan object */
	m1 = synth_objects_mspan(o, 1);
	m1[17] = 0;
	synth_put(m1 + 24, 4 * SYN_PAGE, 8);
	synth_put(m1 + 32, 1, 8);
	synth_put(m1 + OBJ_M_LARGETYPE, OBJ_T_HUGE, 8);
	synth_put(m1 + OBJ_M_ALLOCBITS, OBJ_BITS1, 8);
	synth_put(m1 + OBJ_M_FREEINDEX, 1, 2);

	o->mems[0] = o->s.meta;
	o->mems[1] = o->arena;
	o->mems[2] = o->s.wbufs;
	o->snap = o->s.snap;
	o->snap.mems = o->mems;
	o->snap.nr_mems = 3;
}

void synth_objects_decode(struct synth_objects *o, struct synth_objects_run *r)
{
	char err[128];

	r->l = gs_layout_new();
	r->m = gs_mem_open(&o->snap, NULL, err, sizeof(err));
	if (!r->l || !r->m || gs_layout_add(r->l, &obj_ops, o) ||
	    gs_layout_add(r->l, &synth_ops, NULL))
		abort();
	r->h = goheap_decode(&o->snap, r->m, r->l, "go1.22-synth");
	r->o = r->h ? goobjects_decode(&o->snap, r->m, r->l, r->h, NULL) : NULL;
	if (!r->o)
		abort();
}

void synth_objects_done(struct synth_objects_run *r)
{
	goobjects_free(r->o);
	goheap_free(r->h);
	gs_mem_close(r->m);
	gs_layout_free(r->l);
}
