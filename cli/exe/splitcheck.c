// SPDX-License-Identifier: GPL-2.0
/*
 * The three forms of Go's stack-split check on amd64 (cmd/internal/obj/x86,
 * every release from go1.17, when g moved to R14):
 *
 *   small frames   cmp  guard(%r14), %rsp                  ; jbe more
 *   big frames     lea  -N(%rsp), %r12 ; cmp guard(%r14), %r12 ; jbe more
 *   huge frames    mov  %rsp, %r12 ; sub $N, %r12 ; jb more
 *                  cmp  guard(%r14), %r12 ; jbe more
 *
 * "more" calls morestack and jumps back to the entry; it sits after the
 * function's body, so every branch of the check goes forward past it.
 */
#include <stdbool.h>

#include "exe/splitcheck.h"
#include "exe/x86dec.h"

/* Decode the instruction at *at; false past len or on bad bytes. */
static bool next_insn(const uint8_t *code, size_t len, size_t *at,
		      struct x86_insn *in)
{
	int n = *at < len ? x86_decode(code + *at, len - *at, *at, in) : -1;

	if (n <= 0)
		return false;
	*at += (size_t)n;
	return true;
}

/* cmp guard_off(%r14), %reg: 64 bits, no index, no RIP. */
static bool is_guard_cmp(const struct x86_insn *in, int reg, int64_t guard_off)
{
	return in->opcode == 0x3b && in->opsize == 8 && in->has_mem &&
	       in->rm == X86_R14 && in->base == X86_R14 && !in->rip_rel &&
	       in->disp == guard_off && in->reg == reg;
}

/* A forward branch on condition cc (0x2: below, 0x6: below or equal). */
static bool is_forward_jcc(const struct x86_insn *in, unsigned int cc)
{
	return in->op == X86_OP_JCC && (in->opcode & 0xf) == cc && in->imm > 0;
}

/* lea -N(%rsp), %r12 */
static bool is_frame_lea(const struct x86_insn *in)
{
	return in->op == X86_OP_LEA && in->opsize == 8 && in->reg == X86_R12 &&
	       in->base == X86_RSP && !in->rip_rel && in->disp < 0;
}

/* mov %rsp, %r12 */
static bool is_sp_copy(const struct x86_insn *in)
{
	return in->opcode == 0x89 && in->opsize == 8 && in->mod == 3 &&
	       in->reg == X86_RSP && in->rm == X86_R12;
}

/* sub $N, %r12 */
static bool is_frame_sub(const struct x86_insn *in)
{
	return (in->opcode == 0x81 || in->opcode == 0x83) && in->opsize == 8 &&
	       in->mod == 3 && (in->reg & 7) == 5 && in->rm == X86_R12 &&
	       in->has_imm && in->imm > 0;
}

size_t gs_split_check_len(const uint8_t *code, size_t len, int64_t guard_off)
{
	struct x86_insn in;
	size_t at = 0;
	int reg = X86_RSP;

	if (!next_insn(code, len, &at, &in))
		return 0;
	if (is_frame_lea(&in)) {
		reg = X86_R12;
		if (!next_insn(code, len, &at, &in))
			return 0;
	} else if (is_sp_copy(&in)) {
		reg = X86_R12;
		if (!next_insn(code, len, &at, &in) || !is_frame_sub(&in) ||
		    !next_insn(code, len, &at, &in) || !is_forward_jcc(&in, 0x2) ||
		    !next_insn(code, len, &at, &in))
			return 0;
	}
	if (!is_guard_cmp(&in, reg, guard_off) || !next_insn(code, len, &at, &in) ||
	    !is_forward_jcc(&in, 0x6))
		return 0;
	return at;
}

bool gs_code_branches_to(const uint8_t *code, size_t len, uint64_t pc,
			 const uint64_t *to, size_t n)
{
	size_t at = 0, i;

	while (at < len) {
		struct x86_insn in;
		int k = x86_decode(code + at, len - at, pc + at, &in);

		if (k <= 0)
			return true;
		if (in.op == X86_OP_CALL || in.op == X86_OP_JMP || in.op == X86_OP_JCC)
			for (i = 0; i < n; i++)
				if (in.branch == to[i])
					return true;
		at += (size_t)k;
	}
	return false;
}
