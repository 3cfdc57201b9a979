// SPDX-License-Identifier: GPL-2.0
/*
 * The load image of an executable from its program headers; see
 * elfimg.h.
 */
#include "exe/elfimg.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void read_phdrs(struct gs_elfimg *im)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(im->elf, &n))
		return;
	for (i = 0; i < n && im->nr_seg < GS_ELFIMG_MAX_SEGS; i++) {
		struct gs_elfimg_seg *s = &im->seg[im->nr_seg];

		if (!gelf_getphdr(im->elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_GNU_RELRO) {
			im->relro_start = ph.p_vaddr;
			im->relro_end = ph.p_vaddr + ph.p_memsz;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		s->vaddr = ph.p_vaddr;
		s->memsz = ph.p_memsz;
		s->offset = ph.p_offset;
		s->flags = ph.p_flags;
		s->write = ph.p_flags & PF_W;
		s->exec = ph.p_flags & PF_X;
		/* A truncated file holds less than the header promises. */
		s->filesz = ph.p_filesz;
		if (ph.p_offset > im->len || ph.p_filesz > im->len - ph.p_offset) {
			s->truncated = true;
			s->filesz = ph.p_offset > im->len ? 0 : im->len - ph.p_offset;
		}
		im->nr_seg++;
	}
}

int gs_elfimg_open(struct gs_elfimg *im, const char *path, char *err,
		   size_t errlen)
{
	GElf_Ehdr eh;

	memset(im, 0, sizeof(*im));
	im->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	im->elf = elf_begin(im->fd, ELF_C_READ_MMAP, NULL);
	if (!im->elf || elf_kind(im->elf) != ELF_K_ELF ||
	    !gelf_getehdr(im->elf, &eh)) {
		snprintf(err, errlen, "%s: not an ELF file", path);
		gs_elfimg_close(im);
		return -1;
	}
	im->map = (const uint8_t *)elf_rawfile(im->elf, &im->len);
	if (!im->map) {
		snprintf(err, errlen, "%s: %s", path, elf_errmsg(-1));
		gs_elfimg_close(im);
		return -1;
	}
	im->pie = eh.e_type == ET_DYN;
	im->machine = eh.e_machine;
	im->elf64le = eh.e_ident[EI_CLASS] == ELFCLASS64 &&
		      eh.e_ident[EI_DATA] == ELFDATA2LSB;
	read_phdrs(im);
	return 0;
}

void gs_elfimg_close(struct gs_elfimg *im)
{
	if (im->elf)
		elf_end(im->elf);
	if (im->fd >= 0)
		close(im->fd);
	memset(im, 0, sizeof(*im));
	im->fd = -1;
}

const struct gs_elfimg_seg *gs_elfimg_seg_of(const struct gs_elfimg *im,
					     uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < im->nr_seg; i++)
		if (!im->seg[i].truncated && vaddr >= im->seg[i].vaddr &&
		    vaddr - im->seg[i].vaddr < im->seg[i].filesz)
			return &im->seg[i];
	return NULL;
}

const uint8_t *gs_elfimg_at(void *ctx, uint64_t vaddr, size_t len)
{
	const struct gs_elfimg *im = ctx;
	const struct gs_elfimg_seg *s = gs_elfimg_seg_of(im, vaddr);

	if (!s || len > s->filesz - (vaddr - s->vaddr))
		return NULL;
	return im->map + s->offset + (vaddr - s->vaddr);
}
