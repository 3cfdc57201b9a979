/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small table-driven x86-64 instruction decoder: enough to step through
 * the code Go's compiler and assembler emit, one instruction at a time,
 * without ever landing in the middle of one, and to name the few forms
 * that carry a RIP-relative reference to a global (LEA, MOV load/store,
 * MOV store of an immediate, CMP with an immediate or a register, XCHG,
 * LOCK XADD/CMPXCHG) plus direct CALL/JMP targets.
 *
 * Lengths come from per-opcode tables (ModRM present, immediate size) for
 * the one-byte map, the 0F map, the 0F38/0F3A maps and VEX/EVEX-encoded
 * instructions; ModRM, SIB and displacement sizes follow the ModRM byte.
 * Anything the tables mark invalid in 64-bit mode, an instruction longer
 * than 15 bytes, or one cut off by the end of the buffer is refused, so a
 * caller decoding a function from its entry knows exactly when it lost
 * track (and resynchronises at the next function entry).
 */
#ifndef GOSNAP_X86DEC_H
#define GOSNAP_X86DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN	15

/* General registers by number (ModRM/REX numbering). */
enum x86_reg {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_NOREG = -1,
};

/* What an instruction does, for the forms the globals finder looks at. */
enum x86_op {
	X86_OP_OTHER,		/* anything else (length still exact) */
	X86_OP_LEA,		/* 8d: reg = address of mem */
	X86_OP_LOAD,		/* 8a/8b: reg = [mem] */
	X86_OP_STORE,		/* 88/89: [mem] = reg */
	X86_OP_STORE_IMM,	/* c6/c7 /0: [mem] = imm */
	X86_OP_CMP_IMM,		/* 80/81/83 /7: cmp [mem] or reg, imm */
	X86_OP_CMP_REG,		/* 38/39/3a/3b: cmp [mem], reg (either order) */
	X86_OP_XCHG,		/* 86/87 with memory: atomic store/swap */
	X86_OP_XADD,		/* 0f c0/c1 */
	X86_OP_CMPXCHG,		/* 0f b0/b1 */
	X86_OP_CALL,		/* e8 rel32: branch holds the target */
	X86_OP_CALL_IND,	/* ff /2 */
	X86_OP_JMP,		/* e9/eb: branch holds the target */
	X86_OP_JCC,		/* 7x / 0f 8x: branch holds the target */
	X86_OP_JMP_IND,		/* ff /4 */
	X86_OP_RET,		/* c2/c3 */
};

struct x86_insn {
	uint64_t	pc;		/* address of the first byte */
	uint8_t		len;		/* bytes, prefixes included */
	enum x86_op	op;
	uint32_t	opcode;		/* 0xNN; 0x0fNN; 0x0f38NN/0x0f3aNN; VEX/EVEX
					 * forms: map << 8 | opcode, vex set */
	bool		vex;		/* VEX (c4/c5) or EVEX (62) encoded */
	bool		lock;		/* f0 prefix */
	uint8_t		rex;		/* the REX byte (0x40-0x4f), or 0 */
	bool		has_modrm;
	bool		has_mem;	/* ModRM names memory (mod != 3) */
	uint8_t		mod;		/* ModRM fields; reg and rm include REX */
	uint8_t		reg;
	uint8_t		rm;
	int8_t		base;		/* memory base register, X86_NOREG if none
					 * (RIP-relative, or SIB without base) */
	bool		rip_rel;	/* memory operand is [rip + disp32] */
	uint64_t	mem;		/* rip_rel: the absolute address it names */
	int64_t		disp;		/* displacement as encoded */
	uint8_t		opsize;		/* integer operand bytes: 1, 2, 4 or 8 */
	bool		has_imm;
	int64_t		imm;		/* sign-extended as the CPU does */
	uint64_t	branch;		/* CALL/JMP/JCC rel target */
};

/*
 * Decode the instruction at code (avail bytes readable), which sits at
 * address pc. Returns its length (1..15) and fills *in, or -1 if the bytes
 * are not a valid 64-bit-mode instruction or run past avail.
 */
int x86_decode(const uint8_t *code, size_t avail, uint64_t pc,
	       struct x86_insn *in);

/* Short mnemonic of in->op ("lea", "mov-load", ...), for messages. */
const char *x86_op_name(enum x86_op op);

#endif /* GOSNAP_X86DEC_H */
