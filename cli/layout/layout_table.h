/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout source 3: built-in per-release tables (cli/layout/tables/go1.NN.h,
 * generated from each release's runtime source) for the structures that
 * have no type descriptor in a binary (runtime.mheap, heapArena, schedt,
 * mstats, ...), the runtime's integer constants, and the types of the
 * globals the decoders read. A table is keyed by the release ("go1.21")
 * and the build's non-default experiments (" X:allocheaders"); a binary
 * whose experiments have no table gets no answers, never a near miss.
 *
 * Globals: the addresses come from instruction decoding (goglobals.h; the
 * .symtab when there is one), the type names from the table.
 */
#ifndef GOSNAP_LAYOUT_TABLE_H
#define GOSNAP_LAYOUT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "layout/layout.h"

struct gs_table;

/*
 * The table for a version string as Go prints it ("go1.22.4",
 * "go1.26.0 X:nogreenteagc"); NULL with the reason in why if none.
 */
const struct gs_table *gs_table_find(const char *go_version, char *why,
				     size_t whylen);
/* Its key ("go1.22", "go1.21 X:allocheaders"). */
const char *gs_table_key(const struct gs_table *t);
/* Every table, for callers that must try each (unknown releases). */
size_t gs_table_count(void);
const struct gs_table *gs_table_at(size_t i);

bool gs_table_field(const struct gs_table *t, const char *type,
		    const char *field, struct gs_field *out);
bool gs_table_size(const struct gs_table *t, const char *type, uint64_t *size);

/* Names of the structs (then fields of one struct) the table describes. */
size_t gs_table_types(const struct gs_table *t, const char **names,
		      size_t max);
size_t gs_table_fields(const struct gs_table *t, const char *type,
		       const char **names, size_t max);
/* The i-th constant / global of the table: false past the end. */
bool gs_table_const_at(const struct gs_table *t, size_t i, const char **name,
		       int64_t *value);
bool gs_table_global_at(const struct gs_table *t, size_t i, const char **name,
			const char **type);

struct gs_exe;

/*
 * Add the table source for exe (borrowed: it must outlive l): 0, 1 when
 * no table fits its Go version (err says why), -1 on error.
 */
int gs_layout_add_table(struct gs_layout *l, struct gs_exe *exe,
			char *err, size_t errlen);

#endif /* GOSNAP_LAYOUT_TABLE_H */
