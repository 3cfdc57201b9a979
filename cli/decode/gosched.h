/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's view of a snapshot: every M (OS thread) from
 * runtime.allm (or, without it, m0 and the Ms that Ps, the idle list,
 * goroutines and captured threads point to, each followed along
 * alllink), every P of runtime.allp, and
 * the counters of runtime.sched. Offsets come from the layout interface;
 * a field a release lacks reads as unavailable (-1), never as a guess.
 */
#ifndef GOSNAP_GOSCHED_H
#define GOSNAP_GOSCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/snapctx.h"

#define GS_MAX_MS	4096
#define GS_MAX_PS	4096

struct gs_m {
	uint64_t m;			/* address of the runtime.m */
	int64_t id;
	uint64_t procid;		/* the thread id */
	uint64_t g0, curg, p;
	int64_t p_id;			/* id of the P it holds; -1 none */
	int64_t curg_goid;		/* goid of curg; -1 none */
	uint64_t g0_stack_lo, g0_stack_hi;
	const struct gosnap_rec_thread *thread;	/* its THREAD record, or NULL */
};

struct gs_p {
	uint64_t p;
	int64_t id;
	uint32_t status;
	uint32_t runqhead, runqtail;
	uint64_t runnext, mcache, m;
};

#define GS_SCHED_MAX_UNAVAIL	16

struct gs_sched {
	struct gs_m *ms;
	size_t nms;
	const char *ms_source;		/* "allm" or "reachable from m0, the Ps, ..." */
	struct gs_p *ps;
	size_t nps;
	/* runtime.sched counters, -1 when unavailable */
	int64_t nmidle, nmidlelocked, mnext, nmfreed, nmsys, nmspinning;
	int64_t npidle, runqsize, ngsys;
	int64_t threads;		/* mnext - nmfreed: Ms alive (mcount) */
	int64_t needspinning;		/* go1.21+ */
	int64_t gcwaiting, stopwait, sysmonwait;
	char problem[256];
	/* each counter left at -1, and why (its runtime.schedt field name) */
	struct gs_sched_unavail {
		const char *field;
		char why[160];
	} unavail[GS_SCHED_MAX_UNAVAIL];
	size_t nunavail;
};

/* The reason recorded for schedt field name, or NULL if it was read. */
const char *gs_sched_unavailable(const struct gs_sched *s, const char *field);
/* Did the decode find anything at all (an M, a P or a counter)? */
bool gs_sched_decoded_anything(const struct gs_sched *s);

int gs_sched_decode(struct gs_snapctx *c, struct gs_sched *out);
void gs_sched_free(struct gs_sched *s);
/* "idle", "running", "syscall", "gcstop", "dead"; "?" otherwise. */
const char *gs_p_status_name(uint32_t status);

#endif /* GOSNAP_GOSCHED_H */
