// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a snapshot with its executable for decoding; see snapctx.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exe/buildid.h"
#include "base/report.h"
#include "exe/embed.h"
#include "exe/exe.h"
#include "snap/flags.h"
#include "decode/snapctx.h"

/*
 * 0 if the build ID of x (path, opened once) equals the snapshot's (or it
 * records none).
 */
static int match_build_id(const struct gs_snapshot *s, const struct gs_exe *x,
			  const char *path, char *err, size_t errlen)
{
	const struct gosnap_rec_task *t = s->task;
	uint8_t id[GOSNAP_BUILD_ID_MAX];
	char want[3 * GOSNAP_BUILD_ID_MAX], got[3 * GOSNAP_BUILD_ID_MAX];
	long n;

	if (!t || t->build_id_type == GOSNAP_BUILD_ID_NONE)
		return 0;
	gs_build_id_str(t->build_id_type, t->build_id,
			t->build_id_size < sizeof(t->build_id) ? t->build_id_size :
								 sizeof(t->build_id),
			want, sizeof(want));
	n = gs_elfimg_build_id(&x->im, t->build_id_type, id, sizeof(id));
	if (n < 0) {
		snprintf(err, errlen, "%s: no %s build ID to compare with the snapshot's %s",
			 path, gs_build_id_type_name(t->build_id_type), want);
		return -1;
	}
	if ((uint32_t)n != t->build_id_size || memcmp(id, t->build_id, (size_t)n)) {
		gs_build_id_str(t->build_id_type, id, (size_t)n, got, sizeof(got));
		snprintf(err, errlen, "%s: build ID %s differs from the snapshot's %s",
			 path, got, want);
		return -1;
	}
	return 0;
}

/* The embedded copy, if its build ID is the snapshot's. */
static int use_embedded(const struct gsf_chunk *ch, const struct gs_snapshot *s,
			struct gs_exe_choice *e, char *err, size_t errlen)
{
	const struct gs_embed_hdr *h = gs_embed_check(ch->data, ch->size, err, errlen);
	const struct gosnap_rec_task *t = s->task;

	if (!h)
		return -1;
	if (t && t->build_id_type != GOSNAP_BUILD_ID_NONE &&
	    (h->build_id_type != t->build_id_type ||
	     h->build_id_size != t->build_id_size ||
	     memcmp(h->build_id, t->build_id, h->build_id_size))) {
		char want[3 * GOSNAP_BUILD_ID_MAX], got[3 * GOSNAP_BUILD_ID_MAX];

		gs_build_id_str(t->build_id_type, t->build_id,
				t->build_id_size < sizeof(t->build_id) ?
				t->build_id_size : sizeof(t->build_id),
				want, sizeof(want));
		gs_build_id_str(h->build_id_type, h->build_id, h->build_id_size,
				got, sizeof(got));
		snprintf(err, errlen, "embedded executable: build ID %s differs from the snapshot's %s",
			 got, want);
		return -1;
	}
	e->memfd = gs_embed_materialize(ch->data, ch->size, err, errlen);
	if (e->memfd < 0)
		return -1;
	snprintf(e->path, sizeof(e->path), "/proc/self/fd/%d", e->memfd);
	e->embedded = true;
	e->exe = gs_exe_open(e->path, err, errlen);
	return e->exe ? 0 : -1;
}

/* Open path once and check its build ID; 0 with e->exe set, or -1. */
static int use_file(const struct gs_snapshot *s, const char *path,
		    struct gs_exe_choice *e, char *err, size_t errlen)
{
	struct gs_exe *x = gs_exe_open(path, err, errlen);

	if (!x)
		return -1;
	if (match_build_id(s, x, path, err, errlen)) {
		gs_exe_close(x);
		return -1;
	}
	e->exe = x;
	snprintf(e->path, sizeof(e->path), "%s", path);
	snprintf(e->name, sizeof(e->name), "%s", path);
	return 0;
}

/* path under /proc/PID/root: the file as the process's own root shows it */
static const char *in_root(int32_t pid, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/%d/root%s", (int)pid, path);
	return buf;
}

int gs_exe_choose(const struct gsf_file *f, const struct gs_snapshot *s,
		  const char *override, struct gs_exe_choice *e, char *note,
		  size_t notelen, char *err, size_t errlen)
{
	const char *rec = s->exe && s->exe[0] ? s->exe : NULL;
	const struct gsf_chunk *ch;
	char why[PATH_MAX + 3 * 2 * GOSNAP_BUILD_ID_MAX], root_path[PATH_MAX + 32];
	char scratch[256];
	size_t i = 0;

	memset(e, 0, sizeof(*e));
	e->memfd = -1;
	note[0] = '\0';
	if (override)
		return use_file(s, override, e, err, errlen);
	if (!rec)
		snprintf(why, sizeof(why), "the snapshot names no executable");
	else if (access(rec, R_OK))
		snprintf(why, sizeof(why), "%s: %s", rec, strerror(errno));
	else if (!use_file(s, rec, e, why, sizeof(why)))
		return 0;
	/*
	 * A container's executable: its path is as the container sees it;
	 * while it runs, its own root shows it (the build ID still checked).
	 */
	if (rec && s->task && s->task->tgid > 0 &&
	    !use_file(s, in_root(s->task->tgid, rec, root_path, sizeof(root_path)), e,
		      scratch, sizeof(scratch))) {
		snprintf(note, notelen, "%s: using %s", why, root_path);
		return 0;
	}
	ch = gsf_next_chunk(f, GSF_CHUNK_EMBED, &i);
	if (!ch) {
		snprintf(err, errlen, "%s; the file holds no copy of it (capture --embed): use --exe",
			 why);
		return -1;
	}
	if (use_embedded(ch, s, e, err, errlen))
		return -1;
	snprintf(e->name, sizeof(e->name), "%s (embedded)", rec ? rec : "executable");
	snprintf(note, notelen, "%s: using the executable embedded in the snapshot", why);
	return 0;
}

void gs_exe_choice_release(struct gs_exe_choice *e)
{
	gs_exe_close(e->exe);
	e->exe = NULL;
	if (e->memfd >= 0)
		close(e->memfd);
	e->memfd = -1;
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
	char err[1024], note[1024];

	memset(c, 0, sizeof(*c));
	c->exe_src.memfd = -1;
	if (gsf_read(path, &c->file, err, sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	if (load_snapshot(c, path, seq))
		return -1;
	if (gs_exe_choose(&c->file, &c->snap, exe, &c->exe_src, note, sizeof(note),
			  err, sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	if (note[0])
		p_warn("%s", note);
	c->exe = c->exe_src.path;
	c->exe_name = c->exe_src.name;
	c->x = c->exe_src.exe;
	c->st = gs_exe_symtab(c->x, GS_SYMSRC_AUTO, err, sizeof(err));
	if (!c->st) {
		p_err("%s", err);
		return -1;
	}
	c->mem = gs_mem_open(&c->snap, &c->x->im, err, sizeof(err));
	if (!c->mem || gs_funcinfo_init(&c->fi, c->st, c->x, c->mem, err,
					sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	c->layout = gs_layout_open(c->x, c->note, sizeof(c->note));
	c->bias = gs_mem_bias(c->mem);
	gs_layout_set_bias(c->layout, c->bias);
	c->go_version = gs_symtab_go_version(c->st);
	if (c->go_version && !strncmp(c->go_version, "go1.", 4))
		c->go_minor = atoi(c->go_version + 4);
	return 0;
}

int gs_snapctx_borrow(struct gs_snapctx *c, const void *data, size_t size,
		      struct gs_exe *x, struct gs_layout *layout, char *err,
		      size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->exe_src.memfd = -1;
	c->borrowed = true;
	if (gs_snapshot_parse(data, size, &c->snap, err, errlen))
		return -1;
	c->have_snap = true;
	if (match_build_id(&c->snap, x, "the probed executable", err, errlen))
		return -1;
	c->x = x;
	c->layout = layout;
	c->st = gs_exe_symtab(x, GS_SYMSRC_AUTO, err, errlen);
	if (!c->st)
		return -1;
	c->mem = gs_mem_open(&c->snap, &x->im, err, errlen);
	if (!c->mem)
		return -1;
	/* the capture's one process: every snapshot has the same bias */
	c->bias = gs_mem_bias(c->mem);
	gs_layout_set_bias(layout, c->bias);
	c->go_version = gs_symtab_go_version(c->st);
	if (c->go_version && !strncmp(c->go_version, "go1.", 4))
		c->go_minor = atoi(c->go_version + 4);
	return 0;
}

void gs_snapctx_close(struct gs_snapctx *c)
{
	if (c->layout && !c->borrowed)
		gs_layout_free(c->layout);
	gs_mem_close(c->mem);
	if (c->have_snap)
		gs_snapshot_free(&c->snap);
	gs_exe_choice_release(&c->exe_src);
	gsf_free(&c->file);
	memset(c, 0, sizeof(*c));
}

const char *gs_snapctx_heap_hint(const struct gs_snapctx *c)
{
	const struct gosnap_rec_capture *rc = c->have_snap ? c->snap.capture : NULL;

	if (!rc || rc->mode == GOSNAP_MODE_FULL)
		return "";
	if (rc->mode == GOSNAP_MODE_META)
		return " (a meta snapshot leaves the Go heap out: capture with --mode full)";
	return " (a pages snapshot holds no memory: capture with --mode full)";
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
