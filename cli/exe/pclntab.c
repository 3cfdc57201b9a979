// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding Go's .gopclntab in place. Layout facts (per release) are kept
 * next to the code that uses them; every read goes through rd32/rd64,
 * which refuse to read past the buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/errbuf.h"
#include "exe/pclntab.h"

#define MAGIC_GO12	0xfffffffbu
#define MAGIC_GO116	0xfffffffau
#define MAGIC_GO118	0xfffffff0u
#define MAGIC_GO120	0xfffffff1u

/* Header: magic u32, two zero pad bytes, minLC u8, ptrSize u8, then words. */
#define HDR_WORDS	8
#define HDR_GO116_SIZE	(HDR_WORDS + 7 * 8)	/* nfunc nfiles + 5 offsets */
#define HDR_GO118_SIZE	(HDR_WORDS + 8 * 8)	/* ... + textStart */

/*
 * _func record sizes up to and including nfuncdata; npcdata uint32
 * offsets follow. 1.16-1.17 start with an 8-byte entry PC, 1.18+ with a
 * 4-byte entry offset; 1.20 inserted startLine before funcID.
 */
#define FUNC_GO116_SIZE	44
#define FUNC_GO118_SIZE	40
#define FUNC_GO120_SIZE	44
#define FUNC_GO12_MIN	12	/* entry u64 + nameoff i32: all we decode */

/* moduledata word indices (Go 1.16+): pcHeader, then slices of 3 words. */
#define MD_PCHEADER	0
#define MD_FUNCNAMETAB	1
#define MD_CUTAB	4
#define MD_FILETAB	7
#define MD_PCTAB	10
#define MD_PCLNTABLE	13
#define MD_FTAB		16
#define MD_FTAB_LEN	17
#define MD_MINPC	20
#define MD_TEXT		22
#define MD_WORDS	24

static enum gs_pcln_version version_of(uint32_t magic)
{
	switch (magic) {
	case MAGIC_GO12:	return GS_PCLN_GO12;
	case MAGIC_GO116:	return GS_PCLN_GO116;
	case MAGIC_GO118:	return GS_PCLN_GO118;
	case MAGIC_GO120:	return GS_PCLN_GO120;
	default:		return 0;
	}
}

static size_t func_rec_size(enum gs_pcln_version v)
{
	switch (v) {
	case GS_PCLN_GO12:	return FUNC_GO12_MIN;
	case GS_PCLN_GO116:	return FUNC_GO116_SIZE;
	case GS_PCLN_GO118:	return FUNC_GO118_SIZE;
	default:		return FUNC_GO120_SIZE;
	}
}

/*
 * Fill the header fields of tab from buf. Returns NULL, or what is wrong.
 * Checks only what the header itself can show (used by the magic scan).
 */
static const char *read_header(const uint8_t *buf, size_t len,
			       struct gs_pclntab *t)
{
	uint64_t w[8];
	size_t hdr_size, nwords, i;

	memset(t, 0, sizeof(*t));
	t->base = buf;
	t->size = len;
	if (len < HDR_WORDS + 8)
		return "too short for a pclntab header";
	t->magic = get32(buf);
	t->version = version_of(t->magic);
	if (!t->version)
		return "bad magic";
	if (buf[4] || buf[5])
		return "nonzero header pad bytes";
	t->min_lc = buf[6];
	t->ptr_size = buf[7];
	if (t->min_lc != 1 && t->min_lc != 2 && t->min_lc != 4)
		return "bad instruction quantum (minLC)";
	if (t->ptr_size != 8)
		return "pointer size is not 8";

	if (t->version == GS_PCLN_GO12) {
		t->nfunc = get64(buf + HDR_WORDS);
		t->functab_off = HDR_WORDS + 8;
		t->functab_field = 8;
		if (t->nfunc == 0)
			return "no functions";
		/* nfunc {entry, funcoff} pairs, the end PC, a u32 file offset */
		if (t->nfunc > len / 16 ||
		    !in_bounds(len, t->functab_off, t->nfunc * 16 + 8 + 4))
			return "function table runs past the end";
		return NULL;
	}

	hdr_size = t->version == GS_PCLN_GO116 ? HDR_GO116_SIZE : HDR_GO118_SIZE;
	if (len < hdr_size)
		return "too short for a pclntab header";
	nwords = (hdr_size - HDR_WORDS) / 8;
	for (i = 0; i < nwords; i++)
		w[i] = get64(buf + HDR_WORDS + 8 * i);
	t->nfunc = w[0];
	t->nfiles = w[1];
	i = 2;
	if (t->version >= GS_PCLN_GO118)
		t->hdr_text_start = w[i++];
	t->funcname_off = w[i++];
	t->cu_off = w[i++];
	t->filetab_off = w[i++];
	t->pctab_off = w[i++];
	t->functab_off = w[i++];
	t->functab_field = t->version >= GS_PCLN_GO118 ? 4 : 8;

	if (t->nfunc == 0)
		return "no functions";
	/* The linker writes the tables in this order, right after the header. */
	if (t->funcname_off < hdr_size || t->cu_off < t->funcname_off ||
	    t->filetab_off < t->cu_off || t->pctab_off < t->filetab_off ||
	    t->functab_off < t->pctab_off)
		return "table offsets out of order";
	if (t->functab_off >= len || t->nfunc > len / (2 * t->functab_field) ||
	    !in_bounds(len, t->functab_off,
		       (2 * t->nfunc + 1) * t->functab_field))
		return "function table runs past the end of the data (truncated?)";
	return NULL;
}

bool gs_pclntab_header_ok(const uint8_t *buf, size_t len)
{
	struct gs_pclntab t;

	return read_header(buf, len, &t) == NULL;
}

/* A known magic, zero pad, a valid quantum and 8-byte pointers. */
static bool prefix_ok(const uint8_t *p)
{
	return version_of(get32(p)) && !p[4] && !p[5] &&
	       (p[6] == 1 || p[6] == 2 || p[6] == 4) && p[7] == 8;
}

long gs_pclntab_scan_prefix(const uint8_t *buf, size_t len, size_t from)
{
	size_t off;

	for (off = (from + 3) & ~(size_t)3; off + 8 <= len; off += 4) {
		/* All magics are 0xffffffXX: test the three 0xff bytes first. */
		if (buf[off + 3] != 0xff || buf[off + 2] != 0xff ||
		    buf[off + 1] != 0xff)
			continue;
		if (prefix_ok(buf + off))
			return (long)off;
	}
	return -1;
}

long gs_pclntab_scan(const uint8_t *buf, size_t len, size_t from)
{
	long off = (long)from - 1;

	while ((off = gs_pclntab_scan_prefix(buf, len, (size_t)(off + 1))) >= 0)
		if (gs_pclntab_header_ok(buf + off, len - (size_t)off))
			return off;
	return -1;
}

/* Raw functab PC field i (an offset for 1.18+, an address before). */
static uint64_t raw_entry(const struct gs_pclntab *t, uint64_t i)
{
	uint64_t off = t->functab_off + 2 * i * t->functab_field;

	/* read_header checked the whole functab is inside the buffer */
	return t->functab_field == 4 ? get32(t->base + off) : get64(t->base + off);
}

uint64_t gs_pclntab_entry(const struct gs_pclntab *t, uint64_t i)
{
	uint64_t pc = raw_entry(t, i);

	return t->version >= GS_PCLN_GO118 ? pc + t->text_start : pc;
}

/* Offset from base of function i's _func record. */
static uint64_t func_rec_off(const struct gs_pclntab *t, uint64_t i)
{
	uint64_t off = t->functab_off + (2 * i + 1) * t->functab_field;
	uint64_t v = t->functab_field == 4 ? get32(t->base + off) : get64(t->base + off);

	/* 1.2 offsets are from the table start, 1.16+ from the functab */
	return t->version == GS_PCLN_GO12 ? v : t->functab_off + v;
}

int gs_pclntab_func(const struct gs_pclntab *t, uint64_t i,
		    struct gs_pcln_func *fn, char *err, size_t errlen)
{
	uint64_t rec, name_at, entry = 0;
	const uint8_t *p, *nul;

	memset(fn, 0, sizeof(*fn));
	if (i >= t->nfunc) {
		set_err(err, errlen, "pclntab: function index %llu out of range",
			(unsigned long long)i);
		return -1;
	}
	rec = func_rec_off(t, i);
	if (rec < t->functab_off && t->version != GS_PCLN_GO12)
		goto bad_rec;	/* offset wrapped around */
	if (!in_bounds(t->size, rec, func_rec_size(t->version)))
		goto bad_rec;
	p = t->base + rec;
	fn->rec_off = rec;
	fn->entry = gs_pclntab_entry(t, i);
	fn->end = gs_pclntab_entry(t, i + 1);

	switch (t->version) {
	case GS_PCLN_GO12:
		entry = get64(p);
		fn->name_off = (int32_t)get32(p + 8);
		break;
	case GS_PCLN_GO116:
		entry = get64(p);
		p += 8;		/* the rest is laid out as 1.18's after entryoff */
		fn->fields_valid = true;
		break;
	case GS_PCLN_GO118:
	case GS_PCLN_GO120:
		fn->entry_off = get32(p);
		entry = fn->entry_off + t->text_start;
		p += 4;
		fn->fields_valid = true;
		break;
	}
	if (fn->fields_valid) {
		fn->name_off = (int32_t)get32(p);
		fn->args = (int32_t)get32(p + 4);
		fn->deferreturn = get32(p + 8);
		fn->pcsp = get32(p + 12);
		fn->pcfile = get32(p + 16);
		fn->pcln = get32(p + 20);
		fn->npcdata = get32(p + 24);
		fn->cu_offset = get32(p + 28);
		p += 32;
		if (t->version >= GS_PCLN_GO120) {
			fn->start_line = (int32_t)get32(p);
			p += 4;
		}
		fn->func_id = p[0];
		fn->flag = p[1];
		fn->nfuncdata = p[3];
		fn->pcdata_off = rec + func_rec_size(t->version);
		if (!in_bounds(t->size, fn->pcdata_off, (uint64_t)fn->npcdata * 4))
			goto bad_rec;
	}
	/* The record repeats the functab's entry: a cheap sanity check. */
	if (entry != fn->entry) {
		set_err(err, errlen,
			"pclntab: function %llu: record entry 0x%llx != table entry 0x%llx",
			(unsigned long long)i, (unsigned long long)entry,
			(unsigned long long)fn->entry);
		return -1;
	}
	if (fn->name_off < 0)
		goto bad_name;
	name_at = (t->version == GS_PCLN_GO12 ? 0 : t->funcname_off) +
		  (uint64_t)fn->name_off;
	if (name_at >= t->size)
		goto bad_name;
	nul = memchr(t->base + name_at, 0, t->size - name_at);
	if (!nul)
		goto bad_name;
	fn->name = (const char *)(t->base + name_at);
	return 0;

bad_rec:
	set_err(err, errlen,
		"pclntab: function %llu: record at offset 0x%llx is outside the table (%zu bytes)",
		(unsigned long long)i, (unsigned long long)rec, t->size);
	return -1;
bad_name:
	set_err(err, errlen,
		"pclntab: function %llu: name offset %d is outside the name table",
		(unsigned long long)i, fn->name_off);
	return -1;
}

int gs_pclntab_parse_mem(const uint8_t *buf, size_t len, uint64_t text_start,
			 struct gs_pclntab *t, char *err, size_t errlen)
{
	struct gs_pcln_func fn;
	const char *why;
	uint64_t i, prev = 0, pc;

	why = read_header(buf, len, t);
	if (why) {
		set_err(err, errlen, "pclntab: %s", why);
		return -1;
	}
	if (t->version >= GS_PCLN_GO118)
		t->text_start = t->hdr_text_start ? t->hdr_text_start : text_start;

	for (i = 0; i <= t->nfunc; i++) {
		pc = raw_entry(t, i);
		if (i && pc < prev) {
			set_err(err, errlen,
				"pclntab: function table not sorted at entry %llu",
				(unsigned long long)i);
			return -1;
		}
		prev = pc;
		if (i < t->nfunc && gs_pclntab_func(t, i, &fn, err, errlen))
			return -1;
	}
	return 0;
}

long gs_pclntab_find(const struct gs_pclntab *t, uint64_t pc)
{
	uint64_t lo = 0, hi = t->nfunc, mid;

	if (pc < gs_pclntab_entry(t, 0) || pc >= gs_pclntab_entry(t, t->nfunc))
		return -1;
	/* last i with entry(i) <= pc */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (gs_pclntab_entry(t, mid) <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

int gs_pclntab_moduledata_text(const struct gs_pclntab *t, uint64_t pcln_vaddr,
			       const uint8_t *data, size_t len, uint64_t *text)
{
	uint64_t w[MD_WORDS];
	size_t off, k;

	if (t->version < GS_PCLN_GO118)
		return -1;	/* entries are absolute: no text start needed */
	for (off = 0; off + MD_WORDS * 8 <= len; off += 8) {
		if (get64(data + off) != pcln_vaddr)
			continue;
		for (k = 0; k < MD_WORDS; k++)
			w[k] = get64(data + off + 8 * k);
		if (w[MD_PCHEADER] != pcln_vaddr ||
		    w[MD_FUNCNAMETAB] != pcln_vaddr + t->funcname_off ||
		    w[MD_CUTAB] != pcln_vaddr + t->cu_off ||
		    w[MD_FILETAB] != pcln_vaddr + t->filetab_off ||
		    w[MD_PCTAB] != pcln_vaddr + t->pctab_off ||
		    w[MD_PCLNTABLE] != pcln_vaddr + t->functab_off ||
		    w[MD_FTAB] != w[MD_PCLNTABLE] ||
		    w[MD_FTAB_LEN] != t->nfunc + 1)
			continue;
		/* minpc is the first function's entry: text + its offset */
		if (w[MD_MINPC] != w[MD_TEXT] + raw_entry(t, 0))
			continue;
		*text = w[MD_TEXT];
		return 0;
	}
	return -1;
}
