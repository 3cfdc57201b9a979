// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli symbols BINARY: the functions of an executable as the capture
 * command sees them: entry address, size, and the file offset a uprobe is
 * armed at. The table is opened once (the model), then printed as text
 * (symbols_*_plain) or JSON (symbols_*_json); keys in docs/symbols.md.
 */
#include "commands.h"
#include "exe/elfsym.h"
#include "exe/exe.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RESOLVE	64

struct symbols_opts {
	const char *binary;
	const char *pattern;		/* substring, or glob if it has * ? [ */
	enum gs_symsrc source;
	const char *resolve[MAX_RESOLVE];
	size_t nr_resolve;
};

/* One --resolve SPEC, resolved (or not) against the table. */
struct resolved {
	const char *spec;
	int ok;
	char err[256];
	uint64_t vaddr;
	uint64_t file_off;
	const struct gs_func *func;	/* holding vaddr, NULL if none */
};

static bool name_matches(const char *name, const char *pattern)
{
	if (!pattern)
		return true;
	if (strpbrk(pattern, "*?["))
		return fnmatch(pattern, name, 0) == 0;
	return strstr(name, pattern) != NULL;
}

static const char *pcln_format(enum gs_pcln_version v)
{
	switch (v) {
	case GS_PCLN_GO12:	return "go1.2";
	case GS_PCLN_GO116:	return "go1.16";
	case GS_PCLN_GO118:	return "go1.18";
	case GS_PCLN_GO120:	return "go1.20";
	}
	return "unknown";
}

/* ---------------------------------------------------------------------- */
/* Text                                                                    */
/* ---------------------------------------------------------------------- */

static void symbols_header_plain(const struct symbols_opts *o,
				 const struct gs_symtab *st)
{
	const char *ver = gs_symtab_go_version(st);

	const struct gs_goversion *gv = gs_symtab_goversion(st);

	printf("# %s: %zu functions from %s, Go version %s (from %s)\n", o->binary,
	       gs_symtab_count(st), gs_symtab_source(st), ver ? ver : "unknown",
	       gv->from ? gv->from : "no source");
	if (gv->problem[0])
		printf("# Go version problem: %s\n", gv->problem);
}

static void symbols_list_plain(const struct symbols_opts *o,
			       const struct gs_symtab *st)
{
	const struct gs_func *f;
	size_t i;

	symbols_header_plain(o, st);
	printf("%-18s %10s %-12s %s\n", "ADDRESS", "SIZE", "FILE-OFFSET", "NAME");
	for (i = 0; i < gs_symtab_count(st); i++) {
		f = gs_symtab_func(st, i);
		if (!name_matches(f->name, o->pattern))
			continue;
		printf("0x%016" PRIx64 " %10" PRIu64 " ", f->entry, f->size);
		if (f->file_off == GS_NO_FILE_OFF)
			printf("%-12s ", "-");
		else
			printf("0x%010" PRIx64 " ", f->file_off);
		printf("%s\n", f->name);
	}
}

static void symbols_resolve_plain(const struct symbols_opts *o,
				  const struct gs_symtab *st,
				  const struct resolved *r)
{
	size_t i;

	symbols_header_plain(o, st);
	printf("%-18s %-12s %-24s %s\n", "ADDRESS", "FILE-OFFSET", "SPEC", "FUNCTION");
	for (i = 0; i < o->nr_resolve; i++) {
		if (!r[i].ok)
			continue;	/* reported on stderr */
		printf("0x%016" PRIx64 " 0x%010" PRIx64 " %-24s ", r[i].vaddr,
		       r[i].file_off, r[i].spec);
		if (r[i].func)
			printf("%s+0x%" PRIx64 "\n", r[i].func->name,
			       r[i].vaddr - r[i].func->entry);
		else
			printf("?\n");
	}
}

/* ---------------------------------------------------------------------- */
/* JSON                                                                    */
/* ---------------------------------------------------------------------- */

/* Where the version came from, what each source said, disagreements. */
static void go_version_json(struct json_writer *w, const struct gs_goversion *gv)
{
	int i;

	jw_key(w, "go_version_from");
	if (gv->from)
		jw_string(w, gv->from);
	else
		jw_null(w);
	jw_key(w, "go_version_sources");
	jw_start_object(w);
	for (i = 0; i < GS_GOVER_NSRC; i++)
		if (gv->found[i][0])
			jw_kv_string(w, gs_gover_src_name(i), gv->found[i]);
	jw_end_object(w);
	jw_key(w, "go_version_problem");
	if (gv->problem[0])
		jw_string(w, gv->problem);
	else
		jw_null(w);
}

static void symbols_header_json(const struct symbols_opts *o,
				const struct gs_symtab *st)
{
	const struct gs_pclntab *t = gs_symtab_pclntab(st);
	const char *ver = gs_symtab_go_version(st);
	struct json_writer *w = json_wtr;

	jw_kv_string(w, "binary", o->binary);
	jw_kv_string(w, "source", gs_symtab_source(st));
	jw_key(w, "go_version");
	if (ver)
		jw_string(w, ver);
	else
		jw_null(w);
	go_version_json(w, gs_symtab_goversion(st));
	jw_key(w, "pclntab");
	if (!t) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	jw_kv_string(w, "format", pcln_format(t->version));
	jw_kv_u64(w, "address", gs_symtab_pclntab_vaddr(st));
	jw_kv_u64(w, "text_start", t->text_start);
	jw_kv_u64(w, "functions", t->nfunc);
	jw_end_object(w);
}

static void symbols_list_json(const struct symbols_opts *o,
			      const struct gs_symtab *st)
{
	struct json_writer *w = json_wtr;
	const struct gs_func *f;
	size_t i;

	jw_start_object(w);
	symbols_header_json(o, st);
	jw_key(w, "functions");
	jw_start_array(w);
	for (i = 0; i < gs_symtab_count(st); i++) {
		f = gs_symtab_func(st, i);
		if (!name_matches(f->name, o->pattern))
			continue;
		jw_start_object(w);
		jw_kv_string(w, "name", f->name);
		jw_kv_u64(w, "entry", f->entry);
		jw_kv_u64(w, "size", f->size);
		jw_key(w, "file_offset");
		if (f->file_off == GS_NO_FILE_OFF)
			jw_null(w);
		else
			jw_u64(w, f->file_off);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void symbols_resolve_json(const struct symbols_opts *o,
				 const struct gs_symtab *st,
				 const struct resolved *r)
{
	struct json_writer *w = json_wtr;
	size_t i;

	jw_start_object(w);
	symbols_header_json(o, st);
	jw_key(w, "resolved");
	jw_start_array(w);
	for (i = 0; i < o->nr_resolve; i++) {
		jw_start_object(w);
		jw_kv_string(w, "spec", r[i].spec);
		if (!r[i].ok) {
			jw_kv_string(w, "error", r[i].err);
			jw_end_object(w);
			continue;
		}
		jw_kv_u64(w, "address", r[i].vaddr);
		jw_kv_u64(w, "file_offset", r[i].file_off);
		jw_key(w, "function");
		if (r[i].func)
			jw_string(w, r[i].func->name);
		else
			jw_null(w);
		jw_key(w, "offset");
		if (r[i].func)
			jw_u64(w, r[i].vaddr - r[i].func->entry);
		else
			jw_null(w);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

/* ---------------------------------------------------------------------- */

static void symbols_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s symbols BINARY [PATTERN] [--source SRC] [-j|--json] [-p|--pretty]\n"
		"       %s symbols BINARY --resolve SPEC [--resolve SPEC]... [-j]\n\n"
		"List the functions of an executable, stripped or not: entry address,\n"
		"size, file offset (where a uprobe is armed) and name. Functions come from\n"
		".symtab, or from Go's pclntab when the binary has no .symtab.\n\n"
		"  PATTERN          names containing PATTERN; a glob if it has * ? [\n"
		"  --source SRC     auto (default: .symtab if present), symtab, pclntab\n"
		"  --resolve SPEC   NAME, NAME+OFF or 0xADDR: print address and file offset\n"
		"                   (exit 1 if any does not resolve)\n"
		"  -j, --json       JSON (keys: docs/symbols.md); -p pretty-printed\n"
		"  -h, --help       this text\n", PROG, PROG);
}

/* Returns 0 to go on, or an exit status (the usage has been printed). */
static int symbols_parse_args(int argc, char **argv, struct symbols_opts *o,
			      bool *done)
{
	static const struct option opts[] = {
		{ "source",	required_argument,	NULL, 's' },
		{ "resolve",	required_argument,	NULL, 'r' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	int opt;

	*done = false;
	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "s:r:", opts,
				  NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 's':
			if (!strcmp(optarg, "auto")) {
				o->source = GS_SYMSRC_AUTO;
			} else if (!strcmp(optarg, "symtab")) {
				o->source = GS_SYMSRC_SYMTAB;
			} else if (!strcmp(optarg, "pclntab")) {
				o->source = GS_SYMSRC_PCLNTAB;
			} else {
				output_begin();
				p_err("symbols --source: '%s' is not auto, symtab or pclntab",
				      optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			if (o->nr_resolve == MAX_RESOLVE) {
				output_begin();
				p_err("symbols: at most %d --resolve", MAX_RESOLVE);
				return EXIT_USAGE;
			}
			o->resolve[o->nr_resolve++] = optarg;
			break;
		case 'h':
			symbols_usage(stdout);
			*done = true;
			return 0;
		default:
			symbols_usage(stderr);
			return EXIT_USAGE;
		}
	}
	output_begin();
	/* glibc's getopt moved the operands after the options */
	if (optind < argc)
		o->binary = argv[optind++];
	if (optind < argc)
		o->pattern = argv[optind++];
	if (!o->binary || optind < argc || (o->pattern && o->nr_resolve)) {
		p_err("symbols takes BINARY and a PATTERN or --resolve (try '%s symbols --help')",
		      PROG);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_symbols(int argc, char **argv)
{
	struct symbols_opts o = { 0 };
	struct resolved *r = NULL;
	struct gs_symtab *st;
	struct gs_exe *x;
	char err[512];
	bool done;
	int ret = 0;
	size_t i;

	ret = symbols_parse_args(argc, argv, &o, &done);
	if (ret || done)
		return ret;
	x = gs_exe_open(o.binary, err, sizeof(err));
	st = x ? gs_exe_symtab(x, o.source, err, sizeof(err)) : NULL;
	if (!st) {
		p_err("%s", err);
		gs_exe_close(x);
		return 1;
	}
	if (o.nr_resolve) {
		r = calloc(o.nr_resolve, sizeof(*r));
		if (!r) {
			gs_exe_close(x);
			p_err("out of memory");
			return 1;
		}
	}
	for (i = 0; i < o.nr_resolve; i++) {
		r[i].spec = o.resolve[i];
		r[i].ok = !gs_symtab_resolve(st, r[i].spec, &r[i].vaddr,
					     &r[i].file_off, r[i].err,
					     sizeof(r[i].err));
		if (r[i].ok) {
			r[i].func = gs_symtab_find_addr(st, r[i].vaddr);
		} else {
			/* on stderr also in JSON mode: the document stays whole */
			fprintf(stderr, "%s: error: %s\n", PROG, r[i].err);
			ret = 1;
		}
	}
	if (o.nr_resolve)
		(json_wtr ? symbols_resolve_json : symbols_resolve_plain)(&o, st, r);
	else if (json_wtr)
		symbols_list_json(&o, st);
	else
		symbols_list_plain(&o, st);
	free(r);
	gs_exe_close(x);
	return ret;
}
