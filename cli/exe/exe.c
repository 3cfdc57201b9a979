// SPDX-License-Identifier: GPL-2.0
/*
 * One executable, opened once, its readers built lazily; see exe.h.
 * The Go version lives here, not in the function table, because one of
 * its sources (runtime.buildVersion found through the instructions that
 * use it) needs both the table and the globals decoder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exe/buildinfo.h"
#include "exe/exe.h"

struct gs_exe *gs_exe_open(const char *path, char *err, size_t errlen)
{
	struct gs_exe *e = calloc(1, sizeof(*e));

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(e->path, sizeof(e->path), "%s", path);
	if (gs_elfimg_open(&e->im, path, err, errlen)) {
		free(e);
		return NULL;
	}
	return e;
}

void gs_exe_close(struct gs_exe *e)
{
	int i;

	if (!e)
		return;
	for (i = 0; i < GS_EXE_NGLOB; i++)
		free(e->gg[i]);
	for (i = 0; i < GS_EXE_NSRC; i++)
		gs_symtab_close(e->st[i]);
	if (e->dw)
		dwarf_end(e->dw);
	gs_elfimg_close(&e->im);
	free(e);
}

/* The table as loaded: no version yet, no release check. */
static struct gs_symtab *raw_symtab(struct gs_exe *e, enum gs_symsrc src)
{
	if (!e->st_tried[src]) {
		e->st_tried[src] = true;
		e->st[src] = gs_symtab_load(&e->im, e->path, src, e->st_err[src],
					    sizeof(e->st_err[src]));
	}
	return e->st[src];
}

const struct gs_goversion *gs_exe_goversion(struct gs_exe *e)
{
	struct gs_symtab *st;
	struct gs_goversion *v = &e->ver;
	uint64_t a;

	if (e->have_ver)
		return v;
	e->have_ver = true;
	memset(v, 0, sizeof(*v));
	st = raw_symtab(e, GS_SYMSRC_AUTO);
	if (st) {
		gs_symtab_version_sources(st, v);
		if (gs_symtab_count(st) &&
		    !gs_go_buildversion_decoded(&e->im, st, &a) &&
		    gs_go_string_at(gs_elfimg_at, &e->im, a,
				    v->found[GS_GOVER_DECODED], GS_GO_VERSION_LEN))
			v->found[GS_GOVER_DECODED][0] = '\0';
	}
	gs_goversion_settle(v);
	return v;
}

struct gs_symtab *gs_exe_symtab(struct gs_exe *e, enum gs_symsrc src,
				char *err, size_t errlen)
{
	const struct gs_goversion *v;
	struct gs_symtab *st = raw_symtab(e, src);
	char why[256];

	if (!st) {
		snprintf(err, errlen, "%s", e->st_err[src]);
		return NULL;
	}
	v = gs_exe_goversion(e);
	gs_symtab_set_goversion(st, v);
	if (!strcmp(gs_symtab_source(st), "pclntab") &&
	    gs_go_release_known(v->version, why, sizeof(why))) {
		/* a release we do not know may have changed the table */
		snprintf(err, errlen, "%s: functions not read from the pclntab: %s%s%s",
			 e->path, why, v->problem[0] ? "; " : "", v->problem);
		return NULL;
	}
	return st;
}

const struct gs_globals *gs_exe_globals(struct gs_exe *e,
					enum gs_globals_src src,
					char *err, size_t errlen)
{
	struct gs_symtab *st;

	if (!e->gg_tried[src]) {
		e->gg_tried[src] = true;
		/* pclntab names: the same functions, stripped or not */
		st = gs_exe_symtab(e, GS_SYMSRC_PCLNTAB, e->gg_err[src],
				   sizeof(e->gg_err[src]));
		e->gg[src] = st ? calloc(1, sizeof(*e->gg[src])) : NULL;
		if (st && !e->gg[src])
			snprintf(e->gg_err[src], sizeof(e->gg_err[src]),
				 "out of memory");
		if (e->gg[src] && gs_go_globals(&e->im, e->path, st, src, e->gg[src],
						e->gg_err[src],
						sizeof(e->gg_err[src]))) {
			free(e->gg[src]);
			e->gg[src] = NULL;
		}
	}
	if (!e->gg[src])
		snprintf(err, errlen, "%s", e->gg_err[src]);
	return e->gg[src];
}

Dwarf *gs_exe_dwarf(struct gs_exe *e, char *err, size_t errlen)
{
	if (!e->dw_tried) {
		e->dw_tried = true;
		e->dw = dwarf_begin_elf(e->im.elf, DWARF_C_READ, NULL);
		if (!e->dw)
			snprintf(e->dw_err, sizeof(e->dw_err), "%s: no DWARF (%s)",
				 e->path, dwarf_errmsg(-1));
	}
	if (!e->dw)
		snprintf(err, errlen, "%s", e->dw_err);
	return e->dw;
}
