// SPDX-License-Identifier: GPL-2.0
/*
 * The load image of an executable from its program headers; see
 * layout_elfimg.h.
 */
#include "layout/layout_elfimg.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_phdrs(struct gs_elfimg *im, char *err, size_t errlen)
{
	Elf *elf;
	size_t n, i;
	int ret = -1;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)im->map, im->len);
	if (!elf || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64) {
		snprintf(err, errlen, "not a 64-bit ELF file");
		goto end_elf;
	}
	if (elf_getphdrnum(elf, &n)) {
		snprintf(err, errlen, "no program headers: %s", elf_errmsg(-1));
		goto end_elf;
	}
	for (i = 0; i < n && im->nr_seg < GS_ELFIMG_MAX_SEGS; i++) {
		struct gs_elfimg_seg *s = &im->seg[im->nr_seg];
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		/* Bytes past the end of the file are not the program's. */
		if (ph.p_offset > im->len || ph.p_filesz > im->len - ph.p_offset)
			continue;
		s->vaddr = ph.p_vaddr;
		s->filesz = ph.p_filesz;
		s->offset = ph.p_offset;
		s->write = ph.p_flags & PF_W;
		s->exec = ph.p_flags & PF_X;
		im->nr_seg++;
	}
	if (!im->nr_seg)
		snprintf(err, errlen, "no loadable segment backed by the file");
	else
		ret = 0;
end_elf:
	if (elf)
		elf_end(elf);
	return ret;
}

int gs_elfimg_open(struct gs_elfimg *im, const char *path, char *err,
		   size_t errlen)
{
	struct stat st;
	void *map;
	int fd;

	memset(im, 0, sizeof(*im));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || st.st_size <= 0) {
		snprintf(err, errlen, "%s: empty or unreadable", path);
		close(fd);
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		return -1;
	}
	im->map = map;
	im->len = (size_t)st.st_size;
	if (read_phdrs(im, err, errlen)) {
		gs_elfimg_close(im);
		return -1;
	}
	return 0;
}

void gs_elfimg_close(struct gs_elfimg *im)
{
	if (im->map)
		munmap((void *)im->map, im->len);
	memset(im, 0, sizeof(*im));
}

const struct gs_elfimg_seg *gs_elfimg_seg_of(const struct gs_elfimg *im,
					     uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < im->nr_seg; i++)
		if (vaddr >= im->seg[i].vaddr &&
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
