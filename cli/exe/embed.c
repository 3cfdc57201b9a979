// SPDX-License-Identifier: GPL-2.0
/*
 * The EMBED chunk: building it from an executable, checking it, and
 * recreating the executable from it; see embed.h and docs/format.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exe/buildid.h"
#include "exe/elfimg.h"
#include "exe/embed.h"

struct extent_list {
	struct gs_embed_extent	*v;
	size_t			n, cap;
};

static int add_extent(struct extent_list *l, const char *name, uint64_t off,
		      uint64_t size, uint64_t file_size)
{
	struct gs_embed_extent *e;

	if (!size)
		return 0;
	if (off > file_size || size > file_size - off)
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;

		e = realloc(l->v, cap * sizeof(*e));
		if (!e)
			return -1;
		l->v = e;
		l->cap = cap;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->exe_offset = off;
	e->size = size;
	return 0;
}

/*
 * What decoders need: the headers and every section with bytes. Code
 * comes too: `go` checks each global the symbol table names against the
 * instructions that use it, and stripped binaries are decoded through it.
 * Left out: padding between sections, and whatever no section covers.
 */
static int list_extents(Elf *elf, uint64_t file_size, struct extent_list *l,
			char *err, size_t errlen)
{
	size_t phnum = 0, shnum = 0, shstrndx = 0;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &phnum) ||
	    elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx)) {
		snprintf(err, errlen, "not an ELF executable: %s", elf_errmsg(-1));
		return -1;
	}
	if (add_extent(l, "[elf header]", 0, eh.e_ehsize, file_size) ||
	    add_extent(l, "[program headers]", eh.e_phoff,
			(uint64_t)phnum * eh.e_phentsize, file_size) ||
	    add_extent(l, "[section headers]", eh.e_shoff,
			(uint64_t)shnum * eh.e_shentsize, file_size))
		goto bad;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (add_extent(l, name ? name : "?", sh.sh_offset, sh.sh_size,
			       file_size))
			goto bad;
	}
	if (l->n > GS_EMBED_MAX_EXTENTS) {
		snprintf(err, errlen, "%zu sections: more than an EMBED chunk holds", l->n);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "a section lies outside the file, or out of memory");
	return -1;
}

static int fill_payload(const struct extent_list *l, const uint8_t *file,
			uint64_t file_size, const struct gs_elfimg *im, void **out,
			size_t *len)
{
	uint64_t total = sizeof(struct gs_embed_hdr) + l->n * sizeof(*l->v);
	struct gs_embed_hdr *h;
	uint8_t *p;
	size_t i;

	for (i = 0; i < l->n; i++) {
		total = (total + 7) & ~7ULL;
		l->v[i].data_offset = total;
		total += l->v[i].size;
	}
	p = calloc(1, total);
	if (!p)
		return -1;
	h = (struct gs_embed_hdr *)p;
	memcpy(h->magic, GS_EMBED_MAGIC, sizeof(h->magic));
	h->version = GS_EMBED_VERSION;
	h->nr_extents = (uint32_t)l->n;
	h->exe_size = file_size;
	{
		long n = gs_elfimg_any_build_id(im, &h->build_id_type,
						h->build_id, sizeof(h->build_id));

		h->build_id_size = n > 0 ? (uint32_t)n : 0;
	}
	memcpy(p + sizeof(*h), l->v, l->n * sizeof(*l->v));
	for (i = 0; i < l->n; i++)
		memcpy(p + l->v[i].data_offset, file + l->v[i].exe_offset, l->v[i].size);
	*out = p;
	*len = total;
	return 0;
}

int gs_embed_build_image(const struct gs_elfimg *im, const char *path,
			 void **out, size_t *len, char *err, size_t errlen)
{
	struct extent_list l = { 0 };
	Elf *elf;
	int ret = -1;

	if (!im->map) {
		snprintf(err, errlen, "%s: not an ELF file", path);
		return -1;
	}
	/*
	 * A fresh libelf view of the same mapping: libdw decompresses
	 * SHF_COMPRESSED sections in place, after which im->elf's section
	 * headers give sizes that are not the file's.
	 */
	elf = elf_memory((char *)im->map, im->len);
	if (!elf) {
		snprintf(err, errlen, "%s: %s", path, elf_errmsg(-1));
		return -1;
	}
	if (list_extents(elf, im->len, &l, err, errlen)) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	if (fill_payload(&l, im->map, im->len, im, out, len)) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	ret = 0;
out:
	elf_end(elf);
	free(l.v);
	return ret;
}

int gs_embed_build(const char *path, void **out, size_t *len, char *err,
		   size_t errlen)
{
	struct gs_elfimg im;
	int ret;

	if (gs_elfimg_open(&im, path, err, errlen))
		return -1;
	ret = gs_embed_build_image(&im, path, out, len, err, errlen);
	gs_elfimg_close(&im);
	return ret;
}

const struct gs_embed_hdr *gs_embed_check(const void *payload, size_t len,
					  char *err, size_t errlen)
{
	const struct gs_embed_hdr *h = payload;
	const struct gs_embed_extent *e;
	uint32_t i;

	if (len < sizeof(*h) || memcmp(h->magic, GS_EMBED_MAGIC, sizeof(h->magic))) {
		snprintf(err, errlen, "embedded executable: no EMBED header");
		return NULL;
	}
	if (h->version != GS_EMBED_VERSION) {
		snprintf(err, errlen, "embedded executable: version %u (this reader knows %u)",
			 h->version, (unsigned int)GS_EMBED_VERSION);
		return NULL;
	}
	if (h->nr_extents > GS_EMBED_MAX_EXTENTS || h->exe_size > GS_EMBED_MAX_EXE ||
	    h->build_id_size > sizeof(h->build_id) ||
	    (len - sizeof(*h)) / sizeof(*e) < h->nr_extents) {
		snprintf(err, errlen, "embedded executable: header out of bounds");
		return NULL;
	}
	e = (const struct gs_embed_extent *)(h + 1);
	for (i = 0; i < h->nr_extents; i++) {
		if (e[i].exe_offset > h->exe_size ||
		    e[i].size > h->exe_size - e[i].exe_offset ||
		    e[i].data_offset > len || e[i].size > len - e[i].data_offset) {
			snprintf(err, errlen, "embedded executable: extent %u (%.*s) out of bounds",
				 i, GS_EMBED_NAME_LEN, e[i].name);
			return NULL;
		}
	}
	return h;
}

uint64_t gs_embed_stored_bytes(const struct gs_embed_hdr *h)
{
	const struct gs_embed_extent *e = (const struct gs_embed_extent *)(h + 1);
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < h->nr_extents; i++)
		sum += e[i].size;
	return sum;
}

static int write_all(int fd, const uint8_t *p, uint64_t n, uint64_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (uint64_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

int gs_embed_materialize(const void *payload, size_t len, char *err,
			 size_t errlen)
{
	const struct gs_embed_hdr *h = gs_embed_check(payload, len, err, errlen);
	const struct gs_embed_extent *e;
	uint32_t i;
	int fd;

	if (!h)
		return -1;
	e = (const struct gs_embed_extent *)(h + 1);
	/* What was left out reads as zeros: the file is sparse. */
	fd = memfd_create("gosnap-embedded-exe", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)h->exe_size)) {
		snprintf(err, errlen, "embedded executable: memfd: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < h->nr_extents; i++) {
		if (write_all(fd, (const uint8_t *)payload + e[i].data_offset,
			      e[i].size, e[i].exe_offset)) {
			snprintf(err, errlen, "embedded executable: write: %s",
				 strerror(errno));
			goto fail;
		}
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}
