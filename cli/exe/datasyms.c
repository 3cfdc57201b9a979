// SPDX-License-Identifier: GPL-2.0
/* The executable's data symbols; see datasyms.h. */
#include "exe/datasyms.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

static int by_addr(const void *a, const void *b)
{
	const struct gs_datasym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int add(struct gs_datasyms *ds, size_t *cap, const char *name,
	       uint64_t addr, uint64_t size)
{
	struct gs_datasym *v;

	if (ds->n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;

		v = realloc(ds->v, c * sizeof(*v));
		if (!v)
			return -1;
		ds->v = v;
		*cap = c;
	}
	ds->v[ds->n++] = (struct gs_datasym){ addr, size, name };
	return 0;
}

int gs_datasyms_load(const struct gs_elfimg *im, struct gs_datasyms *ds)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0, i, n;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *data;
	const char *name;

	memset(ds, 0, sizeof(*ds));
	if (!im->elf)
		return 0;
	while ((scn = elf_nextscn(im->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			if (!gelf_getsym(data, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_size)
				continue;
			name = elf_strptr(im->elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (add(ds, &cap, name, sym.st_value, sym.st_size)) {
				gs_datasyms_free(ds);
				return -1;
			}
		}
	}
	if (ds->n)
		qsort(ds->v, ds->n, sizeof(*ds->v), by_addr);
	return 0;
}

void gs_datasyms_free(struct gs_datasyms *ds)
{
	free(ds->v);
	memset(ds, 0, sizeof(*ds));
}

const struct gs_datasym *gs_datasyms_find(const struct gs_datasyms *ds,
					  uint64_t addr)
{
	size_t lo = 0, hi = ds->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ds->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr - ds->v[lo - 1].addr >= ds->v[lo - 1].size)
		return NULL;
	return &ds->v[lo - 1];
}
