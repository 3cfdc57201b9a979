// SPDX-License-Identifier: GPL-2.0
/*
 * Resident pages by region (see regions.h). A page is counted as `show`
 * counts rss (gs_run_resident), so the regions of a snapshot add up to
 * its total rss.
 */
#include "decode/regions.h"
#include "snap/summary.h"

#include <gelf.h>
#include <string.h>

#define MAX_BSS	4

struct bss {
	uint64_t start[MAX_BSS], end[MAX_BSS];
	size_t n;
};

const char *gs_region_name(enum gs_region r)
{
	static const char *const names[GS_REG_NR] = {
		"text", "data", "bss", "heap", "stacks", "runtime", "other",
	};

	return r < GS_REG_NR ? names[r] : "?";
}

/* The writable NOBITS sections (.bss, .noptrbss), not the TLS template. */
static void find_bss(const struct gs_elfimg *im, uint64_t bias, struct bss *b)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	b->n = 0;
	if (!im || !im->elf)
		return;
	while ((scn = elf_nextscn(im->elf, scn)) && b->n < MAX_BSS) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || !(sh.sh_flags & SHF_WRITE) ||
		    (sh.sh_flags & SHF_TLS) || !sh.sh_size)
			continue;
		b->start[b->n] = sh.sh_addr + bias;
		b->end[b->n] = sh.sh_addr + sh.sh_size + bias;
		b->n++;
	}
}

static bool in_bss(const struct bss *b, uint64_t addr)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (addr >= b->start[i] && addr < b->end[i])
			return true;
	return false;
}

/* The arena holding addr, or NULL (arenas are ascending by base). */
static const struct gh_arena *arena_of(const struct goheap *h, uint64_t addr)
{
	size_t lo = 0, hi = h ? h->nr_arenas : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gh_arena *a = &h->arenas[mid];

		if (addr < a->base)
			hi = mid;
		else if (addr - a->base >= h->arena_bytes)
			lo = mid + 1;
		else
			return a;
	}
	return NULL;
}

static enum gs_region classify(const struct gs_snapshot *snap, const struct gs_vma *v,
			       const struct bss *b, const struct goheap *h, uint64_t addr)
{
	uint32_t f = v->rec->flags;
	const struct gh_arena *a;
	bool exe = snap->exe && snap->exe[0] && v->path && !strcmp(v->path, snap->exe);

	if (exe)
		return (f & GOSNAP_VMA_EXEC) ? GS_REG_TEXT : GS_REG_DATA;
	if (f & GOSNAP_VMA_STACK)
		return GS_REG_STACKS;
	if ((f & GOSNAP_VMA_FILE) || (f & GOSNAP_VMA_SHARED) || !(f & GOSNAP_VMA_ANON))
		return GS_REG_OTHER;
	if (in_bss(b, addr))
		return GS_REG_BSS;
	a = arena_of(h, addr);
	if (a) {
		uint64_t pg = (addr - a->base) / h->page_size;

		if (a->kind && pg < h->pages_per_arena && a->kind[pg] == GH_PG_MANUAL)
			return GS_REG_STACKS;
		return GS_REG_HEAP;
	}
	return GS_REG_RUNTIME;
}

void gs_regions_compute(const struct gs_snapshot *snap, const struct gs_elfimg *exe,
			uint64_t bias, const struct goheap *h, struct gs_regions *out)
{
	uint64_t ps = snap->hdr->page_size;
	struct bss b;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	find_bss(exe, bias, &b);
	out->bss_known = b.n > 0;
	if (h && !goheap_pages_decoded(h))
		h = NULL;
	out->arenas_known = h != NULL;
	for (i = 0; i < snap->nr_vmas; i++) {
		const struct gs_vma *v = &snap->vmas[i];

		for (k = 0; k < v->nr_runs; k++) {
			const struct gosnap_page_run *r = &v->runs[k];
			uint64_t n;

			if (!gs_run_resident(r->flags))
				continue;
			/* page by page: one run may cross an arena's end */
			for (n = 0; n < r->npages; n++) {
				uint64_t addr = r->addr + n * ps;

				out->resident[classify(snap, v, &b, h, addr)] += ps;
			}
		}
	}
}
