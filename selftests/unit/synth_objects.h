/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Objects in the synthetic heap of synth_heap.h, for the object
 * enumerator's unit test (test_objects.c) and fuzzer (fuzz_objects.c):
 * span 0 becomes a page of eight 1 KiB scan objects with allocation
 * headers (go1.22+), span 1 a large scan object with a largeType, and the
 * first five arena pages (both spans) a snapshot MEM record of their own.
 * A layout source of the test's (obj_ops, asked before synth_ops) gives
 * mspan.allocBits, freeindex and largeType (at the offset of synth's
 * mspan.next, which no in-use span uses), the header constants unless
 * headers is false (a release before go1.22), and three type descriptors.
 */
#ifndef GOSNAP_SYNTH_OBJECTS_H
#define GOSNAP_SYNTH_OBJECTS_H

#include <stdbool.h>

#include "decode/goheap.h"
#include "decode/goobjects.h"
#include "decode/gomem.h"
#include "synth_heap.h"

#define OBJ_ARENA_MEM	(5 * SYN_PAGE)		/* bytes of the arena copied */
#define OBJ_BITS	(SYN_META + 0xc000)	/* span 0's allocBits */
#define OBJ_BITS1	(SYN_META + 0xc010)	/* span 1's */
#define OBJ_T_BIG	0x500000ULL		/* "main.Big", 1016 bytes */
#define OBJ_T_SMALL	0x500100ULL		/* "main.Small", 48 bytes */
#define OBJ_T_HUGE	0x500200ULL		/* "main.Huge", 30000 bytes */

/* Offsets in synth's 64-byte runtime.mspan. */
enum { OBJ_M_LARGETYPE = 40, OBJ_M_ALLOCBITS = 48, OBJ_M_FREEINDEX = 56 };

struct synth_objects {
	struct synth		s;
	uint8_t			arena_buf[sizeof(struct gosnap_rec_mem) + OBJ_ARENA_MEM];
	struct gosnap_rec_mem	*arena;
	const struct gosnap_rec_mem *mems[3];
	struct gs_snapshot	snap;	/* s.snap with the arena record */
	bool			headers;
};

extern const struct gs_layout_ops obj_ops;	/* priv: the synth_objects */

/*
 * Span 0: objects 0, 1, 2 below freeindex 3 and 5 in allocBits (allocCount
 * 4), headers main.Big, main.Small (so an array of them), nil, 0xdead;
 * span 1: one object, largeType main.Huge. The page runs make span 0
 * resident and half of span 1 (16 KiB of 32 KiB).
 */
void synth_objects_build(struct synth_objects *o, bool headers);
/* Span i's mspan bytes. */
uint8_t *synth_objects_mspan(struct synth_objects *o, int i);

/* One decode of the synthetic heap: its layout, memory, heap and objects. */
struct synth_objects_run {
	struct gs_layout	*l;
	struct gs_mem		*m;
	struct goheap		*h;
	struct goobjects	*o;
};

/* Decode o's heap ("go1.22-synth") and its objects; aborts if it cannot. */
void synth_objects_decode(struct synth_objects *o, struct synth_objects_run *r);
void synth_objects_done(struct synth_objects_run *r);

#endif /* GOSNAP_SYNTH_OBJECTS_H */
