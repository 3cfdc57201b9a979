/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frames of every thread whose registers the snapshot holds: the
 * thread that hit the probe, and with --stop-world every other one.
 *
 * A Go thread runs either a goroutine's stack or one of its M's own
 * stacks (g0, gsignal). Which: the g in its TLS slot (decode/tlsg.h: the
 * word at fs_base - 8 without cgo, elsewhere when C code has __thread
 * variables), compared with g.m's g0 and gsignal. A TLS g whose M is not
 * the thread's (m.procid), or none, gives way to the M whose procid is
 * the thread's id (runtime.allm along alllink, as `sched` reads it): the thread
 * then runs the one of m.curg, m.gsignal, m.g0 whose stack holds rsp
 * (g0 when neither goroutine's does: C code runs on the M's g0 stack). On g0
 * the M may be working for its goroutine (m.curg: systemstack, mcall,
 * morestack): the walk then follows the switch back onto that
 * goroutine's stack at curg's g.sched, and says so. A pc in the vDSO
 * (not Go code) restarts from m.vdsoPC/vdsoSP, which the runtime saves
 * around vDSO calls. Any other pc outside Go code (C code) is unwound by
 * libdw through its native frames to the Go code that called it
 * (decode/native.h), and from there as Go code. Without a layout (no
 * runtime.g/m offsets) the walk
 * still runs from the registers, bounded by the mapping holding rsp.
 */
#ifndef GOSNAP_THREADWALK_H
#define GOSNAP_THREADWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/snapctx.h"
#include "decode/unwind.h"

enum gs_thread_on {
	GS_ON_UNKNOWN,		/* no layout, or the g is unreadable */
	GS_ON_GOROUTINE,	/* a user goroutine's stack */
	GS_ON_G0,		/* the M's scheduling stack */
	GS_ON_GSIGNAL,		/* the M's signal-handling stack */
};

struct gs_thread_walk {
	const struct gosnap_rec_thread *t;
	uint64_t g;			/* the g it runs; 0 unknown */
	const char *g_from;		/* "tls", "m" (its M's by procid), NULL */
	const char *g_note;		/* NULL, or why the TLS slot was not used */
	uint64_t m;			/* g.m; 0 unknown */
	int64_t m_id;			/* m.id; -1 unknown */
	uint64_t curg;			/* m.curg; 0 none or unknown */
	enum gs_thread_on on;
	uint64_t goroutine;		/* the goroutine whose frames the walk reaches
					 * (g, or curg after a switch); 0 none */
	int64_t goid;			/* its goid; -1 unknown */
	const char *note;		/* NULL, or how the walk started */
	struct gs_unwind unwind;
};

struct gs_native;

struct gs_thread_walks {
	struct gs_thread_walk *w;	/* one per THREAD record with registers */
	size_t n;
	struct gs_native *native;	/* the C unwinder (owns native frame names) */
	char native_why[160];		/* why there is none, when a walk needed it */
};

/*
 * Walk every thread with registers, each bounded by max_frames physical
 * frames (0: the default). Returns 0, -1 out of memory.
 */
int gs_thread_walks_decode(struct gs_snapctx *c, size_t max_frames,
			   struct gs_thread_walks *out);
void gs_thread_walks_free(struct gs_thread_walks *tw);

/* The walk of the thread that hit the probe, or NULL. */
const struct gs_thread_walk *gs_thread_walks_hit(const struct gs_thread_walks *tw);
/* The walk that reaches goroutine g, or NULL. */
const struct gs_thread_walk *gs_thread_walks_for_g(const struct gs_thread_walks *tw,
						   uint64_t g);

/* "goroutine", "g0", "gsignal", "unknown" (JSON values, docs/json.md). */
const char *gs_thread_on_name(enum gs_thread_on on);

#endif /* GOSNAP_THREADWALK_H */
