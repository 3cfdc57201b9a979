/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executable's data symbols (STT_OBJECT of .symtab): which global a
 * data or bss address belongs to, to name the roots of the object graph
 * ("main.cache"). A stripped executable has none; callers then name an
 * address by its section offset.
 */
#ifndef GOSNAP_DATASYMS_H
#define GOSNAP_DATASYMS_H

#include <stddef.h>
#include <stdint.h>

#include "exe/elfimg.h"

struct gs_datasym {
	uint64_t	addr, size;	/* link-time */
	const char	*name;		/* in the ELF string table */
};

struct gs_datasyms {
	struct gs_datasym *v;		/* by addr */
	size_t		n;
};

/* Load im's data symbols; 0 (none is not an error), -1 out of memory. */
int gs_datasyms_load(const struct gs_elfimg *im, struct gs_datasyms *ds);
void gs_datasyms_free(struct gs_datasyms *ds);

/* The symbol holding link-time address addr, or NULL. */
const struct gs_datasym *gs_datasyms_find(const struct gs_datasyms *ds,
					  uint64_t addr);

#endif /* GOSNAP_DATASYMS_H */
