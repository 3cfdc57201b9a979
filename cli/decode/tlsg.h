/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a thread keeps Go's g: the TLS slot of runtime.tlsg. On amd64 the
 * executable's TLS block ends at fs_base (TLS variant II, the executable
 * first), so runtime.tlsg, at st_value inside the block, lies at
 *   fs_base - roundup(PT_TLS.p_memsz, PT_TLS.p_align) + st_value.
 * Go's own linker makes the block g alone: fs_base - 8. A cgo program
 * linked by gcc shares the block with C's __thread variables (and a static
 * libc's), and g moves: the linker resolves the R_X86_64_TPOFF32 of every
 * "MOVQ FS:off, R14" to that same offset.
 *
 * From the executable: its PT_TLS, and runtime.tlsg in .symtab. A
 * stripped binary has no runtime.tlsg: with a PT_TLS of 8 bytes or less
 * (Go's linker, the block is g alone) the offset is -8; otherwise it is
 * unknown, and the threads' g comes from their Ms (threadwalk.c).
 */
#ifndef GOSNAP_TLSG_H
#define GOSNAP_TLSG_H

#include <stdbool.h>
#include <stdint.h>

#include "exe/elfimg.h"

struct gs_tlsg {
	bool known;
	int64_t off;			/* g's slot: fs_base + off */
	const char *source;		/* how off was found, or why it was not */
};

/* The slot of g in the executable im. */
void gs_tlsg_find(const struct gs_elfimg *im, struct gs_tlsg *out);

/*
 * The slot's offset from the TLS block's size and alignment and
 * runtime.tlsg's st_value; false if they are inconsistent.
 */
bool gs_tlsg_offset(uint64_t memsz, uint64_t align, uint64_t value, int64_t *off);

#endif /* GOSNAP_TLSG_H */
