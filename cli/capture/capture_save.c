// SPDX-License-Identifier: GPL-2.0
/*
 * What every way of capturing does once snapshots are in memory (see
 * capture.h): the CLI_META, validation, the atomic write and the report.
 */
#include "base/report.h"
#include "capture/capture.h"
#include "exe/embed.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"
#include "snap/summary.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

void capture_meta_init(struct gs_meta *m, const struct gosnap_info *info)
{
	struct utsname u;

	memset(m, 0, sizeof(*m));
	gs_meta_add(m, "tool", PROG);
	gs_meta_add(m, "tool_version", GOSNAP_VERSION);
	gs_meta_add_argv(m, "command_line", main_argc, main_argv);
	if (uname(&u) == 0) {
		gs_meta_add(m, "host.release", u.release);
		gs_meta_add(m, "host.machine", u.machine);
	}
	if (info) {
		gs_meta_addf(m, "module.abi_version", "%u", info->abi_version);
		gs_meta_addf(m, "module.page_size", "%u", info->page_size);
		gs_meta_addf(m, "module.max_bytes", "%llu",
			     (unsigned long long)info->max_bytes);
		gs_meta_addf(m, "module.hold_timeout_ms", "%llu",
			     (unsigned long long)info->hold_timeout_ms);
	}
}

static void report_plain(const char *path, const struct gs_snapshot *s,
			 size_t n, uint64_t file_bytes)
{
	size_t i, k;

	printf("%s: %zu snapshot%s, %" PRIu64 " bytes\n", path, n,
	       n == 1 ? "" : "s", file_bytes);
	for (i = 0; i < n; i++) {
		struct gs_sum total = { 0 }, sum;

		for (k = 0; k < s[i].nr_vmas; k++) {
			gs_sum_vma(&s[i], &s[i].vmas[k], &sum);
			gs_sum_add(&total, &sum);
		}
		printf("  seq %" PRIu64 ": pid %d (%.*s), %zu VMAs, rss %" PRIu64
		       " KiB, swap %" PRIu64 " KiB%s\n",
		       (uint64_t)s[i].hdr->seq, s[i].task ? s[i].task->tgid : 0,
		       GOSNAP_COMM_LEN, s[i].task ? s[i].task->comm : "?",
		       s[i].nr_vmas, total.rss >> 10, total.swap >> 10,
		       s[i].hdr->flags & GOSNAP_SF_TRUNCATED ? ", TRUNCATED" : "");
	}
}

static void report_json(const char *path, const struct gs_snapshot *s,
			size_t n, uint64_t file_bytes)
{
	struct json_writer *w = json_wtr;
	size_t i, k;

	jw_start_object(w);
	jw_kv_string(w, "file", path);
	jw_kv_u64(w, "file_bytes", file_bytes);
	jw_key(w, "snapshots");
	jw_start_array(w);
	for (i = 0; i < n; i++) {
		struct gs_sum total = { 0 }, sum;

		for (k = 0; k < s[i].nr_vmas; k++) {
			gs_sum_vma(&s[i], &s[i].vmas[k], &sum);
			gs_sum_add(&total, &sum);
		}
		jw_start_object(w);
		jw_kv_u64(w, "seq", s[i].hdr->seq);
		jw_kv_i64(w, "pid", s[i].task ? s[i].task->tgid : 0);
		jw_kv_u64(w, "stream_bytes", s[i].size);
		jw_kv_u64(w, "nr_vmas", s[i].nr_vmas);
		jw_kv_u64(w, "rss_bytes", total.rss);
		jw_kv_u64(w, "swap_bytes", total.swap);
		jw_kv_bool(w, "truncated", s[i].hdr->flags & GOSNAP_SF_TRUNCATED);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

int capture_embed_exe(struct gs_exe *x, struct capture_snap *out)
{
	char err[512];
	void *p;
	size_t len;

	if (gs_embed_build_image(&x->im, x->path, &p, &len, err, sizeof(err))) {
		p_err("capture --embed: %s", err);
		return -1;
	}
	out->data = p;
	out->size = len;
	return 0;
}

static bool report_on = true;

void capture_set_report(bool on)
{
	report_on = on;
}

int capture_save(const char *path, const struct gs_meta *meta,
		 const struct capture_snap *snaps, size_t n)
{
	return capture_save_embed(path, meta, snaps, n, NULL);
}

int capture_save_embed(const char *path, const struct gs_meta *meta,
		       const struct capture_snap *snaps, size_t n,
		       const struct capture_snap *embed)
{
	struct gs_snapshot *parsed = calloc(n + 1, sizeof(*parsed));
	struct gsf_chunk *chunks = calloc(n + 2, sizeof(*chunks));
	size_t nr_chunks = n + 1;
	uint64_t file_bytes = sizeof(struct gsf_header);
	char err[512];
	size_t i, nr_parsed = 0;
	int ret = -1;

	if (!parsed || !chunks) {
		p_err("out of memory");
		goto out;
	}
	if (meta->failed) {
		p_err("could not build the file's metadata");
		goto out;
	}
	chunks[0] = (struct gsf_chunk){
		.type = GSF_CHUNK_CLI_META, .data = meta->buf, .size = meta->len,
	};
	for (i = 0; i < n; i++) {
		if (gs_snapshot_parse(snaps[i].data, snaps[i].size, &parsed[i],
				      err, sizeof(err))) {
			p_err("snapshot %zu from the module is invalid: %s", i, err);
			goto out;
		}
		nr_parsed++;
		if (parsed[i].size != snaps[i].size) {
			p_err("snapshot %zu from the module: %zu bytes after its END record",
			      i, snaps[i].size - parsed[i].size);
			goto out;
		}
		chunks[i + 1] = (struct gsf_chunk){
			.type = GSF_CHUNK_STREAM, .data = snaps[i].data,
			.size = snaps[i].size,
		};
	}
	/* Not REQUIRED: a reader that ignores it still has the snapshots. */
	if (embed)
		chunks[nr_chunks++] = (struct gsf_chunk){
			.type = GSF_CHUNK_EMBED, .data = embed->data, .size = embed->size,
		};
	for (i = 0; i < nr_chunks; i++)
		file_bytes += sizeof(struct gsf_chunk_hdr) + ((chunks[i].size + 7) & ~7ULL);
	if (gsf_write(path, chunks, nr_chunks, err, sizeof(err))) {
		p_err("%s", err);
		goto out;
	}
	if (report_on && json_wtr)
		report_json(path, parsed, n, file_bytes);
	else if (report_on)
		report_plain(path, parsed, n, file_bytes);
	ret = 0;
out:
	for (i = 0; i < nr_parsed; i++)
		gs_snapshot_free(&parsed[i]);
	free(parsed);
	free(chunks);
	return ret;
}
