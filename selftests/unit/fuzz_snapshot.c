// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: gs_snapshot_parse() on arbitrary bytes must never read out of
 * bounds, and what it accepts must hold together: the splitter agrees on
 * the size, every run lies in its VMA, look-ups find what is there.
 */
#include "snap/snapshot.h"

#include <stdlib.h>
#include <string.h>

static void check(int cond)
{
	if (!cond)
		abort();
}

static void exercise(const struct gs_snapshot *s)
{
	uint64_t ps = s->hdr->page_size;
	uint8_t buf[64];
	size_t i, k;

	for (i = 0; i < s->nr_vmas; i++) {
		const struct gs_vma *v = &s->vmas[i];

		check(gs_find_vma(s, v->rec->start) == v);
		check(gs_find_vma(s, v->rec->end - 1) == v);
		for (k = 0; k < v->nr_runs; k++) {
			const struct gosnap_page_run *r = &v->runs[k];
			uint64_t last = r->addr + ((uint64_t)r->npages - 1) * ps;

			check(r->addr >= v->rec->start && last < v->rec->end);
			check(gs_find_run(s, r->addr) == r);
			check(gs_find_run(s, last) == r);
		}
	}
	for (i = 0; i < s->nr_mems; i++) {
		size_t n = s->mems[i]->len < sizeof(buf) ? s->mems[i]->len : sizeof(buf);

		check(gs_read_mem(s, s->mems[i]->addr, buf, n) == n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parser wants 8-byte alignment; malloc gives it, exactly sized. */
	uint8_t *buf = malloc(size ? size : 1);
	struct gs_snapshot snap;
	char err[256];
	long len;

	memcpy(buf, data, size);
	len = gs_stream_snapshot_len(buf, size, err, sizeof(err));
	if (gs_snapshot_parse(buf, size, &snap, err, sizeof(err)) == 0) {
		check(len == (long)snap.size);
		exercise(&snap);
		gs_snapshot_free(&snap);
	} else {
		check(err[0] != '\0');
	}
	free(buf);
	return 0;
}
