// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli heap SNAP: decode the Go heap of a snapshot (goheap.c) with
 * the executable it names (or --exe, whose build ID must match), then print
 * it as text, JSON, and/or an SVG heat map.
 */
#include "commands.h"
#include "elfsym.h"
#include "goheap.h"
#include "heap_out.h"
#include "snapfile.h"
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s heap SNAP [--spans] [--svg FILE] [--exe PATH] [--seq N] [-j|-p]\n\n"
		"Decode the Go heap of a snapshot: MemStats counters beside the\n"
		"page tables' truth, arenas, size classes; see docs/heap.md.\n\n"
		"  --spans       list every live span and free page range\n"
		"  --svg FILE    also write a heat map of the heap to FILE\n"
		"  --exe PATH    the executable (default: the one the snapshot names);\n"
		"                its build ID must equal the snapshot's\n"
		"  --seq N       the snapshot with this sequence number (default: first)\n",
		PROG);
}

/* The executable's build ID of the snapshot's kind into buf; its length or -1. */
static long exe_build_id(const char *path, uint32_t type, uint8_t *buf,
			 size_t len)
{
	const char *want_name = type == GOSNAP_BUILD_ID_GO ? "Go" : "GNU";
	uint32_t want_type = type == GOSNAP_BUILD_ID_GO ? 4 : NT_GNU_BUILD_ID;
	Elf_Scn *scn = NULL;
	long found = -1;
	Elf *elf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && found < 0 && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t off = 0, noff, doff;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			/* Go pads its note name: "Go\0\0". */
			if (nh.n_type == want_type && nh.n_namesz >= strlen(want_name) + 1 &&
			    !memcmp((char *)data->d_buf + noff, want_name,
				    strlen(want_name) + 1) &&
			    nh.n_descsz <= len) {
				memcpy(buf, (char *)data->d_buf + doff, nh.n_descsz);
				found = nh.n_descsz;
				break;
			}
		}
	}
	elf_end(elf);
	close(fd);
	return found;
}

static int check_build_id(const struct gs_snapshot *s, const char *exe)
{
	uint8_t id[GOSNAP_BUILD_ID_MAX];
	long n;

	if (!s->task || s->task->build_id_type == GOSNAP_BUILD_ID_NONE)
		return 0;	/* nothing to compare with */
	n = exe_build_id(exe, s->task->build_id_type, id, sizeof(id));
	if (n < 0) {
		p_err("%s: no build ID to compare with the snapshot's", exe);
		return -1;
	}
	if ((uint32_t)n != s->task->build_id_size ||
	    memcmp(id, s->task->build_id, (size_t)n)) {
		p_err("%s: build ID differs from the snapshot's (wrong executable? use --exe)",
		      exe);
		return -1;
	}
	return 0;
}

struct heap_args {
	const char *snap_path, *svg_path, *exe;
	bool spans;
	long seq;
};

static int parse_args(int argc, char **argv, struct heap_args *a)
{
	static const struct option opts[] = {
		{ "spans",	no_argument,		NULL, 's' },
		{ "svg",	required_argument,	NULL, 'S' },
		{ "exe",	required_argument,	NULL, 'e' },
		{ "seq",	required_argument,	NULL, 'q' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	int opt;

	memset(a, 0, sizeof(*a));
	a->seq = -1;
	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS, opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 's': a->spans = true; break;
		case 'S': a->svg_path = optarg; break;
		case 'e': a->exe = optarg; break;
		case 'q': a->seq = strtol(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	a->snap_path = argv[optind];
	return 0;
}

/* The requested snapshot of the file, parsed into *s. */
static int load_snapshot(const struct gsf_file *f, long seq,
			 struct gs_snapshot *s, const char *path)
{
	const struct gsf_chunk *c;
	char err[512];
	size_t i = 0;

	while ((c = gsf_next_chunk(f, GSF_CHUNK_STREAM, &i))) {
		if (gs_snapshot_parse(c->data, c->size, s, err, sizeof(err))) {
			p_err("%s: %s", path, err);
			return -1;
		}
		if (seq < 0 || (uint64_t)seq == s->hdr->seq)
			return 0;
		gs_snapshot_free(s);
	}
	p_err("%s: no snapshot%s", path, seq < 0 ? "" : " with that --seq");
	return -1;
}

static int write_svg(const struct goheap *h, const struct heap_out_opts *o,
		     const char *path)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f) {
		p_err("%s: %s", path, strerror(errno));
		return -1;
	}
	bad = heap_write_svg(h, o, f);
	bad |= fclose(f);
	if (bad) {
		p_err("%s: write failed: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_heap(int argc, char **argv)
{
	struct gs_snapshot snap = { 0 };
	struct gsf_file file = { 0 };
	struct gs_layout *layout = NULL;
	struct gs_symtab *st = NULL;
	struct gs_mem *mem = NULL;
	struct goheap *h = NULL;
	struct heap_out_opts o;
	struct heap_args a;
	char err[512], note[512];
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret == 1 ? 0 : ret;
	output_begin();
	ret = 1;
	if (gsf_read(a.snap_path, &file, err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	if (load_snapshot(&file, a.seq, &snap, a.snap_path))
		goto out_file;
	if (!a.exe)
		a.exe = snap.exe;
	if (!a.exe || !a.exe[0]) {
		p_err("%s: the snapshot names no executable: use --exe", a.snap_path);
		goto out_snap;
	}
	if (check_build_id(&snap, a.exe))
		goto out_snap;
	mem = gs_mem_open(&snap, a.exe, err, sizeof(err));
	if (!mem) {
		p_err("%s", err);
		goto out_snap;
	}
	layout = gs_layout_open(a.exe, note, sizeof(note));
	if (!layout) {
		p_err("out of memory");
		goto out_mem;
	}
	if (note[0])
		p_warn("%s", note);
	st = gs_symtab_open(a.exe, err, sizeof(err));
	h = goheap_decode(&snap, mem, layout, st ? gs_symtab_go_version(st) : NULL);
	if (!h) {
		p_err("out of memory");
		goto out_layout;
	}
	o = (struct heap_out_opts){ a.snap_path, a.exe, a.spans };
	if (json_wtr)
		heap_print_json(h, &o, json_wtr);
	else
		heap_print_text(h, &o, stdout);
	ret = a.svg_path && write_svg(h, &o, a.svg_path) ? 1 : 0;
	goheap_free(h);
out_layout:
	gs_symtab_close(st);
	gs_layout_free(layout);
out_mem:
	gs_mem_close(mem);
out_snap:
	gs_snapshot_free(&snap);
out_file:
	gsf_free(&file);
	return ret;
}
