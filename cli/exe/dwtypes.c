// SPDX-License-Identifier: GPL-2.0
/*
 * The DWARF types of dwtypes.h: one pass over the compile units' top
 * level for the globals, the functions and the types that name a runtime
 * descriptor, then every type built from its DIE when first asked for,
 * kept in one array and found again through a hash of DIE offsets.
 */
#include "exe/dwtypes.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Go's own attributes (cmd/internal/dwarf). */
#define DW_AT_go_kind		0x2900
#define DW_AT_go_elem		0x2902
#define DW_AT_go_runtime_type	0x2904

#define GO_KIND_FUNC		19
#define GO_KIND_INTERFACE	20
#define GO_KIND_SLICE		23
#define GO_KIND_STRING		24
#define GO_KIND_UNSAFEPTR	26

#define DWT_MAX_DEPTH		64	/* values inside values */

struct dwt_rt {
	uint64_t	off;		/* from moduledata.types */
	Dwarf_Off	die;
};

struct dwt_func {
	uint64_t	lo, hi;
	Dwarf_Off	die;
};

struct dwtypes {
	Dwarf		*dw;
	struct dwt	*types;		/* [0]: DWT_NONE */
	size_t		nr, cap;
	struct dwt_field *fields;
	size_t		nr_fields, cap_fields;
	struct dwt_leaf	*leaves;		/* dwleaves.c's */
	size_t		nr_leaves, cap_leaves;
	/* DIE offset -> type index + 1, open addressing */
	Dwarf_Off	*hkey;
	uint32_t	*hval;
	size_t		hcap, hused;
	struct dwt_global *globals;
	size_t		nr_globals, cap_globals;
	struct dwt_rt	*rts;		/* by off */
	size_t		nr_rts, cap_rts;
	struct dwt_func	*funcs;		/* by lo */
	size_t		nr_funcs, cap_funcs;
};

/* ---- small helpers --------------------------------------------------- */

/* Room in the array (*v, *cap) of elem-sized entries for need of them. */
static bool reserve(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 256;
	void *n;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	n = realloc(*v, c * elem);
	if (!n)
		return false;
	*v = n;
	*cap = c;
	return true;
}

static bool grow(void **v, size_t *cap, size_t nr, size_t elem)
{
	return reserve(v, cap, nr + 1, elem);
}

static bool attr_udata(Dwarf_Die *die, unsigned int name, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Addr ad;

	if (!dwarf_attr_integrate(die, name, &a))
		return false;
	if (dwarf_whatform(&a) == DW_FORM_addr) {
		if (dwarf_formaddr(&a, &ad))
			return false;
		*v = ad;
		return true;
	}
	if (dwarf_formudata(&a, &w))
		return false;
	*v = w;
	return true;
}

/* The DIE an attribute refers to, as an offset; 0 if none. */
static Dwarf_Off attr_ref(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, name, &a) || !dwarf_formref_die(&a, &t))
		return 0;
	return dwarf_dieoffset(&t);
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *s = NULL;

	if (dwarf_attr_integrate(die, DW_AT_name, &a))
		s = dwarf_formstring(&a);
	return s ? s : "?";
}

/* ---- the DIE -> type hash --------------------------------------------- */

static uint64_t hmix(Dwarf_Off k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	return k ^ (k >> 33);
}

static uint32_t hget(const struct dwtypes *t, Dwarf_Off k)
{
	size_t i;

	if (!t->hcap)
		return 0;
	for (i = hmix(k) & (t->hcap - 1); t->hval[i]; i = (i + 1) & (t->hcap - 1))
		if (t->hkey[i] == k)
			return t->hval[i];
	return 0;
}

static bool hput(struct dwtypes *t, Dwarf_Off k, uint32_t v)
{
	size_t i;

	if (2 * (t->hused + 1) > t->hcap) {
		size_t cap = t->hcap ? 2 * t->hcap : 1024, j;
		Dwarf_Off *nk = calloc(cap, sizeof(*nk));
		uint32_t *nv = calloc(cap, sizeof(*nv));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return false;
		}
		for (j = 0; j < t->hcap; j++) {
			if (!t->hval[j])
				continue;
			for (i = hmix(t->hkey[j]) & (cap - 1); nv[i]; i = (i + 1) & (cap - 1))
				;
			nk[i] = t->hkey[j];
			nv[i] = t->hval[j];
		}
		free(t->hkey);
		free(t->hval);
		t->hkey = nk;
		t->hval = nv;
		t->hcap = cap;
	}
	for (i = hmix(k) & (t->hcap - 1); t->hval[i]; i = (i + 1) & (t->hcap - 1))
		if (t->hkey[i] == k) {
			t->hval[i] = v;
			return true;
		}
	t->hkey[i] = k;
	t->hval[i] = v;
	t->hused++;
	return true;
}

/* ---- building a type -------------------------------------------------- */

static uint32_t build(struct dwtypes *t, Dwarf_Off off, int depth);

/* A new type for DIE off (kind OTHER, size 0); DWT_NONE when full. */
static uint32_t new_type(struct dwtypes *t, Dwarf_Off off, Dwarf_Die *die)
{
	uint32_t i;

	if (t->nr >= DWT_MAX_TYPES ||
	    !grow((void **)&t->types, &t->cap, t->nr, sizeof(*t->types)))
		return DWT_NONE;
	i = (uint32_t)t->nr++;
	memset(&t->types[i], 0, sizeof(t->types[i]));
	t->types[i].die = off;
	t->types[i].name = die_name(die);
	if (!hput(t, off, i)) {
		t->nr--;
		return DWT_NONE;
	}
	return i;
}

/* The pointee DIE of the pointer-typed member name of struct die. */
static Dwarf_Off member_pointee(Dwarf_Die *die, const char *name, uint64_t *moff)
{
	Dwarf_Die m, p;

	if (dwarf_child(die, &m))
		return 0;
	do {
		Dwarf_Off po;

		if (dwarf_tag(&m) != DW_TAG_member || strcmp(die_name(&m), name))
			continue;
		if (moff && !attr_udata(&m, DW_AT_data_member_location, moff))
			return 0;
		po = attr_ref(&m, DW_AT_type);
		if (!po || !dwarf_offdie(dwarf_cu_getdwarf(m.cu), po, &p))
			return 0;
		while (dwarf_tag(&p) == DW_TAG_typedef) {
			po = attr_ref(&p, DW_AT_type);
			if (!po || !dwarf_offdie(dwarf_cu_getdwarf(p.cu), po, &p))
				return 0;
		}
		return dwarf_tag(&p) == DW_TAG_pointer_type ? attr_ref(&p, DW_AT_type) : 0;
	} while (dwarf_siblingof(&m, &m) == 0);
	return 0;
}

/* The offset of member name of struct die. */
static bool member_offset(Dwarf_Die *die, const char *name, uint64_t *off)
{
	Dwarf_Die m;

	if (dwarf_child(die, &m))
		return false;
	do {
		if (dwarf_tag(&m) == DW_TAG_member && !strcmp(die_name(&m), name))
			return attr_udata(&m, DW_AT_data_member_location, off);
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/* An interface typedef: runtime.eface, or runtime.iface and its itab. */
static void build_iface(struct dwtypes *t, uint32_t i, Dwarf_Die *under)
{
	const char *n = die_name(under);
	struct dwt *ty = &t->types[i];
	Dwarf_Die itab;
	Dwarf_Off io;
	uint64_t off;

	ty->size = 16;
	ty->ptrdata = true;
	if (!strcmp(n, "runtime.eface")) {
		ty->kind = DWT_EFACE;
		ty->hasptr = true;
		return;
	}
	if (strcmp(n, "runtime.iface"))
		return;
	io = member_pointee(under, "tab", NULL);
	if (!io || !dwarf_offdie(t->dw, io, &itab))
		return;
	/* runtime.itab._type (go1.19-1.21), internal/abi.ITab.Type since */
	if (!member_offset(&itab, "_type", &off) &&
	    !member_offset(&itab, "Type", &off))
		return;
	ty->kind = DWT_IFACE;
	ty->itab_type = off;
	ty->hasptr = true;
}

/* A struct's members, built, appended to the field table together. */
static void build_struct(struct dwtypes *t, uint32_t i, Dwarf_Die *die, int depth)
{
	struct dwt_field *tmp = NULL;
	size_t n = 0, cap = 0, k;
	bool hasptr = false, ptrdata = false, dir_ptr = false, dir_len = false;
	Dwarf_Die m;

	if (dwarf_child(die, &m) == 0) {
		do {
			struct dwt_field f;
			Dwarf_Off fo;

			if (dwarf_tag(&m) != DW_TAG_member)
				continue;
			fo = attr_ref(&m, DW_AT_type);
			f.name = die_name(&m);
			if (!fo || !attr_udata(&m, DW_AT_data_member_location, &f.off))
				continue;
			f.type = build(t, fo, depth + 1);
			if (f.type == DWT_NONE)
				continue;
			dir_ptr |= !strcmp(f.name, "dirPtr");
			dir_len |= !strcmp(f.name, "dirLen");
			hasptr |= t->types[f.type].hasptr;
			ptrdata |= t->types[f.type].ptrdata;
			if (!grow((void **)&tmp, &cap, n, sizeof(*tmp)))
				break;
			tmp[n++] = f;
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	if (reserve((void **)&t->fields, &t->cap_fields, t->nr_fields + n,
		    sizeof(*t->fields))) {
		for (k = 0; k < n; k++)
			t->fields[t->nr_fields + k] = tmp[k];
		t->types[i].fields = (uint32_t)t->nr_fields;
		t->types[i].nfields = (uint32_t)n;
		t->nr_fields += n;
		t->types[i].hasptr = hasptr;
		t->types[i].ptrdata = ptrdata;
	}
	t->types[i].kind = DWT_STRUCT;
	t->types[i].swiss_map = dir_ptr && dir_len &&
				!strncmp(t->types[i].name, "map<", 4);
	free(tmp);
}

static void build_array(struct dwtypes *t, uint32_t i, Dwarf_Die *die, int depth)
{
	Dwarf_Off eo = attr_ref(die, DW_AT_type);
	uint64_t count = 0, ub;
	uint32_t e;
	Dwarf_Die sr;

	if (dwarf_child(die, &sr) == 0 && dwarf_tag(&sr) == DW_TAG_subrange_type) {
		if (!attr_udata(&sr, DW_AT_count, &count) &&
		    attr_udata(&sr, DW_AT_upper_bound, &ub))
			count = ub + 1;
	}
	e = eo ? build(t, eo, depth + 1) : DWT_NONE;
	t->types[i].kind = DWT_ARRAY;
	t->types[i].count = count;
	t->types[i].elem_die = eo;
	t->types[i].elem = e;
	t->types[i].hasptr = e != DWT_NONE && count && t->types[e].hasptr;
	t->types[i].ptrdata = e != DWT_NONE && count && t->types[e].ptrdata;
}

/* The type of DIE off; typedefs are their target's type. */
static uint32_t build(struct dwtypes *t, Dwarf_Off off, int depth)
{
	uint32_t i = hget(t, off), j;
	uint64_t v = 0;
	Dwarf_Die die, under;
	Dwarf_Off to;
	int go_kind = 0;

	if (i)
		return i;
	if (depth > DWT_MAX_DEPTH || !dwarf_offdie(t->dw, off, &die))
		return DWT_NONE;
	if (attr_udata(&die, DW_AT_go_kind, &v))
		go_kind = (int)v;
	if (dwarf_tag(&die) == DW_TAG_typedef) {
		to = attr_ref(&die, DW_AT_type);
		if (go_kind == GO_KIND_INTERFACE && to && dwarf_offdie(t->dw, to, &under)) {
			i = new_type(t, off, &die);
			if (i)
				build_iface(t, i, &under);
			return i;
		}
		j = to ? build(t, to, depth + 1) : DWT_NONE;
		if (j && !hput(t, off, j))
			return DWT_NONE;
		return j;
	}
	i = new_type(t, off, &die);
	if (!i)
		return DWT_NONE;
	t->types[i].go_kind = go_kind;
	if (attr_udata(&die, DW_AT_byte_size, &v))
		t->types[i].size = v;
	if (attr_udata(&die, DW_AT_go_runtime_type, &v))
		t->types[i].rtype_off = v;
	switch (dwarf_tag(&die)) {
	case DW_TAG_pointer_type:
		t->types[i].size = 8;
		t->types[i].ptrdata = true;
		t->types[i].elem_die = attr_ref(&die, DW_AT_type);
		if (go_kind != GO_KIND_UNSAFEPTR && t->types[i].elem_die) {
			t->types[i].kind = DWT_PTR;
			t->types[i].hasptr = true;
		} else {
			t->types[i].kind = DWT_UNSAFE;
		}
		break;
	case DW_TAG_structure_type:
		if (go_kind == GO_KIND_SLICE || go_kind == GO_KIND_STRING)
			t->types[i].ptrdata = true;
		if (go_kind == GO_KIND_SLICE) {
			t->types[i].kind = DWT_SLICE;
			t->types[i].elem_die = attr_ref(&die, DW_AT_go_elem);
			t->types[i].hasptr = t->types[i].elem_die != 0;
		} else if (go_kind == GO_KIND_STRING) {
			t->types[i].kind = DWT_STRING;
			t->types[i].elem_die = member_pointee(&die, "str", NULL);
			t->types[i].hasptr = t->types[i].elem_die != 0;
		} else {
			build_struct(t, i, &die, depth);
		}
		break;
	case DW_TAG_array_type:
		build_array(t, i, &die, depth);
		break;
	case DW_TAG_subroutine_type:
		/* a func value points to its closure, which has no type here:
		 * not followed */
		t->types[i].ptrdata = go_kind == GO_KIND_FUNC;
		break;
	default:
		break;
	}
	return i;
}

uint32_t dwt_of_die(struct dwtypes *t, Dwarf_Off off)
{
	return off ? build(t, off, 0) : DWT_NONE;
}

uint32_t dwt_of_rtype(struct dwtypes *t, uint64_t off)
{
	size_t lo = 0, hi = t->nr_rts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rts[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->nr_rts || t->rts[lo].off != off)
		return DWT_NONE;
	return build(t, t->rts[lo].die, 0);
}

const struct dwt *dwt_get(const struct dwtypes *t, uint32_t ty)
{
	return &t->types[ty < t->nr ? ty : 0];
}

const struct dwt_field *dwt_field(const struct dwtypes *t, uint32_t ty, uint32_t i)
{
	return &t->fields[t->types[ty].fields + i];
}

const struct dwt_field *dwt_field_named(const struct dwtypes *t, uint32_t ty,
					const char *name)
{
	const struct dwt *d = dwt_get(t, ty);
	uint32_t i;

	for (i = 0; d->kind == DWT_STRUCT && i < d->nfields; i++)
		if (!strcmp(t->fields[d->fields + i].name, name))
			return &t->fields[d->fields + i];
	return NULL;
}

uint32_t dwt_elem(struct dwtypes *t, uint32_t ty)
{
	uint32_t e;

	if (ty >= t->nr || !t->types[ty].elem_die)
		return DWT_NONE;
	if (t->types[ty].elem)
		return t->types[ty].elem;
	e = build(t, t->types[ty].elem_die, 0);
	t->types[ty].elem = e;
	return e;
}

const struct dwt_global *dwt_globals(const struct dwtypes *t, size_t *n)
{
	*n = t->nr_globals;
	return t->globals;
}

/* ---- the index -------------------------------------------------------- */

/*
 * A variable at one address: its location is exactly DW_OP_addr A. Go
 * writes it as a DW_FORM_block1 in DWARF 4, which libdw's location
 * readers refuse there: the block is read as it is.
 */
static bool global_addr(Dwarf_Die *die, uint64_t *addr)
{
	Dwarf_Attribute a, r;
	Dwarf_Block b;
	Dwarf_Addr ad;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(die, DW_AT_location, &a))
		return false;
	if (dwarf_formblock(&a, &b) == 0 && b.length == 9 && b.data[0] == DW_OP_addr) {
		memcpy(addr, b.data + 1, 8);	/* x86-64: little-endian, as the host */
		return true;
	}
	/* DWARF 5 (C's, in the unit tests): DW_OP_addr or DW_OP_addrx */
	if (dwarf_getlocation(&a, &ops, &n) || n != 1)
		return false;
	if (ops[0].atom == DW_OP_addr) {
		*addr = ops[0].number;
		return true;
	}
	if (ops[0].atom != DW_OP_addrx || dwarf_getlocation_attr(&a, ops, &r) ||
	    dwarf_formaddr(&r, &ad))
		return false;
	*addr = ad;
	return true;
}

static bool index_die(struct dwtypes *t, Dwarf_Die *die)
{
	uint64_t v, lo, hi;
	Dwarf_Addr a, b;
	int tag = dwarf_tag(die);

	if (tag == DW_TAG_variable && global_addr(die, &v)) {
		if (!grow((void **)&t->globals, &t->cap_globals, t->nr_globals,
			  sizeof(*t->globals)))
			return false;
		t->globals[t->nr_globals++] = (struct dwt_global){
			v, attr_ref(die, DW_AT_type), die_name(die) };
	} else if (tag == DW_TAG_subprogram && dwarf_lowpc(die, &a) == 0 &&
		   dwarf_highpc(die, &b) == 0 && b > a) {
		lo = a;
		hi = b;
		if (!grow((void **)&t->funcs, &t->cap_funcs, t->nr_funcs, sizeof(*t->funcs)))
			return false;
		t->funcs[t->nr_funcs++] = (struct dwt_func){ lo, hi, dwarf_dieoffset(die) };
	} else if (tag != DW_TAG_variable && tag != DW_TAG_subprogram &&
		   attr_udata(die, DW_AT_go_runtime_type, &v) && v) {
		if (!grow((void **)&t->rts, &t->cap_rts, t->nr_rts, sizeof(*t->rts)))
			return false;
		t->rts[t->nr_rts++] = (struct dwt_rt){ v, dwarf_dieoffset(die) };
	}
	return true;
}

static int cmp_rt(const void *a, const void *b)
{
	const struct dwt_rt *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

static int cmp_func(const void *a, const void *b)
{
	const struct dwt_func *x = a, *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

struct dwtypes *dwtypes_open(Dwarf *d, char *err, size_t errlen)
{
	struct dwtypes *t = calloc(1, sizeof(*t));
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->dw = d;
	t->types = calloc(1, sizeof(*t->types));
	if (!t->types)
		goto oom;
	t->nr = t->cap = 1;
	t->types[0].name = "?";
	while (dwarf_nextcu(d, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;

		if (dwarf_offdie(d, off + hsize, &cu) && dwarf_child(&cu, &die) == 0) {
			do {
				if (!index_die(t, &die))
					goto oom;
			} while (dwarf_siblingof(&die, &die) == 0);
		}
		off = next;
	}
	if (!t->nr_globals && !t->nr_funcs) {
		snprintf(err, errlen, "its DWARF names no global and no function");
		dwtypes_close(t);
		return NULL;
	}
	if (t->nr_rts)	/* C's DWARF, say, names no runtime type */
		qsort(t->rts, t->nr_rts, sizeof(*t->rts), cmp_rt);
	if (t->nr_funcs)
		qsort(t->funcs, t->nr_funcs, sizeof(*t->funcs), cmp_func);
	return t;
oom:
	snprintf(err, errlen, "out of memory");
	dwtypes_close(t);
	return NULL;
}

void dwtypes_close(struct dwtypes *t)
{
	if (!t)
		return;
	free(t->types);
	free(t->fields);
	free(t->leaves);
	free(t->hkey);
	free(t->hval);
	free(t->globals);
	free(t->rts);
	free(t->funcs);
	free(t);
}

struct dwt *dwt_mut(struct dwtypes *t, uint32_t ty)
{
	return &t->types[ty < t->nr ? ty : 0];
}

struct dwt_leaf *dwt_leaf_table(struct dwtypes *t, size_t add, size_t *at)
{
	if (!reserve((void **)&t->leaves, &t->cap_leaves, t->nr_leaves + add + 1,
		     sizeof(*t->leaves)))
		return NULL;
	*at = t->nr_leaves;
	t->nr_leaves += add;
	return t->leaves;
}

Dwarf *dwt_dwarf(const struct dwtypes *t)
{
	return t->dw;
}

bool dwt_func_at(const struct dwtypes *t, uint64_t pc, Dwarf_Off *die)
{
	size_t lo = 0, hi = t->nr_funcs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->funcs[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || pc >= t->funcs[lo - 1].hi)
		return false;
	*die = t->funcs[lo - 1].die;
	return true;
}
