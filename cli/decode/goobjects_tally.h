/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counting behind goobjects.c: groups found by their key, and the
 * type descriptors already named, each in a hash table of its own.
 * Bounded: a corrupt snapshot may point headers anywhere.
 */
#ifndef GOSNAP_GOOBJECTS_TALLY_H
#define GOSNAP_GOOBJECTS_TALLY_H

#include "decode/goobjects_group.h"
#include "layout/layout.h"

#define GO_MAX_GROUPS	(1U << 20)
#define GO_MAX_TYPES	(1U << 20)

struct go_type {
	uint64_t	addr;
	bool		ok;		/* a descriptor the layout could name */
	uint64_t	size;
	char		name[GS_TYPE_NAME_MAX];
};

struct go_tally;

struct go_tally *go_tally_new(void);
void go_tally_free(struct go_tally *t);

/*
 * The group of key's identity (typed: src, type, array; untyped: src,
 * sizeclass, noscan, elemsize), added with key's other fields when new.
 * NULL when out of memory or past GO_MAX_GROUPS.
 */
struct go_group *go_tally_group(struct go_tally *t, const struct go_group *key);
/* The descriptor at addr, named once through l; NULL when out of memory. */
const struct go_type *go_tally_type(struct go_tally *t, struct gs_layout *l,
				    uint64_t addr);
/* The groups, by bytes descending (the caller frees them); t is emptied. */
struct go_group *go_tally_take(struct go_tally *t, size_t *nr);

#endif /* GOSNAP_GOOBJECTS_TALLY_H */
