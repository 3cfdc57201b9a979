// SPDX-License-Identifier: GPL-2.0
/*
 * The heap decoder: mheap_ and what hangs off it, read through its needs
 * table (goheap_needs.h: every offset, constant and address by name,
 * resolved once) and gs_mem (every byte checked). The order: constants,
 * counters, spans, page-allocator chunks, arenas (whose pages are
 * classified from the two before), then the residency join.
 */
#include "base/problems.h"
#include "decode/goheap.h"
#include "decode/goheap_needs.h"

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
	struct gs_need_ans	a[NH_N];	/* gs_heap_needs, answered */
	uint64_t		mheap;
	uint64_t		arena_base_off;
	int64_t			arena_l1_bits, arena_l2_bits;
	int64_t			chunk_l1_bits, chunk_l2_bits;
	bool			have_arena_consts, have_chunk_consts;
	uint64_t		mspan_size;
	bool			have_mspan;
	/* mspan address -> index into h->spans, sorted by address */
	struct span_ref { uint64_t mspan; size_t idx; } *refs;
};

/* Whether every need listed, up to NH_N, was answered. */
static bool have_all(const struct dec *d, int first, ...)
{
	va_list ap;
	bool ok = true;
	int i;

	va_start(ap, first);
	for (i = first; i >= 0 && i < NH_N; i = va_arg(ap, int))
		ok &= d->a[i].ok;
	va_end(ap);
	return ok;
}

#define have(d, ...)	have_all((d), __VA_ARGS__, NH_N)

/* A FIELD, SIZE, CONST or GLOBAL answer's value; have() it first. */
static uint64_t val(const struct dec *d, enum gh_need i)
{
	return d->a[i].value;
}

/* A field of the struct image img (len bytes), by need. */
static uint64_t img_field(const struct dec *d, const uint8_t *img, size_t len,
			  enum gh_need i)
{
	return gs_img_uint(img, len, d->a[i].value, d->a[i].size);
}

static void problem(struct goheap *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct goheap *h, const char *fmt, ...)
{
	va_list ap;

	/* GH_MAX_PROBLEMS, then the line saying more were not shown */
	va_start(ap, fmt);
	gs_vproblem(&h->problems, &h->nr_problems, GH_MAX_PROBLEMS + 1, fmt, ap);
	va_end(ap);
}

/*
 * Runtime metadata (a heapArena's spans, the chunks' bitmaps) is largely
 * pages never touched: they read as zeros, as the process reads them.
 */
static bool rd_uint(const struct gs_mem *m, uint64_t addr, uint64_t size,
		    uint64_t *out)
{
	return size && size <= 8 && gs_mem_uint_zfill(m, addr, size, out);
}

static bool rd_u64(const struct gs_mem *m, uint64_t addr, uint64_t *out)
{
	return rd_uint(m, addr, 8, out);
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

/* A constant's value into *v, if it was answered. */
static bool get_const(const struct dec *d, enum gh_need i, int64_t *v)
{
	if (!d->a[i].ok)
		return false;
	*v = (int64_t)d->a[i].value;
	return true;
}

static void decode_constants(struct dec *d)
{
	struct goheap *h = d->h;
	int64_t v;
	bool ok = true;

	if (get_const(d, NH_PAGE_SIZE, &v))
		h->page_size = (uint64_t)v;
	if (get_const(d, NH_ARENA_BYTES, &v))
		h->arena_bytes = (uint64_t)v;
	if (h->page_size && h->arena_bytes && h->arena_bytes % h->page_size == 0)
		h->pages_per_arena = h->arena_bytes / h->page_size;
	if (h->pages_per_arena > (1U << 20) || h->page_size > (1U << 20) ||
	    (h->page_size & (h->page_size - 1))) {
		problem(h, "implausible page size %" PRIu64 " / arena size %" PRIu64,
			h->page_size, h->arena_bytes);
		h->pages_per_arena = 0;
	}
	ok &= get_const(d, NH_ARENA_L1_BITS, &d->arena_l1_bits);
	ok &= get_const(d, NH_ARENA_L2_BITS, &d->arena_l2_bits);
	if (get_const(d, NH_ARENA_BASE_OFF, &v))
		d->arena_base_off = (uint64_t)v;
	else
		ok = false;
	d->have_arena_consts = ok && h->pages_per_arena &&
		d->arena_l1_bits >= 0 && d->arena_l1_bits < 32 &&
		d->arena_l2_bits >= 0 && d->arena_l2_bits < 32;

	ok = get_const(d, NH_CHUNK_PAGES, &v);
	h->chunk_pages = ok ? (uint64_t)v : 0;
	ok &= get_const(d, NH_CHUNK_L1_BITS, &d->chunk_l1_bits);
	ok &= get_const(d, NH_CHUNK_L2_BITS, &d->chunk_l2_bits);
	d->have_chunk_consts = ok && h->page_size && h->chunk_pages == 512 &&
		d->chunk_l1_bits >= 0 && d->chunk_l1_bits < 32 &&
		d->chunk_l2_bits >= 0 && d->chunk_l2_bits < 32;
	if (ok && h->chunk_pages != 512)
		problem(h, "pallocChunkPages is %" PRIu64 ", this decoder reads 512-page chunks",
			h->chunk_pages);

	if (have(d, NH_SPAN_INUSE, NH_SPAN_MANUAL, NH_SPAN_DEAD)) {
		h->state_inuse = (uint8_t)val(d, NH_SPAN_INUSE);
		h->state_manual = (uint8_t)val(d, NH_SPAN_MANUAL);
		h->state_dead = (uint8_t)val(d, NH_SPAN_DEAD);
	} else {
		/* Without the names no span can be classified: none matches. */
		h->state_inuse = h->state_manual = h->state_dead = 0xff;
	}
}

static void decode_version(struct dec *d, const char *buildinfo_version)
{
	struct goheap *h = d->h;
	char *s = NULL;

	if (have(d, NH_BUILD_VERSION))
		s = gs_mem_gostring(d->mem, val(d, NH_BUILD_VERSION),
				    sizeof(h->version) - 1);
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
 * Whether the global i has the type t whose fields the table names: a
 * release that changed it must not be read with the old field offsets.
 * A layout source that gives no type (the tables do) is taken at its word.
 */
static bool global_of_type(struct dec *d, enum gh_need i, const char *t)
{
	const struct gs_need_ans *a = &d->a[i];

	if (!a->ok)
		return false;
	if (a->type[0] && strcmp(a->type, t)) {
		problem(d->h, "%s is a %s, not the %s this decoder reads",
			gs_heap_needs.v[i].name, a->type, t);
		return false;
	}
	return true;
}

/*
 * ReadMemStats reads HeapInuse, HeapFree and HeapReleased from
 * gcController (go1.19 to go1.27); the caller checked its type.
 */
static bool counter_field(struct dec *d, enum gh_need f, uint64_t *out,
			  char *from, size_t fromlen)
{
	const char *name = gs_heap_needs.v[f].name;

	if (!have(d, f))
		return false;
	if (!rd_uint(d->mem, val(d, NH_GCCONTROLLER) + val(d, f), d->a[f].size, out)) {
		problem(d->h, "runtime.gcController.%s: not in the snapshot", name);
		return false;
	}
	snprintf(from, fromlen, "runtime.gcController.%s", name);
	return true;
}

/* StackInuse: inStacks summed over the consistent stats' ring. */
static bool stack_inuse(struct dec *d, uint64_t *out)
{
	uint64_t addr, n, esz, i, v;
	int64_t sum = 0;

	if (!global_of_type(d, NH_MEMSTATS, GH_MSTATS_TYPE) ||
	    !have(d, NH_MSTATS_HEAPSTATS, NH_STATSDELTA, NH_STATSDELTA_INSTACKS))
		return false;
	addr = val(d, NH_MEMSTATS) + val(d, NH_MSTATS_HEAPSTATS);
	esz = val(d, NH_STATSDELTA);
	n = esz ? d->a[NH_MSTATS_HEAPSTATS].size / esz : 0;
	if (n == 0 || n > 16 || n * esz != d->a[NH_MSTATS_HEAPSTATS].size) {
		problem(d->h, "runtime.memstats.heapStats.stats: %" PRIu64
			" bytes is no ring of %" PRIu64 "-byte heapStatsDelta",
			d->a[NH_MSTATS_HEAPSTATS].size, esz);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!rd_uint(d->mem, addr + i * esz + val(d, NH_STATSDELTA_INSTACKS),
			     d->a[NH_STATSDELTA_INSTACKS].size, &v)) {
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
	bool gcc, ok_i, ok_f, ok_r;

	c[GH_HEAP_INUSE].name = "HeapInuse";
	c[GH_HEAP_IDLE].name = "HeapIdle";
	c[GH_HEAP_RELEASED].name = "HeapReleased";
	c[GH_HEAP_SYS].name = "HeapSys";
	c[GH_STACK_INUSE].name = "StackInuse";

	/* checked once: a wrong type makes all three unreadable */
	gcc = global_of_type(d, NH_GCCONTROLLER, GH_GCCONTROLLER_TYPE);
	ok_i = gcc && counter_field(d, NH_GCC_HEAPINUSE, &inuse, fi, sizeof(fi));
	ok_f = gcc && counter_field(d, NH_GCC_HEAPFREE, &free_, ff, sizeof(ff));
	ok_r = gcc && counter_field(d, NH_GCC_HEAPRELEASED, &rel, fr, sizeof(fr));
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
	if (!have(d, NH_MSPAN, NH_MSPAN_START, NH_MSPAN_NPAGES, NH_MSPAN_STATE,
		  NH_MSPAN_SPANCLASS, NH_MSPAN_ELEMSIZE, NH_MSPAN_NELEMS,
		  NH_MSPAN_ALLOCCOUNT, NH_MSPAN_SWEEPGEN))
		return false;
	d->mspan_size = val(d, NH_MSPAN);
	return d->mspan_size && d->mspan_size <= 4096;
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
	uint64_t arr, n, i;
	uint8_t *img;

	if (!have(d, NH_MHEAP_ALLSPANS) || !mspan_layout(d))
		return;
	d->have_mspan = true;
	if (!read_slice(d, d->mheap + val(d, NH_MHEAP_ALLSPANS), "mheap_.allspans",
			GH_MAX_SPANS, &arr, &n) || n == 0)
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
		s->base = img_field(d, img, d->mspan_size, NH_MSPAN_START);
		s->npages = img_field(d, img, d->mspan_size, NH_MSPAN_NPAGES);
		s->state = (uint8_t)img_field(d, img, d->mspan_size, NH_MSPAN_STATE);
		s->spanclass = (uint8_t)img_field(d, img, d->mspan_size, NH_MSPAN_SPANCLASS);
		s->elemsize = img_field(d, img, d->mspan_size, NH_MSPAN_ELEMSIZE);
		s->nelems = img_field(d, img, d->mspan_size, NH_MSPAN_NELEMS);
		s->alloc_count = img_field(d, img, d->mspan_size, NH_MSPAN_ALLOCCOUNT);
		s->sweepgen = (uint32_t)img_field(d, img, d->mspan_size, NH_MSPAN_SWEEPGEN);
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
	uint64_t arr, n, i, rsz, pdsz, chunk_bytes;

	if (!d->have_chunk_consts ||
	    !have(d, NH_MHEAP_CHUNKS, NH_MHEAP_INUSE_RANGES, NH_ADDRRANGE,
		  NH_ADDRRANGE_BASE, NH_ADDRRANGE_LIMIT, NH_PALLOCDATA,
		  NH_PALLOC_BITS, NH_PALLOC_SCAV))
		return;
	rsz = val(d, NH_ADDRRANGE);
	pdsz = val(d, NH_PALLOCDATA);
	if (d->a[NH_PALLOC_BITS].size != 64 || d->a[NH_PALLOC_SCAV].size != 64 ||
	    rsz == 0 || rsz > 64) {
		problem(h, "pallocData bitmaps of %" PRIu64 "/%" PRIu64 " bytes: expected 64",
			d->a[NH_PALLOC_BITS].size, d->a[NH_PALLOC_SCAV].size);
		return;
	}
	chunk_bytes = h->chunk_pages * h->page_size;
	if (!read_slice(d, d->mheap + val(d, NH_MHEAP_INUSE_RANGES),
			"mheap_.pages.inUse.ranges", GH_MAX_RANGES, &arr, &n))
		return;
	for (i = 0; i < n; i++) {
		uint64_t base, limit, c;

		if (!rd_uint(d->mem, arr + i * rsz + val(d, NH_ADDRRANGE_BASE), 8, &base) ||
		    !rd_uint(d->mem, arr + i * rsz + val(d, NH_ADDRRANGE_LIMIT), 8, &limit)) {
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
			    !rd_u64(d->mem, d->mheap + val(d, NH_MHEAP_CHUNKS) + 8 * l1, &l2map) ||
			    !l2map) {
				problem(h, "chunk 0x%" PRIx64 ": mheap_.pages.chunks[%" PRIu64 "] unreadable",
					c, l1);
				continue;
			}
			at = l2map + l2 * pdsz;
			if (!gs_mem_read_zfill(d->mem, at + val(d, NH_PALLOC_BITS), ch->alloc, 64) ||
			    !gs_mem_read_zfill(d->mem, at + val(d, NH_PALLOC_SCAV), ch->scav, 64)) {
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
	uint64_t pc, arr, n, i;

	if (!h->nr_chunks ||
	    !have(d, NH_ALLP, NH_P_PCACHE, NH_PCACHE_BASE, NH_PCACHE_CACHE,
		  NH_PCACHE_SCAV))
		return;
	pc = val(d, NH_P_PCACHE);
	if (!read_slice(d, val(d, NH_ALLP), "runtime.allp", 1U << 16, &arr, &n))
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
		if (!rd_u64(d->mem, p + pc + val(d, NH_PCACHE_BASE), &base) ||
		    !rd_u64(d->mem, p + pc + val(d, NH_PCACHE_CACHE), &cache) ||
		    !rd_u64(d->mem, p + pc + val(d, NH_PCACHE_SCAV), &scav)) {
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
	uint64_t arr, n, i, *spans, spans_off, spans_size;

	if (!d->have_arena_consts ||
	    !have(d, NH_MHEAP_ARENAS, NH_MHEAP_ALLARENAS, NH_ARENA_SPANS))
		return;
	spans_off = val(d, NH_ARENA_SPANS);
	spans_size = d->a[NH_ARENA_SPANS].size;
	if (spans_size != 8 * h->pages_per_arena) {
		problem(h, "heapArena.spans is %" PRIu64 " bytes, expected %" PRIu64,
			spans_size, 8 * h->pages_per_arena);
		return;
	}
	if (!read_slice(d, d->mheap + val(d, NH_MHEAP_ALLARENAS), "mheap_.allArenas",
			GH_MAX_ARENAS, &arr, &n) || n == 0)
		return;
	h->arenas = calloc(n, sizeof(*h->arenas));
	spans = malloc(spans_size);
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
		if (!rd_u64(d->mem, d->mheap + val(d, NH_MHEAP_ARENAS) + 8 * l1, &l2map) ||
		    !l2map || !rd_u64(d->mem, l2map + 8 * l2, &a->meta) || !a->meta)
			problem(h, "arena 0x%" PRIx64 ": mheap_.arenas[%" PRIu64 "][%" PRIu64 "] unreadable",
				a->base, l1, l2);
		else if (!gs_mem_read_zfill(d->mem, a->meta + spans_off, spans, spans_size))
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

	h->thp_is_pmd = d->snap->hdr && (d->snap->hdr->flags & GOSNAP_SF_PTE_FACTS);
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
	const struct gs_need_ans *cts = &d->a[NH_CLASS_TO_SIZE];
	char elem[GS_TYPE_NAME_MAX];
	uint64_t n = 0, esz, i, v;
	int64_t nc;

	if (!get_const(d, NH_NUM_CLASSES, &nc) || nc <= 0 || nc > GH_MAX_CLASSES)
		return;
	h->classes = calloc((size_t)nc, sizeof(*h->classes));
	if (!h->classes)
		return;
	h->nr_classes = (size_t)nc;
	/* an array of a basic integer type, [NumSizeClasses]uint16 today */
	if (cts->ok && gs_type_elem(cts->type, elem, sizeof(elem), &n) &&
	    gs_layout_size(d->l, elem, &esz, NULL) && esz && esz <= 8) {
		for (i = 0; i < n && i < h->nr_classes; i++)
			if (rd_uint(d->mem, cts->value + i * esz, esz, &v))
				h->classes[i].size = v;
	} else if (cts->ok) {
		problem(h, "%s: type %s is not an array of integers", cts->name,
			cts->type[0] ? cts->type : "unknown");
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
	/* Once: each miss goes to the layout's unavailable list. */
	gs_needs_resolve(layout, &gs_heap_needs, d.a);
	decode_version(&d, buildinfo_version);
	decode_constants(&d);
	decode_counters(&d);
	if (!have(&d, NH_MHEAP)) {
		problem(h, "runtime.mheap_ unavailable: no heap map");
		return h;
	}
	d.mheap = val(&d, NH_MHEAP);
	{
		uint64_t v;

		if (have(&d, NH_MHEAP_SWEEPGEN) &&
		    rd_uint(mem, d.mheap + val(&d, NH_MHEAP_SWEEPGEN),
			    d.a[NH_MHEAP_SWEEPGEN].size, &v))
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
