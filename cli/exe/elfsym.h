/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functions of one executable, from its ELF .symtab or, when it is
 * stripped, from Go's .gopclntab; and the mapping from a function (or any
 * address) to the file offset a uprobe is armed at.
 *
 * File offsets come from the PT_LOAD program headers only: they are what
 * the kernel maps, and they work for PIE (ET_DYN) binaries, whose link-time
 * addresses are then offsets from the load base. Section headers are used
 * only to find tables by name; when they are gone (sstrip) the pclntab and
 * build info are found by scanning the loaded segments for their magic.
 *
 * Lifetime: every string and struct returned points into the open table
 * or the image it was loaded from (exe/elfimg.h, mapped read-only), and
 * is valid until gs_symtab_close() and while the image stays open. Open
 * one through gs_exe_symtab() (exe/exe.h), which also settles the Go
 * version.
 * Not thread-safe for concurrent close; reads may be shared.
 */
#ifndef GOSNAP_ELFSYM_H
#define GOSNAP_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

#include "exe/elfimg.h"
#include "exe/goversion.h"
#include "exe/pclntab.h"

#define GS_NO_FILE_OFF	UINT64_MAX	/* address not backed by file bytes */

enum gs_symsrc {
	GS_SYMSRC_AUTO,		/* .symtab if it has functions, else pclntab */
	GS_SYMSRC_SYMTAB,	/* .symtab only; error if absent */
	GS_SYMSRC_PCLNTAB,	/* pclntab only, even if .symtab exists */
};

struct gs_func {
	const char *name;	/* as the source spells it: .symtab keeps ABI
				 * suffixes ("runtime.gogo.abi0"), pclntab not */
	uint64_t entry;		/* link-time virtual address */
	uint64_t size;		/* .symtab: st_size; pclntab: up to the next
				 * function's entry (includes padding) */
	uint64_t file_off;	/* of entry, or GS_NO_FILE_OFF */
	long pcln_index;	/* this function in gs_symtab_pclntab(), or -1 */
};

struct gs_symtab;

/*
 * The function table of the image (path names it in messages). The Go
 * version is not set yet: see gs_symtab_set_goversion(). NULL with a
 * message in err on failure.
 */
struct gs_symtab *gs_symtab_load(const struct gs_elfimg *im, const char *path,
				 enum gs_symsrc src, char *err, size_t errlen);
void gs_symtab_close(struct gs_symtab *st);

/*
 * Fill the version sources this table reads (.go.buildinfo section, the
 * build info magic, runtime.buildVersion through .symtab) and the pclntab
 * bound, into v (zeroed by the caller).
 */
void gs_symtab_version_sources(const struct gs_symtab *st,
			       struct gs_goversion *v);
/* Record the settled version of the executable (a copy). */
void gs_symtab_set_goversion(struct gs_symtab *st, const struct gs_goversion *v);

/* "symtab" or "pclntab": where the function list came from. */
const char *gs_symtab_source(const struct gs_symtab *st);
/* Go version ("go1.19.8") from build info or runtime.buildVersion; or NULL. */
const char *gs_symtab_go_version(const struct gs_symtab *st);
/* Every source's answer, where the chosen one came from, disagreements. */
const struct gs_goversion *gs_symtab_goversion(const struct gs_symtab *st);

/* Functions, ascending by entry (ties by name). */
size_t gs_symtab_count(const struct gs_symtab *st);
const struct gs_func *gs_symtab_func(const struct gs_symtab *st, size_t i);

/*
 * The function named name. A name also matches its ABI0 twin: "runtime.foo"
 * finds "runtime.foo.abi0" and back. When a name has two bodies (an
 * assembly function and the ABI wrapper the linker made for it), the one
 * written in assembly is returned: every call ends up there. NULL if none.
 */
const struct gs_func *gs_symtab_find_name(const struct gs_symtab *st,
					  const char *name);
/* The function whose [entry, entry+size) holds vaddr, or NULL. */
const struct gs_func *gs_symtab_find_addr(const struct gs_symtab *st,
					  uint64_t vaddr);

/*
 * Resolve spec: "name", "name+OFF" (OFF decimal or 0x hex, inside the
 * function), or an address "0x4011c0" (inside an executable segment).
 * Fills the virtual address and its file offset. Returns 0, or -1 with a
 * message in err.
 */
int gs_symtab_resolve(const struct gs_symtab *st, const char *spec,
		      uint64_t *vaddr, uint64_t *file_off,
		      char *err, size_t errlen);

/* File offset of vaddr through PT_LOAD; GS_NO_FILE_OFF if not in the file. */
uint64_t gs_symtab_file_off(const struct gs_symtab *st, uint64_t vaddr);

/*
 * The binary's pclntab, decoded (for stack walking: pcsp/pcln tables),
 * whatever the function source; NULL if it has none or it did not parse
 * (then gs_symtab_pclntab_error() says why).
 */
const struct gs_pclntab *gs_symtab_pclntab(const struct gs_symtab *st);
const char *gs_symtab_pclntab_error(const struct gs_symtab *st);
/* Virtual address of the pclntab header (0 if none). */
uint64_t gs_symtab_pclntab_vaddr(const struct gs_symtab *st);

#endif /* GOSNAP_ELFSYM_H */
