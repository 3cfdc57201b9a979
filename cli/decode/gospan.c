// SPDX-License-Identifier: GPL-2.0
/* The allocated slots of an in-use span; see gospan.h. */
#include "decode/gospan.h"

#include <inttypes.h>
#include <string.h>

/* Whether [base, end) lies in arenas the heap decoder decoded. */
static bool in_arenas(const struct goheap *h, uint64_t base, uint64_t end)
{
	size_t lo = 0, hi = h->nr_arenas;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->arenas[mid].base + h->arena_bytes <= base)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < h->nr_arenas && h->arenas[lo].base <= base; lo++) {
		if (!h->arenas[lo].decoded)
			return false;
		if (end <= h->arenas[lo].base + h->arena_bytes)
			return true;
		base = h->arenas[lo].base + h->arena_bytes;	/* next must follow */
	}
	return false;
}

bool go_span_slots(const struct goheap *h, const struct gh_span *sp,
		   struct go_slots *s, struct gs_problems *pr)
{
	memset(s, 0, sizeof(*s));
	s->bytes = sp->npages * h->page_size;
	s->sizeclass = sp->spanclass >> 1;
	s->noscan = sp->spanclass & 1;
	s->large = s->sizeclass == 0;
	s->size = s->large ? s->bytes : sp->elemsize;
	s->nelems = s->large ? 1 : sp->nelems;
	if (!s->size || !s->nelems || s->nelems > GO_MAX_NELEMS ||
	    s->nelems > s->bytes / s->size || !h->os_page || s->bytes % h->os_page) {
		gs_problem(pr, "span 0x%" PRIx64 ": %" PRIu64 " slots of %" PRIu64
			   " bytes do not fit its %" PRIu64 " pages", sp->base, s->nelems,
			   s->size, sp->npages);
		return false;
	}
	if (!in_arenas(h, sp->base, sp->base + s->bytes)) {
		gs_problem(pr, "span 0x%" PRIx64 ": outside the decoded arenas", sp->base);
		return false;
	}
	return true;
}

bool go_span_allocated(const struct gs_mem *mem, const struct go_allocbits_at *at,
		       const struct gh_span *sp, uint64_t nelems, uint8_t *bits,
		       struct gs_problems *pr)
{
	uint64_t ab, freeindex, i;

	if (!gs_mem_uint(mem, sp->mspan + at->allocbits->value, 8, &ab) ||
	    !gs_mem_uint(mem, sp->mspan + at->freeindex->value, at->freeindex->size,
			 &freeindex)) {
		gs_problem(pr, "mspan at 0x%" PRIx64 ": allocBits or freeindex "
			   "not in the snapshot", sp->mspan);
		return false;
	}
	if (freeindex > nelems) {
		gs_problem(pr, "span 0x%" PRIx64 ": freeindex %" PRIu64
			   " beyond its %" PRIu64 " slots", sp->base, freeindex, nelems);
		return false;
	}
	if (!gs_mem_read_zfill(mem, ab, bits, (nelems + 7) / 8)) {
		gs_problem(pr, "span 0x%" PRIx64 ": allocBits at 0x%" PRIx64
			   " not in the snapshot", sp->base, ab);
		return false;
	}
	/* below freeindex every slot is allocated, whatever allocBits says */
	for (i = 0; i < freeindex; i++)
		bits[i / 8] |= 1U << (i % 8);
	if (nelems % 8)
		bits[nelems / 8] &= (1U << (nelems % 8)) - 1;
	return true;
}
