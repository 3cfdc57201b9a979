// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS slot of Go's g; see tlsg.h.
 */
#include <gelf.h>
#include <string.h>

#include "decode/tlsg.h"

#define TLS_MAX		(1ULL << 30)	/* a TLS block larger than this is damage */

bool gs_tlsg_offset(uint64_t memsz, uint64_t align, uint64_t value, int64_t *off)
{
	uint64_t size;

	if (!align)
		align = 1;
	if (memsz > TLS_MAX || align > TLS_MAX || (align & (align - 1)))
		return false;
	size = (memsz + align - 1) & ~(align - 1);
	if (value > size || size - value < 8)	/* the 8-byte slot inside the block */
		return false;
	*off = -(int64_t)(size - value);
	return true;
}

/* runtime.tlsg's st_value in .symtab; false if there is none. */
static bool find_tlsg(Elf *elf, uint64_t *value)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(d, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_TLS)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name && !strcmp(name, "runtime.tlsg")) {
				*value = sym.st_value;
				return true;
			}
		}
	}
	return false;
}

void gs_tlsg_find(const struct gs_elfimg *im, struct gs_tlsg *out)
{
	GElf_Phdr ph, tls = { 0 };
	bool have_tls = false;
	size_t i, n;
	uint64_t value;

	memset(out, 0, sizeof(*out));
	out->source = "no ELF";
	if (!im->elf || elf_getphdrnum(im->elf, &n))
		return;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(im->elf, (int)i, &ph) && ph.p_type == PT_TLS) {
			tls = ph;
			have_tls = true;
		}
	if (!have_tls) {
		out->source = "the executable has no PT_TLS";
		return;
	}
	if (find_tlsg(im->elf, &value)) {
		out->known = gs_tlsg_offset(tls.p_memsz, tls.p_align, value, &out->off);
		out->source = out->known ? "runtime.tlsg in PT_TLS" :
			      "runtime.tlsg lies outside PT_TLS";
		return;
	}
	if (tls.p_memsz <= 8) {
		/* Go's linker: the block is g alone */
		out->known = gs_tlsg_offset(tls.p_memsz, tls.p_align, 0, &out->off);
		out->source = "PT_TLS holds g alone";
		return;
	}
	out->source = "no runtime.tlsg symbol (stripped) and a PT_TLS shared with C";
}
