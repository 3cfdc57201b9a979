// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the type-descriptor layout source
 * (cli/layout/layout_typedesc.c): whatever the bytes of a types section or a
 * data segment, indexing, every lookup and every field walk either fails
 * or returns answers, without reading outside the input or looping.
 *
 * The first byte picks the mode:
 *   even: the rest is a types section at FAKE_TYPES;
 *   odd:  the rest is one read-write-exec segment searched for a
 *         moduledata pointing at a pclntab given by the next two bytes,
 *         and, when one validates, its types section is indexed too.
 * A named struct descriptor is planted at the start of the even mode's
 * section when the input is long enough, so that field walks start from
 * something that indexes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exe/elfimg.h"
#include "layout/layout_typedesc.h"

#define FAKE_TYPES	0x480000u
#define FAKE_SEG	0x400000u

struct buf {
	const uint8_t	*data;
	size_t		len;
	uint64_t	base;
};

static const uint8_t *buf_read(void *ctx, uint64_t vaddr, size_t len)
{
	const struct buf *b = ctx;

	if (vaddr < b->base || vaddr - b->base > b->len ||
	    len > b->len - (vaddr - b->base))
		return NULL;
	return b->data + (vaddr - b->base);
}

static void walk(struct gs_typedesc *td)
{
	char name[256];
	struct gs_field f;
	uint64_t size;
	size_t i, k;

	if (!td)
		return;
	for (i = 0; i < gs_typedesc_count(td) && i < 64; i++) {
		const char *tn = gs_typedesc_name_at(td, i, NULL);

		gs_typedesc_size(td, tn, &size);
		for (k = 0; k < 64 && gs_typedesc_field_at(td, tn, k, name,
							   sizeof(name), &f); k++)
			gs_typedesc_field(td, tn, name, &f);
		gs_typedesc_field(td, tn, "nosuchfield", &f);
	}
	gs_typedesc_size(td, "runtime.g", &size);
	gs_typedesc_field(td, "runtime.g", "goid", &f);
}

/* A named struct "runtime.x" with its fields slice pointing at byte 128. */
static void plant(uint8_t *d, size_t len)
{
	static const char name[] = "\x01\x09runtime.x";
	uint64_t fields = FAKE_TYPES + 128, nf = (len - 128) / 24;

	if (nf > 8)
		nf = 8;
	memset(d, 0, 80);
	d[0] = 64;				/* size */
	d[20] = 0x04;				/* tflag: named */
	d[21] = d[22] = 8;			/* align */
	d[23] = 25;				/* struct */
	d[40] = 96;				/* str at types + 96 */
	for (int i = 0; i < 8; i++) {
		d[56 + i] = (uint8_t)(fields >> (8 * i));
		d[64 + i] = d[72 + i] = (uint8_t)(nf >> (8 * i));
	}
	memcpy(d + 96, name, sizeof(name) - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	uint8_t *copy;
	struct gs_typedesc *td;

	if (size < 4)
		return 0;
	copy = malloc(size - 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (!(data[0] & 1)) {
		struct buf b = { copy, size - 1, FAKE_TYPES };

		if (b.len >= 128 + 24)
			plant(copy, b.len);
		td = gs_typedesc_parse(buf_read, &b, FAKE_TYPES, FAKE_TYPES + b.len,
				       err, sizeof(err));
		walk(td);
		gs_typedesc_free(td);
	} else {
		struct gs_elfimg im = { .map = copy, .len = size - 1, .nr_seg = 1 };
		uint64_t pcln = FAKE_SEG + (data[1] | (uint64_t)data[2] << 8) % (size - 1);
		uint64_t md, types, etypes;
		const char *how;

		im.seg[0] = (struct gs_elfimg_seg){
			.vaddr = FAKE_SEG, .filesz = size - 1, .write = true, .exec = true,
		};
		if (!gs_moduledata_find(&im, pcln, &md, err, sizeof(err)) &&
		    !gs_moduledata_types(&im, md, "go1.22.0", &types, &etypes, &how,
					 err, sizeof(err))) {
			td = gs_typedesc_parse(gs_elfimg_at, &im, types, etypes, err,
					       sizeof(err));
			walk(td);
			gs_typedesc_free(td);
		}
	}
	free(copy);
	return 0;
}
