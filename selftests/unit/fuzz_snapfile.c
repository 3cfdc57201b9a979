// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the snapshot file reader (gsf_parse), then what `show` does
 * with an accepted file: parse each stream chunk and the CLI_META text.
 *
 * CRCs would stop almost every mutation at the first check, so the first
 * input byte picks the mode: even, the rest is taken as it is; odd, the
 * CRCs of the rest are recomputed first, letting the fuzzer reach the
 * size, padding and chunk-type logic and the snapshot parser behind it.
 */
#include "snap/crc32c.h"
#include "snap/meta.h"
#include "snap/snapfile.h"
#include "snap/snapshot.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fix_crcs(uint8_t *buf, size_t len)
{
	struct gsf_header h;
	size_t off;
	uint32_t i;

	if (len < sizeof(h))
		return;
	memcpy(&h, buf, sizeof(h));
	off = h.hdr_size >= sizeof(h) && h.hdr_size <= len ? h.hdr_size : sizeof(h);
	for (i = 0; i < h.nr_chunks && len - off >= sizeof(struct gsf_chunk_hdr); i++) {
		struct gsf_chunk_hdr ch;
		size_t avail = len - off - sizeof(ch);

		memcpy(&ch, buf + off, sizeof(ch));
		ch.data_crc = crc32c(0, buf + off + sizeof(ch),
				     ch.size < avail ? ch.size : avail);
		ch.hdr_crc = crc32c(0, &ch, offsetof(struct gsf_chunk_hdr, hdr_crc));
		memcpy(buf + off, &ch, sizeof(ch));
		/* Stop where the chunk would run past the end. */
		if (ch.size > avail || ((ch.size + 7) & ~7ULL) > avail)
			break;
		off += sizeof(ch) + ((ch.size + 7) & ~7ULL);
	}
	/* The header CRC covers hdr_size bytes with the CRC field as zero. */
	memset(buf + offsetof(struct gsf_header, hdr_crc), 0, 4);
	if (h.hdr_size >= sizeof(h) && h.hdr_size <= len)
		h.hdr_crc = crc32c(0, buf, h.hdr_size);
	memcpy(buf + offsetof(struct gsf_header, hdr_crc), &h.hdr_crc, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gsf_file f;
	char err[512];
	uint8_t *buf;
	size_t i;

	if (size < 1)
		return 0;
	buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		fix_crcs(buf, size - 1);
	if (gsf_parse(buf, size - 1, "fuzz", &f, err, sizeof(err)) == 0) {
		for (i = 0; i < f.nr_chunks; i++) {
			const struct gsf_chunk *c = &f.chunks[i];

			if (c->offset + c->size > size - 1)
				abort();
			if (c->type == GSF_CHUNK_STREAM) {
				struct gs_snapshot s;

				if (!gs_snapshot_parse(c->data, c->size, &s, err,
						       sizeof(err)))
					gs_snapshot_free(&s);
			} else if (c->type == GSF_CHUNK_CLI_META) {
				struct gs_meta_kv *kv;
				size_t n;

				if (!gs_meta_parse(c->data, c->size, &kv, &n))
					gs_meta_kv_free(kv, n);
			}
		}
		gsf_free(&f);
	}
	free(buf);
	return 0;
}
