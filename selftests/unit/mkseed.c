// SPDX-License-Identifier: GPL-2.0
/*
 * mkseed stream FILE   write sb_standard()'s raw stream
 * mkseed file FILE     write it as a snapshot file (gosnap-cli's format)
 *
 * Synthetic input for the golden tests and the fuzzers' seed corpus.
 */
#include "builder.h"
#include "snap/snapfile.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	static const char meta[] = "tool_version=test\ncommand_line=gosnap-cli capture --pid 4242 -o t.gsnap\n";
	struct sb sb;
	char err[512];
	FILE *f;

	if (argc != 3 || (strcmp(argv[1], "stream") && strcmp(argv[1], "file"))) {
		fprintf(stderr, "usage: mkseed stream|file FILE\n");
		return 2;
	}
	sb_standard(&sb);
	if (!strcmp(argv[1], "file")) {
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
