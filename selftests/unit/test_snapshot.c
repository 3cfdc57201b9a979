// SPDX-License-Identifier: GPL-2.0
/*
 * gs_snapshot_parse() and friends on synthetic streams: a valid snapshot
 * decodes to what the builder put in; each kind of damage is refused with
 * a message naming the problem and the damaged record's offset.
 */
#include "builder.h"
#include "snap/snapshot.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* Record indexes in sb_standard(). */
enum { R_TASK = 0, R_CAPTURE = 1, R_VMA0 = 2, R_PAGES0 = 9, R_THREAD0 = 16,
       R_MEM0 = 18, R_END = 21 };

static char err[512];

/* Parse a copy (so ASan sees reads past len); 0 on success. */
static int parse_copy(const void *buf, size_t len, struct gs_snapshot *snap)
{
	void *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, buf, len);
	err[0] = '\0';
	ret = gs_snapshot_parse(copy, len, snap, err, sizeof(err));
	if (ret == 0) {
		/* The caller only looks at counts after this. */
		gs_snapshot_free(snap);
	}
	free(copy);
	return ret;
}

static void expect_reject(struct sb *sb, const char *what, const char *want)
{
	struct gs_snapshot snap;
	int ret = parse_copy(sb->buf, sb->len, &snap);

	ok(ret == -1 && strstr(err, want), "rejects %s", what);
	if (ret != -1 || !strstr(err, want))
		diag("  got \"%s\", wanted \"%s\"", ret ? err : "(accepted)", want);
	sb_free(sb);
}

static char *at_record(struct sb *sb, size_t i)
{
	static char s[64];

	snprintf(s, sizeof(s), "record %zu at offset %#zx: ", i, sb->off[i]);
	return s;
}

static void test_valid(void)
{
	struct sb sb;
	struct gs_snapshot snap;
	const struct gosnap_page_run *run;
	const struct gs_vma *v;
	char mem[40];
	int ret;

	sb_standard(&sb);
	ret = gs_snapshot_parse(sb.buf, sb.len, &snap, err, sizeof(err));
	ok(ret == 0, "standard snapshot parses%s%s", ret ? ": " : "",
	   ret ? err : "");
	if (ret) {
		sb_free(&sb);
		return;
	}
	ok(snap.size == sb.len, "size %zu == %zu", snap.size, sb.len);
	ok(snap.task && snap.task->tgid == 4242, "task tgid");
	ok(!strcmp(snap.exe, "/usr/local/bin/gotarget"), "exe copied: %s",
	   snap.exe);
	ok(snap.capture && snap.capture->trigger == GOSNAP_TRIG_PID, "capture");
	ok(snap.nr_vmas == 7, "7 VMAs (%zu)", snap.nr_vmas);
	ok(!strcmp(snap.vmas[4].path, "[vdso]") && !strcmp(snap.vmas[2].path, ""),
	   "VMA paths");
	ok(snap.vmas[3].nr_runs == 4, "runs of two PAGES records joined (%zu)",
	   snap.vmas[3].nr_runs);
	ok(snap.vmas[5].nr_runs == 0, "VMA without PAGES has no runs");
	ok(snap.nr_threads == 2 && snap.threads[1]->tid == 4243, "threads");
	ok(snap.nr_mems == 3 && snap.nr_unknown == 0, "mems and unknown");

	v = gs_find_vma(&snap, 0xc000123000);
	ok(v == &snap.vmas[3], "find_vma inside arena");
	ok(!gs_find_vma(&snap, 0x480000) && !gs_find_vma(&snap, 0x3ff000) &&
	   !gs_find_vma(&snap, ~0ULL), "find_vma in holes");
	run = gs_find_run(&snap, 0xc0001ff000);
	ok(run && run->addr == 0xc000000000 && run->npages == 512,
	   "find_run last page of the THP");
	run = gs_find_run(&snap, 0xc000205fff);
	ok(run && (run->flags & GOSNAP_PG_MARKER), "find_run inside a later run");
	ok(!gs_find_run(&snap, 0xc000207000), "find_run past the runs");
	ok(!gs_find_run(&snap, 0x410000), "find_run between runs");

	ok(gs_read_mem(&snap, 0x500008, mem, 16) == 16 &&
	   !memcmp(mem, "89abcdef01234567", 16),
	   "read_mem across two adjacent MEM records");
	ok(gs_read_mem(&snap, 0x500000, mem, 40) == 32,
	   "read_mem stops where memory ends (32 of 40)");
	ok(gs_read_mem(&snap, 0x4fffff, mem, 4) == 0, "read_mem before any MEM");
	ok(gs_read_mem(&snap, 0x7ffffffdf00f, mem, 1) == 1 && mem[0] == '.',
	   "read_mem last byte of the stack copy");
	gs_snapshot_free(&snap);
	ok(snap.vmas == NULL && snap.nr_vmas == 0, "free clears the snapshot");
	sb_free(&sb);
}

static void test_accepts(void)
{
	struct sb sb;
	struct gs_snapshot snap;
	struct gosnap_rec_end *e;
	void *copy;
	int ret;

	/* A later, larger header: the extra bytes are skipped. */
	sb_init(&sb, 0, 160);
	sb_task(&sb, 1, "x", "/x");
	sb_end(&sb);
	ok(parse_copy(sb.buf, sb.len, &snap) == 0, "accepts hdr_size 160 %s", err);
	sb_free(&sb);

	/* Unknown record types are skipped and counted. */
	sb_init(&sb, 0, 0);
	sb_rec(&sb, 9, 40);
	sb_vma(&sb, 0x1000, 0x2000, GOSNAP_VMA_READ, "a");
	sb_rec(&sb, 0x12345, 8);
	sb_end(&sb);
	copy = malloc(sb.len);
	memcpy(copy, sb.buf, sb.len);
	ret = gs_snapshot_parse(copy, sb.len, &snap, err, sizeof(err));
	ok(ret == 0 && snap.nr_unknown == 2 && snap.nr_vmas == 1 && !snap.task,
	   "unknown records skipped and counted %s", ret ? err : "");
	if (!ret)
		gs_snapshot_free(&snap);
	free(copy);
	sb_free(&sb);

	/* A known record longer than its struct (a later ABI's fields). */
	sb_init(&sb, 0, 0);
	sb_rec(&sb, GOSNAP_REC_CAPTURE, sizeof(struct gosnap_rec_capture) + 64);
	e = sb_rec(&sb, GOSNAP_REC_END, sizeof(*e) + 16);
	e->nr_records = 1;
	e->stream_size = sb.len;
	ok(parse_copy(sb.buf, sb.len, &snap) == 0,
	   "accepts records longer than their struct %s", err);
	sb_free(&sb);

	/* Bytes after END belong to the next snapshot. */
	sb_standard(&sb);
	{
		size_t first = sb.len;

		sb_rec(&sb, 0x77, 16);
		copy = malloc(sb.len);
		memcpy(copy, sb.buf, sb.len);
		ret = gs_snapshot_parse(copy, sb.len, &snap, err, sizeof(err));
		ok(ret == 0 && snap.size == first,
		   "stops at END, size %zu of %zu bytes", snap.size, sb.len);
		if (!ret)
			gs_snapshot_free(&snap);
		free(copy);
	}
	sb_free(&sb);
}

static void test_rejects_header(void)
{
	struct sb sb;
	struct gosnap_stream_hdr *h;

	sb_standard(&sb);
	((struct gosnap_stream_hdr *)sb.buf)->magic = 0x12345678;
	expect_reject(&sb, "bad magic", "offset 0x0: bad magic 0x12345678");

	sb_standard(&sb);
	((struct gosnap_stream_hdr *)sb.buf)->abi_version = 2;
	expect_reject(&sb, "abi_version 2", "abi_version 2 not supported");

	sb_standard(&sb);
	((struct gosnap_stream_hdr *)sb.buf)->hdr_size = 112;
	expect_reject(&sb, "hdr_size below v1", "hdr_size 112 invalid");

	sb_standard(&sb);
	((struct gosnap_stream_hdr *)sb.buf)->hdr_size = 124;
	expect_reject(&sb, "unaligned hdr_size", "hdr_size 124 invalid");

	sb_standard(&sb);
	h = (void *)sb.buf;
	h->page_size = 5000;
	expect_reject(&sb, "page_size not a power of two", "page_size 5000");

	sb_standard(&sb);
	sb.len = 100;
	expect_reject(&sb, "short header", "truncated: 100 bytes, the stream header needs 120");
}

static void test_rejects_records(void)
{
	struct sb sb;
	char want[256];
	struct gosnap_rec *r;
	struct gosnap_rec_vma *v;
	struct gosnap_rec_pages *p;
	struct gosnap_rec_end *e;

	sb_standard(&sb);
	r = sb_at(&sb, 5);
	r->size = 12;
	snprintf(want, sizeof(want), "%ssize 12 invalid", at_record(&sb, 5));
	expect_reject(&sb, "record size not a multiple of 8", want);

	sb_standard(&sb);
	r = sb_at(&sb, 3);
	r->size = 0;
	snprintf(want, sizeof(want), "%ssize 0 invalid", at_record(&sb, 3));
	expect_reject(&sb, "record size 0", want);

	sb_standard(&sb);
	r = sb_at(&sb, R_VMA0 + 1);
	r->size = 48;
	snprintf(want, sizeof(want),
		 "%sVMA record size 48 is smaller than its struct (56)",
		 at_record(&sb, R_VMA0 + 1));
	expect_reject(&sb, "VMA shorter than its struct", want);

	sb_standard(&sb);
	r = sb_at(&sb, R_THREAD0);
	r->size = 0x100000;
	snprintf(want, sizeof(want), "%ssize 1048576 exceeds the",
		 at_record(&sb, R_THREAD0));
	expect_reject(&sb, "record running past the buffer", want);

	sb_standard(&sb);
	v = sb_at(&sb, R_VMA0);
	v->path_len = 4000;
	snprintf(want, sizeof(want), "%sVMA path_len 4000 exceeds record size 80",
		 at_record(&sb, R_VMA0));
	expect_reject(&sb, "VMA path_len past its record", want);

	sb_standard(&sb);
	((struct gosnap_rec_task *)sb_at(&sb, R_TASK))->exe_len = 25;
	snprintf(want, sizeof(want), "%sTASK exe_len 25 exceeds record size 208",
		 at_record(&sb, R_TASK));
	expect_reject(&sb, "TASK exe_len past its record", want);

	sb_standard(&sb);
	((struct gosnap_rec_task *)sb_at(&sb, R_TASK))->build_id_size = 129;
	expect_reject(&sb, "build_id_size > 128", "TASK build_id_size 129 exceeds 128");

	sb_standard(&sb);
	((struct gosnap_rec_mem *)sb_at(&sb, R_MEM0))->len = 17;
	snprintf(want, sizeof(want), "%sMEM len 17 exceeds record size 48",
		 at_record(&sb, R_MEM0));
	expect_reject(&sb, "MEM len past its record", want);

	sb_standard(&sb);
	((struct gosnap_rec_mem *)sb_at(&sb, R_MEM0))->addr = ~0ULL - 3;
	expect_reject(&sb, "MEM wrapping around", "wraps around");

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0);
	p->nr_runs = 3;
	snprintf(want, sizeof(want), "%sPAGES nr_runs 3 exceeds record size 80 (room for 2)",
		 at_record(&sb, R_PAGES0));
	expect_reject(&sb, "PAGES nr_runs past its record", want);

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0);
	p->vma_index = 7;
	snprintf(want, sizeof(want), "%sPAGES vma_index 7 out of range (7 VMAs)",
		 at_record(&sb, R_PAGES0));
	expect_reject(&sb, "PAGES vma_index out of range", want);

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0);
	p->runs[1].addr = 0x3ff000;
	snprintf(want, sizeof(want), "%srun 1 at 0x3ff000: below 0x410000",
		 at_record(&sb, R_PAGES0));
	expect_reject(&sb, "runs descending", want);

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0 + 4);	/* second record of the arena */
	p->runs[0].addr = 0xc0001ff000;
	snprintf(want, sizeof(want), "%srun 0 at 0xc0001ff000: below 0xc000200000",
		 at_record(&sb, R_PAGES0 + 4));
	expect_reject(&sb, "runs overlapping across PAGES records", want);

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0);
	p->runs[1].npages = 97;
	snprintf(want, sizeof(want),
		 "%srun 1 at 0x420000 (97 pages) extends past VMA 0 0x400000-0x480000",
		 at_record(&sb, R_PAGES0));
	expect_reject(&sb, "run past its VMA", want);

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0);
	p->runs[1].npages = 0xffffffff;
	expect_reject(&sb, "run with huge npages", "extends past VMA 0");

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0);
	p->runs[0].npages = 0;
	expect_reject(&sb, "empty run", "run 0 at 0x400000: empty or not page-aligned");

	sb_standard(&sb);
	p = sb_at(&sb, R_PAGES0);
	p->runs[0].addr = 0x400800;
	expect_reject(&sb, "unaligned run", "run 0 at 0x400800: empty or not page-aligned");

	sb_standard(&sb);
	v = sb_at(&sb, R_VMA0 + 2);
	v->index = 5;
	snprintf(want, sizeof(want), "%sVMA index 5 out of order (expected 2)",
		 at_record(&sb, R_VMA0 + 2));
	expect_reject(&sb, "VMA index out of order", want);

	sb_standard(&sb);
	v = sb_at(&sb, R_VMA0 + 1);
	v->start = 0x470000;
	snprintf(want, sizeof(want), "%sVMA 0x470000-0x502000 overlaps",
		 at_record(&sb, R_VMA0 + 1));
	expect_reject(&sb, "overlapping VMAs", want);

	sb_standard(&sb);
	v = sb_at(&sb, R_VMA0);
	v->end = v->start;
	expect_reject(&sb, "empty VMA", "is empty or not page-aligned");

	sb_standard(&sb);
	((struct gosnap_rec *)sb_at(&sb, R_THREAD0))->type = GOSNAP_REC_TASK;
	expect_reject(&sb, "second TASK record", "second TASK record (first at offset 0x78)");

	sb_standard(&sb);
	((struct gosnap_rec *)sb_at(&sb, R_THREAD0))->type = GOSNAP_REC_CAPTURE;
	expect_reject(&sb, "second CAPTURE record", "second CAPTURE record");

	sb_standard(&sb);
	e = sb_at(&sb, R_END);
	e->stream_size += 8;
	snprintf(want, sizeof(want), "%sEND stream_size %zu differs from the snapshot's size %zu",
		 at_record(&sb, R_END), sb.len + 8, sb.len);
	expect_reject(&sb, "END stream_size wrong", want);

	sb_standard(&sb);
	e = sb_at(&sb, R_END);
	e->nr_records = 20;
	expect_reject(&sb, "END nr_records wrong",
		      "END nr_records 20 differs from the 21 records before it");

	sb_standard(&sb);
	sb.len = sb.off[R_END];
	expect_reject(&sb, "missing END", "truncated: no END record after 21 records");
}

/* Every prefix of a snapshot: refused by the parser, incomplete for the splitter. */
static void test_truncation(void)
{
	struct sb sb;
	struct gs_snapshot snap;
	size_t n, bad_parse = 0, bad_len = 0;
	long full;
	uint8_t *two;

	sb_standard(&sb);
	for (n = 0; n < sb.len; n++) {
		void *copy = malloc(n ? n : 1);
		long l;

		memcpy(copy, sb.buf, n);
		if (gs_snapshot_parse(copy, n, &snap, err, sizeof(err)) != -1) {
			gs_snapshot_free(&snap);
			bad_parse++;
		}
		l = gs_stream_snapshot_len(copy, n, err, sizeof(err));
		if (l != 0)
			bad_len++;
		free(copy);
	}
	ok(bad_parse == 0, "every one of %zu prefixes refused (%zu accepted)",
	   sb.len, bad_parse);
	ok(bad_len == 0, "splitter wants more for every prefix (%zu wrong)",
	   bad_len);

	full = gs_stream_snapshot_len(sb.buf, sb.len, err, sizeof(err));
	ok(full == (long)sb.len, "splitter: whole snapshot %ld", full);
	two = malloc(2 * sb.len);
	memcpy(two, sb.buf, sb.len);
	memcpy(two + sb.len, sb.buf, sb.len);
	full = gs_stream_snapshot_len(two, 2 * sb.len - 1, err, sizeof(err));
	ok(full == (long)sb.len, "splitter: first of two snapshots %ld", full);
	ok(gs_stream_snapshot_len(two + sb.len, sb.len, err, sizeof(err)) ==
	   (long)sb.len, "splitter: second of two");
	two[0] ^= 1;
	ok(gs_stream_snapshot_len(two, 2 * sb.len, err, sizeof(err)) == -1 &&
	   strstr(err, "bad magic"), "splitter refuses garbage: %s", err);
	free(two);
	sb_free(&sb);
}

static void test_alignment(void)
{
	struct sb sb;
	struct gs_snapshot snap;
	uint8_t *buf;

	sb_standard(&sb);
	buf = malloc(sb.len + 8);
	memcpy(buf + 4, sb.buf, sb.len);
	ok(gs_snapshot_parse(buf + 4, sb.len, &snap, err, sizeof(err)) == -1 &&
	   strstr(err, "not 8-byte aligned"), "refuses an unaligned buffer");
	free(buf);
	sb_free(&sb);
}

static void test_overlapping_mem(void)
{
	struct sb sb;
	struct gs_snapshot snap;
	char big[64], out[64];
	int i;

	for (i = 0; i < 64; i++)
		big[i] = (char)('A' + i % 26);
	sb_init(&sb, 0, 0);
	sb_mem(&sb, 0x1000, big, 64, GOSNAP_MEM_ANON);
	sb_mem(&sb, 0x1008, big + 8, 8, GOSNAP_MEM_STACK);
	sb_mem(&sb, 0x1010, big + 16, 5, GOSNAP_MEM_STACK);
	sb_end(&sb);
	err[0] = '\0';
	if (!ok(gs_snapshot_parse(sb.buf, sb.len, &snap, err, sizeof(err)) == 0,
		"overlapping MEM records accepted %s", err)) {
		sb_free(&sb);
		return;
	}
	ok(gs_read_mem(&snap, 0x1014, out, 20) == 20 && !memcmp(out, big + 20, 20),
	   "read_mem inside a short record continues through the long one");
	ok(gs_read_mem(&snap, 0x1030, out, 64) == 16, "read_mem to the end of the long one");
	gs_snapshot_free(&snap);
	sb_free(&sb);
}

int main(void)
{
	test_valid();
	test_accepts();
	test_rejects_header();
	test_rejects_records();
	test_truncation();
	test_alignment();
	test_overlapping_mem();
	return tap_done();
}
