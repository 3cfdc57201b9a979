// SPDX-License-Identifier: GPL-2.0
/*
 * The EMBED chunk (cli/exe/embed.c): built from this test's own executable,
 * recreated in a memory file, every section's bytes and the build ID equal
 * the original's as libelf reads them; damaged headers and extents, and
 * every truncation, refused without reading out of bounds.
 */
#include "exe/buildid.h"
#include "exe/embed.h"
#include "tap.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[512];

/* Sections of b that differ from a's (by name, type, size and bytes). */
static int compare_sections(const char *a, const char *b, int *nr)
{
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY), bad = 0;
	Elf *ea, *eb;
	Elf_Scn *sa = NULL, *sb = NULL;

	elf_version(EV_CURRENT);
	ea = elf_begin(fa, ELF_C_READ, NULL);
	eb = elf_begin(fb, ELF_C_READ, NULL);
	*nr = 0;
	if (!ea || !eb)
		return -1;
	while ((sa = elf_nextscn(ea, sa))) {
		GElf_Shdr ha, hb;
		Elf_Data *da, *db;

		sb = elf_nextscn(eb, sb);
		if (!sb || !gelf_getshdr(sa, &ha) || !gelf_getshdr(sb, &hb) ||
		    memcmp(&ha, &hb, sizeof(ha))) {
			bad++;
			continue;
		}
		(*nr)++;
		if (ha.sh_type == SHT_NOBITS)
			continue;
		da = elf_rawdata(sa, NULL);
		db = elf_rawdata(sb, NULL);
		if (!da || !db || da->d_size != db->d_size ||
		    memcmp(da->d_buf, db->d_buf, da->d_size))
			bad++;
	}
	elf_end(ea);
	elf_end(eb);
	close(fa);
	close(fb);
	return bad;
}

int main(void)
{
	uint8_t id_a[GOSNAP_BUILD_ID_MAX], id_b[GOSNAP_BUILD_ID_MAX];
	const char *self = "/proc/self/exe";
	struct gs_embed_hdr *h;
	struct gs_embed_extent *e;
	uint32_t kind_a, kind_b;
	char path[64];
	int fd, nr, bad;
	long na, nb;
	uint8_t *p;
	size_t len, cut, refused = 0;

	if (!ok(gs_embed_build(self, (void **)&p, &len, err, sizeof(err)) == 0,
		"embed built from this executable (%s)", err))
		return tap_done();
	h = (struct gs_embed_hdr *)p;
	e = (struct gs_embed_extent *)(h + 1);
	diag("%u extents, %zu payload bytes", h->nr_extents, len);
	ok(gs_embed_check(p, len, err, sizeof(err)) == h, "the payload checks (%s)", err);
	fd = gs_embed_materialize(p, len, err, sizeof(err));
	ok(fd >= 0, "recreated in a memory file (%s)", err);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ok(lseek(fd, 0, SEEK_END) == (off_t)h->exe_size && h->exe_size > 0,
	   "the recreated file has the executable's size (%llu)",
	   (unsigned long long)h->exe_size);
	bad = compare_sections(self, path, &nr);
	ok(bad == 0 && nr > 10, "every section header and section's bytes equal (%d sections, %d differ)",
	   nr, bad);
	na = gs_exe_any_build_id(self, &kind_a, id_a, sizeof(id_a));
	nb = gs_exe_any_build_id(path, &kind_b, id_b, sizeof(id_b));
	ok(na > 0 && na == nb && kind_a == kind_b && !memcmp(id_a, id_b, (size_t)na) &&
	   h->build_id_type == kind_a && h->build_id_size == (uint32_t)na &&
	   !memcmp(h->build_id, id_a, (size_t)na),
	   "the build ID is recorded and survives (%ld bytes, kind %u)", na, kind_a);
	close(fd);

	/* Every truncation is refused, or (past the extents) still bounded. */
	for (cut = 0; cut < len; cut += cut < 4096 ? 1 : 4093) {
		uint8_t *c = malloc(cut ? cut : 1);

		memcpy(c, p, cut);
		if (!gs_embed_check(c, cut, err, sizeof(err)))
			refused++;
		free(c);
	}
	ok(refused > 0 && !gs_embed_check(p, len - 1, err, sizeof(err)),
	   "truncated payloads are refused (%zu cuts refused; last: %s)", refused, err);

	e[1].data_offset = len;
	ok(!gs_embed_check(p, len, err, sizeof(err)), "an extent past the payload is refused (%s)", err);
	e[1].data_offset = e[2].data_offset;
	e[1].exe_offset = h->exe_size;
	ok(!gs_embed_check(p, len, err, sizeof(err)), "an extent past the executable is refused (%s)", err);
	e[1].exe_offset = 0;
	h->nr_extents = 0xffffffff;
	ok(!gs_embed_check(p, len, err, sizeof(err)), "an absurd extent count is refused (%s)", err);
	h->nr_extents = 3;
	h->version = 2;
	ok(!gs_embed_check(p, len, err, sizeof(err)), "another version is refused (%s)", err);
	h->version = GS_EMBED_VERSION;
	h->magic[0] ^= 1;
	ok(gs_embed_materialize(p, len, err, sizeof(err)) < 0, "a bad magic is refused (%s)", err);
	free(p);
	return tap_done();
}
