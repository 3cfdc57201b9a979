// SPDX-License-Identifier: GPL-2.0
/*
 * PC questions answered from an executable's pclntab; see funcinfo.h.
 */
#include <stdio.h>
#include <string.h>

#include "decode/funcinfo.h"

/*
 * gofunc from the moduledata in the executable's writable segments: the
 * linker writes moduledata there with its final values, so the file's
 * bytes are what the process starts with and never changes.
 */
static int find_gofunc(const struct gs_pclntab *tab, uint64_t pcln_vaddr,
		       const struct gs_elfimg *im, int go_minor,
		       uint64_t *gofunc)
{
	size_t i;
	int ret = -1;

	for (i = 0; i < im->nr_seg && ret; i++) {
		const struct gs_elfimg_seg *s = &im->seg[i];

		if (!s->write || s->truncated)
			continue;
		ret = gs_pclntab_moduledata_gofunc(tab, pcln_vaddr,
						   im->map + s->offset,
						   s->filesz, go_minor, gofunc,
						   NULL);
	}
	return ret;
}

int gs_funcinfo_init(struct gs_funcinfo *fi, const struct gs_symtab *st,
		     const struct gs_exe *exe, const struct gs_mem *mem,
		     char *err, size_t errlen)
{
	const char *exe_path = exe->path;
	const struct gs_goversion *ver;
	char why[256];

	memset(fi, 0, sizeof(*fi));
	fi->tab = gs_symtab_pclntab(st);
	fi->mem = mem;
	fi->bias = gs_mem_bias(mem);
	if (!fi->tab) {
		snprintf(err, errlen, "%s: no usable pclntab: %s", exe_path,
			 gs_symtab_pclntab_error(st));
		return -1;
	}
	if (fi->tab->version < GS_PCLN_GO116) {
		snprintf(err, errlen,
			 "%s: pclntab format of Go 1.2-1.15 has no per-function tables we decode",
			 exe_path);
		return -1;
	}
	/* never read the tables of a release we do not know */
	ver = gs_symtab_goversion(st);
	if (gs_go_release_known(ver->version, why, sizeof(why))) {
		snprintf(err, errlen, "%s: pclntab not decoded: %s%s%s", exe_path,
			 why, ver->problem[0] ? "; " : "", ver->problem);
		return -1;
	}
	if (fi->tab->version < GS_PCLN_GO118)
		return 0;	/* funcdata are absolute pointers */
	if (find_gofunc(fi->tab, gs_symtab_pclntab_vaddr(st), &exe->im,
			ver->minor, &fi->gofunc)) {
		fi->gofunc = 0;
		snprintf(fi->gofunc_why, sizeof(fi->gofunc_why),
			 "no %s moduledata names go:func.* (inline trees and funcdata unavailable)",
			 ver->version);
	} else {
		fi->gofunc += fi->bias;	/* read from the file: link-time */
	}
	return 0;
}

/*
 * The one place a process's PC becomes a link-time one: the pclntab is
 * looked up at pc - bias, and the function's bounds moved back by the
 * bias, so callers (and the pc tables, relative to fn->entry) see
 * process addresses only.
 */
bool gs_funcinfo_find(const struct gs_funcinfo *fi, uint64_t pc,
		      struct gs_pcln_func *fn)
{
	long i = gs_pclntab_find(fi->tab, pc - fi->bias);

	if (i < 0 || gs_pclntab_func(fi->tab, (uint64_t)i, fn, NULL, 0) ||
	    !fn->fields_valid)
		return false;
	fn->entry += fi->bias;
	fn->end += fi->bias;
	return true;
}

bool gs_funcinfo_spdelta(const struct gs_funcinfo *fi,
			 const struct gs_pcln_func *fn, uint64_t pc,
			 int32_t *delta)
{
	return gs_pcvalue_at(fi->tab, fn, fn->pcsp, pc, delta) && *delta >= 0;
}

uint64_t gs_funcinfo_inltree(const struct gs_funcinfo *fi,
			     const struct gs_pcln_func *fn)
{
	uint64_t raw, addr;

	if (fi->tab->version >= GS_PCLN_GO118 && !fi->gofunc)
		return 0;
	if (!gs_funcdata(fi->tab, fn, GS_FUNCDATA_INL_TREE, fi->gofunc, &raw,
			 &addr))
		return 0;
	return addr;
}

int gs_funcinfo_frames(const struct gs_funcinfo *fi,
		       const struct gs_pcln_func *fn, uint64_t tracepc,
		       struct gs_srcframe *out, int max)
{
	uint64_t tree = gs_funcinfo_inltree(fi, fn);
	uint32_t inl_off = gs_pcdata_off(fi->tab, fn, GS_PCDATA_INL_TREE);
	size_t esize = gs_inl_entry_size(fi->tab);
	int n = 0;

	/*
	 * Each inlined level: its name from the tree entry, its position
	 * from pcfile/pcln at tracepc; then move tracepc to the call site
	 * (parentPc) and look the index up again there.
	 */
	while (tree && inl_off && fi->mem && n < max - 1 &&
	       n < GS_MAX_INLINE_DEPTH) {
		uint8_t bytes[32];
		struct gs_inl_call ic;
		int32_t ix;

		if (!gs_pcvalue_at(fi->tab, fn, inl_off, tracepc, &ix) || ix < 0)
			break;
		if (!gs_mem_read(fi->mem, tree + (uint64_t)ix * esize, bytes, esize))
			break;
		gs_inl_decode(fi->tab, bytes, &ic);
		out[n].func = ic.name ? ic.name : "?";
		out[n].inlined = true;
		gs_pcln_line(fi->tab, fn, tracepc, &out[n].file, &out[n].line);
		n++;
		if (ic.parent_pc < 0 || (uint64_t)ic.parent_pc >= fn->end - fn->entry)
			break;
		tracepc = fn->entry + (uint64_t)ic.parent_pc;
	}
	out[n].func = fn->name;
	out[n].inlined = false;
	gs_pcln_line(fi->tab, fn, tracepc, &out[n].file, &out[n].line);
	return n + 1;
}
