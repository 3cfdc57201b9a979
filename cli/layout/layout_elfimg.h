/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An executable's load image, read through its PT_LOAD program headers
 * only (so it works on binaries whose section headers were stripped): the
 * bytes the kernel would map at each link-time address. Used by the
 * type-descriptor and table layout sources to read moduledata, type
 * descriptors and initialised data without DWARF or symbols.
 */
#ifndef GOSNAP_LAYOUT_ELFIMG_H
#define GOSNAP_LAYOUT_ELFIMG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GS_ELFIMG_MAX_SEGS	16

struct gs_elfimg_seg {
	uint64_t	vaddr;
	uint64_t	filesz;		/* bytes backed by the file */
	uint64_t	offset;
	bool		write, exec;
};

struct gs_elfimg {
	const uint8_t	*map;		/* the whole file, read-only */
	size_t		len;
	struct gs_elfimg_seg seg[GS_ELFIMG_MAX_SEGS];
	size_t		nr_seg;
};

/* 0, or -1 with a message in err. */
int gs_elfimg_open(struct gs_elfimg *im, const char *path, char *err,
		   size_t errlen);
void gs_elfimg_close(struct gs_elfimg *im);

/*
 * len file-backed bytes at vaddr, or NULL if any is not. The signature
 * matches gs_vmem_fn (buildinfo.h): ctx is the struct gs_elfimg.
 */
const uint8_t *gs_elfimg_at(void *ctx, uint64_t vaddr, size_t len);

/* The segment holding vaddr's file bytes, or NULL. */
const struct gs_elfimg_seg *gs_elfimg_seg_of(const struct gs_elfimg *im,
					     uint64_t vaddr);

#endif /* GOSNAP_LAYOUT_ELFIMG_H */
