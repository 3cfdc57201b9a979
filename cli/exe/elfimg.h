/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An executable's load image: the file opened once, mapped once (by
 * libelf), and its PT_LOAD program headers, so readers work on binaries
 * whose section headers were stripped: the bytes the kernel would map at
 * each link-time address. Every reader of the executable (symbols,
 * pclntab, build id, globals, DWARF, type descriptors, the target's
 * read-only memory) borrows this one image; see exe/exe.h.
 */
#ifndef GOSNAP_ELFIMG_H
#define GOSNAP_ELFIMG_H

#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GS_ELFIMG_MAX_SEGS	16

struct gs_elfimg_seg {
	uint64_t	vaddr;
	uint64_t	filesz;		/* bytes backed by the file (clipped) */
	uint64_t	offset;
	bool		write, exec;
	bool		truncated;	/* the file holds less than p_filesz */
	uint64_t	memsz;
	uint32_t	flags;		/* PF_X | PF_W | PF_R */
};

struct gs_elfimg {
	const uint8_t	*map;		/* the whole file, read-only */
	size_t		len;
	struct gs_elfimg_seg seg[GS_ELFIMG_MAX_SEGS];	/* PT_LOAD, file order */
	size_t		nr_seg;
	int		fd;		/* -1 when not opened from a file */
	Elf		*elf;		/* libelf over fd (owns the mapping) */
	bool		pie;		/* ET_DYN: addresses are link-time */
	uint16_t	machine;	/* e_machine */
	bool		elf64le;	/* ELFCLASS64, little-endian */
	uint64_t	relro_start;	/* PT_GNU_RELRO, or 0 */
	uint64_t	relro_end;
};

/*
 * Open path: one open(), one mapping. 0, or -1 with a message in err
 * (a file that is not ELF is an error; one without PT_LOADs is not).
 */
int gs_elfimg_open(struct gs_elfimg *im, const char *path, char *err,
		   size_t errlen);
void gs_elfimg_close(struct gs_elfimg *im);

/*
 * len file-backed bytes at vaddr, or NULL if any is not. Segments the
 * file holds only part of are left out. The signature matches gs_vmem_fn
 * (buildinfo.h): ctx is the struct gs_elfimg.
 */
const uint8_t *gs_elfimg_at(void *ctx, uint64_t vaddr, size_t len);

/* The whole segment holding vaddr's file bytes, or NULL. */
const struct gs_elfimg_seg *gs_elfimg_seg_of(const struct gs_elfimg *im,
					     uint64_t vaddr);

#endif /* GOSNAP_ELFIMG_H */
