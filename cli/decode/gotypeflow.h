/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types carried along pointers (docs/objects.md, "Types from DWARF"), as
 * viewcore does: a heap object that keeps no type of its own gets the
 * type of the first typed pointer to its start. The typed values are
 *
 *   - the objects whose allocation header or span's largeType names a
 *     type DWARF knows (go1.22+), first, so the runtime's own word wins;
 *   - every global the DWARF places at an address;
 *   - every goroutine frame's variables and parameters that have a place
 *     in the frame at its pc (pieces in registers are skipped);
 *
 * and each object typed T (an array of T when T fits in it more than
 * once, a single T when an interface's data word points to it) is then
 * walked as that: its pointers, slices, strings, interfaces (their
 * dynamic type from the descriptor word, through DW_AT_go_runtime_type),
 * maps and channels (the structs the linker made for them: hash<K,V>,
 * map<K,V>, whose dirPtr is a group while dirLen is 0, hchan<T>) type
 * what they point to.
 *
 * Not typed, and counted: a pointer into an object's middle (a field's
 * address, a subslice), a type with pointers over a noscan object or
 * larger than the slot (a wrong cast: the type is refused), an interface
 * whose dynamic type DWARF does not know. Each object is typed and
 * queued at most once, so the walk ends on any snapshot.
 */
#ifndef GOSNAP_GOTYPEFLOW_H
#define GOSNAP_GOTYPEFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "decode/gospanset.h"
#include "decode/snapctx.h"
#include "exe/dwtypes.h"


#define GTF_EXACT	(1U << 31)	/* a slot's type: one value, not an array */

struct gotypeflow {
	bool		ran;		/* false: why says why not */
	char		why[320];
	const struct gg_spanset *set;	/* borrowed: the spans typed */
	uint32_t	**ty;		/* per set->spans[i]: per slot, type | GTF_EXACT */
	struct dwtypes	*dt;		/* owned */
	uint64_t	types_base;	/* moduledata.types */

	uint64_t	objects, bytes;		/* typed here */
	uint64_t	seeded;		/* of them, by their header's type */
	uint64_t	globals;	/* typed globals walked */
	uint64_t	frames;		/* goroutine frames whose variables were read */
	uint64_t	vars;		/* variables walked (some pieces may be away) */
	uint64_t	pieces_away;	/* variable pieces not in the frame at the pc */
	uint64_t	interior;	/* typed pointers into an object's middle */
	uint64_t	refused;	/* a type with pointers on noscan, or too big */
	uint64_t	unknown_dyn;	/* interface types DWARF does not name */
	struct gs_problems problems;
};

/*
 * Type set's objects. c needs its executable (for its DWARF), mem, layout,
 * bias and function table; without DWARF the result has ran false and
 * why ("no DWARF: ..."). NULL only when out of memory.
 */
struct gotypeflow *gotypeflow_run(struct gs_snapctx *c, const struct gg_spanset *set);
void gotypeflow_free(struct gotypeflow *f);

/*
 * The type the flow gave slot i of set->spans[gi] (DWT_NONE: none), and
 * whether it is one value (else as many as fit the slot).
 */
uint32_t gotypeflow_slot(const struct gotypeflow *f, size_t gi, uint64_t i, bool *exact);

#endif /* GOSNAP_GOTYPEFLOW_H */
