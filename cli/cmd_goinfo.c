// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli go SNAP|BINARY: the Go version of a binary (its .go.buildinfo)
 * and, for a snapshot, runtime.buildVersion as read from the captured
 * memory; and where each runtime global is, with how it was found (the
 * symbol table, or the instruction that references it and the second
 * reference that confirms it). Keys in docs/goglobals.md.
 */
#include "commands.h"
#include "decode/gomem.h"
#include "exe/exe.h"
#include "exe/goglobals.h"
#include "decode/snapctx.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GO_STRING	256

struct goinfo_opts {
	const char *input;		/* snapshot file or executable */
	const char *exe;		/* --exe: the executable, overriding the snapshot's */
	enum gs_globals_src source;
};

/* What the command found: one model, printed as text or JSON. */
struct goinfo {
	const struct goinfo_opts *o;
	bool is_snapshot;
	const char *exe;		/* what to open */
	const char *exe_name;		/* what to show */
	struct gs_exe_choice exe_src;	/* a snapshot's: see gs_exe_choose */
	struct gs_exe *x;		/* the executable, opened once */
	struct gs_exe *own;		/* x when not a snapshot's */
	const struct gs_globals *globals;	/* borrowed from x */
	/* snapshot only */
	struct gsf_file file;
	struct gs_snapshot snap;
	bool have_snap;
	char *mem_version;		/* runtime.buildVersion in the snapshot */
	const char *mem_version_err;
	char mem_err[512];		/* why the memory could not be read */
	uint64_t bias;			/* the executable's load bias (PIE) */
	int mem_moduledata_ok;		/* -1 not checked */
};

static void goinfo_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s go SNAPSHOT|BINARY [--exe PATH] [--source auto|decode] [-j]\n"
		"\n"
		"Print the Go version and the addresses of the runtime's globals\n"
		"(mheap_, allgs, allp, sched, work, m0, g0, buildVersion, ...), each\n"
		"with its source: the symbol table, or decoded from the instructions\n"
		"of runtime functions found through the pclntab, cross-checked by a\n"
		"second reference. For a snapshot, runtime.buildVersion is also read\n"
		"from the captured memory.\n"
		"\n"
		"  --exe PATH      the executable (default: the path the snapshot names)\n"
		"  --source MODE   auto: .symtab when present (default);\n"
		"                  decode: instruction decoding only\n"
		"  -j, --json      JSON output (-p: pretty)\n", PROG);
}

static int goinfo_parse_args(int argc, char **argv, struct goinfo_opts *o,
			     bool *done)
{
	static const struct option opts[] = {
		{ "exe",	required_argument,	NULL, 'e' },
		{ "source",	required_argument,	NULL, 's' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	int opt;

	*done = false;
	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "e:s:", opts,
				  NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'e':
			o->exe = optarg;
			break;
		case 's':
			if (!strcmp(optarg, "auto")) {
				o->source = GS_GLOBALS_AUTO;
			} else if (!strcmp(optarg, "decode")) {
				o->source = GS_GLOBALS_DECODE;
			} else {
				output_begin();
				p_err("go --source: '%s' is not auto or decode", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			goinfo_usage(stdout);
			*done = true;
			return 0;
		default:
			goinfo_usage(stderr);
			return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind < argc)
		o->input = argv[optind++];
	if (!o->input || optind < argc) {
		p_err("go takes one SNAPSHOT or BINARY (try '%s go --help')", PROG);
		return EXIT_USAGE;
	}
	return 0;
}

static bool is_snapshot_file(const char *path)
{
	char magic[sizeof(GSF_MAGIC) - 1];
	FILE *f = fopen(path, "rb");
	bool yes;

	if (!f)
		return false;
	yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	      !memcmp(magic, GSF_MAGIC, sizeof(magic));
	fclose(f);
	return yes;
}

static int load_snapshot(struct goinfo *gi)
{
	const struct gsf_chunk *c;
	char err[512];
	size_t i = 0;

	if (gsf_read(gi->o->input, &gi->file, err, sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	c = gsf_next_chunk(&gi->file, GSF_CHUNK_STREAM, &i);
	if (!c) {
		p_err("%s: no snapshot (stream chunk) in the file", gi->o->input);
		return -1;
	}
	if (gs_snapshot_parse(c->data, c->size, &gi->snap, err, sizeof(err))) {
		p_err("%s: %s", gi->o->input, err);
		return -1;
	}
	gi->have_snap = true;
	return 0;
}

/* Read what the snapshot's memory says at the globals found. */
static void read_snapshot_memory(struct goinfo *gi)
{
	const struct gs_global *bv = &gi->globals->g[GS_GLOBAL_BUILDVERSION];
	const struct gs_global *md = &gi->globals->g[GS_GLOBAL_FIRSTMODULEDATA];
	struct gs_mem *mem;
	uint64_t word, bias;

	gi->mem_moduledata_ok = -1;
	mem = gs_mem_open(&gi->snap, &gi->x->im, gi->mem_err, sizeof(gi->mem_err));
	if (!mem) {
		gi->mem_version_err = gi->mem_err;
		return;
	}
	/* the globals are link-time; the snapshot holds the process's */
	bias = gi->bias = gs_mem_bias(mem);
	if (!bv->have_addr)
		gi->mem_version_err = "runtime.buildVersion not found";
	else if (!(gi->mem_version = gs_mem_gostring(mem, bv->addr + bias,
						     MAX_GO_STRING)))
		gi->mem_version_err = "runtime.buildVersion not in the snapshot's memory";
	if (md->have_addr && gs_mem_u64(mem, md->addr + bias, &word))
		gi->mem_moduledata_ok = word == gi->globals->pclntab_vaddr + bias;
	gs_mem_close(mem);
}

static void goinfo_free(struct goinfo *gi)
{
	gs_exe_close(gi->own);
	gs_exe_choice_release(&gi->exe_src);
	free(gi->mem_version);
	if (gi->have_snap)
		gs_snapshot_free(&gi->snap);
	gsf_free(&gi->file);
}

/* ---------------------------------------------------------------------- */
/* Text                                                                    */
/* ---------------------------------------------------------------------- */

static void ref_plain(const char *what, const struct gs_global_ref *r)
{
	printf("%s %s+%#" PRIx64 " (%s)", what, r->func, r->func_off, r->rule);
}

static void goinfo_plain(const struct goinfo *gi)
{
	const struct gs_globals *gs = gi->globals;
	int i;

	printf("file:        %s (%s)\n", gi->o->input,
	       gi->is_snapshot ? "snapshot" : "executable");
	if (gi->is_snapshot)
		printf("executable:  %s\n", gi->exe_name);
	printf("go version:  %s (%s)\n", gs->go_version[0] ? gs->go_version : "unknown",
	       gs->go_version_from ? gs->go_version_from : "no source");
	if (gs->go_version_problem[0])
		printf("go version problem: %s\n", gs->go_version_problem);
	/* the version alone after the label: scripts take the rest of the line */
	if (gi->is_snapshot) {
		if (gi->mem_version)
			printf("runtime.buildVersion %s\n"
			       "             (the string in the snapshot's memory at %#" PRIx64 ")\n",
			       gi->mem_version,
			       gs->g[GS_GLOBAL_BUILDVERSION].addr + gi->bias);
		else
			printf("runtime.buildVersion unavailable: %s\n",
			       gi->mem_version_err);
	}
	printf("symbols:     %s%s\n", gs->have_symtab ? ".symtab" : "none (stripped)",
	       gs->pie ? ", PIE (link-time addresses)" : "");
	if (gi->is_snapshot && gs->pie && !gi->mem_err[0])
		printf("load bias:   %#" PRIx64 " (the process's addresses are these + the bias)\n",
		       gi->bias);
	printf("decoded:     %zu functions, %zu instructions%s\n",
	       gs->funcs_decoded, gs->insns_decoded,
	       gs->decode_errors ? " (some functions cut short)" : "");
	printf("\n%-26s %-18s %-8s %s\n", "GLOBAL", "ADDRESS", "SOURCE", "HOW");
	for (i = 0; i < GS_GLOBAL_COUNT; i++) {
		const struct gs_global *g = &gs->g[i];

		printf("%-26s ", g->name);
		if (g->have_addr)
			printf("%#-18" PRIx64 " %-8s ", g->addr, g->source);
		else
			printf("%-18s %-8s ", "unavailable", "-");
		if (g->primary.found) {
			ref_plain("decoded from", &g->primary);
			if (g->status == GS_GLOBAL_OK)
				ref_plain("; cross-checked by", &g->check);
		}
		if (g->in_symtab && g->primary.found && g->status != GS_GLOBAL_CONFLICT)
			printf("; decoded %s symtab",
			       g->primary.addr == g->symtab_addr ? "=" : "!=");
		if (g->memcheck && g->memcheck_ok >= 0)
			printf("; %s: %s", g->memcheck, g->memcheck_ok ? "ok" : "FAILED");
		if (g->status != GS_GLOBAL_OK)
			printf("%s[%s: %s]", g->primary.found ? "; " : "",
			       gs_global_status_name(g->status), g->note);
		printf("\n");
	}
}

/* ---------------------------------------------------------------------- */
/* JSON                                                                    */
/* ---------------------------------------------------------------------- */

static void ref_json(struct json_writer *w, const char *key,
		     const struct gs_global_ref *r)
{
	jw_key(w, key);
	if (!r->found) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	jw_kv_hex(w, "address", r->addr);
	jw_kv_string(w, "function", r->func);
	jw_kv_hex(w, "offset", r->func_off);
	jw_kv_hex(w, "pc", r->pc);
	jw_kv_string(w, "rule", r->rule);
	jw_end_object(w);
}

static void global_json(struct json_writer *w, const struct gs_global *g)
{
	jw_start_object(w);
	jw_kv_string(w, "name", g->name);
	jw_key(w, "address");
	if (g->have_addr)
		jw_hex(w, g->addr);
	else
		jw_null(w);
	jw_key(w, "source");
	if (g->have_addr)
		jw_string(w, g->source);
	else
		jw_null(w);
	jw_kv_string(w, "status", gs_global_status_name(g->status));
	jw_key(w, "symtab_address");
	if (g->in_symtab)
		jw_hex(w, g->symtab_addr);
	else
		jw_null(w);
	ref_json(w, "decoded", &g->primary);
	ref_json(w, "cross_check", &g->check);
	jw_key(w, "memory_check");
	if (g->memcheck && g->memcheck_ok >= 0) {
		jw_start_object(w);
		jw_kv_string(w, "what", g->memcheck);
		jw_kv_bool(w, "ok", g->memcheck_ok);
		jw_end_object(w);
	} else {
		jw_null(w);
	}
	if (g->note[0])
		jw_kv_string(w, "note", g->note);
	jw_end_object(w);
}

static void goinfo_json(const struct goinfo *gi)
{
	struct json_writer *w = json_wtr;
	const struct gs_globals *gs = gi->globals;
	int i;

	jw_start_object(w);
	jw_kv_string(w, "file", gi->o->input);
	jw_kv_string(w, "kind", gi->is_snapshot ? "snapshot" : "executable");
	jw_kv_string(w, "executable", gi->exe_name);
	jw_key(w, "go_version");
	jw_start_object(w);
	/* "buildinfo": the version, wherever go_version_from says it came from */
	jw_key(w, "buildinfo");
	if (gs->go_version[0])
		jw_string(w, gs->go_version);
	else
		jw_null(w);
	jw_key(w, "go_version_from");
	if (gs->go_version_from)
		jw_string(w, gs->go_version_from);
	else
		jw_null(w);
	jw_key(w, "go_version_sources");
	jw_start_object(w);
	for (i = 0; i < GS_GOVER_NSRC; i++)
		if (gs->go_version_found[i][0])
			jw_kv_string(w, gs_gover_src_name(i), gs->go_version_found[i]);
	jw_end_object(w);
	jw_key(w, "problem");
	if (gs->go_version_problem[0])
		jw_string(w, gs->go_version_problem);
	else
		jw_null(w);
	if (gi->is_snapshot) {
		jw_key(w, "memory");
		if (gi->mem_version)
			jw_string(w, gi->mem_version);
		else
			jw_null(w);
		if (!gi->mem_version)
			jw_kv_string(w, "memory_error", gi->mem_version_err);
	}
	jw_end_object(w);
	if (gi->is_snapshot) {
		jw_key(w, "snapshot_moduledata_ok");
		if (gi->mem_moduledata_ok >= 0)
			jw_bool(w, gi->mem_moduledata_ok);
		else
			jw_null(w);
	}
	jw_kv_bool(w, "symtab", gs->have_symtab);
	jw_kv_bool(w, "pie", gs->pie);
	if (gi->is_snapshot && gs->pie && !gi->mem_err[0])
		jw_kv_hex(w, "load_bias", gi->bias);
	jw_kv_hex(w, "pclntab", gs->pclntab_vaddr);
	jw_key(w, "decoding");
	jw_start_object(w);
	jw_kv_u64(w, "functions", gs->funcs_decoded);
	jw_kv_u64(w, "instructions", gs->insns_decoded);
	jw_kv_u64(w, "cut_short", gs->decode_errors);
	jw_end_object(w);
	jw_key(w, "globals");
	jw_start_array(w);
	for (i = 0; i < GS_GLOBAL_COUNT; i++)
		global_json(w, &gs->g[i]);
	jw_end_array(w);
	jw_end_object(w);
}

int cmd_goinfo(int argc, char **argv)
{
	struct goinfo_opts o = { 0 };
	struct goinfo gi = { .o = &o, .exe_src.memfd = -1 };
	char err[1024], note[1024];
	bool done;
	int ret;

	ret = goinfo_parse_args(argc, argv, &o, &done);
	if (ret || done)
		return ret;
	/* an ELF file is an executable: opened once, then kept */
	gi.own = o.exe ? NULL : gs_exe_open(o.input, err, sizeof(err));
	gi.is_snapshot = !gi.own && is_snapshot_file(o.input);
	gi.exe = gi.exe_name = o.exe ? o.exe : o.input;
	if (gi.is_snapshot) {
		if (load_snapshot(&gi))
			goto fail;
		/* The named executable, --exe, or the embedded copy. */
		if (gs_exe_choose(&gi.file, &gi.snap, o.exe, &gi.exe_src, note,
				  sizeof(note), err, sizeof(err))) {
			p_err("%s", err);
			goto fail;
		}
		if (note[0])
			p_warn("%s", note);
		gi.exe = gi.exe_src.path;
		gi.exe_name = gi.exe_src.name;
		gi.x = gi.exe_src.exe;
	} else {
		if (!gi.own)
			gi.own = gs_exe_open(gi.exe, err, sizeof(err));
		gi.x = gi.own;
		if (!gi.x) {
			p_err("%s", err);
			goto fail;
		}
	}
	gi.globals = gs_exe_globals(gi.x, o.source, err, sizeof(err));
	if (!gi.globals) {
		p_err("%s", err);
		goto fail;
	}
	if (gi.is_snapshot)
		read_snapshot_memory(&gi);
	if (json_wtr)
		goinfo_json(&gi);
	else
		goinfo_plain(&gi);
	goinfo_free(&gi);
	return 0;
fail:
	goinfo_free(&gi);
	return 1;
}
