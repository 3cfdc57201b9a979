// SPDX-License-Identifier: GPL-2.0
/*
 * Layout source 1: the executable's DWARF, read with libdw. Go names every
 * type, variable and constant at the top level of its compile units with
 * its Go spelling ("runtime.mspan", "*runtime.mspan", "runtime.mheap_",
 * "runtime.heapArenaBytes"), so one sorted index of top-level names answers
 * every question; struct members are looked up under their type's DIE.
 */
#include "exe/exe.h"
#include "layout/layout.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dw_name {
	const char	*name;	/* points into the DWARF string data */
	Dwarf_Off	off;	/* of the DIE */
	int		tag;
};

struct dw_layout {
	Dwarf		*dw;		/* borrowed from the gs_exe */
	struct dw_name	*names;	/* sorted by name, then kind */
	size_t		nr_names;
};

/* The kinds of top-level DIE a question can be about. */
static bool indexed_tag(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_typedef:
	case DW_TAG_base_type:
	case DW_TAG_pointer_type:
	case DW_TAG_array_type:
	case DW_TAG_variable:
	case DW_TAG_constant:
		return true;
	default:
		return false;
	}
}

static int cmp_name(const void *a, const void *b)
{
	const struct dw_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->tag > y->tag) - (x->tag < y->tag);
}

static int add_name(struct dw_layout *d, size_t *cap, const char *name,
		    Dwarf_Off off, int tag)
{
	if (d->nr_names == *cap) {
		size_t n = *cap ? 2 * *cap : 4096;
		struct dw_name *p = realloc(d->names, n * sizeof(*p));

		if (!p)
			return -1;
		d->names = p;
		*cap = n;
	}
	d->names[d->nr_names++] = (struct dw_name){ name, off, tag };
	return 0;
}

static int build_index(struct dw_layout *d, char *err, size_t errlen)
{
	Dwarf_Off off = 0, next;
	size_t hsize, cap = 0;

	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;
		int r;

		if (!dwarf_offdie(d->dw, off + hsize, &cu)) {
			snprintf(err, errlen, "dwarf_offdie: %s", dwarf_errmsg(-1));
			return -1;
		}
		off = next;
		if (dwarf_child(&cu, &die) != 0)
			continue;
		do {
			int tag = dwarf_tag(&die);
			const char *name;

			if (!indexed_tag(tag) || !(name = dwarf_diename(&die)))
				continue;
			if (add_name(d, &cap, name, dwarf_dieoffset(&die), tag)) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		} while ((r = dwarf_siblingof(&die, &die)) == 0);
		if (r < 0) {
			snprintf(err, errlen, "dwarf_siblingof: %s", dwarf_errmsg(-1));
			return -1;
		}
	}
	qsort(d->names, d->nr_names, sizeof(*d->names), cmp_name);
	return 0;
}

/* The first DIE named name whose tag is accepted by want (NULL: any). */
static bool find_die(struct dw_layout *d, const char *name,
		     bool (*want)(int tag), Dwarf_Die *out)
{
	size_t lo = 0, hi = d->nr_names;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(d->names[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < d->nr_names && !strcmp(d->names[lo].name, name); lo++)
		if ((!want || want(d->names[lo].tag)) &&
		    dwarf_offdie(d->dw, d->names[lo].off, out))
			return true;
	return false;
}

static bool is_type_tag(int tag)
{
	return tag != DW_TAG_variable && tag != DW_TAG_constant;
}

static bool is_var_tag(int tag)
{
	return tag == DW_TAG_variable;
}

static bool is_const_tag(int tag)
{
	return tag == DW_TAG_constant;
}

static int die_size(Dwarf_Die *die, uint64_t *size)
{
	Dwarf_Word w;
	int tag = dwarf_tag(die);

	if (dwarf_aggregate_size(die, &w) == 0) {
		*size = w;
		return 0;
	}
	if (tag == DW_TAG_pointer_type) {
		*size = 8;
		return 0;
	}
	return -1;
}

static int dw_type_size(void *priv, const char *type, uint64_t *size)
{
	struct dw_layout *d = priv;
	Dwarf_Die die;

	if (!find_die(d, type, is_type_tag, &die))
		return 1;
	return die_size(&die, size);
}

/* Peel typedefs: Go names some structs through a typedef. */
static bool struct_die(Dwarf_Die *die)
{
	int depth;

	for (depth = 0; depth < 8; depth++) {
		Dwarf_Attribute a;

		if (dwarf_tag(die) == DW_TAG_structure_type)
			return true;
		if (dwarf_tag(die) != DW_TAG_typedef ||
		    !dwarf_attr(die, DW_AT_type, &a) || !dwarf_formref_die(&a, die))
			return false;
	}
	return false;
}

static int dw_field(void *priv, const char *type, const char *field,
		    struct gs_field *out)
{
	struct dw_layout *d = priv;
	Dwarf_Die die, m;
	int r;

	if (!find_die(d, type, is_type_tag, &die) || !struct_die(&die))
		return 1;
	if (dwarf_child(&die, &m) != 0)
		return 1;
	do {
		Dwarf_Attribute a;
		Dwarf_Word off;
		Dwarf_Die t;
		const char *name, *tname;

		if (dwarf_tag(&m) != DW_TAG_member ||
		    !(name = dwarf_diename(&m)) || strcmp(name, field))
			continue;
		if (!dwarf_attr(&m, DW_AT_data_member_location, &a) ||
		    dwarf_formudata(&a, &off))
			return -1;
		if (!dwarf_attr(&m, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return -1;
		tname = dwarf_diename(&t);
		if (!tname || strlen(tname) >= sizeof(out->type))
			return -1;
		strcpy(out->type, tname);
		out->offset = off;
		if (die_size(&t, &out->size))
			return -1;
		return 0;
	} while ((r = dwarf_siblingof(&m, &m)) == 0);
	return 1;
}

static int dw_constant(void *priv, const char *name, int64_t *value)
{
	struct dw_layout *d = priv;
	Dwarf_Attribute a;
	Dwarf_Die die;

	if (!find_die(d, name, is_const_tag, &die))
		return 1;
	if (!dwarf_attr(&die, DW_AT_const_value, &a))
		return -1;
	if (dwarf_whatform(&a) == DW_FORM_sdata) {
		Dwarf_Sword s;

		if (dwarf_formsdata(&a, &s))
			return -1;
		*value = s;
	} else {
		Dwarf_Word u;

		if (dwarf_formudata(&a, &u))
			return -1;
		*value = (int64_t)u;
	}
	return 0;
}

static int dw_global(void *priv, const char *name, uint64_t *addr, char *type,
		     size_t typelen)
{
	struct dw_layout *d = priv;
	Dwarf_Attribute a;
	Dwarf_Block b;
	Dwarf_Die die, t;
	uint64_t v = 0;
	int i;

	if (!find_die(d, name, is_var_tag, &die))
		return 1;
	/*
	 * Go writes the location as a DW_FORM_block1 holding DW_OP_addr,
	 * which libdw does not take as a location list in a DWARF 4 unit:
	 * read the block itself.
	 */
	if (!dwarf_attr(&die, DW_AT_location, &a) || dwarf_formblock(&a, &b) ||
	    b.length != 9 || b.data[0] != DW_OP_addr)
		return -1;
	for (i = 8; i >= 1; i--)
		v = v << 8 | b.data[i];
	*addr = v;
	if (type && typelen && dwarf_attr(&die, DW_AT_type, &a) &&
	    dwarf_formref_die(&a, &t) && dwarf_diename(&t))
		snprintf(type, typelen, "%s", dwarf_diename(&t));
	return 0;
}

static void dw_close(void *priv)
{
	struct dw_layout *d = priv;

	if (!d)
		return;
	free(d->names);
	free(d);
}

static const struct gs_layout_ops dwarf_ops = {
	.name		= "dwarf",
	.src		= GS_LAYOUT_DWARF,
	.type_size	= dw_type_size,
	.field		= dw_field,
	.constant	= dw_constant,
	.global		= dw_global,
	.close		= dw_close,
};

int gs_layout_add_dwarf(struct gs_layout *l, struct gs_exe *exe, char *err,
			size_t errlen)
{
	struct dw_layout *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->dw = gs_exe_dwarf(exe, err, errlen);
	if (!d->dw) {
		dw_close(d);
		return 1;
	}
	if (build_index(d, err, errlen) || gs_layout_add(l, &dwarf_ops, d)) {
		dw_close(d);
		return -1;
	}
	return 0;
}
