/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector's state in a snapshot (docs/gc.md): the cycle (gcphase,
 * runtime.work's counters, gcController's pacer figures), the global
 * lock-free lists of workbufs (work.full, work.empty), every P's gcWork,
 * the manual spans the workbufs are carved from (work.wbufSpans), and the
 * totals of grey objects queued. Offsets come from the layout interface;
 * a value the release or the snapshot does not have is unavailable, with
 * its reason, never guessed. Lists are bounded and walked with a visited
 * set: a cycle or a damaged node is a problem, not a loop.
 */
#ifndef GOSNAP_GOGC_H
#define GOSNAP_GOGC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/goheap.h"
#include "decode/snapctx.h"

#define GS_GC_MAX_WBUFS		(1u << 20)	/* per list */
#define GS_GC_MAX_SPANS		(1u << 16)	/* per wbufSpans list */
#define GS_GC_MAX_PS		4096
#define GS_GC_MAX_PROBLEMS	32

/* The cycle's scalar values, in output order (gs_gc_value_key()). */
enum gs_gc_value_id {
	GC_V_PHASE_RAW,		/* runtime.gcphase */
	GC_V_CYCLES,		/* work.cycles: started cycles */
	GC_V_NUMGC,		/* memstats.numgc: completed mark phases */
	GC_V_NPROC, GC_V_NWAIT,
	GC_V_MARKROOT_NEXT, GC_V_MARKROOT_JOBS,
	GC_V_BYTES_MARKED,	/* work.bytesMarked */
	GC_V_HEAP_GOAL,		/* gcController.gcPercentHeapGoal */
	GC_V_TRIGGERED,		/* gcController.triggered */
	GC_V_HEAP_LIVE, GC_V_HEAP_MARKED,
	GC_V_HEAP_SCAN_WORK, GC_V_STACK_SCAN_WORK, GC_V_GLOBALS_SCAN_WORK,
	GC_V_BG_SCAN_CREDIT, GC_V_ASSIST_TIME,
	GC_V_DEDICATED_MARK_TIME, GC_V_FRACTIONAL_MARK_TIME, GC_V_IDLE_MARK_TIME,
	GC_V_DEDICATED_WORKERS_NEEDED,
	GC_V_IDLE_MARK_WORKERS,	/* running (low 32 bits) */
	GC_V_IDLE_MARK_WORKERS_MAX,	/* their limit (high 32 bits) */
	GC_V_NR
};

struct gs_gc_value {
	bool		ok;
	bool		is_signed;
	int64_t		v;		/* the value (unsigned ones fit: <= 2^63) */
	uint64_t	raw;
	char		why[128];	/* !ok: why it is unavailable */
};

/* One workbuf reached from a list or a P. */
struct gs_wbuf {
	uint64_t	addr;
	int64_t		nobj;		/* -1: unreadable */
	uint64_t	outside_heap;	/* queued pointers outside in-use spans */
	bool		in_busy_span;	/* inside a span of work.wbufSpans.busy */
	bool		aligned;	/* at _WorkbufSize from its span's base */
	bool		duplicate;	/* reached before, from here or elsewhere */
};

/* work.full or work.empty. */
struct gs_gc_list {
	bool		ok;		/* the head was read */
	uint64_t	head;		/* the packed lfstack word */
	struct gs_wbuf	*v;
	size_t		n;
	uint64_t	objects;	/* sum of nobj */
	const char	*stop;		/* NULL: reached the end; else why it stopped */
};

struct gs_gc_p {
	int64_t		id;
	uint64_t	p;
	struct gs_wbuf	wbuf[2];	/* addr 0: none */
	struct gs_gc_value bytes_marked, heap_scan_work, flushed;
	bool		spanq_ok;	/* Green Tea's local span ring (go1.26+) */
	uint32_t	spanq_len;	/* tail - head */
	bool		chain_ok;	/* its spanSPMC chain was walked whole */
	uint32_t	chain_rings;	/* rings on it, tail to head */
	uint64_t	chain_spans;	/* spans they hold */
	int8_t		in_mask;	/* work.spanqMask bit: 1, 0, -1 unknown */
	uint64_t	queued;		/* objects in wbuf1 and wbuf2 */
};

/* One of Green Tea's spanSPMC rings (work.spanSPMCs). */
struct gs_spmc {
	uint64_t	addr, ring;
	uint32_t	head, tail, cap;
	bool		dead;
	int64_t		owner;		/* the P whose chain holds it, or -1 */
};

#define GS_GC_MAX_SPMCS		4096

/* Green Tea's span queues beyond the Ps' local rings (go1.26+). */
struct gs_gc_spanq {
	bool		ok;		/* the release has them and they were read */
	char		why[160];	/* !ok */
	bool		mask_ok;	/* work.spanqMask was read */
	struct gs_spmc	*v;		/* work.spanSPMCs.list, in list order */
	size_t		n;
	const char	*stop;		/* NULL: the list's end was reached */
	uint64_t	live, dead;	/* rings */
	uint64_t	spans;		/* spans the live rings hold */
};

struct gs_wbuf_span {
	uint64_t	mspan, base, npages;	/* runtime pages */
	uint8_t		state;
	struct gh_res	res;
};

struct gs_gc_spans {
	bool		ok;
	struct gs_wbuf_span *v;
	size_t		n;
	const char	*stop;
};

struct gs_gc {
	const char	*phase;		/* "off", "mark", "mark termination", "?" */
	struct gs_gc_value val[GC_V_NR];
	struct gs_gc_list full, empty;
	struct gs_gc_p	*ps;
	size_t		nps;
	bool		ps_ok;		/* runtime.allp and p.gcw were read */
	struct gs_gc_spans busy, free;
	struct gs_gc_spanq spanq;
	uint64_t	wbuf_size, wbuf_cap;	/* bytes; pointers it holds */
	uint64_t	wbuf_nobj_off, wbuf_obj_off;	/* in runtime.workbuf */
	uint64_t	page_size;	/* runtime page: mspan.npages' unit */
	bool		heap_joined;	/* object pointers checked against spans */
	/* totals */
	uint64_t	queued_global, queued_ps, queued;
	uint64_t	spans_queued;	/* Green Tea: spans in the Ps' local rings */
	uint64_t	spans_chained;	/* Green Tea: spans in the Ps' SPMC chains */
	uint64_t	workbufs;	/* distinct workbufs reached */
	uint64_t	duplicates, misaligned, outside_busy, bad_nobj;
	uint64_t	objects_outside_heap;
	char		*problems[GS_GC_MAX_PROBLEMS];
	size_t		nr_problems;
};

/*
 * Decode the collector of c. h, the decoded heap, may be NULL; with it,
 * queued pointers are checked against its in-use spans. Returns -1 only
 * when out of memory.
 */
int gs_gc_decode(struct gs_snapctx *c, const struct goheap *h, struct gs_gc *out);
void gs_gc_free(struct gs_gc *g);
/*
 * Green Tea's span queues of c (decode/gogc_spanq.c), after the Ps of g
 * were read: work.spanSPMCs, every P's chain, work.spanqMask. Returns -1
 * only when out of memory.
 */
int gs_gc_spanq_decode(struct gs_snapctx *c, struct gs_gc *g);
/* Add a problem to g's list (bounded). */
void gs_gc_problem(struct gs_gc *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool gs_gc_decoded_anything(const struct gs_gc *g);

/* The JSON key of value i ("phase_raw", "cycles", ...). */
const char *gs_gc_value_key(enum gs_gc_value_id i);
/* The runtime variable it is read from ("runtime.work.cycles"). */
const char *gs_gc_value_from(enum gs_gc_value_id i);
/*
 * Read up to max object pointers of the workbuf at addr into out; the
 * number read. For --objects.
 */
size_t gs_gc_wbuf_objects(struct gs_snapctx *c, const struct gs_gc *g,
			  uint64_t addr, uint64_t *out, size_t max);

#endif /* GOSNAP_GOGC_H */
