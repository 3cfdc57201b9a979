// SPDX-License-Identifier: GPL-2.0
/*
 * pcvalue tables, file names, funcdata and inline-tree entries of a Go
 * pclntab. Layout facts per release are noted where they are used.
 */
#include <string.h>

#include "base/bytes.h"
#include "base/go_releases.h"
#include "exe/pctab.h"

/* A uint32 varint (7 bits a byte, low first). False past end or > 5 bytes. */
static bool read_varint(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
	const uint8_t *p = *pp;
	uint32_t v = 0, shift = 0;

	for (;;) {
		uint8_t b;

		if (p >= end || shift > 28)
			return false;
		b = *p++;
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
	}
	*pp = p;
	*out = v;
	return true;
}

void gs_pcvalue_start(struct gs_pcvalue_iter *it, const struct gs_pclntab *tab,
		      const struct gs_pcln_func *fn, uint32_t off)
{
	memset(it, 0, sizeof(*it));
	it->entry = fn->entry;
	it->pc = fn->entry;
	it->val = -1;
	it->quantum = tab->min_lc ? tab->min_lc : 1;
	it->end = tab->base + tab->size;
	if (!off)
		return;		/* no table: p stays NULL */
	if (!in_bounds(tab->size, tab->pctab_off, off) ||
	    tab->pctab_off + off >= tab->size) {
		it->bad = true;
		return;
	}
	it->p = tab->base + tab->pctab_off + off;
}

bool gs_pcvalue_next(struct gs_pcvalue_iter *it, uint64_t *start,
		     uint64_t *end, int32_t *val)
{
	uint32_t uvdelta, pcdelta;
	int32_t vdelta;
	uint64_t newpc;

	if (!it->p || it->bad)
		return false;
	if (it->p >= it->end) {
		it->bad = true;
		return false;
	}
	/* A zero value delta ends the table, except as the first pair. */
	if (*it->p == 0 && it->pc != it->entry) {
		it->p = NULL;
		return false;
	}
	if (!read_varint(&it->p, it->end, &uvdelta) ||
	    !read_varint(&it->p, it->end, &pcdelta)) {
		it->bad = true;
		return false;
	}
	/* zig-zag: the low bit is the sign */
	vdelta = (uvdelta & 1) ? (int32_t)~(uvdelta >> 1) : (int32_t)(uvdelta >> 1);
	newpc = it->pc + (uint64_t)pcdelta * it->quantum;
	*start = it->pc;
	*end = newpc;
	it->val = (int32_t)((uint32_t)it->val + (uint32_t)vdelta);
	*val = it->val;
	it->pc = newpc;
	return true;
}

bool gs_pcvalue_at(const struct gs_pclntab *tab, const struct gs_pcln_func *fn,
		   uint32_t off, uint64_t pc, int32_t *val)
{
	struct gs_pcvalue_iter it;
	uint64_t s, e;
	int32_t v;
	unsigned long steps = 0;

	*val = -1;
	if (!off)
		return true;
	gs_pcvalue_start(&it, tab, fn, off);
	/*
	 * Every pair takes at least two bytes, so the table size bounds the
	 * loop even when pc deltas are zero.
	 */
	while (gs_pcvalue_next(&it, &s, &e, &v)) {
		if (pc < e) {
			*val = v;
			return true;
		}
		if (++steps > tab->size)
			return false;
	}
	return false;
}

uint32_t gs_pcdata_off(const struct gs_pclntab *tab,
		       const struct gs_pcln_func *fn, uint32_t i)
{
	uint64_t at;

	if (!fn->fields_valid || i >= fn->npcdata)
		return 0;
	at = fn->pcdata_off + 4ull * i;
	if (!in_bounds(tab->size, at, 4))
		return 0;
	return get32(tab->base + at);
}

/* A NUL-terminated string at off inside the table, or NULL. */
static const char *table_string(const struct gs_pclntab *tab, uint64_t off)
{
	if (off >= tab->size || !memchr(tab->base + off, 0, tab->size - off))
		return NULL;
	return (const char *)tab->base + off;
}

const char *gs_pcln_name(const struct gs_pclntab *tab, int32_t name_off)
{
	if (name_off < 0 || tab->version == GS_PCLN_GO12)
		return NULL;
	return table_string(tab, tab->funcname_off + (uint64_t)name_off);
}

const char *gs_pcln_file(const struct gs_pclntab *tab,
			 const struct gs_pcln_func *fn, int32_t fileno)
{
	uint64_t at;
	uint32_t fileoff;

	/* 1.16+: cutab[cuOffset + fileno] is an offset into filetab */
	if (!fn->fields_valid || fileno < 0 || tab->version == GS_PCLN_GO12)
		return NULL;
	at = tab->cu_off + 4ull * ((uint64_t)fn->cu_offset + (uint32_t)fileno);
	if (at + 4 > tab->filetab_off || !in_bounds(tab->size, at, 4))
		return NULL;
	fileoff = get32(tab->base + at);
	if (fileoff == UINT32_MAX)
		return NULL;
	return table_string(tab, tab->filetab_off + fileoff);
}

bool gs_pcln_line(const struct gs_pclntab *tab, const struct gs_pcln_func *fn,
		  uint64_t pc, const char **file, int32_t *line)
{
	int32_t fileno, ln;

	*file = "?";
	*line = 0;
	if (!fn->fields_valid ||
	    !gs_pcvalue_at(tab, fn, fn->pcfile, pc, &fileno) ||
	    !gs_pcvalue_at(tab, fn, fn->pcln, pc, &ln) || fileno < 0 || ln < 0)
		return false;
	*file = gs_pcln_file(tab, fn, fileno);
	if (!*file) {
		*file = "?";
		return false;
	}
	*line = ln;
	return true;
}

bool gs_funcdata(const struct gs_pclntab *tab, const struct gs_pcln_func *fn,
		 uint32_t i, uint64_t gofunc, uint64_t *raw, uint64_t *addr)
{
	uint64_t at;

	*raw = 0;
	*addr = 0;
	if (!fn->fields_valid || i >= fn->nfuncdata)
		return false;
	at = fn->pcdata_off + 4ull * fn->npcdata;
	if (tab->version >= GS_PCLN_GO118) {
		/* uint32 offsets from gofunc follow the pcdata offsets */
		at += 4ull * i;
		if (!in_bounds(tab->size, at, 4))
			return false;
		*raw = get32(tab->base + at);
		if (*raw != UINT32_MAX && gofunc)
			*addr = gofunc + *raw;
		return true;
	}
	/* 1.16-1.17: pointers, aligned to 8 from the record start */
	at = (at + 7) & ~7ull;
	at += 8ull * i;
	if (!in_bounds(tab->size, at, 8))
		return false;
	*raw = get64(tab->base + at);
	*addr = *raw;
	return true;
}

size_t gs_inl_entry_size(const struct gs_pclntab *tab)
{
	/*
	 * 1.16-1.19: parent i16, funcID u8, pad, file i32, line i32,
	 * func_ (name offset) i32, parentPc i32.
	 * 1.20+: funcID u8, 3 pad, nameOff i32, parentPc i32, startLine i32.
	 */
	return tab->version >= GS_PCLN_GO120 ? 16 : 20;
}

void gs_inl_decode(const struct gs_pclntab *tab, const uint8_t *b,
		   struct gs_inl_call *ic)
{
	memset(ic, 0, sizeof(*ic));
	if (tab->version >= GS_PCLN_GO120) {
		ic->parent = -1;
		ic->func_id = b[0];
		ic->name_off = (int32_t)get32(b + 4);
		ic->parent_pc = (int32_t)get32(b + 8);
		ic->start_line = (int32_t)get32(b + 12);
	} else {
		ic->parent = (int16_t)(b[0] | b[1] << 8);
		ic->func_id = b[2];
		ic->file = (int32_t)get32(b + 4);
		ic->line = (int32_t)get32(b + 8);
		ic->name_off = (int32_t)get32(b + 12);
		ic->parent_pc = (int32_t)get32(b + 16);
	}
	ic->name = gs_pcln_name(tab, ic->name_off);
}

/*
 * moduledata word indices (Go 1.18+): pcHeader, six slices of three words
 * (funcnametab cutab filetab pctab pclntable ftab), findfunctab, minpc,
 * maxpc, text, etext, then pairs of section bounds. Where rodata and
 * gofunc sit moves with the release (1.20 added covctrs/ecovctrs, 1.27
 * typedesclen, itaboffset and itabsize): their words come from each
 * release's layout table (base/go_releases.h, generated).
 */
#define MD_PCHEADER	0
#define MD_FUNCNAMETAB	1
#define MD_PCTAB	10
#define MD_FTAB_LEN	17
#define MD_TEXT		22
#define MD_ETEXT	23

static const struct {
	int		minor;		/* N of go1.N */
	unsigned int	rodata, gofunc;	/* moduledata word indices */
} md_words[] = {
	{ 18, 37, 38 },	/* go1.18 has no table: 1.19's moduledata */
	GS_TABLES_MODULEDATA_WORDS
};

int gs_pclntab_moduledata_gofunc(const struct gs_pclntab *tab,
				 uint64_t pcln_vaddr, const uint8_t *data,
				 size_t len, int go_minor, uint64_t *gofunc,
				 uint64_t *md_off)
{
	unsigned int gi = 0, ri = 0;
	size_t off, i;

	if (tab->version < GS_PCLN_GO118)
		return -1;	/* funcdata are absolute pointers */
	if (tab->version != (go_minor < 20 ? GS_PCLN_GO118 : GS_PCLN_GO120))
		return -1;	/* the pclntab contradicts the release */
	for (i = 0; i < sizeof(md_words) / sizeof(md_words[0]); i++)
		if (md_words[i].minor == go_minor) {
			gi = md_words[i].gofunc;
			ri = md_words[i].rodata;
		}
	if (!gi)
		return -1;	/* a release whose moduledata we do not know */
	for (off = 0; off + (gi + 1) * 8 <= len; off += 8) {
		const uint8_t *w = data + off;
		uint64_t g, r;

		if (get64(w + 8 * MD_PCHEADER) != pcln_vaddr ||
		    get64(w + 8 * MD_FUNCNAMETAB) != pcln_vaddr + tab->funcname_off ||
		    get64(w + 8 * MD_PCTAB) != pcln_vaddr + tab->pctab_off ||
		    get64(w + 8 * MD_FTAB_LEN) != tab->nfunc + 1 ||
		    get64(w + 8 * MD_ETEXT) < get64(w + 8 * MD_TEXT))
			continue;
		g = get64(w + 8 * gi);
		r = get64(w + 8 * ri);
		/*
		 * go:func.* lives in read-only data: before the pclntab up
		 * to 1.25, inside the .gopclntab section from 1.26
		 */
		if (!g || g < r || g >= pcln_vaddr + tab->size)
			continue;
		*gofunc = g;
		if (md_off)
			*md_off = off;
		return 0;
	}
	return -1;
}
