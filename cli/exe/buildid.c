// SPDX-License-Identifier: GPL-2.0
/*
 * Build IDs of executables; see buildid.h.
 */
#include <ctype.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

#include "exe/buildid.h"
#include "exe/elfimg.h"

#define NOTE_TYPE_GO_BUILD_ID	4	/* Go's own build ID note ("Go\0\0") */

long gs_elfimg_build_id(const struct gs_elfimg *im, uint32_t kind,
			uint8_t *buf, size_t len)
{
	const char *name = kind == GOSNAP_BUILD_ID_GO ? "Go" : "GNU";
	uint32_t type = kind == GOSNAP_BUILD_ID_GO ? NOTE_TYPE_GO_BUILD_ID :
						     NT_GNU_BUILD_ID;
	size_t namesz = strlen(name) + 1;
	Elf_Scn *scn = NULL;
	long found = -1;

	while (im->elf && found < 0 && (scn = elf_nextscn(im->elf, scn))) {
		size_t off = 0, noff, doff;
		Elf_Data *data;
		GElf_Shdr sh;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			/* Go pads its note name: "Go\0\0". */
			if (nh.n_type != type || nh.n_namesz < namesz ||
			    memcmp((char *)data->d_buf + noff, name, namesz) ||
			    nh.n_descsz > len)
				continue;
			memcpy(buf, (char *)data->d_buf + doff, nh.n_descsz);
			found = nh.n_descsz;
			break;
		}
	}
	return found;
}

long gs_elfimg_any_build_id(const struct gs_elfimg *im, uint32_t *kind,
			    uint8_t *buf, size_t len)
{
	long n;

	*kind = GOSNAP_BUILD_ID_GNU;
	n = gs_elfimg_build_id(im, *kind, buf, len);
	if (n >= 0)
		return n;
	*kind = GOSNAP_BUILD_ID_GO;
	n = gs_elfimg_build_id(im, *kind, buf, len);
	if (n < 0)
		*kind = GOSNAP_BUILD_ID_NONE;
	return n;
}

long gs_exe_any_build_id(const char *path, uint32_t *kind, uint8_t *buf,
			 size_t len)
{
	struct gs_elfimg im;
	char err[256];
	long n;

	*kind = GOSNAP_BUILD_ID_NONE;
	if (gs_elfimg_open(&im, path, err, sizeof(err)))
		return -1;
	n = gs_elfimg_any_build_id(&im, kind, buf, len);
	gs_elfimg_close(&im);
	return n;
}

void gs_build_id_str(uint32_t kind, const uint8_t *id, size_t n, char *buf,
		     size_t len)
{
	size_t i, used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (!n) {
		snprintf(buf, len, "none");
		return;
	}
	for (i = 0; i < n; i++) {
		int w;

		if (kind == GOSNAP_BUILD_ID_GO)
			w = snprintf(buf + used, len - used,
				     isprint(id[i]) ? "%c" : "\\x%02x", id[i]);
		else
			w = snprintf(buf + used, len - used, "%02x", id[i]);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = '\0';	/* cut short, not mid-escape */
			break;
		}
		used += (size_t)w;
	}
}
