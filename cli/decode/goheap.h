/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Go heap of a snapshot, decoded once into one model that every output
 * (heap_plain.c, heap_json.c, heap_svg.c) prints: arenas and the span owning
 * each runtime page, every span of mheap_.allspans, the page allocator's
 * chunks (allocated and scavenged bits), the MemStats counters computed
 * the way runtime.ReadMemStats computes them, and the residency join of
 * all of it with the snapshot's page runs. See docs/heap.md.
 *
 * The decoder never trusts the snapshot: every count is bounded, every
 * pointer read through gs_mem; what cannot be read or made sense of is
 * recorded as a problem and the rest is still decoded.
 */
#ifndef GOSNAP_GOHEAP_H
#define GOSNAP_GOHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/gomem.h"
#include "layout/layout.h"
#include "snap/snapshot.h"

/* What one runtime page (8 KiB) is, in the runtime's own terms. */
enum gh_page_kind {
	GH_PG_UNKNOWN = 0,	/* not decodable (metadata missing) */
	GH_PG_INUSE,		/* in an in-use span (heap objects) */
	GH_PG_MANUAL,		/* in a manual span: stacks, workbufs */
	GH_PG_FREE,		/* free in the page allocator, not scavenged */
	GH_PG_RELEASED,		/* free and scavenged (returned to the OS) */
	GH_PG_UNUSED,		/* arena space the page allocator has not grown into */
	GH_PG_CACHED,		/* in a P's page cache, which this snapshot lacks
				 * (free to the runtime; scavenged or not unknown) */
	GH_PG_NR_KINDS,
};

/* The page tables' view of an address range, in OS pages. */
struct gh_res {
	uint64_t	pages;		/* OS pages in the range */
	uint64_t	resident;	/* present */
	uint64_t	swapped;	/* swap or migration entry */
	uint64_t	thp;		/* present, part of a transparent huge page */
	uint64_t	untouched;	/* never populated */
};

struct gh_span {
	uint64_t	mspan;		/* address of the runtime.mspan */
	uint64_t	base;
	uint64_t	npages;		/* runtime pages */
	uint8_t		state;		/* raw mSpanState */
	uint8_t		spanclass;	/* sizeclass << 1 | noscan */
	uint64_t	elemsize;
	uint64_t	nelems;
	uint64_t	alloc_count;
	uint32_t	sweepgen;
	struct gh_res	res;
};

struct gh_arena {
	uint64_t	base;
	uint64_t	meta;		/* address of its runtime.heapArena */
	bool		decoded;	/* its spans array was read */
	uint64_t	nr_spans;	/* distinct live spans starting in it */
	uint64_t	pages[GH_PG_NR_KINDS];	/* runtime pages by kind */
	struct gh_res	res;
	/* Per runtime page: kind, size class, resident OS pages. */
	uint8_t		*kind;
	uint8_t		*sizeclass;
	uint8_t		*resident;
};

/*
 * A run of pages of one kind in the page allocator that no span owns:
 * free, released (scavenged), or released padding before the heap's first
 * page (a randomized heap base, Go 1.26), which is never allocated.
 */
struct gh_free_range {
	uint64_t	base;
	uint64_t	npages;		/* runtime pages */
	bool		released;
	bool		padding;	/* released as well */
	struct gh_res	res;
};

struct gh_chunk {
	uint64_t	base;
	bool		decoded;
	uint64_t	alloc[8];	/* pallocBits: 1 = allocated */
	uint64_t	scav[8];	/* scavenged bits */
	/* Pages a P holds in its page cache (p.pcache): allocated in the
	 * bitmaps above, free (and maybe scavenged) in the runtime's counts. */
	uint64_t	cached[8];
	uint64_t	cached_scav[8];
};

struct gh_class {
	uint64_t	size;		/* element size; 0 for large objects */
	uint64_t	spans;
	uint64_t	objects;	/* sum of allocCount */
	uint64_t	object_bytes;	/* objects * elemsize */
	uint64_t	span_bytes;
	struct gh_res	res;
};

enum gh_counter_id {
	GH_HEAP_INUSE,
	GH_HEAP_IDLE,
	GH_HEAP_RELEASED,
	GH_HEAP_SYS,
	GH_STACK_INUSE,
	GH_NR_COUNTERS,
};

struct gh_counter {
	const char	*name;		/* MemStats field name */
	bool		ok;
	uint64_t	value;
	char		from[224];	/* the runtime variables it was computed from */
};

/* Bytes, from the page tables, split the runtime's way. */
struct gh_truth {
	uint64_t	arena_bytes;		/* all arenas mapped */
	uint64_t	resident;		/* resident in arenas */
	uint64_t	resident_by_kind[GH_PG_NR_KINDS];
	uint64_t	bytes_by_kind[GH_PG_NR_KINDS];	/* runtime view */
	uint64_t	cached_bytes;		/* free pages in Ps' page caches */
	uint64_t	inuse_untouched;	/* in-use span bytes never populated */
	uint64_t	thp;			/* arena bytes backed by THP */
	uint64_t	swapped;
	uint64_t	released_resident;	/* scavenged chunk pages still present */
	uint64_t	padding_bytes;		/* released: random heap-base padding */
};

struct goheap {
	char		version[64];	/* "go1.19.8", or "" */
	const char	*version_from;	/* "runtime.buildVersion", ".go.buildinfo" */
	uint64_t	os_page;	/* from the snapshot */
	uint64_t	page_size;	/* runtime page, _PageSize */
	uint64_t	arena_bytes;	/* heapArenaBytes */
	uint64_t	pages_per_arena;
	uint64_t	chunk_pages;	/* pallocChunkPages */
	uint32_t	sweepgen;	/* mheap_.sweepgen */
	uint8_t		state_inuse, state_manual, state_dead;
	bool		page_caches_read;	/* every P's pcache was read */
	bool		thp_is_pmd;	/* pte facts: THP bytes are PMD-mapped ones */

	struct gh_arena	*arenas;	/* ascending by base */
	size_t		nr_arenas;
	struct gh_span	*spans;		/* mheap_.allspans, ascending by base */
	size_t		nr_spans;
	struct gh_chunk	*chunks;	/* ascending by base */
	size_t		nr_chunks;
	struct gh_free_range *free_ranges;
	size_t		nr_free_ranges;
	struct gh_class	*classes;	/* index = size class */
	size_t		nr_classes;

	struct gh_counter counters[GH_NR_COUNTERS];
	struct gh_truth	truth;

	char		**problems;	/* what could not be decoded */
	size_t		nr_problems;
	struct gs_layout *layout;	/* borrowed: its missing names */
};

/*
 * Decode the heap. version may be NULL (then runtime.buildVersion is
 * read). Returns NULL only when out of memory; a heap that could not be
 * decoded at all comes back with problems and no arenas.
 */
struct goheap *goheap_decode(const struct gs_snapshot *snap,
			     const struct gs_mem *mem, struct gs_layout *layout,
			     const char *buildinfo_version);
void goheap_free(struct goheap *h);

/* Were any arenas decoded, so that the page-table figures mean something? */
static inline bool goheap_pages_decoded(const struct goheap *h)
{
	return h->nr_arenas > 0;
}

/* Did the decode give anything at all: an arena or a runtime counter? */
bool goheap_decoded_anything(const struct goheap *h);

const char *gh_page_kind_name(enum gh_page_kind k);
/* "in-use", "manual", "dead", or "state-N". */
const char *gh_span_state_name(const struct goheap *h, uint8_t state, char *buf,
			       size_t len);
/* Sweep state relative to mheap_.sweepgen (see mheap.go's mspan comment). */
const char *gh_sweep_name(const struct goheap *h, const struct gh_span *s);
bool gh_span_live(const struct goheap *h, const struct gh_span *s);

/* Residency of [start, end) from the snapshot's page runs. */
void gh_res_range(const struct gs_snapshot *snap, uint64_t start, uint64_t end,
		  struct gh_res *out);

#endif /* GOSNAP_GOHEAP_H */
