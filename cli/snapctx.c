// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a snapshot with its executable for decoding; see snapctx.h.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "snapctx.h"

#define NOTE_TYPE_GO_BUILD_ID	4	/* Go's own build ID note ("Go\0\0") */

/* The executable's build ID of the given kind into buf: its length or -1. */
static long exe_build_id(const char *path, uint32_t kind, uint8_t *buf,
			 size_t len)
{
	const char *name = kind == GOSNAP_BUILD_ID_GO ? "Go" : "GNU";
	uint32_t type = kind == GOSNAP_BUILD_ID_GO ? NOTE_TYPE_GO_BUILD_ID :
						     NT_GNU_BUILD_ID;
	size_t namesz = strlen(name) + 1;
	Elf_Scn *scn = NULL;
	long found = -1;
	Elf *elf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && found < 0 && (scn = elf_nextscn(elf, scn))) {
		size_t off = 0, noff, doff;
		Elf_Data *data;
		GElf_Shdr sh;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != type || nh.n_namesz < namesz ||
			    memcmp((char *)data->d_buf + noff, name, namesz) ||
			    nh.n_descsz > len)
				continue;
			memcpy(buf, (char *)data->d_buf + doff, nh.n_descsz);
			found = nh.n_descsz;
			break;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

static int check_build_id(const struct gs_snapshot *s, const char *exe)
{
	uint8_t id[GOSNAP_BUILD_ID_MAX];
	long n;

	if (!s->task || s->task->build_id_type == GOSNAP_BUILD_ID_NONE)
		return 0;
	n = exe_build_id(exe, s->task->build_id_type, id, sizeof(id));
	if (n < 0 || (uint32_t)n != s->task->build_id_size ||
	    memcmp(id, s->task->build_id, (size_t)n)) {
		p_err("%s: build ID %s the snapshot's (wrong executable? use --exe)",
		      exe, n < 0 ? "missing, cannot check against" : "differs from");
		return -1;
	}
	return 0;
}

static int load_snapshot(struct gs_snapctx *c, const char *path, long seq)
{
	const struct gsf_chunk *ch;
	char err[512];
	size_t i = 0;

	while ((ch = gsf_next_chunk(&c->file, GSF_CHUNK_STREAM, &i))) {
		if (gs_snapshot_parse(ch->data, ch->size, &c->snap, err, sizeof(err))) {
			p_err("%s: %s", path, err);
			return -1;
		}
		if (seq < 0 || (uint64_t)seq == c->snap.hdr->seq) {
			c->have_snap = true;
			return 0;
		}
		gs_snapshot_free(&c->snap);
	}
	p_err("%s: no snapshot%s", path, seq < 0 ? "" : " with that --seq");
	return -1;
}

int gs_snapctx_open(struct gs_snapctx *c, const char *path, const char *exe,
		    long seq)
{
	char err[512];

	memset(c, 0, sizeof(*c));
	if (gsf_read(path, &c->file, err, sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	if (load_snapshot(c, path, seq))
		return -1;
	c->exe = exe ? exe : c->snap.exe;
	if (!c->exe || !c->exe[0]) {
		p_err("%s: the snapshot names no executable: use --exe", path);
		return -1;
	}
	if (check_build_id(&c->snap, c->exe))
		return -1;
	c->st = gs_symtab_open(c->exe, err, sizeof(err));
	if (!c->st) {
		p_err("%s", err);
		return -1;
	}
	c->mem = gs_mem_open(&c->snap, c->exe, err, sizeof(err));
	if (!c->mem || gs_funcinfo_init(&c->fi, c->st, c->exe, c->mem, err,
					sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	c->layout = gs_layout_open(c->exe, c->note, sizeof(c->note));
	c->go_version = gs_symtab_go_version(c->st);
	if (c->go_version && !strncmp(c->go_version, "go1.", 4))
		c->go_minor = atoi(c->go_version + 4);
	return 0;
}

void gs_snapctx_close(struct gs_snapctx *c)
{
	if (c->layout)
		gs_layout_free(c->layout);
	gs_mem_close(c->mem);
	if (c->st)
		gs_symtab_close(c->st);
	if (c->have_snap)
		gs_snapshot_free(&c->snap);
	gsf_free(&c->file);
	memset(c, 0, sizeof(*c));
}

const struct gosnap_rec_thread *gs_snapctx_hit_thread(const struct gs_snapctx *c)
{
	size_t i;

	for (i = 0; i < c->snap.nr_threads; i++)
		if ((c->snap.threads[i]->flags & GOSNAP_THR_HIT) &&
		    (c->snap.threads[i]->flags & GOSNAP_THR_REGS))
			return c->snap.threads[i];
	return NULL;
}

void gs_snapctx_residency(const struct gs_snapctx *c, uint64_t lo, uint64_t hi,
			  uint64_t *pages, uint64_t *resident)
{
	uint64_t ps = c->snap.hdr->page_size ? c->snap.hdr->page_size : 4096;
	uint64_t a;

	*pages = *resident = 0;
	if (hi <= lo || hi - lo > (1ull << 34))
		return;		/* a damaged bound: count nothing */
	for (a = lo & ~(ps - 1); a < hi; a += ps) {
		const struct gosnap_page_run *r = gs_find_run(&c->snap, a);

		(*pages)++;
		if (r && (r->flags & GOSNAP_PG_PRESENT))
			(*resident)++;
	}
}
