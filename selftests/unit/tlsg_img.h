/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small ELF for cli/decode/tlsg.c (test_tlsg.c, fuzz_tlsg.c): one
 * PT_TLS (p_memsz, p_align) and a .symtab whose one symbol, STT_TLS, is
 * name ("runtime.tlsg" or another 12-byte name) at value.
 */
#ifndef GOSNAP_TLSG_IMG_H
#define GOSNAP_TLSG_IMG_H

#include <elf.h>
#include <stdint.h>
#include <string.h>

#define TLSG_IMG	0x300u

static inline void tlsg_put(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A section header at index i of the table at 0x200. */
static inline void tlsg_shdr(uint8_t *img, int i, uint32_t name, uint32_t type,
			     uint64_t off, uint64_t size, uint32_t link,
			     uint64_t entsize)
{
	uint8_t *sh = img + 0x200 + 64 * i;

	tlsg_put(sh, name, 4);
	tlsg_put(sh + 4, type, 4);
	tlsg_put(sh + 24, off, 8);
	tlsg_put(sh + 32, size, 8);
	tlsg_put(sh + 40, link, 4);
	tlsg_put(sh + 44, type == SHT_SYMTAB ? 1 : 0, 4);	/* sh_info */
	tlsg_put(sh + 48, 8, 8);				/* sh_addralign */
	tlsg_put(sh + 56, entsize, 8);
}

static inline void tlsg_img(uint8_t *img, uint64_t memsz, uint64_t align,
			    const char *name, uint64_t value)
{
	static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab";
	uint8_t *ph = img + 64, *sym = img + 0x100 + 24;

	memset(img, 0, TLSG_IMG);
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	tlsg_put(img + 16, ET_EXEC, 2);
	tlsg_put(img + 18, EM_X86_64, 2);
	tlsg_put(img + 20, EV_CURRENT, 4);
	tlsg_put(img + 32, 64, 8);		/* e_phoff */
	tlsg_put(img + 40, 0x200, 8);		/* e_shoff */
	tlsg_put(img + 52, 64, 2);		/* e_ehsize */
	tlsg_put(img + 54, 56, 2);		/* e_phentsize */
	tlsg_put(img + 56, 1, 2);		/* e_phnum */
	tlsg_put(img + 58, 64, 2);		/* e_shentsize */
	tlsg_put(img + 60, 4, 2);		/* e_shnum */
	tlsg_put(img + 62, 3, 2);		/* e_shstrndx */
	tlsg_put(ph, PT_TLS, 4);
	tlsg_put(ph + 8, 0x100, 8);		/* p_offset */
	tlsg_put(ph + 16, 0x1000, 8);		/* p_vaddr */
	tlsg_put(ph + 32, 0x10, 8);		/* p_filesz */
	tlsg_put(ph + 40, memsz, 8);
	tlsg_put(ph + 48, align, 8);
	tlsg_put(sym, 1, 4);			/* st_name */
	sym[4] = STT_TLS;			/* st_info: local TLS */
	tlsg_put(sym + 6, 1, 2);		/* st_shndx */
	tlsg_put(sym + 8, value, 8);
	tlsg_put(sym + 16, 8, 8);
	memcpy(img + 0x141, name, strnlen(name, 12));
	memcpy(img + 0x160, shstr, sizeof(shstr));
	tlsg_shdr(img, 1, 1, SHT_SYMTAB, 0x100, 48, 2, 24);
	tlsg_shdr(img, 2, 9, SHT_STRTAB, 0x140, 14, 0, 0);
	tlsg_shdr(img, 3, 17, SHT_STRTAB, 0x160, sizeof(shstr), 0, 0);
}

#endif /* GOSNAP_TLSG_IMG_H */
