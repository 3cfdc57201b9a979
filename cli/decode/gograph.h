/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heap's object graph, marked from the roots the way the collector
 * marks it (docs/objects.md, "What keeps them alive"): the data and bss
 * sections through the pointer bitmaps the runtime built for them
 * (moduledata.gcdatamask, gcbssmask), then every goroutine's stack, from
 * its top down: each frame stopped at a call through its stack maps
 * (gostackmap.h), conservatively (every word that points into an
 * allocated object counts, as the runtime does for an asynchronously
 * preempted frame) the frame a live thread stopped anywhere and any frame
 * without readable maps, and a whole stack that could not be unwound to
 * its bottom. Last, the general registers of every thread the snapshot
 * has registers of (the hitting thread's; every thread's with
 * --stop-world): a pointer a function holds only in a register at the
 * probe. Each heap object is scanned through goptrs.h.
 *
 * Retention: roots are taken one word at a time, and everything newly
 * reached from a word (transitively) is attributed to that word's root:
 * the global holding it (the executable's data symbol, else "data+0x..."),
 * or the goroutine and frame whose stack holds it. In that order (data,
 * bss, stacks; data and bss by address, a stack from its top, so an outer
 * frame's live pointers come before stale copies below), an object
 * reachable from two roots counts for the first only: an approximation
 * of the dominator tree's retained sizes that is exact for what one root
 * alone holds.
 *
 * Only allocated objects (gospan.h) are marked: a pointer into a free
 * slot is counted, never followed. Every walk is bounded: each object is
 * queued at most once.
 */
#ifndef GOSNAP_GOGRAPH_H
#define GOSNAP_GOGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "decode/goheap.h"
#include "decode/goptrs.h"
#include "decode/gospan.h"
#include "decode/gospanset.h"
#include "decode/snapctx.h"

enum gg_root {
	GG_ROOT_DATA,		/* the data section, precise */
	GG_ROOT_BSS,		/* the bss section, precise */
	GG_ROOT_STACKS,		/* goroutine stacks, conservative */
	GG_ROOT_REGS,		/* captured threads' registers, conservative */
	GG_NR_ROOTS,
};

struct gg_rootset {
	bool		scanned;	/* false: why says why not */
	char		why[320];
	uint64_t	words;		/* words scanned as pointers */
	uint64_t	objects, bytes;	/* first reached from this kind */
};

#define GG_ROOT_NAME	160
#define GG_MAX_ROOTENTS	(1U << 20)	/* then "(more roots)" per kind */

/* One root: a global, or a goroutine's frame, and what it retains. */
struct gg_rootent {
	enum gg_root	kind;
	char		name[GG_ROOT_NAME];	/* "main.cache", "main.worker" */
	uint64_t	addr;		/* the global's, or the frame's SP */
	int64_t		goid;		/* stacks: the goroutine, else -1 */
	int32_t		tid;		/* registers: the thread, else 0 */
	uint64_t	objects, bytes;	/* first reached from it */
};

/*
 * A field path under a root (retain's "main.smalls[*]"): a selector
 * (".buf", "[*].elems[*]", "[*]" for a map's or array's elements) after
 * its parent's. Objects are charged to the path they were first reached
 * by, up to the graph's depth (deeper ones to their ancestor at it).
 */
#define GG_SEL_MAX	80
#define GG_PATH_MAX_DEPTH	32	/* selectors; a deeper depth is taken as this */
#define GG_MAX_PATHS	(1U << 20)

struct gg_path {
	uint32_t	parent;		/* path index + 1; 0: the root itself */
	uint32_t	rootent;	/* root entry + 1 */
	uint16_t	depth;		/* selectors from the root, this one's included */
	char		sel[GG_SEL_MAX];
	uint64_t	objects, bytes;	/* first reached at exactly this path */
};

struct gotypeflow;

struct gograph {
	enum go_ptrs_scheme scheme;
	char		scheme_why[192];
	bool		greentea;

	struct gg_spanset set;		/* its spans, allocated slots and marks */

	uint64_t	objects, bytes;			/* allocated */
	uint64_t	reached_objects, reached_bytes;
	struct gg_rootset roots[GG_NR_ROOTS];
	struct gg_rootent *rootents;	/* in the order they were reached */
	size_t		nr_rootents;
	uint64_t	goroutines;	/* whose stacks were scanned */
	uint64_t	frames_precise;	/* by their stack maps */
	uint64_t	frames_conservative;	/* every word (or a whole stack) */
	uint64_t	scanned;	/* objects whose pointer words were read */
	uint64_t	pointers;	/* heap pointers followed, roots included */
	uint64_t	to_free;	/* pointers into free slots: not followed */
	/* Reached objects whose pointers could not be read, by reason. */
	uint64_t	unscanned[GP_NR_RES];
	uint64_t	unscanned_bytes[GP_NR_RES];

	/* field paths (gograph_build_paths): NULL without the type flow */
	struct gg_path	*paths;
	size_t		nr_paths, cap_paths;
	uint32_t	*path_index;	/* open addressing: path + 1 */
	size_t		path_icap;
	unsigned int	max_depth;

	struct gs_problems problems;
};

/*
 * Mark from the roots. c needs its mem, layout, go_minor and bias; its
 * executable (x, for data symbols) and function table (st, for the
 * goroutines) may be NULL: globals are then named by section offset, and
 * stacks are not scanned (said). NULL only when out of memory.
 */
struct gograph *gograph_build(struct gs_snapctx *c, const struct goheap *h);
/*
 * The same, each reached object charged to a field path too, named by
 * the type flow's DWARF types (flow ran over a span set of the same heap),
 * at most depth selectors deep. NULL only when out of memory.
 */
struct gograph *gograph_build_paths(struct gs_snapctx *c, const struct goheap *h,
				    const struct gotypeflow *flow, unsigned int depth);

/* (gograph_paths.c) Path index + 1 of (parent, rootent, sel), added when new; 0: none. */
uint32_t gg_path_intern(struct gograph *g, uint32_t parent, uint32_t rootent,
			const char *sel);
/* The whole name of path index i: its root's name and every selector. */
void gograph_path_name(const struct gograph *g, uint32_t i, char *buf, size_t len);
/* Whether a DWARF type name is one of the linker's map internals. */
bool gg_map_internal(const char *name);

void gograph_free(struct gograph *g);

const char *gg_root_name(enum gg_root r);

/*
 * The root kind that first reached slot i of h->spans[hi] (0 unreached,
 * else 1 + enum gg_root); -1 if the graph did not enumerate that span.
 */
int gograph_reached(const struct gograph *g, size_t hi, uint64_t i);

#endif /* GOSNAP_GOGRAPH_H */
