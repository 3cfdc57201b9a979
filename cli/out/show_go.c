// SPDX-License-Identifier: GPL-2.0
/*
 * The Go section of `gosnap-cli show`; see show_go.h.
 */
#include <stdio.h>
#include <string.h>

#include "exe/elfsym.h"
#include "decode/goheap.h"
#include "layout/layout.h"
#include "out/show_go.h"
#include "decode/snapctx.h"

static uint64_t counter(const struct goheap *h, enum gh_counter_id id,
			uint64_t from_pages, bool *from_runtime)
{
	if (h->counters[id].ok)
		return h->counters[id].value;
	*from_runtime = false;
	return from_pages;
}

static void fill_heap(const struct goheap *h, struct show_go *g)
{
	const struct gh_truth *t = &h->truth;
	static const enum gh_page_kind sys_kinds[] = {
		GH_PG_INUSE, GH_PG_FREE, GH_PG_RELEASED, GH_PG_CACHED,
	};
	uint64_t sys = 0, sys_res = 0;
	size_t i;

	for (i = 0; i < sizeof(sys_kinds) / sizeof(sys_kinds[0]); i++) {
		sys += t->bytes_by_kind[sys_kinds[i]];
		sys_res += t->resident_by_kind[sys_kinds[i]];
	}
	g->from_runtime = true;
	g->heap_inuse = counter(h, GH_HEAP_INUSE, t->bytes_by_kind[GH_PG_INUSE],
				&g->from_runtime);
	g->heap_inuse_resident = t->resident_by_kind[GH_PG_INUSE];
	g->heap_sys = counter(h, GH_HEAP_SYS, sys, &g->from_runtime);
	g->heap_sys_resident = sys_res;
	g->stack_inuse = counter(h, GH_STACK_INUSE, t->bytes_by_kind[GH_PG_MANUAL],
				 &g->from_runtime);
	g->stack_inuse_resident = t->resident_by_kind[GH_PG_MANUAL];
	g->nr_problems = h->nr_problems + gs_layout_nr_missing(h->layout);
	g->heap_ok = h->nr_arenas > 0;
	if (!g->heap_ok)
		snprintf(g->error, sizeof(g->error), "%s",
			 h->nr_problems ? h->problems[0] : "no heap arenas found");
	snprintf(g->version, sizeof(g->version), "%s", h->version);
	g->version_from = h->version_from;
}

void show_go_decode(const struct gsf_file *f, const struct gs_snapshot *s,
		    struct show_go *g)
{
	bool go_id = s->task && s->task->build_id_type == GOSNAP_BUILD_ID_GO;
	char err[1024], note[1024], lnote[256];
	struct gs_layout *layout = NULL;
	struct gs_symtab *st = NULL;
	struct gs_mem *mem = NULL;
	struct goheap *h = NULL;
	const char *version;
	struct gs_exe_choice e;

	memset(g, 0, sizeof(*g));
	/* A Go build ID says Go before the executable is even found. */
	if (gs_exe_choose(f, s, NULL, &e, note, sizeof(note), err, sizeof(err))) {
		if (go_id) {
			g->is_go = true;
			snprintf(g->error, sizeof(g->error), "%s", err);
		}
		return;
	}
	snprintf(g->exe, sizeof(g->exe), "%s", e.embedded && s->exe ? s->exe : e.name);
	g->embedded = e.embedded;
	st = gs_exe_symtab(e.exe, GS_SYMSRC_AUTO, err, sizeof(err));
	version = st ? gs_symtab_go_version(st) : NULL;
	if (!go_id && !version)
		goto out;	/* not a Go program */
	g->is_go = true;
	if (version) {
		snprintf(g->version, sizeof(g->version), "%s", version);
		g->version_from = ".go.buildinfo";
	}
	mem = gs_mem_open(s, &e.exe->im, err, sizeof(err));
	layout = mem ? gs_layout_open(e.exe, lnote, sizeof(lnote)) : NULL;
	gs_layout_set_bias(layout, gs_mem_bias(mem));
	h = layout ? goheap_decode(s, mem, layout, version) : NULL;
	if (h)
		fill_heap(h, g);
	else
		snprintf(g->error, sizeof(g->error), "%s", mem ? "out of memory" : err);
	goheap_free(h);
	if (layout)
		gs_layout_free(layout);
	gs_mem_close(mem);
out:
	gs_exe_choice_release(&e);
}

void show_go_json(struct json_writer *w, const struct show_go *g)
{
	jw_key(w, "go");
	if (!g->is_go) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	if (g->version[0]) {
		jw_kv_string(w, "version", g->version);
		jw_kv_string(w, "version_from", g->version_from);
	} else {
		jw_key(w, "version");
		jw_null(w);
	}
	if (g->exe[0]) {
		jw_kv_string(w, "executable", g->exe);
		jw_kv_bool(w, "embedded", g->embedded);
	}
	if (g->error[0])
		jw_kv_string(w, "error", g->error);
	jw_key(w, "heap");
	if (!g->heap_ok) {
		jw_null(w);
	} else {
		jw_start_object(w);
		jw_kv_string(w, "counters_from", g->from_runtime ? "runtime" : "pages");
		jw_kv_u64(w, "inuse_bytes", g->heap_inuse);
		jw_kv_u64(w, "inuse_resident_bytes", g->heap_inuse_resident);
		jw_kv_u64(w, "sys_bytes", g->heap_sys);
		jw_kv_u64(w, "sys_resident_bytes", g->heap_sys_resident);
		jw_kv_u64(w, "stack_inuse_bytes", g->stack_inuse);
		jw_kv_u64(w, "stack_inuse_resident_bytes", g->stack_inuse_resident);
		jw_kv_u64(w, "problems", g->nr_problems);
		jw_end_object(w);
	}
	jw_end_object(w);
}
