/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unwinding a thread that runs C (or any non-Go) code, with libdw's
 * unwinder (dwfl_getthread_frames): from the thread's captured registers,
 * reading the stack from the snapshot, through the CFI (.eh_frame,
 * .debug_frame) of the executable and of every other ELF file the
 * snapshot maps with execute permission, with libdw's frame-pointer
 * fallback where there is none. Names come from each file's symbol
 * table, file:line from its DWARF where it has some.
 *
 * The walk stops at the first pc in a Go function (the Go code that
 * called C: runtime.asmcgocall on the M's g0 stack), and hands that pc
 * and its sp on to the pclntab unwinder; the sp is the return-address
 * slot libdw read it from, plus 8 (libdw 0.188 has no dwfl_frame_reg).
 * Files the snapshot maps but this host lacks (decoding elsewhere than
 * where captured) are left out: their frames stop the walk, said so.
 */
#ifndef GOSNAP_NATIVE_H
#define GOSNAP_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/snapctx.h"
#include "decode/unwind.h"

struct gs_native;

/* The frames of one native walk. */
struct gs_native_walk {
	struct gs_frame *frames;	/* malloc'd; innermost first; native */
	size_t nframes;
	bool reached_go;		/* stopped at go_pc, a Go function */
	uint64_t go_pc, go_sp;		/* where the Go walk starts (go_sp 0: unknown) */
	bool go_exact;			/* go_pc is the thread's own pc */
	char stop_detail[160];		/* when !reached_go: why libdw stopped */
	bool stop_clean;		/* libdw found the outermost frame */
};

/*
 * The unwinder over snapshot c (modules reported once). NULL when libdw
 * cannot be set up; why in err.
 */
struct gs_native *gs_native_open(struct gs_snapctx *c, char *err, size_t errlen);
void gs_native_close(struct gs_native *n);

/*
 * Walk thread t (with registers) until a Go pc or max_frames frames.
 * Returns 0 (out filled; free its frames), -1 out of memory.
 */
int gs_native_walk(struct gs_native *n, const struct gosnap_rec_thread *t,
		   size_t max_frames, struct gs_native_walk *out);

#endif /* GOSNAP_NATIVE_H */
