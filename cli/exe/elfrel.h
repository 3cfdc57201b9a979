/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dynamic relocations of a PIE that land in its PT_GNU_RELRO range:
 * the words the dynamic loader rewrites before making that range
 * read-only. Go puts type data, itabs and go:func.* there in a PIE, and
 * no snapshot copies it (it is not writable when captured), so the
 * decoders read it from the file: a word with an R_X86_64_RELATIVE
 * relocation holds addend + load bias in the process, and a word with
 * any other relocation (a symbol the loader bound) cannot be known from
 * the file at all.
 *
 * Read from PT_DYNAMIC (DT_RELA, DT_RELASZ, DT_JMPREL, DT_PLTRELSZ), not
 * from section headers, so stripped binaries work too.
 */
#ifndef GOSNAP_ELFREL_H
#define GOSNAP_ELFREL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exe/elfimg.h"

struct gs_reloc {
	uint64_t	vaddr;		/* the word relocated (link-time) */
	uint64_t	addend;		/* RELATIVE: the link-time value */
	bool		relative;	/* R_X86_64_RELATIVE; else unknowable */
};

struct gs_relro {
	uint64_t	start, end;	/* PT_GNU_RELRO, link-time; 0, 0 if none */
	struct gs_reloc	*r;		/* in [start, end), ascending by vaddr */
	size_t		n;
	bool		usable;		/* false: relocations we cannot read
					 * (DT_REL, DT_RELR, a damaged table) */
	char		why[160];	/* why not usable */
};

/* Collect im's relocations inside its RELRO range. -1 only out of memory. */
int gs_relro_load(const struct gs_elfimg *im, struct gs_relro *rr);
void gs_relro_free(struct gs_relro *rr);

/*
 * Patch the file bytes buf, a copy of [vaddr, vaddr + len) link-time,
 * into what the process holds at bias: every RELATIVE word inside is
 * addend + bias. false if a word with another relocation overlaps.
 */
bool gs_relro_apply(const struct gs_relro *rr, uint64_t vaddr, uint8_t *buf,
		    size_t len, uint64_t bias);

#endif /* GOSNAP_ELFREL_H */
