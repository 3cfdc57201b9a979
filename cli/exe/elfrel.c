// SPDX-License-Identifier: GPL-2.0
/* A PIE's relocations inside its RELRO range; see elfrel.h. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "exe/elfrel.h"

#define RELA_SIZE	24	/* Elf64_Rela */

/* The PT_DYNAMIC entries we read; false if there is no usable one. */
struct dyn {
	uint64_t rela, relasz, jmprel, pltrelsz;
	bool rel, relr;
};

static bool read_dynamic(const struct gs_elfimg *im, struct dyn *d)
{
	const uint8_t *m = im->map;
	uint64_t phoff, i, j;
	uint16_t phent, phnum;

	memset(d, 0, sizeof(*d));
	if (!im->elf64le || im->len < 64)
		return false;
	phoff = get64(m + 0x20);
	phent = (uint16_t)(m[0x36] | m[0x37] << 8);
	phnum = (uint16_t)(m[0x38] | m[0x39] << 8);
	if (phent < 56 || phoff > im->len || (uint64_t)phnum * phent > im->len - phoff)
		return false;
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = m + phoff + i * phent;
		uint64_t off = get64(ph + 8), sz = get64(ph + 32);

		if (get32(ph) != PT_DYNAMIC)
			continue;
		if (off > im->len || sz > im->len - off)
			return false;
		for (j = 0; j + 16 <= sz; j += 16) {
			uint64_t tag = get64(m + off + j), val = get64(m + off + j + 8);

			if (tag == DT_NULL)
				break;
			if (tag == DT_RELA)
				d->rela = val;
			else if (tag == DT_RELASZ)
				d->relasz = val;
			else if (tag == DT_JMPREL)
				d->jmprel = val;
			else if (tag == DT_PLTRELSZ)
				d->pltrelsz = val;
			else if (tag == DT_REL)
				d->rel = true;
#ifdef DT_RELR
			else if (tag == DT_RELR)
				d->relr = true;
#else
			else if (tag == 36)
				d->relr = true;
#endif
		}
		return true;
	}
	return false;
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct gs_reloc *x = a, *y = b;

	return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

/* Append the table at vaddr (size bytes) to rr; false if unreadable. */
static bool add_table(const struct gs_elfimg *im, struct gs_relro *rr,
		      uint64_t vaddr, uint64_t size, size_t *cap)
{
	const uint8_t *p;
	uint64_t i;

	if (!size)
		return true;
	if (size % RELA_SIZE || !(p = gs_elfimg_at((void *)im, vaddr, size)))
		return false;
	for (i = 0; i < size; i += RELA_SIZE) {
		uint64_t at = get64(p + i), info = get64(p + i + 8);

		if (at < rr->start || at >= rr->end)
			continue;
		if (rr->n == *cap) {
			size_t nc = *cap ? 2 * *cap : 256;
			struct gs_reloc *nr = realloc(rr->r, nc * sizeof(*nr));

			if (!nr)
				return false;
			rr->r = nr;
			*cap = nc;
		}
		rr->r[rr->n++] = (struct gs_reloc){
			.vaddr = at, .addend = get64(p + i + 16),
			.relative = (uint32_t)info == R_X86_64_RELATIVE,
		};
	}
	return true;
}

int gs_relro_load(const struct gs_elfimg *im, struct gs_relro *rr)
{
	struct dyn d;
	size_t cap = 0;

	memset(rr, 0, sizeof(*rr));
	rr->start = im->relro_start;
	rr->end = im->relro_end;
	if (rr->end <= rr->start) {
		rr->start = rr->end = 0;
		return 0;
	}
	if (!read_dynamic(im, &d)) {
		/* a static ET_EXEC: nothing relocates it */
		rr->usable = !im->pie;
		if (im->pie)
			snprintf(rr->why, sizeof(rr->why), "a PIE without a readable PT_DYNAMIC");
		return 0;
	}
	if (im->machine != EM_X86_64 || d.rel || d.relr) {
		snprintf(rr->why, sizeof(rr->why), "%s relocations are not read",
			 im->machine != EM_X86_64 ? "non-x86-64" : d.rel ? "DT_REL" : "DT_RELR");
		return 0;
	}
	if (!add_table(im, rr, d.rela, d.relasz, &cap) ||
	    !add_table(im, rr, d.jmprel, d.pltrelsz, &cap)) {
		gs_relro_free(rr);
		rr->start = im->relro_start;
		rr->end = im->relro_end;
		snprintf(rr->why, sizeof(rr->why), "its relocation table is unreadable");
		return 0;
	}
	if (rr->n)
		qsort(rr->r, rr->n, sizeof(*rr->r), cmp_reloc);
	rr->usable = true;
	return 0;
}

void gs_relro_free(struct gs_relro *rr)
{
	free(rr->r);
	memset(rr, 0, sizeof(*rr));
}

bool gs_relro_apply(const struct gs_relro *rr, uint64_t vaddr, uint8_t *buf,
		    size_t len, uint64_t bias)
{
	size_t lo = 0, hi = rr->n;

	if (!rr->usable)
		return false;
	/* the first relocation whose word ends after vaddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rr->r[mid].vaddr + 8 <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < rr->n && rr->r[lo].vaddr < vaddr + len; lo++) {
		const struct gs_reloc *r = &rr->r[lo];
		uint64_t v = r->addend + bias;
		size_t k;

		if (!r->relative)
			return false;
		/* the word may straddle either end of buf */
		for (k = 0; k < 8; k++) {
			uint64_t at = r->vaddr + k;

			if (at >= vaddr && at < vaddr + len)
				buf[at - vaddr] = (uint8_t)(v >> (8 * k));
		}
	}
	return true;
}
