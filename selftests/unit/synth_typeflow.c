// SPDX-License-Identifier: GPL-2.0
/* The type flow's synthetic snapshot of synth_typeflow.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exe/dwtypes.h"
#include "synth_typeflow.h"

/* Defined here, so this object's DWARF describes it; never used as memory. */
__attribute__((used)) struct tf_roots tf_root;

/* moduledata.types, after synth_graph's fields; its bss and ebss */
#define MD_TYPES	64
#define MD_BSS		16
#define MD_EBSS		24
#define MD_BMASK	48	/* its bitvector: n, then bytedata */

static int t_field(void *priv, const char *type, const char *name,
		   struct gs_field *out)
{
	(void)priv;
	if (strcmp(type, "runtime.moduledata") || strcmp(name, "types"))
		return 1;
	out->offset = MD_TYPES;
	out->size = 8;
	snprintf(out->type, sizeof(out->type), "uintptr");
	return 0;
}

static const struct gs_layout_ops tf_ops = {
	.name = "synth-typeflow", .src = GS_LAYOUT_TABLE, .field = t_field,
};

/* tf_root's address in this program's DWARF, or 0. */
static uint64_t root_addr(struct gs_exe *x)
{
	char err[256];
	Dwarf *dw = gs_exe_dwarf(x, err, sizeof(err));
	struct dwtypes *t = dw ? dwtypes_open(dw, err, sizeof(err)) : NULL;
	const struct dwt_global *g;
	uint64_t a = 0;
	size_t n, i;

	if (!t)
		return 0;
	g = dwt_globals(t, &n);
	for (i = 0; i < n; i++)
		if (!strcmp(g[i].name, "tf_root"))
			a = g[i].addr;
	dwtypes_close(t);
	return a;
}

void synth_typeflow_build(struct synth_typeflow *t)
{
	static struct gs_exe *x;
	static uint64_t root;
	struct tf_roots r = {
		.big = (void *)(uintptr_t)(SYN_ARENA + 2 * 1024 + 8),
		.mid = (void *)(uintptr_t)(SYN_ARENA + 1024 + 100),
		.noptr = (void *)(uintptr_t)(SYN_ARENA + 8),
		.opaque = (void *)(uintptr_t)(SYN_ARENA + SYN_PAGE),
		.free = (void *)(uintptr_t)(SYN_ARENA + 3 * 1024 + 8),
	};
	uint8_t *a;
	size_t i, n = 0;
	char err[256];

	if (!x) {
		x = gs_exe_open("/proc/self/exe", err, sizeof(err));
		root = x ? root_addr(x) : 0;
		if (!root) {
			fprintf(stderr, "synth_typeflow: no tf_root in this program's DWARF "
				"(%s)\n", x ? "built without -g?" : err);
			abort();
		}
	}
	memset(t->buf, 0, sizeof(t->buf));
	synth_graph_build(&t->g);
	t->x = x;
	t->root = root;
	t->rec = (struct gosnap_rec_mem *)t->buf;
	t->rec->addr = root;
	t->rec->len = sizeof(r);
	memcpy(t->rec->data, &r, sizeof(r));
	synth_put(t->g.rec->data + (GR_MD + MD_TYPES - GR_MEM), TF_TYPES, 8);
	/* tf_root is the bss: where the flow reads globals with pointers,
	 * every word of it a pointer in the runtime's mask of it */
	synth_put(t->g.rec->data + (GR_MD + MD_BSS - GR_MEM), root, 8);
	synth_put(t->g.rec->data + (GR_MD + MD_EBSS - GR_MEM), root + sizeof(r), 8);
	synth_put(t->g.rec->data + (GR_MD + MD_BMASK - GR_MEM), sizeof(r) / 8, 4);
	synth_put(t->g.rec->data + (GR_MEM + 0x1208 - GR_MEM), (1U << (sizeof(r) / 8)) - 1, 1);

	a = t->g.o.arena->data;
	/* object 2: a tf_big whose first -> object 5 */
	synth_put(a + 2 * 1024 + 8, SYN_ARENA + 5 * 1024 + 8, 8);
	/* object 5: tf_small[0].next -> itself, [1].next -> object 1 */
	synth_put(a + 5 * 1024 + 8, SYN_ARENA + 5 * 1024 + 8, 8);
	synth_put(a + 5 * 1024 + 8 + 48, SYN_ARENA + 1024 + 8, 8);

	/* by address, as a snapshot's records are; tf_root's overlaps none */
	for (i = 0; i < t->g.o.snap.nr_mems; i++) {
		const struct gosnap_rec_mem *m = t->g.mems[i];

		if (root < m->addr + m->len && m->addr < root + sizeof(r)) {
			fprintf(stderr, "synth_typeflow: tf_root at 0x%llx overlaps the "
				"record at 0x%llx\n", (unsigned long long)root,
				(unsigned long long)m->addr);
			abort();
		}
		if (t->rec && root < m->addr) {
			t->mems[n++] = t->rec;
			t->rec = NULL;
		}
		t->mems[n++] = m;
	}
	if (t->rec)
		t->mems[n++] = t->rec;
	t->rec = (struct gosnap_rec_mem *)t->buf;
	t->g.o.snap.mems = t->mems;
	t->g.o.snap.nr_mems = n;
}

int synth_typeflow_open(struct synth_typeflow *t)
{
	if (synth_graph_open(&t->g) || gs_layout_add(t->g.l, &tf_ops, NULL))
		return -1;
	t->g.c.snap = t->g.o.snap;
	t->g.c.x = t->x;
	t->g.c.bias = 0;
	return 0;
}

void synth_typeflow_close(struct synth_typeflow *t)
{
	synth_graph_close(&t->g);
}
