// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 instruction lengths from opcode tables, and the classification of
 * the forms that reference globals. See x86dec.h.
 */
#include <string.h>

#include "exe/x86dec.h"

/* Per-opcode attributes. */
enum {
	F_M	= 0x01,		/* a ModRM byte follows */
	F_I8	= 0x02,		/* imm8 */
	F_IZ	= 0x04,		/* imm16 with 66, else imm32 */
	F_I32	= 0x08,		/* rel32 / imm32 whatever the prefixes */
	F_I16	= 0x10,		/* imm16 (ret imm16; enter adds an imm8) */
	F_IV	= 0x20,		/* imm64 with REX.W, else as F_IZ (b8-bf) */
	F_MOFFS	= 0x40,		/* a0-a3: 8-byte absolute address */
	F_GRP3	= 0x80,		/* f6/f7: imm only for /0 and /1 (test) */
	F_BAD	= 0x100,	/* invalid in 64-bit mode */
	F_PFX	= 0x200,	/* a legacy prefix (handled before lookup) */
	F_ESC	= 0x400,	/* escape to another map or VEX/EVEX */
};

#define N	0
#define M	F_M
#define X	F_BAD
#define P	F_PFX
#define E	F_ESC
#define MI8	(F_M | F_I8)
#define MIZ	(F_M | F_IZ)

/* The one-byte opcode map in 64-bit mode. */
static const uint16_t map1[256] = {
/*	 0     1     2     3     4     5     6     7     8     9     a     b     c     d     e     f */
/*0*/	 M,    M,    M,    M,    F_I8, F_IZ, X,    X,    M,    M,    M,    M,    F_I8, F_IZ, X,    E,
/*1*/	 M,    M,    M,    M,    F_I8, F_IZ, X,    X,    M,    M,    M,    M,    F_I8, F_IZ, X,    X,
/*2*/	 M,    M,    M,    M,    F_I8, F_IZ, P,    X,    M,    M,    M,    M,    F_I8, F_IZ, P,    X,
/*3*/	 M,    M,    M,    M,    F_I8, F_IZ, P,    X,    M,    M,    M,    M,    F_I8, F_IZ, P,    X,
/*4*/	 P,    P,    P,    P,    P,    P,    P,    P,    P,    P,    P,    P,    P,    P,    P,    P,
/*5*/	 N,    N,    N,    N,    N,    N,    N,    N,    N,    N,    N,    N,    N,    N,    N,    N,
/*6*/	 X,    X,    E,    M,    P,    P,    P,    P,    F_IZ, MIZ,  F_I8, MI8,  N,    N,    N,    N,
/*7*/	 F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8,
/*8*/	 MI8,  MIZ,  X,    MI8,  M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*9*/	 N,    N,    N,    N,    N,    N,    N,    N,    N,    N,    X,    N,    N,    N,    N,    N,
/*a*/	 F_MOFFS, F_MOFFS, F_MOFFS, F_MOFFS, N, N, N, N, F_I8, F_IZ, N,   N,    N,    N,    N,    N,
/*b*/	 F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_IV, F_IV, F_IV, F_IV, F_IV, F_IV, F_IV, F_IV,
/*c*/	 MI8,  MI8,  F_I16, N,   E,    E,    MI8,  MIZ,  F_I16 | F_I8, N, F_I16, N, N,    F_I8, X,    N,
/*d*/	 M,    M,    M,    M,    X,    X,    X,    N,    M,    M,    M,    M,    M,    M,    M,    M,
/*e*/	 F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I8, F_I32, F_I32, X,   F_I8, N,    N,    N,    N,
/*f*/	 P,    N,    P,    P,    N,    N,    M | F_GRP3, M | F_GRP3, N, N, N, N, N,   N,    M,    M,
};

/* The 0F map. */
static const uint16_t map0f[256] = {
/*	 0     1     2     3     4     5     6     7     8     9     a     b     c     d     e     f */
/*0*/	 M,    M,    M,    M,    X,    N,    N,    N,    N,    N,    X,    N,    X,    M,    N,    MI8,
/*1*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*2*/	 M,    M,    M,    M,    X,    X,    X,    X,    M,    M,    M,    M,    M,    M,    M,    M,
/*3*/	 N,    N,    N,    N,    N,    N,    X,    N,    E,    X,    E,    X,    X,    X,    X,    X,
/*4*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*5*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*6*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*7*/	 MI8,  MI8,  MI8,  MI8,  M,    M,    M,    N,    M,    M,    X,    X,    M,    M,    M,    M,
/*8*/	 F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32, F_I32,
/*9*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*a*/	 N,    N,    N,    M,    MI8,  M,    X,    X,    N,    N,    N,    M,    MI8,  M,    M,    M,
/*b*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    MI8,  M,    M,    M,    M,    M,
/*c*/	 M,    M,    MI8,  M,    MI8,  MI8,  MI8,  M,    N,    N,    N,    N,    N,    N,    N,    N,
/*d*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*e*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
/*f*/	 M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
};

#undef N
#undef M
#undef X
#undef P
#undef E
#undef MI8
#undef MIZ

/* Opcode maps as VEX/EVEX number them. */
enum { MAP_0F = 1, MAP_0F38 = 2, MAP_0F3A = 3 };

/* Attributes of an opcode in a VEX/EVEX map: always ModRM, imm8 in some. */
static uint16_t vex_attrs(unsigned int map, uint8_t op)
{
	if (map == MAP_0F3A)
		return F_M | F_I8;
	if (map == MAP_0F38)
		return F_M;
	if (map == MAP_0F) {
		if (op == 0x77)		/* vzeroupper / vzeroall */
			return 0;
		if ((op >= 0x70 && op <= 0x73) || op == 0xc2 ||
		    (op >= 0xc4 && op <= 0xc6))
			return F_M | F_I8;
		return F_M;
	}
	return F_BAD;
}

struct cursor {
	const uint8_t	*p;
	size_t		avail;
	size_t		pos;
};

static bool take(struct cursor *c, size_t n, const uint8_t **out)
{
	if (n > c->avail - c->pos || c->pos + n > X86_MAX_INSN_LEN)
		return false;
	*out = c->p + c->pos;
	c->pos += n;
	return true;
}

static int64_t le_signed(const uint8_t *b, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	if (n < 8 && (v & (1ULL << (8 * n - 1))))
		v |= ~0ULL << (8 * n);
	return (int64_t)v;
}

/* ModRM, SIB and displacement; rex_r/rex_b extend reg and rm/base. */
static bool decode_modrm(struct cursor *c, struct x86_insn *in,
			 unsigned int rex_r, unsigned int rex_b)
{
	const uint8_t *b;
	unsigned int disp_len = 0, rm;

	if (!take(c, 1, &b))
		return false;
	in->has_modrm = true;
	in->mod = *b >> 6;
	in->reg = ((*b >> 3) & 7) | (rex_r << 3);
	rm = *b & 7;
	in->rm = rm | (rex_b << 3);
	in->base = X86_NOREG;
	if (in->mod == 3)
		return true;
	in->has_mem = true;
	if (rm == 4) {				/* SIB */
		const uint8_t *sib;

		if (!take(c, 1, &sib))
			return false;
		if ((*sib & 7) == 5 && in->mod == 0)
			disp_len = 4;		/* no base, disp32 */
		else
			in->base = (*sib & 7) | (rex_b << 3);
	} else if (rm == 5 && in->mod == 0) {
		in->rip_rel = true;
		disp_len = 4;
	} else {
		in->base = rm | (rex_b << 3);
	}
	if (in->mod == 1)
		disp_len = 1;
	else if (in->mod == 2)
		disp_len = 4;
	if (disp_len) {
		if (!take(c, disp_len, &b))
			return false;
		in->disp = le_signed(b, disp_len);
	}
	return true;
}

/* Name the forms the globals finder matches; others stay X86_OP_OTHER. */
static void classify(struct x86_insn *in, bool rex_w, bool opsize16)
{
	uint32_t op = in->opcode;
	bool byte_op = false;

	if (in->vex)
		return;
	switch (op) {
	case 0x8d:
		in->op = X86_OP_LEA;
		break;
	case 0x8a: case 0x8b:
		in->op = in->has_mem ? X86_OP_LOAD : X86_OP_OTHER;
		byte_op = op == 0x8a;
		break;
	case 0x88: case 0x89:
		in->op = in->has_mem ? X86_OP_STORE : X86_OP_OTHER;
		byte_op = op == 0x88;
		break;
	case 0xc6: case 0xc7:
		if ((in->reg & 7) == 0)
			in->op = X86_OP_STORE_IMM;
		byte_op = op == 0xc6;
		break;
	case 0x80: case 0x81: case 0x83:
		if ((in->reg & 7) == 7)
			in->op = X86_OP_CMP_IMM;
		byte_op = op == 0x80;
		break;
	case 0x38: case 0x39: case 0x3a: case 0x3b:
		in->op = X86_OP_CMP_REG;
		byte_op = op == 0x38 || op == 0x3a;
		break;
	case 0x86: case 0x87:
		in->op = in->has_mem ? X86_OP_XCHG : X86_OP_OTHER;
		byte_op = op == 0x86;
		break;
	case 0x0fc0: case 0x0fc1:
		in->op = X86_OP_XADD;
		byte_op = op == 0x0fc0;
		break;
	case 0x0fb0: case 0x0fb1:
		in->op = X86_OP_CMPXCHG;
		byte_op = op == 0x0fb0;
		break;
	case 0xe8:
		in->op = X86_OP_CALL;
		break;
	case 0xe9: case 0xeb:
		in->op = X86_OP_JMP;
		break;
	case 0xc2: case 0xc3:
		in->op = X86_OP_RET;
		break;
	case 0xff:
		if ((in->reg & 7) == 2)
			in->op = X86_OP_CALL_IND;
		else if ((in->reg & 7) == 4)
			in->op = X86_OP_JMP_IND;
		break;
	default:
		if ((op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f))
			in->op = X86_OP_JCC;
		break;
	}
	in->opsize = byte_op ? 1 : rex_w ? 8 : opsize16 ? 2 : 4;
}

int x86_decode(const uint8_t *code, size_t avail, uint64_t pc,
	       struct x86_insn *in)
{
	struct cursor c = { code, avail, 0 };
	bool opsize16 = false, addr32 = false, rex_w = false;
	unsigned int rex_r = 0, rex_b = 0, imm_len = 0;
	const uint8_t *b;
	uint16_t attrs;
	uint8_t op;

	memset(in, 0, sizeof(*in));
	in->pc = pc;
	in->base = X86_NOREG;

	/* Legacy prefixes in any order, then at most one REX right before the opcode. */
	for (;;) {
		if (!take(&c, 1, &b))
			return -1;
		op = *b;
		if (op >= 0x40 && op <= 0x4f) {
			in->rex = op;
			rex_w = op & 8;
			rex_r = (op >> 2) & 1;
			rex_b = op & 1;
			if (!take(&c, 1, &b))
				return -1;
			op = *b;
			if ((op >= 0x40 && op <= 0x4f) || (map1[op] & F_PFX))
				return -1;	/* REX must be last */
			break;
		}
		if (!(map1[op] & F_PFX))
			break;
		if (op == 0x66)
			opsize16 = true;
		else if (op == 0x67)
			addr32 = true;
		else if (op == 0xf0)
			in->lock = true;
	}

	if (op == 0x0f) {
		if (!take(&c, 1, &b))
			return -1;
		op = *b;
		if (op == 0x38 || op == 0x3a) {
			unsigned int esc = op;

			if (!take(&c, 1, &b))
				return -1;
			in->opcode = 0x0f0000 | esc << 8 | *b;
			attrs = esc == 0x3a ? (F_M | F_I8) : F_M;
		} else {
			in->opcode = 0x0f00 | op;
			attrs = map0f[op];
		}
	} else if (op == 0xc4 || op == 0xc5 || op == 0x62) {
		/* VEX (c4: 3-byte, c5: 2-byte) and EVEX (62: 4-byte) prefixes. */
		unsigned int map, plen = op == 0xc5 ? 1 : op == 0xc4 ? 2 : 3;

		if (!take(&c, plen, &b))
			return -1;
		if (op == 0xc5) {
			map = MAP_0F;
			rex_r = !(b[0] & 0x80);
		} else {
			map = b[0] & (op == 0x62 ? 0x03 : 0x1f);
			rex_r = !(b[0] & 0x80);
			rex_b = !(b[0] & 0x20);
			if (op == 0x62 && !(b[1] & 0x04))
				return -1;	/* EVEX P1 bit 2 is always 1 */
		}
		if (!take(&c, 1, &b))
			return -1;
		in->vex = true;
		in->opcode = map << 8 | *b;
		attrs = vex_attrs(map, *b);
	} else {
		in->opcode = op;
		attrs = map1[op];
	}
	if (attrs & (F_BAD | F_ESC | F_PFX))
		return -1;

	if ((attrs & F_M) && !decode_modrm(&c, in, rex_r, rex_b))
		return -1;

	if (attrs & F_I8)
		imm_len += 1;
	if (attrs & F_I16)
		imm_len += 2;
	if (attrs & F_I32)
		imm_len += 4;
	if (attrs & F_IZ)
		imm_len += opsize16 ? 2 : 4;
	if (attrs & F_IV)
		imm_len += rex_w ? 8 : opsize16 ? 2 : 4;
	if (attrs & F_MOFFS)
		imm_len += addr32 ? 4 : 8;
	if ((attrs & F_GRP3) && (in->reg & 7) < 2)
		imm_len += op == 0xf6 ? 1 : opsize16 ? 2 : 4;
	if (imm_len) {
		if (!take(&c, imm_len, &b))
			return -1;
		/* enter (imm16, imm8) is the one two-part immediate; keep the first */
		in->has_imm = true;
		in->imm = le_signed(b, imm_len > 8 ? 8 : (attrs & F_I16) ? 2 : imm_len);
	}

	in->len = c.pos;
	if (in->rip_rel)
		in->mem = pc + in->len + in->disp;
	classify(in, rex_w, opsize16);
	if (in->op == X86_OP_CALL || in->op == X86_OP_JMP || in->op == X86_OP_JCC)
		in->branch = pc + in->len + in->imm;
	return in->len;
}

const char *x86_op_name(enum x86_op op)
{
	static const char *const names[] = {
		[X86_OP_OTHER]		= "other",
		[X86_OP_LEA]		= "lea",
		[X86_OP_LOAD]		= "mov-load",
		[X86_OP_STORE]		= "mov-store",
		[X86_OP_STORE_IMM]	= "mov-store-imm",
		[X86_OP_CMP_IMM]	= "cmp-imm",
		[X86_OP_CMP_REG]	= "cmp-reg",
		[X86_OP_XCHG]		= "xchg",
		[X86_OP_XADD]		= "xadd",
		[X86_OP_CMPXCHG]	= "cmpxchg",
		[X86_OP_CALL]		= "call",
		[X86_OP_CALL_IND]	= "call-indirect",
		[X86_OP_JMP]		= "jmp",
		[X86_OP_JCC]		= "jcc",
		[X86_OP_JMP_IND]	= "jmp-indirect",
		[X86_OP_RET]		= "ret",
	};

	if ((unsigned int)op < sizeof(names) / sizeof(names[0]) && names[op])
		return names[op];
	return "?";
}
