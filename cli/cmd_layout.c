// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli layout BINARY [TYPE...]: the Go runtime layouts the decoders
 * read, field by field, each with the source that answered (dwarf,
 * typedesc, table; docs/layout.md). Field names are listed from the type
 * descriptors and the per-release table; --source restricts the answers
 * to one source, so that the sources can be compared with each other.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "exe/exe.h"
#include "decode/needs.h"
#include "layout/layout.h"
#include "layout/layout_table.h"
#include "layout/layout_typedesc.h"

#define MAX_NAMES	8192

/* What the decoders read when no TYPE is named (docs/layout.md). */
static const char *const decoder_types[] = {
	"runtime.g", "runtime.m", "runtime.p", "runtime.mspan",
	"runtime.mcache", "runtime.gcWork", "runtime.workbuf",
	"runtime.gobuf", "runtime.stack", "runtime.pageCache",
	"runtime.mSpanStateBox", "runtime.moduledata", "runtime.mheap",
	"runtime.heapArena", "runtime.pageAlloc", "runtime.addrRanges",
	"runtime.addrRange", "runtime.offAddr", "runtime.pallocData",
	"runtime.mstats", "runtime.consistentHeapStats",
	"runtime.heapStatsDelta", "runtime.gcControllerState",
	"runtime.schedt", "runtime.workType", "runtime.mcentral",
	"runtime.gQueue",
};

static const char *const decoder_consts[] = {
	"runtime._PageSize", "runtime.pageSize", "runtime.heapArenaBytes",
	"runtime.arenaL1Bits", "runtime.arenaL2Bits", "runtime.arenaBaseOffset",
	"runtime.arenaBaseOffsetUintptr", "runtime.pallocChunkPages",
	"runtime.pallocChunksL1Bits", "runtime.pallocChunksL2Bits",
	"runtime.mSpanDead", "runtime.mSpanInUse", "runtime.mSpanManual",
	"runtime._NumSizeClasses", "internal/runtime/gc.NumSizeClasses",
	"runtime._MaxSmallSize", "internal/runtime/gc.MaxSmallSize",
	"runtime._Gidle", "runtime._Grunnable", "runtime._Grunning",
	"runtime._Gsyscall", "runtime._Gwaiting", "runtime._Gdead",
	"runtime._Gcopystack", "runtime._Gpreempted", "runtime._Gscan",
	"runtime._Pidle", "runtime._Prunning", "runtime._Psyscall",
	"runtime._Pgcstop", "runtime._Pdead", "runtime._StackMin",
	"runtime.fixedStack",
};

struct layout_opts {
	const char	*exe;
	char		**types;
	int		nr_types;
	const char	*source;	/* NULL: every source */
	bool		all;
	bool		needs;		/* --needs: the decoders' tables */
};

struct layout_cmd {
	struct layout_opts	*o;
	struct gs_exe		*x;		/* the binary, opened once */
	struct gs_layout	*l;		/* answers */
	struct gs_typedesc	*names_td;	/* field names */
	const struct gs_table	*names_tbl;
	struct gs_typedesc_info	tdi;
	char			td_err[256], tbl_err[256], dw_err[256];
	bool			have_dwarf, have_td, have_tbl;
	const char		**list;
	size_t			nr_list;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s layout BINARY [TYPE...] [--all] [--needs] [--source SRC] [-j|-p]\n\n"
		"The Go runtime layouts of a binary (field offsets and sizes, constants,\n"
		"global addresses) and the source each answer came from: DWARF, the\n"
		"binary's type descriptors, or the per-release table (docs/layout.md).\n"
		"Without TYPE: the structures, constants and globals the decoders read.\n\n"
		"  --all          every type the descriptors and the table know\n"
		"  --needs        what each decoder reads (its table), and the answers\n"
		"  --source SRC   answer from that source only: dwarf, typedesc or table\n"
		"  -j, --json     JSON (docs/layout.md); -p pretty\n"
		"  -h, --help     this text\n", PROG);
}

static int parse_args(int argc, char **argv, struct layout_opts *o, bool *done)
{
	static const struct option opts[] = {
		{ "all",	no_argument,		NULL, 'a' },
		{ "needs",	no_argument,		NULL, 'n' },
		{ "source",	required_argument,	NULL, 's' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	int opt;

	*done = false;
	optind = 0;	/* a full reset: main() parsed with "+" */
	while ((opt = getopt_long(argc, argv, "ans:" COMMON_SHORT_OPTS, opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			o->all = true;
			break;
		case 'n':
			o->needs = true;
			break;
		case 's':
			o->source = optarg;
			break;
		case 'h':
			usage(stdout);
			*done = true;
			return 0;
		default:
			if (common_option(opt))
				break;
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o->source && strcmp(o->source, "dwarf") && strcmp(o->source, "typedesc") &&
	    strcmp(o->source, "table")) {
		p_err("--source: dwarf, typedesc or table, not %s", o->source);
		return EXIT_USAGE;
	}
	o->exe = argv[optind];
	o->types = argv + optind + 1;
	o->nr_types = argc - optind - 1;
	output_begin();
	return 0;
}

static bool want(const struct layout_opts *o, const char *src)
{
	return !o->source || !strcmp(o->source, src);
}

static int open_sources(struct layout_cmd *c)
{
	struct layout_opts *o = c->o;
	struct gs_typedesc *td;
	int r;

	c->l = gs_layout_new();
	if (!c->l)
		return -1;
	c->x = gs_exe_open(o->exe, c->dw_err, sizeof(c->dw_err));
	if (!c->x && access(o->exe, R_OK))
		return -1;
	if (!c->x) {
		/* not ELF: a document in which no source is available */
		snprintf(c->dw_err, sizeof(c->dw_err), "%s: no DWARF (no ELF file)",
			 o->exe);
		snprintf(c->td_err, sizeof(c->td_err), "not a 64-bit ELF file");
		snprintf(c->tbl_err, sizeof(c->tbl_err), "%s: not an ELF file", o->exe);
		return 0;
	}
	if (want(o, "dwarf")) {
		r = gs_layout_add_dwarf(c->l, c->x, c->dw_err, sizeof(c->dw_err));
		if (r < 0)
			return -1;
		c->have_dwarf = r == 0;
	}
	c->names_td = gs_typedesc_open(c->x, &c->tdi, c->td_err, sizeof(c->td_err));
	c->have_td = c->names_td != NULL;
	if (c->have_td && want(o, "typedesc")) {
		td = gs_typedesc_open(c->x, NULL, c->td_err, sizeof(c->td_err));
		if (!td || gs_layout_add_typedesc_index(c->l, td))
			return -1;
	}
	c->names_tbl = gs_table_find(c->tdi.go_version, c->tbl_err, sizeof(c->tbl_err));
	if (want(o, "table")) {
		r = gs_layout_add_table(c->l, c->x, c->tbl_err, sizeof(c->tbl_err));
		if (r < 0)
			return -1;
		c->have_tbl = r == 0;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The type names to print: named ones, the decoders', or every known. */
static int type_list(struct layout_cmd *c)
{
	size_t i, n = 0, cap = MAX_NAMES;
	const char **v = calloc(cap, sizeof(*v));

	if (!v)
		return -1;
	if (c->o->nr_types) {
		for (i = 0; i < (size_t)c->o->nr_types && n < cap; i++)
			v[n++] = c->o->types[i];
	} else if (!c->o->all) {
		for (i = 0; i < sizeof(decoder_types) / sizeof(decoder_types[0]); i++)
			v[n++] = decoder_types[i];
	} else {
		for (i = 0; i < gs_typedesc_count(c->names_td) && n < cap; i++) {
			const char *name = gs_typedesc_name_at(c->names_td, i, NULL);
			struct gs_field f;
			char fn[128];

			/* structs only: those have a first field */
			if (gs_typedesc_field_at(c->names_td, name, 0, fn, sizeof(fn), &f))
				v[n++] = name;
		}
		if (c->names_tbl)
			n += gs_table_types(c->names_tbl, v + n, cap - n);
		if (n > cap)
			n = cap;
		qsort(v, n, sizeof(*v), cmp_str);
		for (i = 0; i + 1 < n;)
			if (!strcmp(v[i], v[i + 1]))
				memmove(&v[i], &v[i + 1], (--n - i) * sizeof(*v));
			else
				i++;
	}
	c->list = v;
	c->nr_list = n;
	return 0;
}

/* Field names of a type, from the descriptors then the table, no repeats. */
static size_t field_names(struct layout_cmd *c, const char *type,
			  char (*names)[128], size_t max)
{
	const char *tn[512];
	struct gs_field f;
	size_t n = 0, i, k, m;

	for (i = 0; c->names_td && n < max &&
	     gs_typedesc_field_at(c->names_td, type, i, names[n], 128, &f); i++)
		n++;
	m = c->names_tbl ? gs_table_fields(c->names_tbl, type, tn, 512) : 0;
	for (i = 0; i < m && i < 512 && n < max; i++) {
		for (k = 0; k < n && strcmp(names[k], tn[i]); k++)
			;
		if (k == n && strlen(tn[i]) < 128)
			strcpy(names[n++], tn[i]);
	}
	return n;
}

/* Returns whether anything of type was answered (its size or a field). */
static bool print_type(struct layout_cmd *c, const char *type)
{
	static char names[1024][128];
	struct json_writer *w = json_wtr;
	enum gs_layout_src src;
	uint64_t size;
	bool have_size = gs_layout_size(c->l, type, &size, &src);
	size_t n = field_names(c, type, names, 1024), i;
	bool any = have_size;

	if (w) {
		jw_start_object(w);
		jw_kv_string(w, "name", type);
		jw_key(w, "size");
		if (have_size)
			jw_u64(w, size);
		else
			jw_null(w);
		jw_kv_string(w, "size_source", have_size ? gs_layout_src_name(src) : "none");
		jw_key(w, "fields");
		jw_start_array(w);
	} else if (have_size) {
		printf("%s  size %" PRIu64 "  (%s)\n", type, size, gs_layout_src_name(src));
	} else {
		printf("%s  size unavailable\n", type);
	}
	for (i = 0; i < n; i++) {
		struct gs_field f;
		bool ok;

		if (!strcmp(names[i], "_"))
			continue;	/* padding: one name for many fields */
		ok = gs_layout_has_field(c->l, type, names[i], &f);
		any |= ok;
		if (w) {
			jw_start_object(w);
			jw_kv_string(w, "name", names[i]);
			if (ok) {
				jw_kv_u64(w, "offset", f.offset);
				jw_kv_u64(w, "size", f.size);
				jw_kv_string(w, "type", f.type);
			}
			jw_kv_string(w, "source", ok ? gs_layout_src_name(f.src) : "none");
			jw_end_object(w);
		} else if (ok) {
			printf("  %-24s %6" PRIu64 "  %5" PRIu64 "  %-9s %s\n", names[i],
			       f.offset, f.size, gs_layout_src_name(f.src), f.type);
		} else {
			printf("  %-24s unavailable\n", names[i]);
		}
	}
	/* names come from the descriptors or the table: say so if neither answered */
	if (w) {
		jw_end_array(w);
		if (!n)
			jw_kv_string(w, "fields_unavailable",
				     "no field list: neither type descriptors nor a table answer");
		jw_end_object(w);
	} else {
		if (!n)
			printf("  fields unavailable: neither type descriptors nor a table answer\n");
		printf("\n");
	}
	return any;
}

static void print_consts(struct layout_cmd *c)
{
	struct json_writer *w = json_wtr;
	size_t i, n = sizeof(decoder_consts) / sizeof(decoder_consts[0]);

	if (w) {
		jw_key(w, "constants");
		jw_start_array(w);
	} else {
		printf("constants:\n");
	}
	for (i = 0; c->o->all ? c->names_tbl != NULL : i < n; i++) {
		enum gs_layout_src src;
		const char *name;
		int64_t v;

		if (!c->o->all)
			name = decoder_consts[i];
		else if (!gs_table_const_at(c->names_tbl, i, &name, &v))
			break;
		if (!gs_layout_has_const(c->l, name, &v))
			continue;	/* not in this release */
		gs_layout_const(c->l, name, &v, &src);
		if (w) {
			jw_start_object(w);
			jw_kv_string(w, "name", name);
			jw_kv_i64(w, "value", v);
			jw_kv_string(w, "source", gs_layout_src_name(src));
			jw_end_object(w);
		} else {
			printf("  %-40s %20" PRId64 "  %s\n", name, v, gs_layout_src_name(src));
		}
	}
	if (w)
		jw_end_array(w);
}

static void print_globals(struct layout_cmd *c)
{
	struct json_writer *w = json_wtr;
	const char *name, *ttype;
	size_t i;

	if (w) {
		jw_key(w, "globals");
		jw_start_array(w);
	} else {
		printf("\nglobals:\n");
	}
	for (i = 0; c->names_tbl && gs_table_global_at(c->names_tbl, i, &name, &ttype); i++) {
		char type[GS_TYPE_NAME_MAX];
		enum gs_layout_src src;
		uint64_t addr;
		bool ok;

		if (!gs_layout_has_global(c->l, name, &addr, type, sizeof(type)))
			ok = false;
		else
			ok = gs_layout_global(c->l, name, &addr, type, sizeof(type), &src);
		if (w) {
			jw_start_object(w);
			jw_kv_string(w, "name", name);
			if (ok) {
				jw_kv_hex(w, "address", addr);
				jw_kv_string(w, "type", type);
			}
			jw_kv_string(w, "source", ok ? gs_layout_src_name(src) : "none");
			jw_end_object(w);
		} else if (ok) {
			printf("  %-36s 0x%-10" PRIx64 " %-9s %s\n", name, addr,
			       gs_layout_src_name(src), type);
		} else {
			printf("  %-36s unavailable\n", name);
		}
	}
	if (w)
		jw_end_array(w);
}

static void source_json(struct json_writer *w, const char *name, bool used,
			bool ok, const char *err)
{
	jw_key(w, name);
	jw_start_object(w);
	jw_kv_bool(w, "used", used);
	jw_kv_bool(w, "available", ok);
	if (!ok)
		jw_kv_string(w, "why", err);
	jw_end_object(w);
}

static void print_header(struct layout_cmd *c)
{
	struct json_writer *w = json_wtr;
	const struct layout_opts *o = c->o;
	const char *tkey = c->names_tbl ? gs_table_key(c->names_tbl) : NULL;

	if (w) {
		jw_kv_string(w, "executable", o->exe);
		jw_kv_string(w, "go_version", c->tdi.go_version);
		jw_key(w, "sources");
		jw_start_object(w);
		source_json(w, "dwarf", want(o, "dwarf"), c->have_dwarf, c->dw_err);
		source_json(w, "typedesc", want(o, "typedesc"), c->have_td, c->td_err);
		source_json(w, "table", want(o, "table"), c->names_tbl != NULL, c->tbl_err);
		jw_end_object(w);
		if (c->have_td) {
			jw_kv_hex(w, "moduledata", c->tdi.moduledata);
			jw_kv_hex(w, "types", c->tdi.types);
			jw_kv_hex(w, "etypes", c->tdi.etypes);
			jw_kv_u64(w, "named_types", c->tdi.nr_named);
			jw_kv_string(w, "moduledata_offsets_from", c->tdi.offsets_from);
		}
		if (tkey)
			jw_kv_string(w, "table", tkey);
		return;
	}
	printf("executable: %s\ngo version: %s\n", o->exe,
	       c->tdi.go_version[0] ? c->tdi.go_version : "unknown");
	printf("dwarf:      %s\n", c->have_dwarf ? "yes" :
	       want(o, "dwarf") ? c->dw_err : "not asked");
	if (c->have_td)
		printf("typedesc:   %zu named types in [0x%" PRIx64 ", 0x%" PRIx64
		       "), moduledata 0x%" PRIx64 " (offsets of %s)%s\n",
		       c->tdi.nr_named, c->tdi.types, c->tdi.etypes,
		       c->tdi.moduledata, c->tdi.offsets_from,
		       want(o, "typedesc") ? "" : ", not asked");
	else
		printf("typedesc:   %s\n", c->td_err);
	printf("table:      %s%s\n\n", tkey ? tkey : c->tbl_err,
	       tkey && !want(o, "table") ? ", not asked" : "");
}

/* The decoders' declared needs (decode/needs.h), in this order. */
static const struct gs_needs *const all_needs[] = {
	&gs_heap_needs, &gs_goroutines_needs, &gs_threads_needs, &gs_sched_needs,
	&gs_gc_needs,
	&gs_gc_spanq_needs, &gs_reentry_needs, &gs_objects_needs, &gs_graph_needs,
};

static void print_need(const struct gs_needs *t, size_t i,
		       const struct gs_need_ans *a)
{
	const struct gs_need *n = &t->v[i];
	struct json_writer *w = json_wtr;

	if (!w) {
		printf("  %-8s %-8s %s%s%s%s%s%s  ", t->decoder,
		       gs_need_kind_name(n->kind), n->type ? n->type : "",
		       n->type && n->name ? "." : "", n->name ? n->name : "",
		       n->alt ? " (or " : "",
		       n->alt ? n->alt : "", n->alt ? ")" : "");
		if (!a->ok)
			printf("unavailable%s\n", n->optional ? " (optional)" : "");
		else if (n->kind == GS_NEED_FIELD)
			printf("offset %" PRIu64 " size %" PRIu64 " (%s)\n", a->value,
			       a->size, gs_layout_src_name(a->src));
		else if (n->kind == GS_NEED_GLOBAL)
			printf("0x%" PRIx64 " (%s)\n", a->value, gs_layout_src_name(a->src));
		else
			printf("%" PRId64 " (%s)\n", (int64_t)a->value,
			       gs_layout_src_name(a->src));
		return;
	}
	jw_start_object(w);
	jw_kv_string(w, "decoder", t->decoder);
	jw_kv_string(w, "kind", gs_need_kind_name(n->kind));
	jw_key(w, "type");
	if (n->type)
		jw_string(w, n->type);
	else
		jw_null(w);
	jw_kv_string(w, "name", n->name ? n->name : "");
	jw_key(w, "alt");
	if (n->alt)
		jw_string(w, n->alt);
	else
		jw_null(w);
	jw_kv_bool(w, "optional", n->optional);
	jw_kv_bool(w, "answered", a->ok);
	jw_kv_string(w, "answered_as", a->ok && a->name ? a->name : "");
	jw_kv_string(w, "source", a->ok ? gs_layout_src_name(a->src) : "none");
	jw_key(w, "value");
	if (a->ok)
		jw_i64(w, (int64_t)a->value);
	else
		jw_null(w);
	jw_end_object(w);
}

/* --needs: every decoder's table resolved through the open sources. */
static int print_needs(struct layout_cmd *c)
{
	struct gs_need_ans a[64];
	size_t t, i, missing = 0;

	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_kv_string(json_wtr, "executable", c->o->exe);
		jw_key(json_wtr, "needs");
		jw_start_array(json_wtr);
	}
	for (t = 0; t < sizeof(all_needs) / sizeof(all_needs[0]); t++) {
		const struct gs_needs *tb = all_needs[t];

		if (tb->n > sizeof(a) / sizeof(a[0]))
			return -1;
		gs_needs_resolve(c->l, tb, a);
		for (i = 0; i < tb->n; i++) {
			print_need(tb, i, &a[i]);
			missing += !a[i].ok && !tb->v[i].optional;
		}
	}
	if (json_wtr) {
		jw_end_array(json_wtr);
		jw_end_object(json_wtr);
	} else {
		printf("# %zu required needs unavailable\n", missing);
	}
	return 0;
}

int cmd_layout(int argc, char **argv)
{
	struct layout_opts o = { 0 };
	struct layout_cmd c = { .o = &o };
	bool done, answered = false;
	size_t i;
	int ret;

	ret = parse_args(argc, argv, &o, &done);
	if (ret || done)
		return ret;
	if (open_sources(&c) || type_list(&c)) {
		p_err("%s: cannot open layout sources", o.exe);
		ret = 1;
		goto out;
	}
	if (o.needs) {
		ret = print_needs(&c) ? 1 : 0;
		goto out;
	}
	if (json_wtr)
		jw_start_object(json_wtr);
	print_header(&c);
	if (json_wtr) {
		jw_key(json_wtr, "types");
		jw_start_array(json_wtr);
	}
	for (i = 0; i < c.nr_list; i++)
		answered |= print_type(&c, c.list[i]);
	if (json_wtr)
		jw_end_array(json_wtr);
	print_consts(&c);
	print_globals(&c);
	if (json_wtr)
		jw_end_object(json_wtr);
	/* --all with no type known to any source decoded nothing too */
	if ((c.nr_list || o.all) && !answered) {
		p_err("%s: no layout source answered for any type", o.exe);
		ret = 1;
	}
out:
	free(c.list);
	gs_typedesc_free(c.names_td);
	gs_layout_free(c.l);
	gs_exe_close(c.x);
	return ret;
}
