// SPDX-License-Identifier: GPL-2.0
/*
 * Build IDs of executables; see buildid.h.
 */
#include <ctype.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exe/buildid.h"

#define NOTE_TYPE_GO_BUILD_ID	4	/* Go's own build ID note ("Go\0\0") */

long gs_exe_build_id(const char *path, uint32_t kind, uint8_t *buf, size_t len)
{
	const char *name = kind == GOSNAP_BUILD_ID_GO ? "Go" : "GNU";
	uint32_t type = kind == GOSNAP_BUILD_ID_GO ? NOTE_TYPE_GO_BUILD_ID :
						     NT_GNU_BUILD_ID;
	size_t namesz = strlen(name) + 1;
	Elf_Scn *scn = NULL;
	long found = -1;
	Elf *elf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && found < 0 && (scn = elf_nextscn(elf, scn))) {
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
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

long gs_exe_any_build_id(const char *path, uint32_t *kind, uint8_t *buf,
			 size_t len)
{
	long n;

	*kind = GOSNAP_BUILD_ID_GNU;
	n = gs_exe_build_id(path, *kind, buf, len);
	if (n >= 0)
		return n;
	*kind = GOSNAP_BUILD_ID_GO;
	n = gs_exe_build_id(path, *kind, buf, len);
	if (n < 0)
		*kind = GOSNAP_BUILD_ID_NONE;
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
