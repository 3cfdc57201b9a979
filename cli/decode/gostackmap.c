// SPDX-License-Identifier: GPL-2.0
/* A frame's stack maps from funcdata; see gostackmap.h. */
#include "decode/gostackmap.h"
#include "exe/pctab.h"

#include <stdlib.h>
#include <string.h>

/* Bitvector stackid of the stackmap at addr ({n, nbit int32; bytes}). */
static bool stackmap_bits(const struct gs_mem *mem, uint64_t addr, int32_t stackid,
			  uint64_t lo_or_hi, bool down, struct gs_stackrange *r,
			  const char **why)
{
	uint32_t n, nbit;
	uint64_t bytes;

	if (!addr || !gs_mem_u32(mem, addr, &n) || !gs_mem_u32(mem, addr + 4, &nbit)) {
		*why = "its stack map is not readable";
		return false;
	}
	if (!nbit)
		return true;		/* no pointer words */
	if ((int32_t)n <= 0 || stackid < 0 || (uint32_t)stackid >= n ||
	    nbit > GS_STACKMAP_MAX_BITS) {
		*why = "its stack map index or size makes no sense";
		return false;
	}
	bytes = (nbit + 7) / 8;
	r->bits = malloc(bytes);
	if (!r->bits || !gs_mem_read(mem, addr + 8 + (uint64_t)stackid * bytes, r->bits, bytes)) {
		*why = r->bits ? "its stack map is not readable" : "out of memory";
		free(r->bits);
		r->bits = NULL;
		return false;
	}
	r->lo = down ? lo_or_hi - (uint64_t)nbit * 8 : lo_or_hi;
	r->hi = r->lo + (uint64_t)nbit * 8;
	return true;
}

/* Stack objects: a count (uintptr), then {off, size, ptrdata, gcdataoff}. */
static bool stack_objects(const struct gs_mem *mem, uint64_t addr, uint64_t varp,
			  uint64_t argp, struct gs_framemap *m)
{
	uint64_t n, i;

	if (!addr)
		return true;
	if (!gs_mem_u64(mem, addr, &n) || n > GS_STACKMAP_MAX_OBJS) {
		m->why = "its stack objects are not readable";
		return false;
	}
	for (i = 0; i < n; i++) {
		uint32_t rec[4];
		int32_t off, ptrdata;
		uint64_t base;

		if (!gs_mem_read(mem, addr + 8 + i * 16, rec, sizeof(rec))) {
			m->why = "its stack objects are not readable";
			return false;
		}
		off = (int32_t)rec[0];
		ptrdata = (int32_t)rec[2];	/* < 0: a GC program (go1.19) */
		if (ptrdata < 0)
			ptrdata = (int32_t)rec[1];
		base = off < 0 ? varp + (uint64_t)(int64_t)off : argp + (uint64_t)off;
		if (!ptrdata)
			continue;
		m->objs[m->nr_objs].lo = base;
		m->objs[m->nr_objs].hi = base + (uint64_t)ptrdata;
		m->nr_objs++;
	}
	return true;
}

bool gs_framemap_get(const struct gs_funcinfo *fi, const struct gs_mem *mem,
		     const struct gs_frame *f, struct gs_framemap *m)
{
	struct gs_pcln_func fn;
	uint64_t targetpc = f->pc, varp, raw, addr;
	int32_t pcdata = -1;

	memset(m, 0, sizeof(*m));
	if (fi->tab->version >= GS_PCLN_GO118 && !fi->gofunc) {
		m->why = "go:func.* is unknown: no funcdata";
		return false;
	}
	if (!f->sp || f->fp <= f->sp || !gs_funcinfo_find(fi, f->pc, &fn) ||
	    !fn.fields_valid) {
		m->why = "its function is not in the pclntab";
		return false;
	}
	if (targetpc != fn.entry) {
		targetpc--;
		gs_pcvalue_at(fi->tab, &fn, gs_pcdata_off(fi->tab, &fn, GS_PCDATA_STACK_MAP),
			      targetpc, &pcdata);
	}
	if (pcdata == -1)
		pcdata = 0;	/* the prologue, as the runtime assumes */
	varp = f->fp - 8;
	if (varp > f->sp)
		varp -= 8;	/* the saved frame pointer */
	if (varp > f->sp) {
		if (!gs_funcdata(fi->tab, &fn, GS_FUNCDATA_LOCALS_PTRMAPS, fi->gofunc, &raw,
				 &addr) || !addr) {
			m->why = "it has locals but no locals stack map";
			return false;
		}
		if (!stackmap_bits(mem, addr, pcdata, varp, true, &m->locals, &m->why))
			return false;
	}
	if (fn.args > 0 &&
	    gs_funcdata(fi->tab, &fn, GS_FUNCDATA_ARGS_PTRMAPS, fi->gofunc, &raw, &addr) &&
	    addr && !stackmap_bits(mem, addr, pcdata, f->fp, false, &m->args, &m->why))
		return false;
	if (gs_funcdata(fi->tab, &fn, GS_FUNCDATA_STACK_OBJECTS, fi->gofunc, &raw, &addr) &&
	    !stack_objects(mem, addr, varp, f->fp, m))
		return false;
	return true;
}

void gs_framemap_free(struct gs_framemap *m)
{
	free(m->locals.bits);
	free(m->args.bits);
	memset(m, 0, sizeof(*m));
}
