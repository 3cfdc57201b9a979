// SPDX-License-Identifier: GPL-2.0
/*
 * An executable's function table, from .symtab or Go's pclntab, with
 * PT_LOAD-based file offsets. See elfsym.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errbuf.h"
#include "exe/buildinfo.h"
#include "exe/elfsym.h"

#define ABI0_SUFFIX	".abi0"
#define PCLN_FLAG_ASM	0x4	/* _func.flag: body written in assembly (1.19+) */

struct segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;	/* clipped to what the file really holds */
	uint32_t flags;		/* PF_X | PF_W | PF_R */
};

struct gs_symtab {
	Elf *elf;			/* borrowed from the image */
	const uint8_t *image;		/* the whole file (gs_elfimg) */
	size_t image_size;
	struct segment *segs;		/* PT_LOAD headers, in file order */
	size_t nsegs;
	struct gs_func *funcs;		/* ascending by entry */
	size_t nfuncs;
	size_t *by_name;		/* indices into funcs, sorted by name */
	const char *source;
	bool have_pcln;
	struct gs_pclntab pcln;
	uint64_t pcln_vaddr;
	char pcln_err[256];
	struct gs_goversion ver;
};

static const struct segment *seg_of(const struct gs_symtab *st, uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < st->nsegs; i++)
		if (vaddr >= st->segs[i].vaddr &&
		    vaddr - st->segs[i].vaddr < st->segs[i].filesz)
			return &st->segs[i];
	return NULL;
}

uint64_t gs_symtab_file_off(const struct gs_symtab *st, uint64_t vaddr)
{
	const struct segment *s = seg_of(st, vaddr);

	return s ? s->offset + (vaddr - s->vaddr) : GS_NO_FILE_OFF;
}

/* len bytes of the image at vaddr, all from one segment's file bytes. */
static const uint8_t *image_at(void *ctx, uint64_t vaddr, size_t len)
{
	const struct gs_symtab *st = ctx;
	const struct segment *s = seg_of(st, vaddr);

	if (!s || len > s->filesz - (vaddr - s->vaddr))
		return NULL;
	return st->image + s->offset + (vaddr - s->vaddr);
}

/* Bytes readable from vaddr to the end of its segment's file bytes. */
static size_t image_avail(const struct gs_symtab *st, uint64_t vaddr)
{
	const struct segment *s = seg_of(st, vaddr);

	return s ? s->filesz - (vaddr - s->vaddr) : 0;
}

static int read_segments(struct gs_symtab *st, const struct gs_elfimg *im,
			 char *err, size_t errlen)
{
	size_t i;

	st->segs = calloc(im->nr_seg ? im->nr_seg : 1, sizeof(*st->segs));
	if (!st->segs) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < im->nr_seg; i++)
		st->segs[st->nsegs++] = (struct segment){
			.vaddr = im->seg[i].vaddr, .memsz = im->seg[i].memsz,
			.offset = im->seg[i].offset,
			.filesz = im->seg[i].filesz, .flags = im->seg[i].flags,
		};
	if (!st->nsegs) {
		set_err(err, errlen, "no PT_LOAD segments");
		return -1;
	}
	return 0;
}

/* The section whose name ends with suffix (".gopclntab" is
 * ".data.rel.ro.gopclntab" in some PIE builds), or NULL. */
static Elf_Scn *find_section(Elf *elf, const char *suffix, GElf_Shdr *sh)
{
	size_t shstrndx, nlen, slen = strlen(suffix);
	Elf_Scn *scn = NULL;
	const char *name;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh->sh_name);
		if (!name)
			continue;
		nlen = strlen(name);
		if (nlen >= slen && !strcmp(name + nlen - slen, suffix))
			return scn;
	}
	return NULL;
}

static int add_func(struct gs_symtab *st, size_t *cap, const char *name,
		    uint64_t entry, uint64_t size, long pcln_index)
{
	struct gs_func *f;

	if (st->nfuncs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		struct gs_func *n = realloc(st->funcs, ncap * sizeof(*n));

		if (!n)
			return -1;
		st->funcs = n;
		*cap = ncap;
	}
	f = &st->funcs[st->nfuncs++];
	f->name = name;
	f->entry = entry;
	f->size = size;
	f->file_off = gs_symtab_file_off(st, entry);
	f->pcln_index = pcln_index;
	return 0;
}

/* STT_FUNC symbols of .symtab. Returns how many, or -1 on error. */
static long load_symtab(struct gs_symtab *st, char *err, size_t errlen)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *data;
	size_t cap = 0, i, n;
	const char *name;

	while ((scn = elf_nextscn(st->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			if (!gelf_getsym(data, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(st->elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (add_func(st, &cap, name, sym.st_value, sym.st_size, -1)) {
				set_err(err, errlen, "out of memory");
				return -1;
			}
		}
	}
	return (long)st->nfuncs;
}

/* Value of the .symtab symbol name, or 0. */
static uint64_t symbol_value(const struct gs_symtab *st, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *data;
	size_t i, n;
	const char *s;

	while ((scn = elf_nextscn(st->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			s = elf_strptr(st->elf, sh.sh_link, sym.st_name);
			if (s && !strcmp(s, name))
				return sym.st_value;
		}
	}
	return 0;
}

/*
 * Where 1.18+ entry offsets start, when the header does not say (Go 1.26):
 * runtime.text, else the runtime's moduledata (parse_pclntab_at), else
 * the .text section. Not the section first: gcc, linking a cgo program,
 * puts C code (crt1.o's _start, libc's) before runtime.text in .text, so
 * in a stripped cgo binary every function would be placed too low.
 */
static uint64_t text_start_hint(const struct gs_symtab *st)
{
	return symbol_value(st, "runtime.text");
}

static uint64_t text_section(const struct gs_symtab *st)
{
	GElf_Shdr sh;

	if (find_section(st->elf, ".text", &sh) && sh.sh_type == SHT_PROGBITS)
		return sh.sh_addr;
	return 0;
}

static int text_from_moduledata(const struct gs_symtab *st, uint64_t *text)
{
	size_t i;

	for (i = 0; i < st->nsegs; i++)
		if ((st->segs[i].flags & PF_W) &&
		    !gs_pclntab_moduledata_text(&st->pcln, st->pcln_vaddr,
						st->image + st->segs[i].offset,
						st->segs[i].filesz, text))
			return 0;
	return -1;
}

/* Parse the table at vaddr; on failure leave the reason in pcln_err. */
static int parse_pclntab_at(struct gs_symtab *st, uint64_t vaddr, size_t len)
{
	const uint8_t *p = image_at(st, vaddr, 1);
	uint64_t text;
	size_t avail = image_avail(st, vaddr);

	if (!p) {
		set_err(st->pcln_err, sizeof(st->pcln_err),
			"pclntab at 0x%llx is not in the file",
			(unsigned long long)vaddr);
		return -1;
	}
	if (len > avail)
		len = avail;	/* truncated: let the parser say what is missing */
	st->pcln_vaddr = vaddr;
	if (gs_pclntab_parse_mem(p, len, text_start_hint(st), &st->pcln,
				 st->pcln_err, sizeof(st->pcln_err)))
		return -1;
	if (st->pcln.version >= GS_PCLN_GO118 && !st->pcln.text_start) {
		if (text_from_moduledata(st, &text))
			text = text_section(st);
		if (!text) {
			set_err(st->pcln_err, sizeof(st->pcln_err),
				"pclntab has no text start and no moduledata names one");
			return -1;
		}
		st->pcln.text_start = text;
	}
	st->have_pcln = true;
	return 0;
}

/*
 * Find and parse the pclntab: by section name, else by scanning the
 * segments for its magic. If none parses, keep the most telling error:
 * that of a candidate whose header validated, else of any magic found.
 */
static void load_pclntab(struct gs_symtab *st)
{
	GElf_Shdr sh;
	size_t i;
	long off;
	uint64_t at;
	char strict_err[sizeof(st->pcln_err)] = "";
	char loose_err[sizeof(st->pcln_err)] = "";
	char *keep;

	if (find_section(st->elf, ".gopclntab", &sh) && sh.sh_addr) {
		parse_pclntab_at(st, sh.sh_addr, sh.sh_size);
		return;
	}
	for (i = 0; i < st->nsegs; i++) {
		const struct segment *s = &st->segs[i];
		const uint8_t *seg = st->image + s->offset;

		off = -1;
		while ((off = gs_pclntab_scan_prefix(seg, s->filesz,
						     (size_t)(off + 1))) >= 0) {
			at = s->vaddr + (uint64_t)off;
			if (!parse_pclntab_at(st, at, s->filesz - (size_t)off))
				return;
			keep = gs_pclntab_header_ok(seg + off, s->filesz - (size_t)off) ?
			       strict_err : loose_err;
			if (!keep[0])
				set_err(keep, sizeof(strict_err),
					"pclntab candidate at 0x%llx: %.200s",
					(unsigned long long)at, st->pcln_err);
		}
	}
	if (strict_err[0] || loose_err[0])
		memcpy(st->pcln_err, strict_err[0] ? strict_err : loose_err,
		       sizeof(st->pcln_err));
	else
		set_err(st->pcln_err, sizeof(st->pcln_err),
			"no .gopclntab section and no pclntab magic in any segment");
}

static int load_pclntab_funcs(struct gs_symtab *st, char *err, size_t errlen)
{
	struct gs_pcln_func fn;
	size_t cap = 0;
	uint64_t i;

	for (i = 0; i < st->pcln.nfunc; i++) {
		/* parse_mem checked every record already */
		if (gs_pclntab_func(&st->pcln, i, &fn, err, errlen))
			return -1;
		if (add_func(st, &cap, fn.name, fn.entry, fn.end - fn.entry,
			     (long)i)) {
			set_err(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* The version string of the build info blob at bi, into out ("" if none). */
static void blob_version(const struct gs_symtab *st, const uint8_t *bi, size_t len,
			 char *out, size_t outlen)
{
	if (gs_buildinfo_version(bi, len, image_at, (void *)st, out, outlen, NULL, 0))
		out[0] = '\0';
}

/*
 * The sources of the Go version this table can read (goversion.h): all
 * but the decoded runtime.buildVersion, which exe.c adds before settling.
 */
void gs_symtab_version_sources(const struct gs_symtab *st,
			       struct gs_goversion *v)
{
	GElf_Shdr sh;
	size_t i;
	long off;
	uint64_t a;

	memset(v, 0, sizeof(*v));
	if (find_section(st->elf, ".go.buildinfo", &sh) && sh.sh_addr &&
	    image_at((void *)st, sh.sh_addr, 1))
		blob_version(st, image_at((void *)st, sh.sh_addr, 1),
			     image_avail(st, sh.sh_addr),
			     v->found[GS_GOVER_SECTION], GS_GO_VERSION_LEN);
	else
		for (i = 0; i < st->nsegs && !v->found[GS_GOVER_SCAN][0]; i++) {
			if (!(st->segs[i].flags & PF_W))
				continue;
			off = gs_buildinfo_scan(st->image + st->segs[i].offset,
						st->segs[i].filesz, 0);
			if (off >= 0)
				blob_version(st, st->image + st->segs[i].offset + off,
					     st->segs[i].filesz - (size_t)off,
					     v->found[GS_GOVER_SCAN], GS_GO_VERSION_LEN);
		}
	a = symbol_value(st, "runtime.buildVersion");
	if (a && gs_go_string_at(image_at, (void *)st, a, v->found[GS_GOVER_SYMBOL],
				 GS_GO_VERSION_LEN))
		v->found[GS_GOVER_SYMBOL][0] = '\0';
	if (st->have_pcln)
		v->pcln_min_minor = st->pcln.version == GS_PCLN_GO120 ? 20 :
				    st->pcln.version == GS_PCLN_GO118 ? 18 :
				    st->pcln.version == GS_PCLN_GO116 ? 16 : 2;
}

void gs_symtab_set_goversion(struct gs_symtab *st, const struct gs_goversion *v)
{
	st->ver = *v;
	/* version and from point into the copied strings */
	gs_goversion_settle(&st->ver);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct gs_func *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_name_idx(const void *a, const void *b, void *funcs)
{
	const struct gs_func *x = (const struct gs_func *)funcs + *(const size_t *)a;
	const struct gs_func *y = (const struct gs_func *)funcs + *(const size_t *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int index_funcs(struct gs_symtab *st)
{
	size_t i;
	long k;

	qsort(st->funcs, st->nfuncs, sizeof(*st->funcs), cmp_entry);
	st->by_name = malloc((st->nfuncs ? st->nfuncs : 1) * sizeof(size_t));
	if (!st->by_name)
		return -1;
	for (i = 0; i < st->nfuncs; i++) {
		st->by_name[i] = i;
		if (st->funcs[i].pcln_index < 0 && st->have_pcln) {
			k = gs_pclntab_find(&st->pcln, st->funcs[i].entry);
			if (k >= 0 && gs_pclntab_entry(&st->pcln, (uint64_t)k) ==
				      st->funcs[i].entry)
				st->funcs[i].pcln_index = k;
		}
	}
	qsort_r(st->by_name, st->nfuncs, sizeof(size_t), cmp_name_idx, st->funcs);
	return 0;
}

struct gs_symtab *gs_symtab_load(const struct gs_elfimg *im, const char *path,
				 enum gs_symsrc src, char *err, size_t errlen)
{
	struct gs_symtab *st;
	long nsym = 0;

	if (!im->elf64le) {
		set_err(err, errlen, "%s: not a 64-bit little-endian ELF file", path);
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	st->elf = im->elf;
	st->image = im->map;
	st->image_size = im->len;
	if (read_segments(st, im, err, errlen))
		goto fail;

	load_pclntab(st);
	if (src != GS_SYMSRC_PCLNTAB) {
		nsym = load_symtab(st, err, errlen);
		if (nsym < 0)
			goto fail;
	}
	if (nsym > 0) {
		st->source = "symtab";
	} else if (src == GS_SYMSRC_SYMTAB) {
		set_err(err, errlen, "%s: no function symbols in .symtab", path);
		goto fail;
	} else if (!st->have_pcln) {
		set_err(err, errlen, "%s: no .symtab and no usable Go pclntab: %s",
			path, st->pcln_err);
		goto fail;
	} else {
		st->source = "pclntab";
		if (load_pclntab_funcs(st, err, errlen))
			goto fail;
	}
	if (index_funcs(st)) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	return st;

fail:
	gs_symtab_close(st);
	return NULL;
}

void gs_symtab_close(struct gs_symtab *st)
{
	if (!st)
		return;
	free(st->by_name);
	free(st->funcs);
	free(st->segs);
	free(st);
}

const char *gs_symtab_source(const struct gs_symtab *st)
{
	return st->source;
}

const char *gs_symtab_go_version(const struct gs_symtab *st)
{
	return st->ver.version;
}

const struct gs_goversion *gs_symtab_goversion(const struct gs_symtab *st)
{
	return &st->ver;
}

size_t gs_symtab_count(const struct gs_symtab *st)
{
	return st->nfuncs;
}

const struct gs_func *gs_symtab_func(const struct gs_symtab *st, size_t i)
{
	return i < st->nfuncs ? &st->funcs[i] : NULL;
}

const struct gs_pclntab *gs_symtab_pclntab(const struct gs_symtab *st)
{
	return st->have_pcln ? &st->pcln : NULL;
}

const char *gs_symtab_pclntab_error(const struct gs_symtab *st)
{
	return st->have_pcln ? NULL : st->pcln_err;
}

uint64_t gs_symtab_pclntab_vaddr(const struct gs_symtab *st)
{
	return st->have_pcln ? st->pcln_vaddr : 0;
}

/* First index in by_name whose name is >= name. */
static size_t name_lower_bound(const struct gs_symtab *st, const char *name)
{
	size_t lo = 0, hi = st->nfuncs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(st->funcs[st->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool written_in_asm(const struct gs_symtab *st, const struct gs_func *f)
{
	struct gs_pcln_func fn;

	return st->have_pcln && f->pcln_index >= 0 &&
	       !gs_pclntab_func(&st->pcln, (uint64_t)f->pcln_index, &fn, NULL, 0) &&
	       fn.fields_valid && (fn.flag & PCLN_FLAG_ASM);
}

/*
 * Among the functions named name, prefer one written in assembly, then
 * the lowest entry; *best is kept if it is already in assembly.
 */
static void pick_named(const struct gs_symtab *st, const char *name,
		       const struct gs_func **best)
{
	size_t i;
	const struct gs_func *f;

	for (i = name_lower_bound(st, name); i < st->nfuncs; i++) {
		f = &st->funcs[st->by_name[i]];
		if (strcmp(f->name, name))
			break;
		if (!*best)
			*best = f;
		else if (!written_in_asm(st, *best) && written_in_asm(st, f))
			*best = f;
	}
}

const struct gs_func *gs_symtab_find_name(const struct gs_symtab *st,
					  const char *name)
{
	const struct gs_func *best = NULL;
	size_t n = strlen(name), slen = strlen(ABI0_SUFFIX);
	char *twin;

	pick_named(st, name, &best);
	/* the ABI0 twin: "x" <-> "x.abi0" */
	if (n > slen && !strcmp(name + n - slen, ABI0_SUFFIX)) {
		twin = strndup(name, n - slen);
	} else {
		twin = malloc(n + slen + 1);
		if (twin)
			memcpy(mempcpy(twin, name, n), ABI0_SUFFIX, slen + 1);
	}
	if (twin) {
		pick_named(st, twin, &best);
		free(twin);
	}
	return best;
}

const struct gs_func *gs_symtab_find_addr(const struct gs_symtab *st,
					  uint64_t vaddr)
{
	size_t lo = 0, hi = st->nfuncs, mid;
	const struct gs_func *f;

	/* last function with entry <= vaddr */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st->funcs[mid].entry <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		f = &st->funcs[--lo];
		if (vaddr - f->entry < f->size)
			return f;
		/* zero-size symbols (runtime.text) may sit at the same entry */
		if (f->size)
			break;
	}
	return NULL;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

int gs_symtab_resolve(const struct gs_symtab *st, const char *spec,
		      uint64_t *vaddr, uint64_t *file_off,
		      char *err, size_t errlen)
{
	const struct gs_func *f;
	const struct segment *s;
	const char *plus;
	uint64_t addr, off = 0;
	char *name;

	if (!strncmp(spec, "0x", 2) || !strncmp(spec, "0X", 2)) {
		if (!parse_u64(spec, &addr)) {
			set_err(err, errlen, "bad address '%s'", spec);
			return -1;
		}
		s = seg_of(st, addr);
		if (!s || !(s->flags & PF_X)) {
			set_err(err, errlen,
				"address 0x%llx is not in an executable segment of the file",
				(unsigned long long)addr);
			return -1;
		}
		*vaddr = addr;
		*file_off = s->offset + (addr - s->vaddr);
		return 0;
	}

	f = gs_symtab_find_name(st, spec);
	plus = strrchr(spec, '+');
	if (!f && plus && plus != spec) {
		if (!parse_u64(plus + 1, &off)) {
			set_err(err, errlen, "bad offset in '%s'", spec);
			return -1;
		}
		name = strndup(spec, (size_t)(plus - spec));
		if (!name) {
			set_err(err, errlen, "out of memory");
			return -1;
		}
		f = gs_symtab_find_name(st, name);
		free(name);
	}
	if (!f) {
		set_err(err, errlen, "no function '%s' (%s)", spec, st->source);
		return -1;
	}
	if (off && off >= f->size) {
		set_err(err, errlen, "offset 0x%llx is past the end of %s (size 0x%llx)",
			(unsigned long long)off, f->name,
			(unsigned long long)f->size);
		return -1;
	}
	addr = f->entry + off;
	*file_off = gs_symtab_file_off(st, addr);
	if (*file_off == GS_NO_FILE_OFF) {
		set_err(err, errlen, "%s at 0x%llx is not backed by the file",
			f->name, (unsigned long long)addr);
		return -1;
	}
	*vaddr = addr;
	return 0;
}
