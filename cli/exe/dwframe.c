// SPDX-License-Identifier: GPL-2.0
/*
 * A frame's variables at a pc (dwtypes.h, dwt_frame_vars): the function's
 * DIE, then its variables and parameters, and those of the lexical
 * blocks and inlined calls whose ranges hold the pc, each with the place
 * its location (list) gives at that pc, piece by piece. Go's frame base
 * is the CFA (DW_OP_call_frame_cfa), so DW_OP_fbreg off is CFA + off; a
 * piece in a register, or with no location, is not in the frame.
 */
#include "exe/dwtypes.h"

#include <dwarf.h>
#include <string.h>

#define DWT_MAX_SCOPE	32	/* blocks and inlined calls inside a function */

struct fv {
	struct dwtypes	*t;
	uint64_t	pc;
	dwt_var_cb	cb;
	void		*ctx;
	long		declared;
};

/* The function's frame base must be its CFA: Go's DWARF says so. */
static bool frame_base_is_cfa(Dwarf_Die *fn)
{
	Dwarf_Attribute a;
	Dwarf_Block b;

	return dwarf_attr(fn, DW_AT_frame_base, &a) && !dwarf_formblock(&a, &b) &&
	       b.length == 1 && b.data[0] == DW_OP_call_frame_cfa;
}

/* The pieces of one location expression into v; false if it has none. */
static bool pieces(const Dwarf_Op *ops, size_t n, uint64_t size, struct dwt_var *v)
{
	uint64_t at = 0;
	bool have = false, mem = false;
	int64_t off = 0;
	size_t i;

	v->npieces = 0;
	for (i = 0; i < n; i++) {
		switch (ops[i].atom) {
		case DW_OP_call_frame_cfa:
			have = mem = true;
			off = 0;
			break;
		case DW_OP_fbreg:
			have = mem = true;
			off = (int64_t)ops[i].number;
			break;
		case DW_OP_plus_uconst:
			off += (int64_t)ops[i].number;
			break;
		case DW_OP_piece:
			if (v->npieces == DWT_MAX_PIECES)
				return false;
			v->p[v->npieces++] = (struct dwt_piece){ at, at + ops[i].number,
								  have && mem, off };
			at += ops[i].number;
			have = mem = false;
			off = 0;
			break;
		default:	/* registers, values, anything else: not in memory */
			have = true;
			mem = false;
			break;
		}
	}
	if (!v->npieces && have)
		v->p[v->npieces++] = (struct dwt_piece){ 0, size, mem, off };
	return v->npieces > 0;
}

static uint64_t uleb(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	unsigned int sh = 0;

	while (*p < end) {
		uint8_t b = *(*p)++;

		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static int64_t sleb(const uint8_t **p, const uint8_t *end)
{
	int64_t v = 0;
	unsigned int sh = 0;
	uint8_t b = 0;

	while (*p < end) {
		b = *(*p)++;
		if (sh < 64)
			v |= (int64_t)((uint64_t)(b & 0x7f) << sh);
		sh += 7;
		if (!(b & 0x80))
			break;
	}
	if (sh < 64 && (b & 0x40))
		v |= (int64_t)(~0ULL << sh);
	return v;
}

/*
 * A location written as a block (DW_FORM_block1, as Go does in DWARF 4,
 * which libdw's readers refuse) into ops: the operations Go uses, any
 * other ends it as "not in memory". Returns the count.
 */
static size_t block_ops(const Dwarf_Block *b, Dwarf_Op *ops, size_t max)
{
	const uint8_t *p = b->data, *end = b->data + b->length;
	size_t n = 0;

	while (p < end && n < max) {
		Dwarf_Op *o = &ops[n++];

		memset(o, 0, sizeof(*o));
		o->atom = *p++;
		switch (o->atom) {
		case DW_OP_fbreg:
			o->number = (Dwarf_Word)sleb(&p, end);
			break;
		case DW_OP_piece:
		case DW_OP_plus_uconst:
		case DW_OP_regx:
			o->number = uleb(&p, end);
			break;
		case DW_OP_call_frame_cfa:
			break;
		default:
			if (o->atom >= DW_OP_reg0 && o->atom <= DW_OP_reg31)
				break;
			return n;	/* kept as "not in memory" */
		}
	}
	return n;
}

static void one_var(struct fv *f, Dwarf_Die *die)
{
	Dwarf_Op *ops, bops[4 * DWT_MAX_PIECES];
	Dwarf_Attribute a;
	Dwarf_Block b;
	size_t n;
	struct dwt_var v;
	Dwarf_Attribute ta;
	Dwarf_Die td;
	uint32_t ty;

	f->declared++;
	if (!dwarf_attr(die, DW_AT_location, &a))
		return;
	if (dwarf_formblock(&a, &b) == 0) {
		/* one place for the whole scope */
		n = block_ops(&b, bops, sizeof(bops) / sizeof(bops[0]));
		ops = bops;
	} else if (dwarf_getlocation_addr(&a, f->pc, &ops, &n, 1) != 1) {
		return;
	}
	if (!n)
		return;
	if (!dwarf_attr_integrate(die, DW_AT_type, &ta) || !dwarf_formref_die(&ta, &td))
		return;
	ty = dwt_of_die(f->t, dwarf_dieoffset(&td));
	if (ty == DWT_NONE || !dwt_get(f->t, ty)->hasptr ||
	    !pieces(ops, n, dwt_get(f->t, ty)->size, &v))
		return;
	v.name = dwarf_diename(die);
	if (!v.name)
		v.name = "?";
	v.type = ty;
	f->cb(f->ctx, &v);
}

static void scope(struct fv *f, Dwarf_Die *parent, int depth)
{
	Dwarf_Die c;

	if (depth > DWT_MAX_SCOPE || dwarf_child(parent, &c))
		return;
	do {
		switch (dwarf_tag(&c)) {
		case DW_TAG_variable:
		case DW_TAG_formal_parameter:
			one_var(f, &c);
			break;
		case DW_TAG_lexical_block:
		case DW_TAG_inlined_subroutine:
			if (dwarf_haspc(&c, f->pc) > 0)
				scope(f, &c, depth + 1);
			break;
		default:
			break;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
}

long dwt_frame_vars(struct dwtypes *t, uint64_t pc, dwt_var_cb cb, void *ctx)
{
	struct fv f = { t, pc, cb, ctx, 0 };
	Dwarf_Off off;
	Dwarf_Die fn;

	if (!dwt_func_at(t, pc, &off) || !dwarf_offdie(dwt_dwarf(t), off, &fn))
		return 0;
	if (!frame_base_is_cfa(&fn))
		return -1;
	scope(&f, &fn, 0);
	return f.declared;
}
