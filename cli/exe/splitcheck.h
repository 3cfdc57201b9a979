/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Go function's stack-split check on x86-64: the prologue that compares
 * the stack pointer (less the frame, for big frames) with g.stackguard0 in
 * R14 and branches to a call of morestack, which comes back to the entry.
 * The module tells a call from such a re-entry by a second breakpoint on
 * the first instruction past the check (GOSNAP_PROBE_BODY).
 */
#ifndef GOSNAP_SPLITCHECK_H
#define GOSNAP_SPLITCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The code at a function's entry (len bytes readable): the length of its
 * stack-split check, compared with g.stackguard0 at guard_off from R14, so
 * that entry + length is the first instruction past it; 0 if the code does
 * not start with one of the forms Go's compiler emits (a NOSPLIT function,
 * assembly, or a form this reader does not know).
 */
size_t gs_split_check_len(const uint8_t *code, size_t len, int64_t guard_off);

/*
 * Does the code of a function (len bytes at address pc) call or jump to any
 * of the n addresses in to[] (runtime.morestack and its _noctxt variant)?
 * Also true when the code does not decode to its end: cannot tell.
 */
bool gs_code_branches_to(const uint8_t *code, size_t len, uint64_t pc,
			 const uint64_t *to, size_t n);

#endif /* GOSNAP_SPLITCHECK_H */
