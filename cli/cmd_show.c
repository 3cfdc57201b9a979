// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli show FILE: the file is read and every snapshot decoded first
 * (one model; for a Go program also its heap, show_go.c), then printed as
 * text (show_*_plain) or JSON (show_*_json).
 */
#include "commands.h"
#include "snap/flags.h"
#include "snap/meta.h"
#include "out/show_go.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"
#include "snap/summary.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct show_opts {
	bool pages;		/* list every run */
	bool bytes;		/* exact byte counts instead of 64.0M */
	uint32_t flags_set;	/* --flags: runs must have all of these */
	uint32_t flags_clear;	/* ... and none of these */
};

struct show_model {
	const char *path;
	struct gsf_file file;
	struct gs_snapshot *snaps;
	struct show_go *go;		/* per snapshot */
	size_t nr_snaps;
	struct gs_meta_kv *meta;
	size_t nr_meta;
};

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */
/* ---------------------------------------------------------------------- */

static void model_free(struct show_model *m)
{
	size_t i;

	for (i = 0; i < m->nr_snaps; i++)
		gs_snapshot_free(&m->snaps[i]);
	free(m->snaps);
	free(m->go);
	gs_meta_kv_free(m->meta, m->nr_meta);
	gsf_free(&m->file);
}

static int model_load(struct show_model *m, const char *path)
{
	const struct gsf_chunk *c;
	char err[512];
	size_t i = 0;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (gsf_read(path, &m->file, err, sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	m->snaps = calloc(m->file.nr_chunks + 1, sizeof(*m->snaps));
	m->go = calloc(m->file.nr_chunks + 1, sizeof(*m->go));
	if (!m->snaps || !m->go) {
		p_err("out of memory");
		return -1;
	}
	while ((c = gsf_next_chunk(&m->file, GSF_CHUNK_STREAM, &i))) {
		struct gs_snapshot *s = &m->snaps[m->nr_snaps];

		if (gs_snapshot_parse(c->data, c->size, s, err, sizeof(err))) {
			p_err("%s: chunk %zu (stream) at offset %#" PRIx64 ": %s",
			      path, i - 1, c->offset, err);
			return -1;
		}
		m->nr_snaps++;
		if (s->size != c->size) {
			p_err("%s: chunk %zu (stream) at offset %#" PRIx64
			      ": %" PRIu64 " bytes after its snapshot of %zu",
			      path, i - 1, c->offset, c->size - s->size, s->size);
			return -1;
		}
	}
	if (!m->nr_snaps) {
		p_err("%s: no snapshot (stream chunk) in the file", path);
		return -1;
	}
	for (i = 0; i < m->nr_snaps; i++)
		show_go_decode(&m->file, &m->snaps[i], &m->go[i]);
	i = 0;
	c = gsf_next_chunk(&m->file, GSF_CHUNK_CLI_META, &i);
	if (c && gs_meta_parse(c->data, c->size, &m->meta, &m->nr_meta)) {
		p_warn("%s: chunk %zu (cli_meta) is not key=value lines; ignored",
		       path, i - 1);
		m->meta = NULL;
		m->nr_meta = 0;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Formatting helpers                                                      */
/* ---------------------------------------------------------------------- */

/* 64.0M style (1024-based), or the exact count with --bytes. */
static char *fmt_size(uint64_t v, bool exact, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (exact || v < 1024) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f%c", d, units[u]);
	return buf;
}

static char *fmt_time(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, len, "%" PRIu64 " ns", ns);
		return buf;
	}
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09" PRIu64 "Z", ns % 1000000000);
	return buf;
}

/* Non-printable bytes of names as \xHH, so one VMA stays on one line. */
static void put_name(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void fmt_perms(uint32_t f, char out[5])
{
	out[0] = f & GOSNAP_VMA_READ ? 'r' : '-';
	out[1] = f & GOSNAP_VMA_WRITE ? 'w' : '-';
	out[2] = f & GOSNAP_VMA_EXEC ? 'x' : '-';
	out[3] = f & GOSNAP_VMA_MAYSHARE ? 's' : 'p';	/* as /proc/PID/maps */
	out[4] = '\0';
}

static void fmt_build_id(const struct gosnap_rec_task *t, char *buf, size_t len)
{
	size_t i, n = t->build_id_size, used = 0;

	buf[0] = '\0';
	if (t->build_id_type == GOSNAP_BUILD_ID_GO) {
		for (i = 0; i < n && used + 5 < len; i++) {
			unsigned char c = t->build_id[i];

			used += (size_t)snprintf(buf + used, len - used,
				isprint(c) ? "%c" : "\\x%02x", c);
		}
		return;
	}
	for (i = 0; i < n && used + 3 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%02x",
					 t->build_id[i]);
}

static bool run_selected(const struct show_opts *o, uint32_t flags)
{
	return (flags & o->flags_set) == o->flags_set && !(flags & o->flags_clear);
}

/* What the pfn field means for this run (see struct gosnap_page_run). */
static bool run_has_pfn(uint32_t f)
{
	return (f & GOSNAP_PG_PFN) && (f & GOSNAP_PG_PRESENT);
}

static bool run_has_swap(uint32_t f)
{
	return (f & GOSNAP_PG_PFN) && (f & (GOSNAP_PG_SWAP | GOSNAP_PG_MIGRATION));
}

/* ---------------------------------------------------------------------- */
/* Text                                                                    */
/* ---------------------------------------------------------------------- */

enum { COL_RANGE, COL_PERM, COL_SIZE, COL_RSS, COL_SWAP, COL_THP, COL_ZERO,
       COL_PTE_DIRTY, COL_PAGE_DIRTY, NR_COLS };

static const char *const col_title[NR_COLS] = {
	[COL_RANGE]	 = "ADDRESS",
	[COL_PERM]	 = "PERM",
	[COL_SIZE]	 = "SIZE",
	[COL_RSS]	 = "RSS",
	[COL_SWAP]	 = "SWAP",
	[COL_THP]	 = "THP",
	[COL_ZERO]	 = "ZERO",
	[COL_PTE_DIRTY]	 = "PTE_DIRTY",
	[COL_PAGE_DIRTY] = "PG_DIRTY",
};

struct row {
	char cell[NR_COLS][40];
	const char *name;
};

static void sum_cells(struct row *r, const struct gs_sum *s, bool exact)
{
	fmt_size(s->size, exact, r->cell[COL_SIZE], sizeof(r->cell[0]));
	fmt_size(s->rss, exact, r->cell[COL_RSS], sizeof(r->cell[0]));
	fmt_size(s->swap, exact, r->cell[COL_SWAP], sizeof(r->cell[0]));
	fmt_size(s->thp, exact, r->cell[COL_THP], sizeof(r->cell[0]));
	fmt_size(s->zero, exact, r->cell[COL_ZERO], sizeof(r->cell[0]));
	fmt_size(s->pte_dirty, exact, r->cell[COL_PTE_DIRTY], sizeof(r->cell[0]));
	if (s->page_facts)
		fmt_size(s->page_dirty, exact, r->cell[COL_PAGE_DIRTY], sizeof(r->cell[0]));
	else	/* pte facts: not known */
		snprintf(r->cell[COL_PAGE_DIRTY], sizeof(r->cell[0]), "-");
}

static void print_row(const struct row *r, const int *width)
{
	int c;

	for (c = 0; c < NR_COLS; c++) {
		/* Address and permissions left-aligned, numbers right-aligned. */
		if (c <= COL_PERM)
			printf("%-*s  ", width[c], r->cell[c]);
		else
			printf("%s%*s", c > COL_SIZE ? " " : "", width[c], r->cell[c]);
	}
	if (r->name && *r->name) {
		putchar(' ');
		put_name(stdout, r->name);
	}
	putchar('\n');
}

static int show_vmas_plain(const struct gs_snapshot *s, const struct show_opts *o)
{
	struct row *rows = calloc(s->nr_vmas + 2, sizeof(*rows));
	struct gs_sum total = { 0 };
	int width[NR_COLS] = { 0 };
	size_t i, nr = s->nr_vmas + 2;
	int c;

	if (!rows) {
		p_err("out of memory");
		return -1;
	}
	for (c = 0; c < NR_COLS; c++)
		snprintf(rows[0].cell[c], sizeof(rows[0].cell[c]), "%s", col_title[c]);
	rows[0].name = "NAME";
	for (i = 0; i < s->nr_vmas; i++) {
		const struct gs_vma *v = &s->vmas[i];
		struct row *r = &rows[i + 1];
		struct gs_sum sum;

		gs_sum_vma(s, v, &sum);
		gs_sum_add(&total, &sum);
		snprintf(r->cell[COL_RANGE], sizeof(r->cell[0]), "%012" PRIx64 "-%012" PRIx64,
			 (uint64_t)v->rec->start, (uint64_t)v->rec->end);
		fmt_perms(v->rec->flags, r->cell[COL_PERM]);
		sum_cells(r, &sum, o->bytes);
		r->name = v->path;
	}
	snprintf(rows[nr - 1].cell[COL_RANGE], sizeof(rows[0].cell[0]),
		 "total (%zu VMAs)", s->nr_vmas);
	sum_cells(&rows[nr - 1], &total, o->bytes);
	for (i = 0; i < nr; i++)
		for (c = 0; c < NR_COLS; c++)
			if ((int)strlen(rows[i].cell[c]) > width[c])
				width[c] = (int)strlen(rows[i].cell[c]);
	for (i = 0; i < nr; i++)
		print_row(&rows[i], width);
	free(rows);
	return 0;
}

static void show_runs_plain(const struct gs_snapshot *s, const struct show_opts *o)
{
	uint64_t ps = s->hdr->page_size;
	size_t i, k;

	for (i = 0; i < s->nr_vmas; i++) {
		const struct gs_vma *v = &s->vmas[i];
		bool header = false;

		for (k = 0; k < v->nr_runs; k++) {
			const struct gosnap_page_run *r = &v->runs[k];
			char where[48], names[256];

			if (!run_selected(o, r->flags))
				continue;
			if (!header) {
				printf("\nruns of %012" PRIx64 "-%012" PRIx64,
				       (uint64_t)v->rec->start, (uint64_t)v->rec->end);
				if (*v->path)
					putchar(' ');
				put_name(stdout, v->path);
				printf("\n  %-12s %-12s %8s %8s %-20s %s\n", "ADDRESS",
				       "END", "PAGES", "MAPCOUNT", "PFN/SWAP", "FLAGS");
				header = true;
			}
			if (run_has_pfn(r->flags))
				snprintf(where, sizeof(where), "pfn %#" PRIx64,
					 (uint64_t)r->pfn);
			else if (run_has_swap(r->flags))
				snprintf(where, sizeof(where), "swap %u:%#" PRIx64,
					 r->swap_type, (uint64_t)r->pfn);
			else
				snprintf(where, sizeof(where), "-");
			printf("  %012" PRIx64 " %012" PRIx64 " %8u %8u %-20s %s\n",
			       (uint64_t)r->addr, (uint64_t)(r->addr + r->npages * ps),
			       r->npages, r->mapcount, where,
			       gs_flags_str(&gs_page_flags, r->flags, names,
					    sizeof(names)));
		}
	}
}

static void show_header_plain(const struct show_model *m,
			      const struct gs_snapshot *s, size_t n)
{
	const struct gosnap_stream_hdr *h = s->hdr;
	const struct gosnap_rec_capture *cap = s->capture;
	char buf[512];
	uint64_t mem = 0;
	size_t i, runs = 0;

	for (i = 0; i < s->nr_vmas; i++)
		runs += s->vmas[i].nr_runs;
	for (i = 0; i < s->nr_mems; i++)
		mem += s->mems[i]->len;
	printf("snapshot %zu of %zu in %s\n", n + 1, m->nr_snaps, m->path);
	printf("  %-12s %" PRIu64 "\n", "seq", (uint64_t)h->seq);
	printf("  %-12s %.*s %s, page size %u\n", "kernel", GOSNAP_RELEASE_LEN,
	       h->release, gs_arch_name(h->arch), h->page_size);
	printf("  %-12s %s\n", "captured", fmt_time(h->realtime_ns, buf, sizeof(buf)));
	if (cap) {
		printf("  %-12s %s", "trigger", gs_trigger_name(cap->trigger));
		if (cap->trigger == GOSNAP_TRIG_PROBE)
			printf(" %.*s (id %u) at %#" PRIx64 " (file offset %#" PRIx64
			       "), hit %" PRIu64 " by thread %d",
			       GOSNAP_LABEL_LEN, cap->label, cap->probe_id,
			       (uint64_t)cap->probe_vaddr,
			       (uint64_t)cap->probe_offset, (uint64_t)cap->hit,
			       cap->hit_tid);
		printf("\n  %-12s %s\n", "mode", gs_mode_name(cap->mode));
		printf("  %-12s %.3f ms (walk %.3f ms, copy %.3f ms)\n", "hold",
		       cap->hold_ns / 1e6, cap->walk_ns / 1e6, cap->copy_ns / 1e6);
	}
	if (s->task) {
		const struct gosnap_rec_task *t = s->task;

		printf("  %-12s %d (%.*s) uid %u, %u threads\n", "process",
		       t->tgid, GOSNAP_COMM_LEN, t->comm, t->uid, t->nr_threads);
		printf("  %-12s ", "exe");
		put_name(stdout, s->exe);
		fmt_build_id(t, buf, sizeof(buf));
		printf("\n  %-12s %s %s\n", "build id",
		       gs_build_id_type_name(t->build_id_type), buf);
	}
	printf("  %-12s %s\n", "pfns",
	       h->flags & GOSNAP_SF_PFN ? "reported" : "not reported");
	printf("  %-12s %s\n", "facts",
	       h->flags & GOSNAP_SF_PTE_FACTS ?
	       "pte (what page-table entries say; anon/file, THP, exclusive, page dirty, "
	       "swap cache and mapcount are not known)" : "page (pagemap and kpageflags)");
	printf("  %-12s %s", "truncated", h->flags & GOSNAP_SF_TRUNCATED ? "yes" : "no");
	if (cap && (h->flags & GOSNAP_SF_TRUNCATED))
		printf(" (max bytes %" PRIu64 ", %" PRIu64 " bytes of memory not copied)",
		       (uint64_t)cap->max_bytes, (uint64_t)cap->mem_skipped);
	printf("\n  %-12s %s\n", "flags",
	       gs_flags_str(&gs_stream_flags, h->flags, buf, sizeof(buf)));
	if (h->flags & GOSNAP_SF_MM_CHANGED)
		printf("  %-12s %s\n", "warning",
		       "mappings changed while the capture walked them: VMAs marked "
		       "'changed' are clipped to what was walked");
	printf("  %-12s %zu VMAs, %zu runs, %zu threads, %zu memory copies (%" PRIu64
	       " bytes), %zu unknown\n", "records", s->nr_vmas, runs,
	       s->nr_threads, s->nr_mems, mem, s->nr_unknown);
}

static void show_go_plain(const struct show_go *g, bool exact)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];

	if (!g->is_go)
		return;
	printf("  %-12s %s", "go", g->version[0] ? g->version : "version unknown");
	if (g->version[0])
		printf(" (%s)", g->version_from);
	if (g->exe[0])
		printf(", decoded with %s%s", g->exe, g->embedded ? " (embedded)" : "");
	putchar('\n');
	if (!g->heap_ok) {
		printf("  %-12s not decoded: %s\n", "go heap", g->error);
		return;
	}
	printf("  %-12s in use %s, resident %s; mapped %s, resident %s\n", "go heap",
	       fmt_size(g->heap_inuse, exact, a, sizeof(a)),
	       fmt_size(g->heap_inuse_resident, exact, b, sizeof(b)),
	       fmt_size(g->heap_sys, exact, c, sizeof(c)),
	       fmt_size(g->heap_sys_resident, exact, d, sizeof(d)));
	printf("  %-12s in use %s, resident %s%s\n", "go stacks",
	       fmt_size(g->stack_inuse, exact, e, sizeof(e)),
	       fmt_size(g->stack_inuse_resident, exact, f, sizeof(f)),
	       g->nr_problems ? " (parts not decoded: see gosnap-cli heap)" : "");
}

static int show_plain(const struct show_model *m, const struct show_opts *o)
{
	size_t i;

	if (m->nr_meta) {
		printf("file %s\n", m->path);
		for (i = 0; i < m->nr_meta; i++) {
			printf("  %-12s ", m->meta[i].key);
			put_name(stdout, m->meta[i].value);
			putchar('\n');
		}
	}
	for (i = 0; i < m->nr_snaps; i++) {
		if (i || m->nr_meta)
			putchar('\n');
		show_header_plain(m, &m->snaps[i], i);
		show_go_plain(&m->go[i], o->bytes);
		putchar('\n');
		if (show_vmas_plain(&m->snaps[i], o))
			return -1;
		if (o->pages)
			show_runs_plain(&m->snaps[i], o);
	}
	if (!o->bytes)
		printf("\nsizes in bytes; K, M, G = KiB, MiB, GiB\n");
	return 0;
}

/* ---------------------------------------------------------------------- */
/* JSON (docs/json.md)                                                     */
/* ---------------------------------------------------------------------- */

static void json_flags(struct json_writer *w, const char *key,
		       const struct gs_flag_names *t, uint32_t flags)
{
	char buf[512], *p, *save = NULL;

	jw_key(w, key);
	jw_start_array(w);
	gs_flags_str(t, flags, buf, sizeof(buf));
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		jw_string(w, p);
	jw_end_array(w);
}

static void json_sum(struct json_writer *w, const struct gs_sum *s)
{
	jw_kv_u64(w, "size_bytes", s->size);
	jw_kv_u64(w, "rss_bytes", s->rss);
	jw_kv_u64(w, "swap_bytes", s->swap);
	jw_kv_u64(w, "thp_bytes", s->thp);
	jw_kv_u64(w, "zero_bytes", s->zero);
	jw_kv_u64(w, "pte_dirty_bytes", s->pte_dirty);
	/* pte facts: not known */
	jw_kv_u64_if(w, "page_dirty_bytes", s->page_facts, s->page_dirty);
}

static void json_runs(struct json_writer *w, const struct gs_vma *v,
		      const struct show_opts *o)
{
	size_t k;

	jw_key(w, "runs");
	jw_start_array(w);
	for (k = 0; k < v->nr_runs; k++) {
		const struct gosnap_page_run *r = &v->runs[k];

		if (!run_selected(o, r->flags))
			continue;
		jw_start_object(w);
		jw_kv_hex(w, "addr", r->addr);
		jw_kv_u64(w, "npages", r->npages);
		json_flags(w, "flags", &gs_page_flags, r->flags);
		jw_key(w, "pfn");
		if (run_has_pfn(r->flags))
			jw_hex(w, r->pfn);
		else
			jw_null(w);
		jw_kv_u64(w, "mapcount", r->mapcount);
		jw_key(w, "swap_type");
		if (run_has_swap(r->flags))
			jw_u64(w, r->swap_type);
		else
			jw_null(w);
		jw_key(w, "swap_offset");
		if (run_has_swap(r->flags))
			jw_hex(w, r->pfn);
		else
			jw_null(w);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void json_task(struct json_writer *w, const struct gs_snapshot *s)
{
	const struct gosnap_rec_task *t = s->task;
	char buf[2 * GOSNAP_BUILD_ID_MAX + 1];

	jw_key(w, "task");
	if (!t) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	jw_kv_i64(w, "pid", t->tgid);
	jw_key(w, "comm");
	jw_string_n(w, t->comm, strnlen(t->comm, GOSNAP_COMM_LEN));
	jw_kv_string(w, "exe", s->exe);
	jw_kv_u64(w, "uid", t->uid);
	jw_kv_u64(w, "nr_threads", t->nr_threads);
	jw_kv_u64(w, "start_boottime_ns", t->start_boottime_ns);
	jw_kv_string(w, "build_id_type", gs_build_id_type_name(t->build_id_type));
	jw_key(w, "build_id");
	if (t->build_id_type == GOSNAP_BUILD_ID_GO) {
		jw_string_n(w, (const char *)t->build_id, t->build_id_size);
	} else {
		fmt_build_id(t, buf, sizeof(buf));
		jw_string(w, buf);
	}
	jw_end_object(w);
}

static void json_capture(struct json_writer *w, const struct gosnap_rec_capture *c)
{
	jw_key(w, "capture");
	if (!c) {
		jw_null(w);
		return;
	}
	jw_start_object(w);
	jw_kv_string(w, "trigger", gs_trigger_name(c->trigger));
	jw_kv_string(w, "mode", gs_mode_name(c->mode));
	jw_kv_i64(w, "hit_tid", c->hit_tid);
	jw_kv_u64(w, "probe_id", c->probe_id);
	jw_kv_hex(w, "probe_vaddr", c->probe_vaddr);
	jw_kv_hex(w, "probe_offset", c->probe_offset);
	jw_key(w, "label");
	jw_string_n(w, c->label, strnlen(c->label, GOSNAP_LABEL_LEN));
	jw_kv_u64(w, "hit", c->hit);
	jw_kv_u64(w, "hold_ns", c->hold_ns);
	jw_kv_u64(w, "walk_ns", c->walk_ns);
	jw_kv_u64(w, "copy_ns", c->copy_ns);
	jw_kv_u64(w, "mem_bytes", c->mem_bytes);
	jw_kv_u64(w, "mem_skipped_bytes", c->mem_skipped);
	jw_kv_u64(w, "max_bytes", c->max_bytes);
	jw_end_object(w);
}

static void json_threads(struct json_writer *w, const struct gs_snapshot *s)
{
	size_t i;

	jw_key(w, "threads");
	jw_start_array(w);
	for (i = 0; i < s->nr_threads; i++) {
		const struct gosnap_rec_thread *t = s->threads[i];

		jw_start_object(w);
		jw_kv_i64(w, "tid", t->tid);
		jw_key(w, "comm");
		jw_string_n(w, t->comm, strnlen(t->comm, GOSNAP_COMM_LEN));
		jw_kv_string(w, "state", gs_thread_state_name(t->state));
		jw_kv_u64(w, "cpu", t->cpu);
		jw_kv_bool(w, "hit", t->flags & GOSNAP_THR_HIT);
		jw_kv_bool(w, "leader", t->flags & GOSNAP_THR_LEADER);
		jw_kv_hex(w, "stack_start", t->stack_start);
		jw_kv_hex(w, "stack_end", t->stack_end);
		if (t->flags & GOSNAP_THR_REGS) {
			jw_kv_hex(w, "rip", t->regs.rip);
			jw_kv_hex(w, "rsp", t->regs.rsp);
			jw_kv_hex(w, "rbp", t->regs.rbp);
			jw_kv_hex(w, "fs_base", t->regs.fs_base);
		}
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void json_mems(struct json_writer *w, const struct gs_snapshot *s)
{
	size_t i;

	jw_key(w, "mems");
	jw_start_array(w);
	for (i = 0; i < s->nr_mems; i++) {
		jw_start_object(w);
		jw_kv_hex(w, "addr", s->mems[i]->addr);
		jw_kv_u64(w, "len", s->mems[i]->len);
		jw_kv_string(w, "why", gs_mem_why_name(s->mems[i]->why));
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void json_snapshot(struct json_writer *w, const struct gs_snapshot *s,
			  const struct show_go *g, const struct show_opts *o)
{
	const struct gosnap_stream_hdr *h = s->hdr;
	struct gs_sum total = { 0 };
	char buf[64];
	size_t i;

	jw_start_object(w);
	jw_kv_u64(w, "seq", h->seq);
	jw_key(w, "kernel_release");
	jw_string_n(w, h->release, strnlen(h->release, GOSNAP_RELEASE_LEN));
	jw_kv_string(w, "arch", gs_arch_name(h->arch));
	jw_kv_u64(w, "page_size", h->page_size);
	jw_kv_u64(w, "realtime_ns", h->realtime_ns);
	jw_kv_string(w, "captured_at", fmt_time(h->realtime_ns, buf, sizeof(buf)));
	jw_kv_u64(w, "boottime_ns", h->boottime_ns);
	json_flags(w, "flags", &gs_stream_flags, h->flags);
	jw_kv_bool(w, "pfns_reported", h->flags & GOSNAP_SF_PFN);
	jw_kv_bool(w, "truncated", h->flags & GOSNAP_SF_TRUNCATED);
	jw_kv_bool(w, "mm_changed", h->flags & GOSNAP_SF_MM_CHANGED);
	jw_kv_string(w, "facts", h->flags & GOSNAP_SF_PTE_FACTS ? "pte" : "page");
	jw_kv_u64(w, "stream_bytes", s->size);
	jw_kv_u64(w, "unknown_records", s->nr_unknown);
	json_task(w, s);
	show_go_json(w, g);
	json_capture(w, s->capture);
	json_threads(w, s);
	json_mems(w, s);
	jw_key(w, "vmas");
	jw_start_array(w);
	for (i = 0; i < s->nr_vmas; i++) {
		const struct gs_vma *v = &s->vmas[i];
		struct gs_sum sum;
		char perms[5];

		gs_sum_vma(s, v, &sum);
		gs_sum_add(&total, &sum);
		fmt_perms(v->rec->flags, perms);
		jw_start_object(w);
		jw_kv_u64(w, "index", v->rec->index);
		jw_kv_hex(w, "start", v->rec->start);
		jw_kv_hex(w, "end", v->rec->end);
		jw_kv_string(w, "perms", perms);
		json_flags(w, "flags", &gs_vma_flags, v->rec->flags);
		jw_kv_u64(w, "file_offset", v->rec->file_offset);
		snprintf(buf, sizeof(buf), "%02x:%02x",
			 (v->rec->dev & 0xfff00) >> 8,
			 (v->rec->dev & 0xff) | ((v->rec->dev >> 12) & 0xfff00));
		jw_kv_string(w, "dev", buf);
		jw_kv_u64(w, "inode", v->rec->inode);
		jw_kv_string(w, "name", v->path);
		json_sum(w, &sum);
		jw_kv_u64(w, "nr_runs", v->nr_runs);
		if (o->pages)
			json_runs(w, v, o);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "totals");
	jw_start_object(w);
	json_sum(w, &total);
	jw_end_object(w);
	jw_end_object(w);
}

static int show_json(const struct show_model *m, const struct show_opts *o)
{
	struct json_writer *w = json_wtr;
	size_t i;

	jw_start_object(w);
	jw_kv_string(w, "file", m->path);
	jw_key(w, "meta");
	jw_start_object(w);
	for (i = 0; i < m->nr_meta; i++)
		jw_kv_string(w, m->meta[i].key, m->meta[i].value);
	jw_end_object(w);
	jw_key(w, "snapshots");
	jw_start_array(w);
	for (i = 0; i < m->nr_snaps; i++)
		json_snapshot(w, &m->snaps[i], &m->go[i], o);
	jw_end_array(w);
	jw_end_object(w);
	return 0;
}

/* ---------------------------------------------------------------------- */

static void show_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s show FILE [--pages] [--flags LIST] [--bytes] [-j|--json] [-p|--pretty]\n\n"
		"Print a snapshot file: for each snapshot, a header (kernel, time, trigger,\n"
		"process, mode, hold time, PFNs, truncation; for a Go program its version and\n"
		"heap in use beside what is resident) and a table of its mappings with\n"
		"size, resident (as smaps Rss), swapped, THP, zero-page, PTE-dirty and\n"
		"page-dirty amounts, then totals.\n\n"
		"  --pages        list every run of pages with its flags, PFN, mapcount, swap entry\n"
		"  --flags LIST   only runs with all these flags and none of the !negated ones\n"
		"                 (implies --pages), e.g. --flags present,anon,!thp\n"
		"  --bytes        exact byte counts instead of 64.0M\n"
		"  -j, --json     JSON output (docs/json.md); -p pretty-printed\n\n"
		"Page flags: ", PROG);
	{
		char buf[512];

		fprintf(out, "%s\n", gs_flags_str(&gs_page_flags, gs_flags_known(&gs_page_flags),
						   buf, sizeof(buf)));
	}
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pages",	no_argument,		NULL, 'P' },
		{ "flags",	required_argument,	NULL, 'F' },
		{ "bytes",	no_argument,		NULL, 'B' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	struct show_opts o = { 0 };
	struct show_model m;
	char err[256];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT_OPTS, opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'P':
			o.pages = true;
			break;
		case 'F':
			if (gs_flags_parse(&gs_page_flags, optarg, &o.flags_set,
					   &o.flags_clear, err, sizeof(err))) {
				output_begin();
				p_err("show --flags: %s", err);
				return EXIT_USAGE;
			}
			o.pages = true;
			break;
		case 'B':
			o.bytes = true;
			break;
		case 'h':
			show_usage(stdout);
			return 0;
		default:
			show_usage(stderr);
			return EXIT_USAGE;
		}
	}
	output_begin();
	if (optind != argc - 1) {
		p_err("show takes one FILE (try '%s show --help')", PROG);
		return EXIT_USAGE;
	}
	if (model_load(&m, argv[optind])) {
		model_free(&m);
		return 1;
	}
	ret = json_wtr ? show_json(&m, &o) : show_plain(&m, &o);
	model_free(&m);
	return ret ? 1 : 0;
}
