// SPDX-License-Identifier: GPL-2.0
/* The load bias of a snapshot's executable; see loadbias.h. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decode/loadbias.h"

/* A mapping of the executable's file (by the path the snapshot records). */
static bool maps_exe(const struct gs_snapshot *s, const struct gs_vma *v)
{
	return (v->rec->flags & GOSNAP_VMA_FILE) && v->path &&
	       !strcmp(v->path, s->exe);
}

/*
 * Does every file-backed PT_LOAD sit where bias puts it: inside one
 * mapping of the executable, at the file offset it has in the file?
 */
static bool placement_fits(const struct gs_snapshot *s,
			   const struct gs_elfimg *im, uint64_t ps,
			   uint64_t bias)
{
	size_t i, j;

	for (i = 0; i < im->nr_seg; i++) {
		const struct gs_elfimg_seg *g = &im->seg[i];
		uint64_t at = (g->vaddr & ~(ps - 1)) + bias;
		uint64_t off = g->offset & ~(ps - 1);
		bool found = false;

		if (!g->filesz)
			continue;
		for (j = 0; j < s->nr_vmas && !found; j++) {
			const struct gs_vma *v = &s->vmas[j];

			found = maps_exe(s, v) && at >= v->rec->start &&
				at < v->rec->end &&
				v->rec->file_offset + (at - v->rec->start) == off;
		}
		if (!found)
			return false;
	}
	return true;
}

int gs_load_bias(const struct gs_snapshot *s, const struct gs_elfimg *im,
		 uint64_t *bias, char *err, size_t errlen)
{
	uint64_t ps = s->hdr && s->hdr->page_size ? s->hdr->page_size : 4096;
	const struct gs_elfimg_seg *first = NULL;
	uint64_t found = 0, cand;
	unsigned int n = 0;
	size_t i;

	*bias = 0;
	if (!im->pie)
		return 0;
	if (ps & (ps - 1)) {
		snprintf(err, errlen, "page size %" PRIu64 " is not a power of two", ps);
		return -1;
	}
	for (i = 0; i < im->nr_seg; i++) {
		const struct gs_elfimg_seg *g = &im->seg[i];

		if ((g->vaddr - g->offset) & (ps - 1)) {
			snprintf(err, errlen,
				 "PIE segment at 0x%" PRIx64 " (file offset 0x%" PRIx64
				 ") is not page-aligned with its file offset: no load bias",
				 g->vaddr, g->offset);
			return -1;
		}
		if (!first && g->filesz)
			first = g;
	}
	if (!first) {
		snprintf(err, errlen, "PIE without a file-backed PT_LOAD: no load bias");
		return -1;
	}
	if (!s->exe || !s->exe[0]) {
		snprintf(err, errlen,
			 "PIE, and the snapshot names no executable: cannot tell where it was loaded");
		return -1;
	}
	/* every mapping of the first segment's page is a candidate */
	for (i = 0; i < s->nr_vmas; i++) {
		const struct gs_vma *v = &s->vmas[i];

		if (!maps_exe(s, v) || v->rec->file_offset != (first->offset & ~(ps - 1)))
			continue;
		cand = v->rec->start - (first->vaddr & ~(ps - 1));
		if (!placement_fits(s, im, ps, cand) || (n && cand == found))
			continue;
		found = cand;
		n++;
	}
	if (n == 1) {
		*bias = found;
		return 0;
	}
	if (!n)
		snprintf(err, errlen,
			 "PIE: no mapping of %s in the snapshot holds its PT_LOAD segments where they belong: cannot tell where it was loaded",
			 s->exe);
	else
		snprintf(err, errlen,
			 "PIE: %s is mapped %u times in the snapshot, each a whole placement: cannot tell which is the program's",
			 s->exe, n);
	return -1;
}
