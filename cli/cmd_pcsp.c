// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli pcsp BINARY SYM|ADDR... [--pc ADDR]: a function's pclntab
 * tables decoded: record fields, SP delta / file:line / pcdata per PC
 * range, funcdata slots. Works on stripped binaries (pclntab only).
 */
#include "commands.h"
#include "exe/elfsym.h"
#include "exe/exe.h"
#include "decode/pcsp_model.h"
#include "layout/layout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pcsp_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s pcsp BINARY SYM|ADDR... [-j|--json] [-p|--pretty]\n"
		"       %s pcsp BINARY --pc ADDR [-j]\n\n"
		"Decode a Go function's pclntab tables: entry, size, args, frame size and\n"
		"flags; for each PC range its SP delta (pcsp), file:line (pcfile/pcln) and\n"
		"pcdata values (unsafe point, stack map index, inline tree index...); its\n"
		"funcdata slots (pointer maps, stack objects, inline tree, open-coded\n"
		"defer info); how a probe at its entry tells a call from a re-entry\n"
		"through morestack. Works on stripped binaries.\n\n"
		"  SYM|ADDR     a function name (as `symbols` lists it) or an address in it\n"
		"  --pc ADDR    only the range holding ADDR, with its source frames\n"
		"               (inlined calls expanded through the inline tree)\n"
		"  -j, --json   JSON (keys: docs/json.md, section pcsp); -p pretty\n"
		"  -h, --help   this text\n", PROG, PROG);
}

static int parse_addr(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || !*s || *end ? -1 : 0;
}

/* The pclntab index of a name or an address; -1 with a message. */
static long lookup(const struct gs_symtab *st, const struct gs_pclntab *tab,
		   const char *spec, char *err, size_t errlen)
{
	const struct gs_func *f;
	uint64_t addr;
	long i;

	if (!parse_addr(spec, &addr)) {
		i = gs_pclntab_find(tab, addr);
		if (i < 0)
			snprintf(err, errlen, "0x%" PRIx64 " is in no Go function", addr);
		return i;
	}
	f = gs_symtab_find_name(st, spec);
	if (!f) {
		snprintf(err, errlen, "no function named '%s'", spec);
		return -1;
	}
	i = f->pcln_index >= 0 ? f->pcln_index : gs_pclntab_find(tab, f->entry);
	if (i < 0)
		snprintf(err, errlen, "'%s' is not in the pclntab", spec);
	return i;
}

/* g.stackguard0's offset, for the re-entry line; -1 unknown. */
static long guard_offset_of(struct gs_exe *x)
{
	char note[256];
	struct gs_layout *l = gs_layout_open(x, note, sizeof(note));
	long off = gs_g_guard_offset(l);

	gs_layout_free(l);
	return off;
}

static int show_one(const struct gs_symtab *st, const struct gs_funcinfo *fi,
		    const struct gs_mem *mem, long guard_off, const char *spec,
		    uint64_t pc)
{
	const struct gs_func *f;
	struct gs_pcln_func fn;
	struct pcsp_func *pf;
	char err[256];
	long i;

	i = lookup(st, fi->tab, spec, err, sizeof(err));
	if (i < 0 || gs_pclntab_func(fi->tab, (uint64_t)i, &fn, err, sizeof(err))) {
		fprintf(stderr, "%s: error: %s\n", PROG, err);
		return 1;
	}
	pf = calloc(1, sizeof(*pf));
	if (!pf || pcsp_decode(fi, &fn, pc, pf, err, sizeof(err))) {
		free(pf);
		fprintf(stderr, "%s: error: %s\n", PROG, pf ? err : "out of memory");
		return 1;
	}
	f = gs_symtab_find_addr(st, fn.entry);
	if (f && f->entry == fn.entry)
		pf->reentry = gs_func_reentry(st, mem, f, guard_off, &pf->check_len);
	(json_wtr ? pcsp_print_json : pcsp_print_plain)(pf, pc != 0);
	pcsp_free(pf);
	free(pf);
	return 0;
}

int cmd_pcsp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pc",	required_argument,	NULL, 'P' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	const char *binary, *pc_spec = NULL;
	struct gs_funcinfo fi;
	struct gs_symtab *st;
	struct gs_exe *x;
	struct gs_mem *mem;
	uint64_t pc = 0;
	long guard_off;
	char err[512];
	int opt, ret = 0, i;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS "P:", opts,
				  NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'P':
			pc_spec = optarg;
			break;
		case 'h':
			pcsp_usage(stdout);
			return 0;
		default:
			pcsp_usage(stderr);
			return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind >= argc || (optind + 1 >= argc && !pc_spec)) {
		p_err("pcsp takes BINARY and SYM|ADDR or --pc ADDR (try '%s pcsp --help')",
		      PROG);
		return EXIT_USAGE;
	}
	if (pc_spec && (parse_addr(pc_spec, &pc) || !pc)) {
		p_err("pcsp --pc: '%s' is not an address", pc_spec);
		return EXIT_USAGE;
	}
	binary = argv[optind++];
	x = gs_exe_open(binary, err, sizeof(err));
	st = x ? gs_exe_symtab(x, GS_SYMSRC_AUTO, err, sizeof(err)) : NULL;
	if (!st) {
		p_err("%s", err);
		gs_exe_close(x);
		return 1;
	}
	mem = gs_mem_open(NULL, &x->im, err, sizeof(err));
	if (!mem || gs_funcinfo_init(&fi, st, x, mem, err, sizeof(err))) {
		p_err("%s", err);
		gs_mem_close(mem);
		gs_exe_close(x);
		return 1;
	}
	guard_off = guard_offset_of(x);
	if (json_wtr) {
		const char *ver = gs_symtab_go_version(st);

		jw_start_object(json_wtr);
		jw_kv_string(json_wtr, "binary", binary);
		jw_key(json_wtr, "go_version");
		if (ver)
			jw_string(json_wtr, ver);
		else
			jw_null(json_wtr);
		jw_key(json_wtr, "gofunc");
		if (fi.gofunc)
			jw_u64(json_wtr, fi.gofunc);
		else
			jw_null(json_wtr);
		jw_key(json_wtr, "functions");
		jw_start_array(json_wtr);
	}
	if (optind == argc) {
		char spec[32];

		snprintf(spec, sizeof(spec), "0x%" PRIx64, pc);
		ret |= show_one(st, &fi, mem, guard_off, spec, pc);
	}
	for (i = optind; i < argc; i++)
		ret |= show_one(st, &fi, mem, guard_off, argv[i], pc);
	if (json_wtr) {
		jw_end_array(json_wtr);
		jw_end_object(json_wtr);
	}
	gs_mem_close(mem);
	gs_exe_close(x);
	return ret;
}
