// SPDX-License-Identifier: GPL-2.0
/*
 * Layout source 2: the runtime type descriptors (layout_typedesc.h).
 *
 * Descriptor layout on amd64, go1.19 to go1.26 (abi.Type): size at 0,
 * ptrdata 8, hash 16, tflag 20, align 21, fieldAlign 22, kind 23 (low 5
 * bits), equal 24, gcdata 32, str (name offset from moduledata.types) 40,
 * ptrToThis 44; 48 bytes. Then by kind: array {elem, slice, len}, pointer
 * and slice {elem}, struct {pkgPath name, fields []{name, typ, offset}}
 * (field offsets are plain since go1.19). The uncommon part (pkgPath name
 * offset at its start) follows the kind's part when tflag says so.
 * A name is a flags byte, a uvarint length, then the bytes.
 */
#include "layout/layout_typedesc.h"

#include <stdio.h>
#include <stdlib.h>
#include <gelf.h>
#include <string.h>

#include "exe/elfsym.h"
#include "exe/exe.h"
#include "layout/layout_table.h"

#define TD_HDR		48
#define TD_NAME_MAX	512
#define TD_MAX_FIELDS	4096
#define TD_MAX_DEPTH	12
#define TD_MAX_TYPES	(64ULL << 20)	/* a bigger types section is damage */

enum td_kind {
	K_BOOL = 1, K_INT, K_INT8, K_INT16, K_INT32, K_INT64, K_UINT, K_UINT8,
	K_UINT16, K_UINT32, K_UINT64, K_UINTPTR, K_FLOAT32, K_FLOAT64,
	K_COMPLEX64, K_COMPLEX128, K_ARRAY, K_CHAN, K_FUNC, K_INTERFACE, K_MAP,
	K_PTR, K_SLICE, K_STRING, K_STRUCT, K_UNSAFEPTR,
};

#define TFLAG_UNCOMMON	0x01
#define TFLAG_EXTRASTAR	0x02
#define TFLAG_NAMED	0x04

struct td_hdr {
	uint64_t	size;
	uint8_t		tflag, align, field_align, kind;
	int32_t		str;
};

struct td_named {
	char		*name;
	uint64_t	addr;
};

struct gs_typedesc {
	gs_vmem_fn	read;
	void		*ctx;
	uint64_t	types, etypes;
	struct td_named	*named;
	size_t		nr_named, cap_named;
	/*
	 * Unnamed structs, by their DWARF-style name: a field path goes
	 * through them (runtime.spanQueue.chain.tail). Not listed.
	 */
	struct td_named	*anon;
	size_t		nr_anon, cap_anon;
};

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool rd64(const struct gs_typedesc *td, uint64_t addr, uint64_t *v)
{
	const uint8_t *p = td->read(td->ctx, addr, 8);

	if (!p)
		return false;
	*v = le64(p);
	return true;
}

static bool in_types(const struct gs_typedesc *td, uint64_t addr)
{
	return addr >= td->types && addr < td->etypes;
}

static bool read_hdr(const struct gs_typedesc *td, uint64_t addr,
		     struct td_hdr *h)
{
	const uint8_t *p;

	if (!in_types(td, addr) || addr % 8 || !(p = td->read(td->ctx, addr, TD_HDR)))
		return false;
	h->size = le64(p);
	h->tflag = p[20];
	h->align = p[21];
	h->field_align = p[22];
	h->kind = p[23] & 0x1f;
	h->str = (int32_t)le32(p + 40);
	return true;
}

#define NAME_EXPORTED	0x01
#define NAME_EMBEDDED	0x08

/* A name's bytes (flags, uvarint length, data) at addr into out. */
static bool read_name_flags(const struct gs_typedesc *td, uint64_t addr,
			    char *out, size_t outlen, uint8_t *flags)
{
	const uint8_t *p;
	uint64_t len = 0;
	size_t i;
	int shift = 0;

	for (i = 1; i < 4; i++, shift += 7) {
		if (!(p = td->read(td->ctx, addr + i, 1)))
			return false;
		len |= (uint64_t)(p[0] & 0x7f) << shift;
		if (!(p[0] & 0x80))
			break;
	}
	if (i == 4 || len >= outlen || len >= TD_NAME_MAX ||
	    !(p = td->read(td->ctx, addr, 1)))
		return false;
	if (flags)
		*flags = p[0];
	if (len && !(p = td->read(td->ctx, addr + i + 1, (size_t)len)))
		return false;
	for (size_t k = 0; k < len; k++) {
		if (p[k] < 0x20 || p[k] > 0x7e)
			return false;
		out[k] = (char)p[k];
	}
	out[len] = '\0';
	return true;
}

static bool read_name(const struct gs_typedesc *td, uint64_t addr, char *out,
		      size_t outlen)
{
	return read_name_flags(td, addr, out, outlen, NULL);
}

static bool pow2_le8(uint8_t a)
{
	return a == 1 || a == 2 || a == 4 || a == 8;
}

/* The size every descriptor of this kind must have (0: any). */
static uint64_t kind_size(uint8_t kind)
{
	switch (kind) {
	case K_BOOL: case K_INT8: case K_UINT8:			return 1;
	case K_INT16: case K_UINT16:				return 2;
	case K_INT32: case K_UINT32: case K_FLOAT32:		return 4;
	case K_INT: case K_INT64: case K_UINT: case K_UINT64:
	case K_UINTPTR: case K_FLOAT64: case K_COMPLEX64:
	case K_CHAN: case K_FUNC: case K_MAP: case K_PTR:
	case K_UNSAFEPTR:					return 8;
	case K_COMPLEX128: case K_STRING: case K_INTERFACE:	return 16;
	case K_SLICE:						return 24;
	default:						return 0;
	}
}

/* Where the uncommon part starts, by kind (0: not known for this kind). */
static uint64_t uncommon_off(uint8_t kind)
{
	switch (kind) {
	case K_ARRAY:		return 72;
	case K_CHAN:		return 64;
	case K_FUNC:		return 56;
	case K_INTERFACE:	return 80;
	case K_PTR: case K_SLICE: return 56;
	case K_STRUCT:		return 80;
	case K_MAP:		return 0;	/* changed with swiss maps */
	default:		return TD_HDR;
	}
}

static bool plausible(const struct td_hdr *h)
{
	uint64_t want;

	if (h->kind < K_BOOL || h->kind > K_UNSAFEPTR || !pow2_le8(h->align) ||
	    !pow2_le8(h->field_align) || h->str < 0 || (h->tflag & 0xc0))
		return false;
	want = kind_size(h->kind);
	if (want)
		return h->size == want;
	return h->size < (1ULL << 40);
}

/* The descriptor's str name, without the extra star. */
static bool str_name(const struct gs_typedesc *td, const struct td_hdr *h,
		     char *out, size_t outlen)
{
	if ((uint64_t)h->str >= td->etypes - td->types ||
	    !read_name(td, td->types + (uint64_t)h->str, out, outlen))
		return false;
	if (h->tflag & TFLAG_EXTRASTAR) {
		if (out[0] != '*')
			return false;
		memmove(out, out + 1, strlen(out));
	}
	return out[0] != '\0';
}

/* A named type's package path from its uncommon part ("" if none). */
static bool pkg_path(const struct gs_typedesc *td, uint64_t addr,
		     const struct td_hdr *h, char *out, size_t outlen)
{
	uint64_t uo = uncommon_off(h->kind);
	const uint8_t *p;
	int32_t off;

	out[0] = '\0';
	if (!(h->tflag & TFLAG_UNCOMMON) || !uo)
		return true;
	if (!(p = td->read(td->ctx, addr + uo, 4)))
		return false;
	off = (int32_t)le32(p);
	if (off == 0)
		return true;
	if (off < 0 || (uint64_t)off >= td->etypes - td->types)
		return false;
	return read_name(td, td->types + (uint64_t)off, out, outlen);
}

static bool type_name(const struct gs_typedesc *td, uint64_t addr, char *out,
		      size_t outlen, int depth);
static bool struct_fields(const struct gs_typedesc *td, uint64_t addr,
			  const struct td_hdr *h, uint64_t *arr, uint64_t *n);

/*
 * An unnamed struct the DWARF way: "struct { runtime.len int; T }",
 * unexported fields qualified by the struct's package, embedded ones by
 * their type alone.
 */
static bool struct_name(const struct gs_typedesc *td, uint64_t addr,
			const struct td_hdr *h, char *out, size_t outlen,
			int depth)
{
	char fname[TD_NAME_MAX], ftype[TD_NAME_MAX], pkg[TD_NAME_MAX] = "";
	uint64_t arr, n, i, pp;
	size_t used;
	uint8_t flags;
	int w;

	if (!struct_fields(td, addr, h, &arr, &n) || !rd64(td, addr + TD_HDR, &pp) ||
	    (pp && !read_name(td, pp, pkg, sizeof(pkg))))
		return false;
	if (n == 0)
		return snprintf(out, outlen, "struct {}") < (int)outlen;
	w = snprintf(out, outlen, "struct { ");
	for (i = 0; i < n && w >= 0 && (size_t)w < outlen; i++) {
		const uint8_t *f = td->read(td->ctx, arr + 24 * i, 24);

		if (!f || !read_name_flags(td, le64(f), fname, sizeof(fname), &flags) ||
		    !type_name(td, le64(f + 8), ftype, sizeof(ftype), depth + 1))
			return false;
		used = (size_t)w;
		if (flags & NAME_EMBEDDED)
			w = snprintf(out + used, outlen - used, "%s%s", ftype,
				     i + 1 < n ? "; " : " }");
		else
			w = snprintf(out + used, outlen - used, "%s%s%s %s%s",
				     (flags & NAME_EXPORTED) || !pkg[0] ? "" : pkg,
				     (flags & NAME_EXPORTED) || !pkg[0] ? "" : ".",
				     fname, ftype, i + 1 < n ? "; " : " }");
		if (w < 0)
			return false;
		w += (int)used;
	}
	return w >= 0 && (size_t)w < outlen;
}

/*
 * A type's name the way DWARF spells it: named types by package path
 * ("runtime/internal/atomic.Uint32", where the descriptor's string says
 * "atomic.Uint32"), composites built from their element's name.
 */
static bool type_name(const struct gs_typedesc *td, uint64_t addr, char *out,
		      size_t outlen, int depth)
{
	char elem[TD_NAME_MAX], pkg[TD_NAME_MAX], s[TD_NAME_MAX];
	struct td_hdr h;
	uint64_t e, n;
	const char *dot;
	int w;

	if (depth > TD_MAX_DEPTH || !read_hdr(td, addr, &h) || !plausible(&h) ||
	    !str_name(td, &h, s, sizeof(s)))
		return false;
	if (h.tflag & TFLAG_NAMED) {
		if (!pkg_path(td, addr, &h, pkg, sizeof(pkg)))
			return false;
		dot = strchr(s, '.');
		if (pkg[0] && dot && strncmp(s, pkg, strlen(pkg)))
			w = snprintf(out, outlen, "%s%s", pkg, dot);
		else
			w = snprintf(out, outlen, "%s", s);
		return w >= 0 && (size_t)w < outlen;
	}
	switch (h.kind) {
	case K_PTR:
	case K_SLICE:
		if (!rd64(td, addr + TD_HDR, &e) ||
		    !type_name(td, e, elem, sizeof(elem), depth + 1))
			return false;
		w = snprintf(out, outlen, "%s%s", h.kind == K_PTR ? "*" : "[]", elem);
		break;
	case K_ARRAY:
		if (!rd64(td, addr + TD_HDR, &e) || !rd64(td, addr + TD_HDR + 16, &n) ||
		    !type_name(td, e, elem, sizeof(elem), depth + 1))
			return false;
		w = snprintf(out, outlen, "[%llu]%s", (unsigned long long)n, elem);
		break;
	case K_STRUCT:
		return struct_name(td, addr, &h, out, outlen, depth);
	case K_MAP:	/* key then elem, with classic and swiss maps alike */
		if (!rd64(td, addr + TD_HDR, &e) || !rd64(td, addr + TD_HDR + 8, &n) ||
		    !type_name(td, e, pkg, sizeof(pkg), depth + 1) ||
		    !type_name(td, n, elem, sizeof(elem), depth + 1))
			return false;
		w = snprintf(out, outlen, "map[%s]%s", pkg, elem);
		break;
	default:
		w = snprintf(out, outlen, "%s", s);
	}
	return w >= 0 && (size_t)w < outlen;
}

/* A struct's fields slice; false if it is not a sane one. */
static bool struct_fields(const struct gs_typedesc *td, uint64_t addr,
			  const struct td_hdr *h, uint64_t *arr, uint64_t *n)
{
	uint64_t cap;

	if (h->kind != K_STRUCT || !rd64(td, addr + 56, arr) ||
	    !rd64(td, addr + 64, n) || !rd64(td, addr + 72, &cap) ||
	    *n != cap || *n > TD_MAX_FIELDS)
		return false;
	return *n == 0 || td->read(td->ctx, *arr, (size_t)(*n * 24)) != NULL;
}

/* Every field's type is a descriptor and every field lies inside. */
static bool struct_valid(const struct gs_typedesc *td, uint64_t addr,
			 const struct td_hdr *h)
{
	uint64_t arr, n, i, prev = 0;

	if (!struct_fields(td, addr, h, &arr, &n))
		return false;
	for (i = 0; i < n; i++) {
		const uint8_t *f = td->read(td->ctx, arr + 24 * i, 24);
		struct td_hdr fh;
		uint64_t off = le64(f + 16);

		if (!read_hdr(td, le64(f + 8), &fh) || !plausible(&fh) ||
		    off < prev || off > h->size || fh.size > h->size - off)
			return false;
		prev = off;
	}
	return true;
}

static int cmp_named(const void *a, const void *b)
{
	const struct td_named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

static int add_entry(struct td_named **v, size_t *nr, size_t *capp,
		     const char *name, uint64_t addr)
{
	if (*nr == *capp) {
		size_t cap = *capp ? 2 * *capp : 256;
		struct td_named *n = realloc(*v, cap * sizeof(*n));

		if (!n)
			return -1;
		*v = n;
		*capp = cap;
	}
	(*v)[*nr].name = strdup(name);
	if (!(*v)[*nr].name)
		return -1;
	(*v)[(*nr)++].addr = addr;
	return 0;
}

/* Sorted by name; a name seen twice keeps its first (lowest) address. */
static size_t sort_unique(struct td_named *v, size_t nr)
{
	size_t i, k;

	if (!nr)
		return 0;
	qsort(v, nr, sizeof(*v), cmp_named);
	for (i = k = 0; i < nr; i++) {
		if (k && !strcmp(v[k - 1].name, v[i].name)) {
			free(v[i].name);
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

void gs_typedesc_free(struct gs_typedesc *td)
{
	size_t i;

	if (!td)
		return;
	for (i = 0; i < td->nr_named; i++)
		free(td->named[i].name);
	for (i = 0; i < td->nr_anon; i++)
		free(td->anon[i].name);
	free(td->named);
	free(td->anon);
	free(td);
}

struct gs_typedesc *gs_typedesc_parse(gs_vmem_fn read, void *ctx,
				      uint64_t types, uint64_t etypes,
				      char *err, size_t errlen)
{
	struct gs_typedesc *td;
	char name[TD_NAME_MAX];
	uint64_t a;

	if (etypes <= types || etypes - types > TD_MAX_TYPES) {
		snprintf(err, errlen, "implausible types section [0x%llx, 0x%llx)",
			 (unsigned long long)types, (unsigned long long)etypes);
		return NULL;
	}
	td = calloc(1, sizeof(*td));
	if (!td) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	td->read = read;
	td->ctx = ctx;
	td->types = types;
	td->etypes = etypes;
	/* Descriptors are 8-aligned: try every such word as a start. */
	for (a = (types + 7) & ~7ULL; a + TD_HDR <= etypes; a += 8) {
		struct td_hdr h;

		bool named;
		int ret;

		if (!read_hdr(td, a, &h) || !plausible(&h))
			continue;
		named = h.tflag & TFLAG_NAMED;
		if ((!named && h.kind != K_STRUCT) ||
		    !type_name(td, a, name, sizeof(name), 0) ||
		    (h.kind == K_STRUCT && !struct_valid(td, a, &h)))
			continue;
		if (named)
			ret = add_entry(&td->named, &td->nr_named, &td->cap_named,
					name, a);
		else
			ret = add_entry(&td->anon, &td->nr_anon, &td->cap_anon,
					name, a);
		if (ret) {
			snprintf(err, errlen, "out of memory");
			gs_typedesc_free(td);
			return NULL;
		}
	}
	if (!td->nr_named) {
		snprintf(err, errlen, "no type descriptor in [0x%llx, 0x%llx)",
			 (unsigned long long)types, (unsigned long long)etypes);
		gs_typedesc_free(td);
		return NULL;
	}
	td->nr_named = sort_unique(td->named, td->nr_named);
	td->nr_anon = sort_unique(td->anon, td->nr_anon);
	return td;
}

size_t gs_typedesc_count(const struct gs_typedesc *td)
{
	return td ? td->nr_named : 0;
}

const char *gs_typedesc_name_at(const struct gs_typedesc *td, size_t i,
				uint64_t *addr)
{
	if (!td || i >= td->nr_named)
		return NULL;
	if (addr)
		*addr = td->named[i].addr;
	return td->named[i].name;
}

bool gs_typedesc_type_at(const struct gs_typedesc *td, uint64_t addr,
			 char *name, size_t namelen, uint64_t *size)
{
	struct td_hdr h;

	if (!td || !read_hdr(td, addr, &h) || !plausible(&h) ||
	    !type_name(td, addr, name, namelen, 0))
		return false;
	*size = h.size;
	return true;
}

static bool find_in(const struct td_named *v, size_t nr, const char *name,
		    uint64_t *addr)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].name, name);

		if (!c) {
			*addr = v[mid].addr;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A named type, or an unnamed struct a field path goes through. */
static bool find_named(const struct gs_typedesc *td, const char *name,
		       uint64_t *addr)
{
	return find_in(td->named, td->nr_named, name, addr) ||
	       (!strncmp(name, "struct {", 8) &&
		find_in(td->anon, td->nr_anon, name, addr));
}

bool gs_typedesc_size(const struct gs_typedesc *td, const char *type,
		      uint64_t *size)
{
	struct td_hdr h;
	uint64_t addr;

	if (!find_named(td, type, &addr) || !read_hdr(td, addr, &h))
		return false;
	*size = h.size;
	return true;
}

/* The i-th field of the struct at addr: its name and layout. */
static bool field_at(const struct gs_typedesc *td, uint64_t addr, size_t i,
		     char *name, size_t namelen, struct gs_field *out)
{
	struct td_hdr h, fh;
	uint64_t arr, n;
	const uint8_t *f;

	if (!read_hdr(td, addr, &h) || !struct_fields(td, addr, &h, &arr, &n) ||
	    i >= n || !(f = td->read(td->ctx, arr + 24 * i, 24)) ||
	    !read_name(td, le64(f), name, namelen) ||
	    !read_hdr(td, le64(f + 8), &fh))
		return false;
	memset(out, 0, sizeof(*out));
	out->offset = le64(f + 16);
	out->size = fh.size;
	out->src = GS_LAYOUT_TYPEDESC;
	return type_name(td, le64(f + 8), out->type, sizeof(out->type), 0);
}

bool gs_typedesc_field_at(const struct gs_typedesc *td, const char *type,
			  size_t i, char *name, size_t namelen,
			  struct gs_field *out)
{
	uint64_t addr;

	return find_named(td, type, &addr) &&
	       field_at(td, addr, i, name, namelen, out);
}

bool gs_typedesc_field(const struct gs_typedesc *td, const char *type,
		       const char *field, struct gs_field *out)
{
	char name[TD_NAME_MAX];
	uint64_t addr;
	size_t i;

	if (!find_named(td, type, &addr))
		return false;
	for (i = 0; i < TD_MAX_FIELDS; i++) {
		if (!field_at(td, addr, i, name, sizeof(name), out))
			return false;
		if (!strcmp(name, field))
			return true;
	}
	return false;
}

/* ---- finding the descriptors in an executable ------------------------- */

/* A slice header of moduledata pointing into the pclntab: sane? */
static bool pcln_slice(const struct gs_elfimg *im, const uint8_t *w,
		       uint64_t pclntab)
{
	uint64_t ptr = le64(w), len = le64(w + 8), cap = le64(w + 16);

	return len <= cap && ptr >= pclntab &&
	       gs_elfimg_seg_of(im, ptr) == gs_elfimg_seg_of(im, pclntab) &&
	       (len == 0 || gs_elfimg_seg_of(im, ptr + len - 1) ==
			    gs_elfimg_seg_of(im, pclntab));
}

int gs_moduledata_find(const struct gs_elfimg *im, uint64_t pclntab,
		       uint64_t *addr, char *err, size_t errlen)
{
	size_t s;

	if (!gs_elfimg_seg_of(im, pclntab)) {
		snprintf(err, errlen, "pclntab 0x%llx is not in the file",
			 (unsigned long long)pclntab);
		return -1;
	}
	for (s = 0; s < im->nr_seg; s++) {
		const struct gs_elfimg_seg *seg = &im->seg[s];
		uint64_t a;

		if (!seg->write)
			continue;
		for (a = (seg->vaddr + 7) & ~7ULL; a + 184 <= seg->vaddr + seg->filesz;
		     a += 8) {
			const uint8_t *w = gs_elfimg_at((void *)im, a, 184);
			const struct gs_elfimg_seg *text;
			int k;

			if (!w || le64(w) != pclntab)
				continue;
			/* funcnametab, cutab, filetab, pctab, pclntable, ftab */
			for (k = 0; k < 6; k++)
				if (!pcln_slice(im, w + 8 + 24 * k, pclntab))
					break;
			text = gs_elfimg_seg_of(im, le64(w + 176));
			if (k < 6 || le64(w + 160) > le64(w + 168) ||
			    !text || !text->exec)
				continue;
			*addr = a;
			return 0;
		}
	}
	snprintf(err, errlen, "no moduledata points at the pclntab (0x%llx)",
		 (unsigned long long)pclntab);
	return -1;
}

/* [types, etypes) read at the offsets table t gives; sane? */
static bool types_at(const struct gs_elfimg *im, uint64_t md,
		     const struct gs_table *t, uint64_t *types, uint64_t *etypes)
{
	struct gs_field ft, fe;
	const struct gs_elfimg_seg *seg;
	const uint8_t *p;

	if (!gs_table_field(t, "runtime.moduledata", "types", &ft) ||
	    !gs_table_field(t, "runtime.moduledata", "etypes", &fe) ||
	    !(p = gs_elfimg_at((void *)im, md + ft.offset, 8)))
		return false;
	*types = le64(p);
	if (!(p = gs_elfimg_at((void *)im, md + fe.offset, 8)))
		return false;
	*etypes = le64(p);
	seg = gs_elfimg_seg_of(im, *types);
	/* a PIE keeps them in RELRO: writable only while being relocated */
	return *etypes > *types && *etypes - *types <= TD_MAX_TYPES && seg &&
	       (!seg->write || (*types >= im->relro_start &&
				*etypes <= im->relro_end)) &&
	       gs_elfimg_seg_of(im, *etypes - 1) == seg;
}

int gs_moduledata_types(const struct gs_elfimg *im, uint64_t md,
			const char *go_version, uint64_t *types,
			uint64_t *etypes, const char **how, char *err,
			size_t errlen)
{
	const struct gs_table *t;
	char why[128];
	size_t i;

	t = gs_table_find(go_version, why, sizeof(why));
	if (t && types_at(im, md, t, types, etypes)) {
		*how = gs_table_key(t);
		return 0;
	}
	/* A release without a table: any known layout that validates. */
	for (i = 0; i < gs_table_count(); i++)
		if (types_at(im, md, gs_table_at(i), types, etypes)) {
			*how = gs_table_key(gs_table_at(i));
			return 0;
		}
	snprintf(err, errlen, "moduledata at 0x%llx: no known layout gives a types section",
		 (unsigned long long)md);
	return -1;
}

/* What the image must offer before anything is read from it. */
static int image_usable(const struct gs_elfimg *im, char *err, size_t errlen)
{
	size_t i;

	if (gelf_getclass(im->elf) != ELFCLASS64) {
		snprintf(err, errlen, "not a 64-bit ELF file");
		return -1;
	}
	for (i = 0; i < im->nr_seg; i++)
		if (!im->seg[i].truncated)
			return 0;
	snprintf(err, errlen, "no loadable segment backed by the file");
	return -1;
}

struct gs_typedesc *gs_typedesc_open(struct gs_exe *exe,
				     struct gs_typedesc_info *info,
				     char *err, size_t errlen)
{
	struct gs_typedesc_info local;
	struct gs_elfimg *im = &exe->im;
	struct gs_symtab *st;
	struct gs_typedesc *td;
	const char *ver;

	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	if (image_usable(im, err, errlen))
		return NULL;
	st = gs_exe_symtab(exe, GS_SYMSRC_PCLNTAB, err, errlen);
	if (!st)
		return NULL;
	info->pclntab = gs_symtab_pclntab_vaddr(st);
	ver = gs_symtab_go_version(st);
	snprintf(info->go_version, sizeof(info->go_version), "%s", ver ? ver : "");
	if (!info->pclntab) {
		snprintf(err, errlen, "no pclntab");
		return NULL;
	}
	if (gs_moduledata_find(im, info->pclntab, &info->moduledata, err, errlen) ||
	    gs_moduledata_types(im, info->moduledata, info->go_version,
				&info->types, &info->etypes, &info->offsets_from,
				err, errlen))
		return NULL;
	td = gs_typedesc_parse(gs_elfimg_at, im, info->types, info->etypes,
			       err, errlen);
	if (!td)
		return NULL;
	info->nr_named = td->nr_named;
	return td;
}

/* ---- the layout source ------------------------------------------------ */

static int td_type_size(void *priv, const char *type, uint64_t *size)
{
	return gs_typedesc_size(priv, type, size) ? 0 : 1;
}

static int td_field(void *priv, const char *type, const char *field,
		    struct gs_field *out)
{
	return gs_typedesc_field(priv, type, field, out) ? 0 : 1;
}

static int td_type_at(void *priv, uint64_t addr, char *name, size_t namelen,
		      uint64_t *size)
{
	return gs_typedesc_type_at(priv, addr, name, namelen, size) ? 0 : 1;
}

static void td_close(void *priv)
{
	gs_typedesc_free(priv);
}

static const struct gs_layout_ops typedesc_ops = {
	.name		= "typedesc",
	.src		= GS_LAYOUT_TYPEDESC,
	.type_size	= td_type_size,
	.field		= td_field,
	.type_at	= td_type_at,
	.close		= td_close,
};

int gs_layout_add_typedesc_index(struct gs_layout *l, struct gs_typedesc *td)
{
	if (gs_layout_add(l, &typedesc_ops, td)) {
		gs_typedesc_free(td);
		return -1;
	}
	return 0;
}

int gs_layout_add_typedesc(struct gs_layout *l, struct gs_exe *exe,
			   char *err, size_t errlen)
{
	struct gs_typedesc *td = gs_typedesc_open(exe, NULL, err, errlen);

	if (!td)
		return 1;
	return gs_layout_add_typedesc_index(l, td) ? -1 : 0;
}
