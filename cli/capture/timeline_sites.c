// SPDX-License-Identifier: GPL-2.0
/*
 * The probe sites of a start-up timeline (see timeline_sites.h). The
 * order here is the order of the table when moments have the same time;
 * the timeline itself is ordered by when each hit happened.
 */
#include "capture/timeline_sites.h"
#include "exe/elfsym.h"
#include "exe/x86dec.h"

#include <stdio.h>
#include <string.h>

static void add(struct tl_sites *t, const char *spec, const char *label,
		const char *moment, int is_init)
{
	struct tl_site *s;

	if (t->n == TL_MAX_SITES)
		return;
	s = &t->s[t->n++];
	snprintf(s->spec, sizeof(s->spec), "%s", spec);
	snprintf(s->label, sizeof(s->label), "%s", label);
	snprintf(s->moment, sizeof(s->moment), "%s", moment);
	s->is_init = is_init;
}

/* name#1, when the binary has name; else noted as skipped. */
static void add_func(struct tl_sites *t, const struct gs_symtab *st, const char *name,
		     const char *moment, int every_hit)
{
	char spec[96];
	size_t len = strlen(t->skipped);

	if (!gs_symtab_find_name(st, name)) {
		snprintf(t->skipped + len, sizeof(t->skipped) - len, "%s%s",
			 len ? ", " : "", name);
		return;
	}
	snprintf(spec, sizeof(spec), every_hit ? "%s" : "%s#1", name);
	add(t, spec, name, moment, every_hit);
}

/*
 * The address after schedinit's call of mallocinit: mallocinit's return,
 * the moment the heap's address space is set up. 0 if not found.
 */
static uint64_t mallocinit_return(struct gs_exe *x, const struct gs_symtab *st)
{
	const struct gs_func *si = gs_symtab_find_name(st, "runtime.schedinit");
	const struct gs_func *mi = gs_symtab_find_name(st, "runtime.mallocinit");
	const uint8_t *code;
	uint64_t pc;

	if (!si || !mi || !si->size || si->size > (1u << 20))
		return 0;
	code = gs_elfimg_at(&x->im, si->entry, si->size);
	if (!code)
		return 0;
	for (pc = si->entry; pc < si->entry + si->size;) {
		struct x86_insn in;
		int len = x86_decode(code + (pc - si->entry), si->entry + si->size - pc,
				     pc, &in);

		if (len < 0)
			return 0;	/* lost the instruction stream */
		if (in.op == X86_OP_CALL && in.branch == mi->entry)
			return pc + (uint64_t)len;
		pc += (uint64_t)len;
	}
	return 0;
}

int timeline_sites(struct gs_exe *x, const char *until, struct tl_sites *out,
		   char *err, size_t errlen)
{
	struct gs_symtab *st = gs_exe_symtab(x, GS_SYMSRC_AUTO, err, errlen);
	char spec[96], label[96];
	uint64_t ret;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	if (!gs_symtab_pclntab(st) || !gs_symtab_find_name(st, "runtime.schedinit")) {
		snprintf(err, errlen, "%s is not a Go program (no pclntab or runtime.schedinit)",
			 x->path);
		return -1;
	}
	snprintf(out->init_func, sizeof(out->init_func), "%s",
		 gs_symtab_find_name(st, "runtime.doInit1") ? "runtime.doInit1" :
		 "runtime.doInit");
	add_func(out, st, "runtime.rt0_go", "rt0_go (first instruction)", 0);
	add_func(out, st, "runtime.schedinit", "schedinit", 0);
	add_func(out, st, "runtime.mallocinit", "mallocinit", 0);
	ret = mallocinit_return(x, st);
	if (ret) {
		snprintf(spec, sizeof(spec), "0x%llx#1", (unsigned long long)ret);
		snprintf(label, sizeof(label), "0x%llx", (unsigned long long)ret);
		add(out, spec, label, "mallocinit returned", 0);
	} else {
		size_t len = strlen(out->skipped);

		snprintf(out->skipped + len, sizeof(out->skipped) - len, "%s%s",
			 len ? ", " : "", "mallocinit's return (no call in schedinit decoded)");
	}
	add_func(out, st, "runtime.newproc", "newproc (main goroutine)", 0);
	add_func(out, st, "runtime.mstart", "mstart (m0)", 0);
	add_func(out, st, "runtime.main", "runtime.main", 0);
	add_func(out, st, out->init_func, "init", 1);
	add_func(out, st, "main.main", "main.main", 0);
	add_func(out, st, "runtime.gcStart", "first gcStart", 0);
	if (until) {
		if (!gs_symtab_find_name(st, until)) {
			snprintf(err, errlen, "--until %s: no such function in %s", until, x->path);
			return -1;
		}
		snprintf(spec, sizeof(spec), "%s#1", until);
		add(out, spec, until, until, 0);
	}
	return 0;
}
