/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lc_probe: the function the lifecycle and access tests probe, for the C
 * targets that share it: no prologue (no endbr64), nop nop ret, clobbers
 * nothing, so a probe at its first byte is hit on every call.
 */
#ifndef TARGETS_LC_PROBE_H
#define TARGETS_LC_PROBE_H

asm(".pushsection .text\n"
    ".globl lc_probe\n"
    ".type lc_probe, @function\n"
    ".p2align 4\n"
    "lc_probe:\n\tnop\n\tnop\n\tret\n"
    ".size lc_probe, .-lc_probe\n"
    ".popsection\n");
void lc_probe(void);

#endif
