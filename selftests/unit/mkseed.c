// SPDX-License-Identifier: GPL-2.0
/*
 * mkseed stream FILE   write sb_standard()'s raw stream
 * mkseed file FILE     write it as a snapshot file (gosnap-cli's format)
 * mkseed exe FILE EXE  a snapshot file of EXE as it starts: its TASK names
 *                      EXE with its build ID, a meta capture whose MEM
 *                      records are EXE's writable segments as the file
 *                      holds them, .bss zero (no heap, no goroutine yet). Host tests
 *                      run the decoders on it without the module.
 *
 * Synthetic input for the golden tests and the fuzzers' seed corpus.
 */
#include "builder.h"
#include "exe/buildid.h"
#include "exe/elfimg.h"
#include "snap/snapfile.h"

#include <stdio.h>
#include <string.h>

#define MEM_CHUNK	(64 * 1024)	/* bytes per MEM record */

/* The stream of an executable before it ran; 0 or -1. */
static int exe_stream(struct sb *sb, const char *exe)
{
	static uint8_t zeros[MEM_CHUNK];
	struct gosnap_rec_task *t;
	struct gs_elfimg im;
	char err[512];
	uint32_t kind;
	uint8_t id[GOSNAP_BUILD_ID_MAX];
	long n;
	size_t i;
	uint64_t off;

	if (gs_elfimg_open(&im, exe, err, sizeof(err))) {
		fprintf(stderr, "mkseed: %s\n", err);
		return -1;
	}
	sb_init(sb, 0, 0);
	sb_task(sb, 4242, "gotarget", exe);
	t = sb_at(sb, sb->nr_records - 1);
	n = gs_elfimg_any_build_id(&im, &kind, id, sizeof(id));
	t->build_id_type = n > 0 ? kind : GOSNAP_BUILD_ID_NONE;
	t->build_id_size = n > 0 ? (uint32_t)n : 0;
	memset(t->build_id, 0, sizeof(t->build_id));
	if (n > 0)
		memcpy(t->build_id, id, (size_t)n);
	sb_capture(sb, GOSNAP_TRIG_PID, GOSNAP_MODE_META);
	for (i = 0; i < im.nr_seg; i++) {
		const struct gs_elfimg_seg *s = &im.seg[i];

		sb_vma(sb, s->vaddr & ~0xfffULL, (s->vaddr + s->memsz + 0xfff) & ~0xfffULL,
		       GOSNAP_VMA_READ | GOSNAP_VMA_FILE |
		       (s->write ? GOSNAP_VMA_WRITE : 0) |
		       (s->exec ? GOSNAP_VMA_EXEC : 0), exe);
	}
	for (i = 0; i < im.nr_seg; i++) {
		const struct gs_elfimg_seg *s = &im.seg[i];

		/* the file's bytes, then the zeros of .bss */
		for (off = 0; s->write && off < s->memsz; off += MEM_CHUNK) {
			size_t len = s->memsz - off < MEM_CHUNK ? s->memsz - off :
								  MEM_CHUNK;

			memset(zeros, 0, sizeof(zeros));
			if (off < s->filesz)
				memcpy(zeros, im.map + s->offset + off,
				       s->filesz - off < len ? s->filesz - off : len);
			sb_mem(sb, s->vaddr + off, zeros, len, GOSNAP_MEM_EXE_DATA);
		}
	}
	sb_end(sb);
	gs_elfimg_close(&im);
	return 0;
}

int main(int argc, char **argv)
{
	static const char meta[] = "tool_version=test\ncommand_line=gosnap-cli capture --pid 4242 -o t.gsnap\n";
	struct sb sb;
	char err[512];
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "exe")) {
		if (exe_stream(&sb, argv[3]))
			return 1;
	} else if (argc != 3 || (strcmp(argv[1], "stream") && strcmp(argv[1], "file"))) {
		fprintf(stderr, "usage: mkseed stream|file FILE, or mkseed exe FILE EXE\n");
		return 2;
	} else {
		sb_standard(&sb);
	}
	if (strcmp(argv[1], "stream")) {
		struct gsf_chunk chunks[] = {
			{ .type = GSF_CHUNK_CLI_META, .data = meta, .size = sizeof(meta) - 1 },
			{ .type = GSF_CHUNK_STREAM, .data = sb.buf, .size = sb.len },
		};

		if (gsf_write(argv[2], chunks, 2, err, sizeof(err))) {
			fprintf(stderr, "mkseed: %s\n", err);
			return 1;
		}
		sb_free(&sb);
		return 0;
	}
	f = fopen(argv[2], "w");
	if (!f || fwrite(sb.buf, 1, sb.len, f) != sb.len || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	sb_free(&sb);
	return 0;
}
