// SPDX-License-Identifier: GPL-2.0
/*
 * The heap decoder: mheap_ and what hangs off it, read through the layout
 * interface (every offset by name) and gs_mem (every byte checked). The
 * order: constants, counters, spans, page-allocator chunks, arenas (whose
 * pages are classified from the two before), then the residency join.
 */
#include "decode/goheap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on what a (possibly corrupt) snapshot can make us allocate. */
#define GH_MAX_ARENAS		4096		/* 256 GiB of heap */
#define GH_MAX_SPANS		(1U << 22)
#define GH_MAX_RANGES		4096
#define GH_MAX_CHUNKS		(1U << 16)	/* 256 GiB at 4 MiB */
#define GH_MAX_CLASSES		256
#define GH_MAX_PROBLEMS		64

struct dec {
	const struct gs_snapshot *snap;
	const struct gs_mem	*mem;
	struct gs_layout	*l;
	struct goheap		*h;
	uint64_t		mheap;
	uint64_t		arena_base_off;
	int64_t			arena_l1_bits, arena_l2_bits;
	int64_t			chunk_l1_bits, chunk_l2_bits;
	bool			have_arena_consts, have_chunk_consts;
	/* mspan fields */
	uint64_t		mspan_size;
	struct gs_field		f_start, f_npages, f_state, f_spanclass,
				f_elemsize, f_nelems, f_alloc, f_sweepgen;
	bool			have_mspan;
	/* mspan address -> index into h->spans, sorted by address */
	struct span_ref { uint64_t mspan; size_t idx; } *refs;
};

static void problem(struct goheap *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct goheap *h, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	char **n;

	if (h->nr_problems > GH_MAX_PROBLEMS)
		return;
	if (h->nr_problems == GH_MAX_PROBLEMS)
		snprintf(buf, sizeof(buf), "more problems not shown");
	else {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
	}
	n = realloc(h->problems, (h->nr_problems + 1) * sizeof(*n));
	if (!n)
		return;
	h->problems = n;
	if ((h->problems[h->nr_problems] = strdup(buf)))
		h->nr_problems++;
}

static bool rd_uint(const struct gs_mem *m, uint64_t addr, uint64_t size,
		    uint64_t *out)
{
	uint8_t b[8] = { 0 };

	if (size == 0 || size > 8 || !gs_mem_read_zfill(m, addr, b, size))
		return false;
	*out = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
	       (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 |
	       (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56;
	return true;
}

static bool rd_u64(const struct gs_mem *m, uint64_t addr, uint64_t *out)
{
	return rd_uint(m, addr, 8, out);
}

/* A field's value out of a struct image already read into buf. */
static uint64_t get_field(const uint8_t *buf, size_t len, const struct gs_field *f)
{
	uint64_t v = 0;
	size_t i, n = f->size > 8 ? 8 : f->size;

	if (f->offset + n > len)
		return 0;
	for (i = 0; i < n; i++)
		v |= (uint64_t)buf[f->offset + i] << (8 * i);
	return v;
}

const char *gh_page_kind_name(enum gh_page_kind k)
{
	static const char *const names[GH_PG_NR_KINDS] = {
		[GH_PG_UNKNOWN]  = "unknown",
		[GH_PG_INUSE]    = "in-use",
		[GH_PG_MANUAL]   = "manual",
		[GH_PG_FREE]     = "free",
		[GH_PG_RELEASED] = "released",
		[GH_PG_UNUSED]   = "unused",
		[GH_PG_CACHED]   = "cached",
	};

	return (unsigned)k < GH_PG_NR_KINDS ? names[k] : "?";
}

const char *gh_span_state_name(const struct goheap *h, uint8_t state, char *buf,
			       size_t len)
{
	if (state == h->state_inuse)
		return "in-use";
	if (state == h->state_manual)
		return "manual";
	if (state == h->state_dead)
		return "dead";
	snprintf(buf, len, "state-%u", state);
	return buf;
}

const char *gh_sweep_name(const struct goheap *h, const struct gh_span *s)
{
	uint32_t g = h->sweepgen, sg = s->sweepgen;

	if (s->state != h->state_inuse)
		return "-";	/* only heap spans are swept */
	if (sg == g - 2)
		return "unswept";
	if (sg == g - 1)
		return "sweeping";
	if (sg == g)
		return "swept";
	if (sg == g + 1)
		return "cached-unswept";
	if (sg == g + 3)
		return "cached-swept";
	return "?";
}

bool gh_span_live(const struct goheap *h, const struct gh_span *s)
{
	return s->state == h->state_inuse || s->state == h->state_manual;
}

/* ---- constants and version ------------------------------------------ */

static bool get_const(struct dec *d, const char *name, int64_t *v)
{
	return gs_layout_const(d->l, name, v, NULL);
}

static void decode_constants(struct dec *d)
{
	struct goheap *h = d->h;
	int64_t v, inuse = 1, manual = 2, dead = 0;
	bool ok = true;

	/* The runtime's page size has two names; either will do. */
	if (gs_layout_has_const(d->l, "runtime._PageSize", &v) ||
	    get_const(d, "runtime.pageSize", &v))
		h->page_size = (uint64_t)v;
	if (get_const(d, "runtime.heapArenaBytes", &v))
		h->arena_bytes = (uint64_t)v;
	if (h->page_size && h->arena_bytes && h->arena_bytes % h->page_size == 0)
		h->pages_per_arena = h->arena_bytes / h->page_size;
	if (h->pages_per_arena > (1U << 20) || h->page_size > (1U << 20) ||
	    (h->page_size & (h->page_size - 1))) {
		problem(h, "implausible page size %" PRIu64 " / arena size %" PRIu64,
			h->page_size, h->arena_bytes);
		h->pages_per_arena = 0;
	}
	ok &= get_const(d, "runtime.arenaL1Bits", &d->arena_l1_bits);
	ok &= get_const(d, "runtime.arenaL2Bits", &d->arena_l2_bits);
	/* Go spells it as an untyped constant that DWARF may drop. */
	if (gs_layout_has_const(d->l, "runtime.arenaBaseOffset", &v) ||
	    get_const(d, "runtime.arenaBaseOffsetUintptr", &v))
		d->arena_base_off = (uint64_t)v;
	else
		ok = false;
	d->have_arena_consts = ok && h->pages_per_arena &&
		d->arena_l1_bits >= 0 && d->arena_l1_bits < 32 &&
		d->arena_l2_bits >= 0 && d->arena_l2_bits < 32;

	ok = get_const(d, "runtime.pallocChunkPages", &v);
	h->chunk_pages = ok ? (uint64_t)v : 0;
	ok &= get_const(d, "runtime.pallocChunksL1Bits", &d->chunk_l1_bits);
	ok &= get_const(d, "runtime.pallocChunksL2Bits", &d->chunk_l2_bits);
	d->have_chunk_consts = ok && h->page_size && h->chunk_pages == 512 &&
		d->chunk_l1_bits >= 0 && d->chunk_l1_bits < 32 &&
		d->chunk_l2_bits >= 0 && d->chunk_l2_bits < 32;
	if (ok && h->chunk_pages != 512)
		problem(h, "pallocChunkPages is %" PRIu64 ", this decoder reads 512-page chunks",
			h->chunk_pages);

	/* Ask for all three, so each missing one is named. */
	ok = get_const(d, "runtime.mSpanInUse", &inuse);
	ok = get_const(d, "runtime.mSpanManual", &manual) && ok;
	ok = get_const(d, "runtime.mSpanDead", &dead) && ok;
	if (ok) {
		h->state_inuse = (uint8_t)inuse;
		h->state_manual = (uint8_t)manual;
		h->state_dead = (uint8_t)dead;
	} else {
		/* Without the names no span can be classified: none matches. */
		h->state_inuse = h->state_manual = h->state_dead = 0xff;
	}
}

static void decode_version(struct dec *d, const char *buildinfo_version)
{
	struct goheap *h = d->h;
	uint64_t addr;
	char *s = NULL;

	if (gs_layout_global(d->l, "runtime.buildVersion", &addr, NULL, 0, NULL))
		s = gs_mem_gostring(d->mem, addr, sizeof(h->version) - 1);
	if (s && s[0]) {
		snprintf(h->version, sizeof(h->version), "%s", s);
		h->version_from = "runtime.buildVersion";
		if (buildinfo_version && buildinfo_version[0] &&
		    strcmp(buildinfo_version, s))
			problem(h, "runtime.buildVersion %s differs from .go.buildinfo %s",
				s, buildinfo_version);
	} else if (buildinfo_version && buildinfo_version[0]) {
		snprintf(h->version, sizeof(h->version), "%s", buildinfo_version);
		h->version_from = ".go.buildinfo";
	}
	free(s);
}

/* ---- MemStats counters ---------------------------------------------- */

/*
 * The first of the variables (gcController, then memstats) that has the
 * field; *from names it. ReadMemStats reads gcController.heapInUse and
 * friends in every release from 1.19 to 1.26; memstats is asked second
 * for releases that kept them there.
 */
static bool counter_field(struct dec *d, const char *field, uint64_t *out,
			  char *from, size_t fromlen)
{
	static const char *const owners[] = { "runtime.gcController",
					      "runtime.memstats" };
	char type[GS_TYPE_NAME_MAX];
	struct gs_field f;
	uint64_t addr;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (!gs_layout_global(d->l, owners[i], &addr, type, sizeof(type),
				      NULL) || !type[0] ||
		    !gs_layout_has_field(d->l, type, field, &f))
			continue;
		if (!rd_uint(d->mem, addr + f.offset, f.size, out)) {
			problem(d->h, "%s.%s: not in the snapshot", owners[i], field);
			return false;
		}
		snprintf(from, fromlen, "%s.%s", owners[i], field);
		return true;
	}
	problem(d->h, "no variable holds %s (asked runtime.gcController, runtime.memstats)",
		field);
	return false;
}

/* StackInuse: inStacks summed over the consistent stats' ring. */
static bool stack_inuse(struct dec *d, uint64_t *out)
{
	char type[GS_TYPE_NAME_MAX], elem[GS_TYPE_NAME_MAX];
	struct gs_field ring, in;
	uint64_t addr, n, esz, i, v;
	int64_t sum = 0;

	if (!gs_layout_global(d->l, "runtime.memstats", &addr, type, sizeof(type), NULL) ||
	    !gs_layout_field(d->l, type, "heapStats.stats", &ring) ||
	    !gs_type_elem(ring.type, elem, sizeof(elem), &n) || n == 0 || n > 16 ||
	    !gs_layout_size(d->l, elem, &esz, NULL) ||
	    !gs_layout_field(d->l, elem, "inStacks", &in))
		return false;
	for (i = 0; i < n; i++) {
		if (!rd_uint(d->mem, addr + ring.offset + i * esz + in.offset,
			     in.size, &v)) {
			problem(d->h, "runtime.memstats.heapStats: not in the snapshot");
			return false;
		}
		sum += (int64_t)v;
	}
	*out = (uint64_t)sum;
	return true;
}

static void decode_counters(struct dec *d)
{
	struct gh_counter *c = d->h->counters;
	char fi[72], ff[72], fr[72];
	uint64_t inuse = 0, free_ = 0, rel = 0;
	bool ok_i, ok_f, ok_r;

	c[GH_HEAP_INUSE].name = "HeapInuse";
	c[GH_HEAP_IDLE].name = "HeapIdle";
	c[GH_HEAP_RELEASED].name = "HeapReleased";
	c[GH_HEAP_SYS].name = "HeapSys";
	c[GH_STACK_INUSE].name = "StackInuse";

	ok_i = counter_field(d, "heapInUse", &inuse, fi, sizeof(fi));
	ok_f = counter_field(d, "heapFree", &free_, ff, sizeof(ff));
	ok_r = counter_field(d, "heapReleased", &rel, fr, sizeof(fr));
	if (ok_i) {
		c[GH_HEAP_INUSE] = (struct gh_counter){ "HeapInuse", true, inuse, "" };
		snprintf(c[GH_HEAP_INUSE].from, sizeof(c->from), "%s", fi);
	}
	if (ok_r) {
		c[GH_HEAP_RELEASED] = (struct gh_counter){ "HeapReleased", true, rel, "" };
		snprintf(c[GH_HEAP_RELEASED].from, sizeof(c->from), "%s", fr);
	}
	if (ok_f && ok_r) {
		c[GH_HEAP_IDLE] = (struct gh_counter){ "HeapIdle", true, free_ + rel, "" };
		snprintf(c[GH_HEAP_IDLE].from, sizeof(c->from), "%s + %s", ff, fr);
	}
	if (ok_i && ok_f && ok_r) {
		c[GH_HEAP_SYS] = (struct gh_counter){ "HeapSys", true,
						      inuse + free_ + rel, "" };
		snprintf(c[GH_HEAP_SYS].from, sizeof(c->from), "%s + %s + %s",
			 fi, ff, fr);
	}
	if (stack_inuse(d, &c[GH_STACK_INUSE].value)) {
		c[GH_STACK_INUSE].ok = true;
		snprintf(c[GH_STACK_INUSE].from, sizeof(c->from),
			 "sum of runtime.memstats.heapStats.stats[].inStacks");
	}
}

/* ---- spans ----------------------------------------------------------- */

static bool mspan_layout(struct dec *d)
{
	struct gs_layout *l = d->l;
	const char *t = "runtime.mspan";
	bool ok = true;

	ok &= gs_layout_size(l, t, &d->mspan_size, NULL);
	ok &= gs_layout_field(l, t, "startAddr", &d->f_start);
	ok &= gs_layout_field(l, t, "npages", &d->f_npages);
	/* mSpanStateBox wraps the state byte (go1.14+). */
	if (!gs_layout_has_field(l, t, "state.s", &d->f_state))
		ok &= gs_layout_field(l, t, "state", &d->f_state);
	ok &= gs_layout_field(l, t, "spanclass", &d->f_spanclass);
	ok &= gs_layout_field(l, t, "elemsize", &d->f_elemsize);
	ok &= gs_layout_field(l, t, "nelems", &d->f_nelems);
	ok &= gs_layout_field(l, t, "allocCount", &d->f_alloc);
	ok &= gs_layout_field(l, t, "sweepgen", &d->f_sweepgen);
	return ok && d->mspan_size && d->mspan_size <= 4096;
}

static int cmp_span_base(const void *a, const void *b)
{
	const struct gh_span *x = a, *y = b;

	return (x->base > y->base) - (x->base < y->base);
}

static int cmp_ref(const void *a, const void *b)
{
	const struct span_ref *x = a, *y = b;

	return (x->mspan > y->mspan) - (x->mspan < y->mspan);
}

/* A slice header {ptr, len, cap} at addr; false if unreadable or silly. */
static bool read_slice(struct dec *d, uint64_t addr, const char *what,
		       uint64_t max, uint64_t *ptr, uint64_t *len)
{
	uint64_t cap;

	if (!rd_u64(d->mem, addr, ptr) || !rd_u64(d->mem, addr + 8, len) ||
	    !rd_u64(d->mem, addr + 16, &cap)) {
		problem(d->h, "%s: slice header not in the snapshot", what);
		return false;
	}
	if (*len > cap || *len > max) {
		problem(d->h, "%s: implausible length %" PRIu64 " (cap %" PRIu64 ")",
			what, *len, cap);
		return false;
	}
	return true;
}

static void decode_spans(struct dec *d)
{
	struct goheap *h = d->h;
	struct gs_field f;
	uint64_t arr, n, i;
	uint8_t *img;

	if (!gs_layout_field(d->l, "runtime.mheap", "allspans", &f) ||
	    !mspan_layout(d))
		return;
	d->have_mspan = true;
	if (!read_slice(d, d->mheap + f.offset, "mheap_.allspans", GH_MAX_SPANS,
			&arr, &n) || n == 0)
		return;
	h->spans = calloc(n, sizeof(*h->spans));
	d->refs = calloc(n, sizeof(*d->refs));
	img = malloc(d->mspan_size);
	if (!h->spans || !d->refs || !img) {
		problem(h, "out of memory for %" PRIu64 " spans", n);
		free(img);
		return;
	}
	for (i = 0; i < n; i++) {
		struct gh_span *s = &h->spans[h->nr_spans];
		uint64_t p;

		if (!rd_u64(d->mem, arr + 8 * i, &p)) {
			problem(h, "mheap_.allspans[%" PRIu64 "...]: not in the snapshot", i);
			break;
		}
		if (!gs_mem_read_zfill(d->mem, p, img, d->mspan_size)) {
			problem(h, "mspan at 0x%" PRIx64 ": not in the snapshot", p);
			continue;
		}
		s->mspan = p;
		s->base = get_field(img, d->mspan_size, &d->f_start);
		s->npages = get_field(img, d->mspan_size, &d->f_npages);
		s->state = (uint8_t)get_field(img, d->mspan_size, &d->f_state);
		s->spanclass = (uint8_t)get_field(img, d->mspan_size, &d->f_spanclass);
		s->elemsize = get_field(img, d->mspan_size, &d->f_elemsize);
		s->nelems = get_field(img, d->mspan_size, &d->f_nelems);
		s->alloc_count = get_field(img, d->mspan_size, &d->f_alloc);
		s->sweepgen = (uint32_t)get_field(img, d->mspan_size, &d->f_sweepgen);
		if (gh_span_live(h, s) && h->page_size &&
		    (s->npages == 0 || s->npages > (1ULL << 40) / h->page_size ||
		     s->base + s->npages * h->page_size < s->base)) {
			problem(h, "mspan at 0x%" PRIx64 ": implausible %" PRIu64 " pages at 0x%" PRIx64,
				p, s->npages, s->base);
			s->state = h->state_dead == 0xff ? 0xfe : h->state_dead;
		}
		h->nr_spans++;
	}
	free(img);
	qsort(h->spans, h->nr_spans, sizeof(*h->spans), cmp_span_base);
	for (i = 0; i < h->nr_spans; i++)
		d->refs[i] = (struct span_ref){ h->spans[i].mspan, i };
	qsort(d->refs, h->nr_spans, sizeof(*d->refs), cmp_ref);
}

static const struct gh_span *span_of(const struct dec *d, uint64_t mspan)
{
	size_t lo = 0, hi = d->h->nr_spans;

	if (!d->refs)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->refs[mid].mspan < mspan)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->h->nr_spans && d->refs[lo].mspan == mspan)
		return &d->h->spans[d->refs[lo].idx];
	return NULL;
}

/* ---- page allocator chunks ------------------------------------------ */

static void decode_chunks(struct dec *d)
{
	struct goheap *h = d->h;
	struct gs_field f_chunks, f_ranges, f_base, f_limit, f_bits, f_scav;
	uint64_t arr, n, i, rsz, pdsz, chunk_bytes;

	if (!d->have_chunk_consts ||
	    !gs_layout_field(d->l, "runtime.mheap", "pages.chunks", &f_chunks) ||
	    !gs_layout_field(d->l, "runtime.mheap", "pages.inUse.ranges", &f_ranges) ||
	    !gs_layout_field(d->l, "runtime.addrRange", "base.a", &f_base) ||
	    !gs_layout_field(d->l, "runtime.addrRange", "limit.a", &f_limit) ||
	    !gs_layout_size(d->l, "runtime.addrRange", &rsz, NULL) ||
	    !gs_layout_size(d->l, "runtime.pallocData", &pdsz, NULL) ||
	    !gs_layout_field(d->l, "runtime.pallocData", "pallocBits", &f_bits) ||
	    !gs_layout_field(d->l, "runtime.pallocData", "scavenged", &f_scav))
		return;
	if (f_bits.size != 64 || f_scav.size != 64 || rsz == 0 || rsz > 64) {
		problem(h, "pallocData bitmaps of %" PRIu64 "/%" PRIu64 " bytes: expected 64",
			f_bits.size, f_scav.size);
		return;
	}
	chunk_bytes = h->chunk_pages * h->page_size;
	if (!read_slice(d, d->mheap + f_ranges.offset, "mheap_.pages.inUse.ranges",
			GH_MAX_RANGES, &arr, &n))
		return;
	for (i = 0; i < n; i++) {
		uint64_t base, limit, c;

		if (!rd_uint(d->mem, arr + i * rsz + f_base.offset, 8, &base) ||
		    !rd_uint(d->mem, arr + i * rsz + f_limit.offset, 8, &limit)) {
			problem(h, "mheap_.pages.inUse.ranges[%" PRIu64 "]: not in the snapshot", i);
			continue;
		}
		if (limit < base || base % chunk_bytes || limit % chunk_bytes ||
		    h->nr_chunks + (limit - base) / chunk_bytes > GH_MAX_CHUNKS) {
			problem(h, "page allocator range [0x%" PRIx64 ", 0x%" PRIx64 ") is implausible",
				base, limit);
			continue;
		}
		for (c = base; c < limit; c += chunk_bytes) {
			struct gh_chunk *ch, *grown;
			uint64_t ci = (c - d->arena_base_off) / chunk_bytes;
			uint64_t l1 = d->chunk_l1_bits ? ci >> d->chunk_l2_bits : 0;
			uint64_t l2 = ci & ((1ULL << d->chunk_l2_bits) - 1);
			uint64_t l2map, at;

			grown = realloc(h->chunks, (h->nr_chunks + 1) * sizeof(*grown));
			if (!grown)
				return;
			h->chunks = grown;
			ch = &h->chunks[h->nr_chunks++];
			memset(ch, 0, sizeof(*ch));
			ch->base = c;
			if (l1 >> d->chunk_l1_bits ||
			    !rd_u64(d->mem, d->mheap + f_chunks.offset + 8 * l1, &l2map) ||
			    !l2map) {
				problem(h, "chunk 0x%" PRIx64 ": mheap_.pages.chunks[%" PRIu64 "] unreadable",
					c, l1);
				continue;
			}
			at = l2map + l2 * pdsz;
			if (!gs_mem_read_zfill(d->mem, at + f_bits.offset, ch->alloc, 64) ||
			    !gs_mem_read_zfill(d->mem, at + f_scav.offset, ch->scav, 64)) {
				problem(h, "chunk 0x%" PRIx64 ": pallocData at 0x%" PRIx64 " not in the snapshot",
					c, at);
				continue;
			}
			ch->decoded = true;
		}
	}
}

/* The chunk holding addr, decoded or not; NULL if none does. */
static struct gh_chunk *chunk_of(const struct goheap *h, uint64_t addr)
{
	uint64_t cb = h->chunk_pages * h->page_size;
	size_t lo = 0, hi = h->nr_chunks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->chunks[mid].base + cb <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->nr_chunks && h->chunks[lo].base <= addr)
		return &h->chunks[lo];
	return NULL;
}

static bool bit(const uint64_t *bits, uint64_t i)
{
	return bits[i / 64] >> (i % 64) & 1;
}

/*
 * Each P's page cache: up to 64 pages of one chunk taken out of the
 * bitmaps (marked allocated there) that the runtime still counts as free,
 * with their own scavenged bits.
 */
static void decode_page_caches(struct dec *d)
{
	struct goheap *h = d->h;
	struct gs_field f_pc, f_base, f_cache, f_scav;
	uint64_t allp, arr, n, i;

	if (!h->nr_chunks ||
	    !gs_layout_global(d->l, "runtime.allp", &allp, NULL, 0, NULL) ||
	    !gs_layout_field(d->l, "runtime.p", "pcache", &f_pc) ||
	    !gs_layout_field(d->l, "runtime.pageCache", "base", &f_base) ||
	    !gs_layout_field(d->l, "runtime.pageCache", "cache", &f_cache) ||
	    !gs_layout_field(d->l, "runtime.pageCache", "scav", &f_scav))
		return;
	if (!read_slice(d, allp, "runtime.allp", 1U << 16, &arr, &n))
		return;
	h->page_caches_read = true;
	for (i = 0; i < n; i++) {
		uint64_t p, base, cache, scav, k, first;
		struct gh_chunk *c;

		/* The Ps live on the Go heap, which meta snapshots leave out. */
		if (!rd_u64(d->mem, arr + 8 * i, &p)) {
			h->page_caches_read = false;
			break;
		}
		if (!p)
			continue;
		if (!rd_u64(d->mem, p + f_pc.offset + f_base.offset, &base) ||
		    !rd_u64(d->mem, p + f_pc.offset + f_cache.offset, &cache) ||
		    !rd_u64(d->mem, p + f_pc.offset + f_scav.offset, &scav)) {
			h->page_caches_read = false;
			break;
		}
		if (!base || !cache)
			continue;
		c = chunk_of(h, base);
		if (!c || (base - c->base) % (64 * h->page_size)) {
			problem(h, "P %" PRIu64 ": page cache at 0x%" PRIx64 " outside the heap",
				i, base);
			continue;
		}
		first = (base - c->base) / h->page_size;
		for (k = 0; k < 64; k++) {
			if (!(cache >> k & 1))
				continue;
			c->cached[(first + k) / 64] |= 1ULL << ((first + k) % 64);
			if (scav >> k & 1)
				c->cached_scav[(first + k) / 64] |= 1ULL << ((first + k) % 64);
			h->truth.cached_bytes += h->page_size;
		}
	}
}

/*
 * A page's state in the page allocator: -1 allocated, then an enum
 * gh_alloc_state. Allocating clears a page's scavenged bit; the one range
 * both allocated and scavenged is the random padding a randomized heap
 * base (Go 1.26) puts before the first heap page: released memory that is
 * never handed out, which the runtime counts in HeapReleased.
 */
enum gh_alloc_state { GH_AS_FREE, GH_AS_RELEASED, GH_AS_PADDING };

static int alloc_state(const struct gh_chunk *c, uint64_t i)
{
	if (bit(c->cached, i))
		return bit(c->cached_scav, i) ? GH_AS_RELEASED : GH_AS_FREE;
	if (bit(c->alloc, i))
		return bit(c->scav, i) ? GH_AS_PADDING : -1;
	return bit(c->scav, i) ? GH_AS_RELEASED : GH_AS_FREE;
}

/* What the page allocator says of a page that no live span owns. */
static enum gh_page_kind free_kind(const struct goheap *h, uint64_t addr)
{
	const struct gh_chunk *c = chunk_of(h, addr);
	int st;

	if (!c)
		return GH_PG_UNUSED;
	if (!c->decoded)
		return GH_PG_UNKNOWN;
	st = alloc_state(c, (addr - c->base) / h->page_size);
	if (st < 0)	/* allocated, yet no span: a page cache's, or inconsistent */
		return h->page_caches_read ? GH_PG_UNKNOWN : GH_PG_CACHED;
	return st == GH_AS_FREE ? GH_PG_FREE : GH_PG_RELEASED;
}

/* ---- arenas ---------------------------------------------------------- */

static int cmp_arena(const void *a, const void *b)
{
	const struct gh_arena *x = a, *y = b;

	return (x->base > y->base) - (x->base < y->base);
}

static void classify_arena(struct dec *d, struct gh_arena *a, const uint64_t *spans)
{
	struct goheap *h = d->h;
	uint64_t i, prev = 0;

	for (i = 0; i < h->pages_per_arena; i++) {
		uint64_t addr = a->base + i * h->page_size;
		const struct gh_span *s = spans && spans[i] ? span_of(d, spans[i]) : NULL;
		enum gh_page_kind k;

		if (s && gh_span_live(h, s) && addr >= s->base &&
		    addr - s->base < s->npages * h->page_size) {
			k = s->state == h->state_inuse ? GH_PG_INUSE : GH_PG_MANUAL;
			a->sizeclass[i] = s->spanclass >> 1;
			if (spans[i] != prev)
				a->nr_spans++;
			prev = spans[i];
		} else {
			k = free_kind(h, addr);
			prev = 0;
		}
		a->kind[i] = (uint8_t)k;
		a->pages[k]++;
	}
}

static void decode_arenas(struct dec *d)
{
	struct goheap *h = d->h;
	struct gs_field f_arenas, f_all, f_spans;
	uint64_t arr, n, i, *spans;

	if (!d->have_arena_consts ||
	    !gs_layout_field(d->l, "runtime.mheap", "arenas", &f_arenas) ||
	    /* renamed heapArenas in go1.25 */
	    !(gs_layout_has_field(d->l, "runtime.mheap", "allArenas", &f_all) ||
	      gs_layout_field(d->l, "runtime.mheap", "heapArenas", &f_all)) ||
	    !gs_layout_field(d->l, "runtime.heapArena", "spans", &f_spans))
		return;
	if (f_spans.size != 8 * h->pages_per_arena) {
		problem(h, "heapArena.spans is %" PRIu64 " bytes, expected %" PRIu64,
			f_spans.size, 8 * h->pages_per_arena);
		return;
	}
	if (!read_slice(d, d->mheap + f_all.offset, "mheap_.allArenas",
			GH_MAX_ARENAS, &arr, &n) || n == 0)
		return;
	h->arenas = calloc(n, sizeof(*h->arenas));
	spans = malloc(f_spans.size);
	if (!h->arenas || !spans) {
		free(spans);
		return;
	}
	for (i = 0; i < n; i++) {
		struct gh_arena *a = &h->arenas[h->nr_arenas];
		uint64_t ai, l1, l2, l2map;
		bool have_spans;

		if (!rd_u64(d->mem, arr + 8 * i, &ai)) {
			problem(h, "mheap_.allArenas[%" PRIu64 "]: not in the snapshot", i);
			break;
		}
		l1 = d->arena_l1_bits ? ai >> d->arena_l2_bits : 0;
		l2 = ai & ((1ULL << d->arena_l2_bits) - 1);
		if (l1 >> d->arena_l1_bits || ai >> (d->arena_l1_bits + d->arena_l2_bits)) {
			problem(h, "arena index %" PRIu64 " out of range", ai);
			continue;
		}
		a->base = ai * h->arena_bytes + d->arena_base_off;
		a->kind = calloc(h->pages_per_arena, 1);
		a->sizeclass = calloc(h->pages_per_arena, 1);
		a->resident = calloc(h->pages_per_arena, 1);
		h->nr_arenas++;
		if (!a->kind || !a->sizeclass || !a->resident) {
			problem(h, "out of memory for arena 0x%" PRIx64, a->base);
			break;
		}
		have_spans = false;
		if (!rd_u64(d->mem, d->mheap + f_arenas.offset + 8 * l1, &l2map) ||
		    !l2map || !rd_u64(d->mem, l2map + 8 * l2, &a->meta) || !a->meta)
			problem(h, "arena 0x%" PRIx64 ": mheap_.arenas[%" PRIu64 "][%" PRIu64 "] unreadable",
				a->base, l1, l2);
		else if (!gs_mem_read_zfill(d->mem, a->meta + f_spans.offset, spans, f_spans.size))
			problem(h, "arena 0x%" PRIx64 ": heapArena at 0x%" PRIx64 " not in the snapshot",
				a->base, a->meta);
		else
			have_spans = true;
		a->decoded = have_spans;
		classify_arena(d, a, have_spans ? spans : NULL);
	}
	free(spans);
	qsort(h->arenas, h->nr_arenas, sizeof(*h->arenas), cmp_arena);
}

/* ---- the residency join ---------------------------------------------- */

static void free_range_add(struct goheap *h, uint64_t base, int st)
{
	struct gh_free_range *r = h->nr_free_ranges ?
		&h->free_ranges[h->nr_free_ranges - 1] : NULL;
	bool released = st != GH_AS_FREE, padding = st == GH_AS_PADDING;

	if (r && r->released == released && r->padding == padding &&
	    r->base + r->npages * h->page_size == base) {
		r->npages++;
		return;
	}
	if (!(h->nr_free_ranges & (h->nr_free_ranges + 1))) {	/* 0, 1, 3, 7... */
		size_t cap = 2 * (h->nr_free_ranges + 1);
		struct gh_free_range *n = realloc(h->free_ranges, cap * sizeof(*n));

		if (!n)
			return;
		h->free_ranges = n;
	}
	h->free_ranges[h->nr_free_ranges++] =
		(struct gh_free_range){ base, 1, released, padding, { 0 } };
}

static void join_residency(struct dec *d)
{
	struct goheap *h = d->h;
	struct gh_truth *t = &h->truth;
	uint64_t ps = h->os_page, i, k;

	for (i = 0; i < h->nr_arenas; i++) {
		struct gh_arena *a = &h->arenas[i];

		gh_res_range(d->snap, a->base, a->base + h->arena_bytes, &a->res);
		t->arena_bytes += h->arena_bytes;
		t->resident += a->res.resident * ps;
		t->thp += a->res.thp * ps;
		t->swapped += a->res.swapped * ps;
		for (k = 0; k < h->pages_per_arena; k++) {
			uint64_t addr = a->base + k * h->page_size;
			struct gh_res r = { 0 };

			gh_res_range(d->snap, addr, addr + h->page_size, &r);
			a->resident[k] = (uint8_t)(r.resident > 255 ? 255 : r.resident);
			t->resident_by_kind[a->kind[k]] += r.resident * ps;
			t->bytes_by_kind[a->kind[k]] += h->page_size;
			if (a->kind[k] == GH_PG_INUSE)
				t->inuse_untouched += r.untouched * ps;
		}
	}
	for (i = 0; i < h->nr_spans; i++) {
		struct gh_span *s = &h->spans[i];

		if (gh_span_live(h, s))
			gh_res_range(d->snap, s->base,
				     s->base + s->npages * h->page_size, &s->res);
	}
	/* Free and released runs, straight from the chunks' bitmaps. */
	for (i = 0; i < h->nr_chunks; i++) {
		const struct gh_chunk *c = &h->chunks[i];

		if (!c->decoded)
			continue;
		for (k = 0; k < h->chunk_pages; k++) {
			int st = alloc_state(c, k);

			if (st >= 0)
				free_range_add(h, c->base + k * h->page_size, st);
		}
	}
	for (i = 0; i < h->nr_free_ranges; i++) {
		struct gh_free_range *r = &h->free_ranges[i];

		gh_res_range(d->snap, r->base, r->base + r->npages * h->page_size,
			     &r->res);
		if (r->released)
			t->released_resident += r->res.resident * ps;
		if (r->padding)
			t->padding_bytes += r->npages * h->page_size;
	}
}

static void decode_classes(struct dec *d)
{
	struct goheap *h = d->h;
	char type[GS_TYPE_NAME_MAX], elem[GS_TYPE_NAME_MAX];
	uint64_t addr, n = 0, esz, i, v;
	int64_t nc;

	/* The size classes moved to internal/runtime/gc in go1.25. */
	if (!(gs_layout_has_const(d->l, "runtime._NumSizeClasses", &nc) ||
	      get_const(d, "internal/runtime/gc.NumSizeClasses", &nc)) ||
	    nc <= 0 || nc > GH_MAX_CLASSES)
		return;
	h->classes = calloc((size_t)nc, sizeof(*h->classes));
	if (!h->classes)
		return;
	h->nr_classes = (size_t)nc;
	if ((gs_layout_has_global(d->l, "runtime.class_to_size", &addr, type,
				  sizeof(type)) ||
	     gs_layout_global(d->l, "internal/runtime/gc.SizeClassToSize", &addr,
			      type, sizeof(type), NULL)) &&
	    gs_type_elem(type, elem, sizeof(elem), &n) &&
	    gs_layout_size(d->l, elem, &esz, NULL) && esz <= 8) {
		for (i = 0; i < n && i < h->nr_classes; i++)
			if (rd_uint(d->mem, addr + i * esz, esz, &v))
				h->classes[i].size = v;
	}
	for (i = 0; i < h->nr_spans; i++) {
		const struct gh_span *s = &h->spans[i];
		struct gh_class *c;

		if (s->state != h->state_inuse || (size_t)(s->spanclass >> 1) >= h->nr_classes)
			continue;
		c = &h->classes[s->spanclass >> 1];
		c->spans++;
		c->objects += s->alloc_count;
		c->object_bytes += s->alloc_count * s->elemsize;
		c->span_bytes += s->npages * h->page_size;
		c->res.pages += s->res.pages;
		c->res.resident += s->res.resident;
		c->res.swapped += s->res.swapped;
		c->res.thp += s->res.thp;
		c->res.untouched += s->res.untouched;
	}
}

struct goheap *goheap_decode(const struct gs_snapshot *snap,
			     const struct gs_mem *mem, struct gs_layout *layout,
			     const char *buildinfo_version)
{
	struct goheap *h = calloc(1, sizeof(*h));
	struct dec d = { .snap = snap, .mem = mem, .l = layout, .h = h };

	if (!h)
		return NULL;
	h->layout = layout;
	h->os_page = snap->hdr && snap->hdr->page_size ? snap->hdr->page_size : 4096;
	decode_version(&d, buildinfo_version);
	decode_constants(&d);
	decode_counters(&d);
	if (!gs_layout_global(layout, "runtime.mheap_", &d.mheap, NULL, 0, NULL)) {
		problem(h, "runtime.mheap_ unavailable: no heap map");
		return h;
	}
	{
		struct gs_field f;
		uint64_t v;

		if (gs_layout_field(layout, "runtime.mheap", "sweepgen", &f) &&
		    rd_uint(mem, d.mheap + f.offset, f.size, &v))
			h->sweepgen = (uint32_t)v;
	}
	decode_spans(&d);
	decode_chunks(&d);
	decode_page_caches(&d);
	decode_arenas(&d);
	join_residency(&d);
	decode_classes(&d);
	free(d.refs);
	return h;
}

void goheap_free(struct goheap *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->nr_arenas; i++) {
		free(h->arenas[i].kind);
		free(h->arenas[i].sizeclass);
		free(h->arenas[i].resident);
	}
	for (i = 0; i < h->nr_problems; i++)
		free(h->problems[i]);
	free(h->problems);
	free(h->arenas);
	free(h->spans);
	free(h->chunks);
	free(h->free_ranges);
	free(h->classes);
	free(h);
}

bool goheap_decoded_anything(const struct goheap *h)
{
	size_t i;

	if (goheap_pages_decoded(h))
		return true;
	for (i = 0; i < GH_NR_COUNTERS; i++)
		if (h->counters[i].ok)
			return true;
	return false;
}
