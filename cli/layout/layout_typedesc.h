/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout source 2: the runtime type descriptors every Go binary carries,
 * stripped or not (abi.Type, runtime._type before go1.21; the same layout
 * on amd64 from go1.19 to go1.26). firstmoduledata is found by the word
 * that points at the pclntab header, its types/etypes bounds are read at
 * the offsets the per-release table gives (layout_table.h), and every
 * descriptor in [types, etypes) is indexed by its name, spelled the way
 * DWARF spells it ("runtime/internal/atomic.Uint32", "[]*runtime.mspan").
 * This does not depend on moduledata.typelinks (gone in go1.26): the
 * types section is scanned, and each candidate is validated (kind, size,
 * alignment, name, and for structs every field's descriptor).
 *
 * A struct answers field offsets, sizes and type names; any type answers
 * its size. Stripped binaries carry descriptors for runtime.g, m, p,
 * mspan, mcache, gcWork, workbuf, gobuf, stack, moduledata and whatever
 * else a descriptor references; not for mheap, heapArena, schedt, mstats.
 */
#ifndef GOSNAP_LAYOUT_TYPEDESC_H
#define GOSNAP_LAYOUT_TYPEDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exe/buildinfo.h"
#include "layout/layout.h"
#include "exe/elfimg.h"

struct gs_typedesc;

/*
 * Index the descriptors in [types, etypes), reading through read/ctx.
 * NULL with a message in err when none is found or memory runs out.
 */
struct gs_typedesc *gs_typedesc_parse(gs_vmem_fn read, void *ctx,
				      uint64_t types, uint64_t etypes,
				      char *err, size_t errlen);
void gs_typedesc_free(struct gs_typedesc *td);

/* Named types indexed, and the i-th name (sorted) with its address. */
size_t gs_typedesc_count(const struct gs_typedesc *td);
const char *gs_typedesc_name_at(const struct gs_typedesc *td, size_t i,
				uint64_t *addr);

bool gs_typedesc_size(const struct gs_typedesc *td, const char *type,
		      uint64_t *size);
bool gs_typedesc_field(const struct gs_typedesc *td, const char *type,
		       const char *field, struct gs_field *out);
/*
 * The type whose descriptor is at addr (inside [types, etypes)): its
 * name the way DWARF spells it, and its size; false if addr holds no
 * plausible descriptor.
 */
bool gs_typedesc_type_at(const struct gs_typedesc *td, uint64_t addr,
			 char *name, size_t namelen, uint64_t *size);
/* The i-th field of a struct type, its name into name: false past the end. */
bool gs_typedesc_field_at(const struct gs_typedesc *td, const char *type,
			  size_t i, char *name, size_t namelen,
			  struct gs_field *out);

/*
 * firstmoduledata in an image: the 8-aligned word of a writable segment
 * equal to pclntab whose neighbours are the moduledata's pclntab slices
 * and text bounds. 0 and *addr, or -1 with a message.
 */
int gs_moduledata_find(const struct gs_elfimg *im, uint64_t pclntab,
		       uint64_t *addr, char *err, size_t errlen);
/*
 * [types, etypes) of the moduledata at md, with the field offsets of the
 * table for go_version, else of every table until one validates. *how
 * names the table used. 0 or -1 with a message.
 */
int gs_moduledata_types(const struct gs_elfimg *im, uint64_t md,
			const char *go_version, uint64_t *types,
			uint64_t *etypes, const char **how, char *err,
			size_t errlen);

/* What the typedesc source found, for `gosnap-cli layout`. */
struct gs_typedesc_info {
	uint64_t	pclntab;
	uint64_t	moduledata;
	uint64_t	types, etypes;
	const char	*offsets_from;	/* table key whose offsets fit */
	size_t		nr_named;
	char		go_version[128];
};

struct gs_exe;

/*
 * Index exe's descriptors (exe is borrowed: it must outlive the index):
 * NULL with a message in err when the binary has none usable. info may
 * be NULL.
 */
struct gs_typedesc *gs_typedesc_open(struct gs_exe *exe,
				     struct gs_typedesc_info *info,
				     char *err, size_t errlen);
/* Add td as a layout source (l takes it, even on failure): 0 or -1. */
int gs_layout_add_typedesc_index(struct gs_layout *l, struct gs_typedesc *td);
/* Both: 0, 1 when the binary has no usable descriptors (err says why). */
int gs_layout_add_typedesc(struct gs_layout *l, struct gs_exe *exe,
			   char *err, size_t errlen);

#endif /* GOSNAP_LAYOUT_TYPEDESC_H */
