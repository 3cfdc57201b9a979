// SPDX-License-Identifier: GPL-2.0
/*
 * Layout source 3: the built-in per-release tables (layout_table.h). The
 * tables are X-macro lists generated from each release's runtime source
 * (cli/layout/tables/gen); this file only indexes and answers from them.
 */
#include "layout/layout_table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exe/elfimg.h"
#include "exe/exe.h"
#include "exe/goglobals.h"
#include "exe/goversion.h"

enum tbl_kind { TBL_SIZE, TBL_FIELD, TBL_CONST, TBL_GLOBAL };

struct tbl_entry {
	enum tbl_kind	kind;
	const char	*name;		/* type, constant or global */
	const char	*field;		/* TBL_FIELD */
	int64_t		value;		/* offset, size or constant */
	uint64_t	size;		/* TBL_FIELD: the field's size */
	const char	*type;		/* TBL_FIELD, TBL_GLOBAL: a type name */
};

#define GS_TBL_SIZE(t, s)		{ TBL_SIZE, t, NULL, s, 0, NULL },
#define GS_TBL_FIELD(t, f, o, s, ft)	{ TBL_FIELD, t, f, o, s, ft },
#define GS_TBL_CONST(n, v)		{ TBL_CONST, n, NULL, v, 0, NULL },
#define GS_TBL_GLOBAL(n, t)		{ TBL_GLOBAL, n, NULL, 0, 0, t },

static const struct tbl_entry go1_19[] = {
#include "layout/tables/go1.19.h"
};
static const struct tbl_entry go1_20[] = {
#include "layout/tables/go1.20.h"
};
static const struct tbl_entry go1_21[] = {
#include "layout/tables/go1.21.h"
};
static const struct tbl_entry go1_21_allocheaders[] = {
#include "layout/tables/go1.21-X-allocheaders.h"
};
static const struct tbl_entry go1_22[] = {
#include "layout/tables/go1.22.h"
};
static const struct tbl_entry go1_23[] = {
#include "layout/tables/go1.23.h"
};
static const struct tbl_entry go1_24[] = {
#include "layout/tables/go1.24.h"
};
static const struct tbl_entry go1_25[] = {
#include "layout/tables/go1.25.h"
};
static const struct tbl_entry go1_26[] = {
#include "layout/tables/go1.26.h"
};
static const struct tbl_entry go1_26_nogreenteagc[] = {
#include "layout/tables/go1.26-X-nogreenteagc.h"
};
static const struct tbl_entry go1_27[] = {
#include "layout/tables/go1.27.h"
};

struct gs_table {
	const char		*release;	/* "go1.21" */
	const char		*experiments;	/* "" or "allocheaders" */
	const char		*key;
	const struct tbl_entry	*e;
	size_t			n;
};

#define TABLE(rel, exp, key, arr) { rel, exp, key, arr, sizeof(arr) / sizeof(arr[0]) }

static const struct gs_table tables[] = {
	TABLE("go1.19", "", "go1.19", go1_19),
	TABLE("go1.20", "", "go1.20", go1_20),
	TABLE("go1.21", "", "go1.21", go1_21),
	TABLE("go1.21", "allocheaders", "go1.21 X:allocheaders", go1_21_allocheaders),
	TABLE("go1.22", "", "go1.22", go1_22),
	TABLE("go1.23", "", "go1.23", go1_23),
	TABLE("go1.24", "", "go1.24", go1_24),
	TABLE("go1.25", "", "go1.25", go1_25),
	TABLE("go1.26", "", "go1.26", go1_26),
	TABLE("go1.26", "nogreenteagc", "go1.26 X:nogreenteagc", go1_26_nogreenteagc),
	TABLE("go1.27", "", "go1.27", go1_27),
};

#define NR_TABLES	(sizeof(tables) / sizeof(tables[0]))

size_t gs_table_count(void)
{
	return NR_TABLES;
}

const struct gs_table *gs_table_at(size_t i)
{
	return i < NR_TABLES ? &tables[i] : NULL;
}

const char *gs_table_key(const struct gs_table *t)
{
	return t->key;
}

/*
 * "go1.22.4 X:foo,bar" -> release "go1.22", experiments "foo,bar". A
 * prerelease ("go1.26rc1") counts as its release.
 */
static bool split_version(const char *v, char *rel, size_t rellen,
			  const char **exps)
{
	const char *p = v, *x;
	size_t n;

	if (strncmp(p, "go1.", 4))
		return false;
	p += 4;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	n = (size_t)(p - v);
	if (n >= rellen)
		return false;
	memcpy(rel, v, n);
	rel[n] = '\0';
	x = strstr(v, " X:");
	*exps = x ? x + 3 : "";
	return true;
}

const struct gs_table *gs_table_find(const char *go_version, char *why,
				     size_t whylen)
{
	char rel[16];
	const char *exps;
	bool have_release = false;
	size_t i;

	if (gs_go_release_known(go_version, why, whylen))
		return NULL;	/* never an older release's table */
	if (!go_version || !split_version(go_version, rel, sizeof(rel), &exps)) {
		snprintf(why, whylen, "unknown Go version \"%s\"",
			 go_version ? go_version : "");
		return NULL;
	}
	for (i = 0; i < NR_TABLES; i++) {
		if (strcmp(tables[i].release, rel))
			continue;
		have_release = true;
		if (!strcmp(tables[i].experiments, exps))
			return &tables[i];
	}
	if (have_release)
		snprintf(why, whylen, "no %s table for experiments X:%s", rel, exps);
	else
		snprintf(why, whylen, "no table for %s (tables: go1.19 to go1.27)", rel);
	return NULL;
}

static const struct tbl_entry *lookup(const struct gs_table *t,
				      enum tbl_kind kind, const char *name,
				      const char *field)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct tbl_entry *e = &t->e[i];

		if (e->kind == kind && !strcmp(e->name, name) &&
		    (!field || !strcmp(e->field, field)))
			return e;
	}
	return NULL;
}

bool gs_table_field(const struct gs_table *t, const char *type,
		    const char *field, struct gs_field *out)
{
	const struct tbl_entry *e = lookup(t, TBL_FIELD, type, field);

	if (!e || strlen(e->type) >= sizeof(out->type))
		return false;
	memset(out, 0, sizeof(*out));
	out->offset = (uint64_t)e->value;
	out->size = e->size;
	strcpy(out->type, e->type);
	out->src = GS_LAYOUT_TABLE;
	return true;
}

bool gs_table_size(const struct gs_table *t, const char *type, uint64_t *size)
{
	const struct tbl_entry *e = lookup(t, TBL_SIZE, type, NULL);

	if (!e)
		return false;
	*size = (uint64_t)e->value;
	return true;
}

size_t gs_table_types(const struct gs_table *t, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (t->e[i].kind == TBL_SIZE && lookup(t, TBL_FIELD, t->e[i].name, NULL)) {
			if (n < max)
				names[n] = t->e[i].name;
			n++;
		}
	return n;
}

size_t gs_table_fields(const struct gs_table *t, const char *type,
		       const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (t->e[i].kind == TBL_FIELD && !strcmp(t->e[i].name, type)) {
			if (n < max)
				names[n] = t->e[i].field;
			n++;
		}
	return n;
}

static const struct tbl_entry *nth(const struct gs_table *t, enum tbl_kind kind,
				   size_t i)
{
	size_t k;

	for (k = 0; k < t->n; k++)
		if (t->e[k].kind == kind && i-- == 0)
			return &t->e[k];
	return NULL;
}

bool gs_table_const_at(const struct gs_table *t, size_t i, const char **name,
		       int64_t *value)
{
	const struct tbl_entry *e = nth(t, TBL_CONST, i);

	if (!e)
		return false;
	*name = e->name;
	*value = e->value;
	return true;
}

bool gs_table_global_at(const struct gs_table *t, size_t i, const char **name,
			const char **type)
{
	const struct tbl_entry *e = nth(t, TBL_GLOBAL, i);

	if (!e)
		return false;
	*name = e->name;
	*type = e->type;
	return true;
}

/* ---- the layout source ------------------------------------------------ */

struct tbl_source {
	const struct gs_table	*t;
	const struct gs_globals	*gg;	/* borrowed from the gs_exe */
	bool			have_gg;
	/* class sizes found by their contents (see find_class_sizes) */
	uint64_t		class_sizes;
	bool			have_class_sizes;
};

static int tbl_type_size(void *priv, const char *type, uint64_t *size)
{
	struct tbl_source *s = priv;

	return gs_table_size(s->t, type, size) ? 0 : 1;
}

static int tbl_field(void *priv, const char *type, const char *field,
		     struct gs_field *out)
{
	struct tbl_source *s = priv;

	return gs_table_field(s->t, type, field, out) ? 0 : 1;
}

static int tbl_constant(void *priv, const char *name, int64_t *value)
{
	struct tbl_source *s = priv;
	const struct tbl_entry *e = lookup(s->t, TBL_CONST, name, NULL);

	if (!e)
		return 1;
	*value = e->value;
	return 0;
}

/* The goglobals.h id of a global, or -1. */
static int global_id(const struct gs_globals *gg, const char *name)
{
	int i;

	for (i = 0; i < GS_GLOBAL_COUNT; i++)
		if (gg->g[i].name && !strcmp(gg->g[i].name, name))
			return i;
	return -1;
}

static int tbl_global(void *priv, const char *name, uint64_t *addr,
		      char *type, size_t typelen)
{
	struct tbl_source *s = priv;
	const struct tbl_entry *e = lookup(s->t, TBL_GLOBAL, name, NULL);
	int id;

	if (!e)
		return 1;
	if ((!strcmp(name, "runtime.class_to_size") ||
	     !strcmp(name, "internal/runtime/gc.SizeClassToSize")) &&
	    s->have_class_sizes)
		*addr = s->class_sizes;
	else if (!s->have_gg || (id = global_id(s->gg, name)) < 0 ||
		 !s->gg->g[id].have_addr)
		return 1;
	else
		*addr = s->gg->g[id].addr;
	if (type && typelen && strlen(e->type) < typelen)
		strcpy(type, e->type);
	return 0;
}

static void tbl_close(void *priv)
{
	struct tbl_source *s = priv;

	free(s);
}

static const struct gs_layout_ops table_ops = {
	.name		= "table",
	.src		= GS_LAYOUT_TABLE,
	.type_size	= tbl_type_size,
	.field		= tbl_field,
	.constant	= tbl_constant,
	.global		= tbl_global,
	.close		= tbl_close,
};

static bool table_const(const struct gs_table *t, const char *a, const char *b,
			int64_t *v)
{
	const struct tbl_entry *e = lookup(t, TBL_CONST, a, NULL);

	if (!e)
		e = lookup(t, TBL_CONST, b, NULL);
	if (!e)
		return false;
	*v = e->value;
	return true;
}

/*
 * The size-class table (runtime.class_to_size, gc.SizeClassToSize since
 * go1.25) has no instruction that names it alone, but its contents are a
 * signature: NumSizeClasses uint16s in initialised data, 0 first, then
 * strictly increasing multiples of 8 up to MaxSmallSize. Only a unique
 * match is taken; the decoder reads the values from the snapshot.
 */
static int find_class_sizes(const struct gs_elfimg *im,
			    const struct gs_table *t, uint64_t *addr)
{
	int64_t n, max;
	size_t s, found = 0;

	if (!table_const(t, "runtime._NumSizeClasses",
			 "internal/runtime/gc.NumSizeClasses", &n) ||
	    !table_const(t, "runtime._MaxSmallSize",
			 "internal/runtime/gc.MaxSmallSize", &max) ||
	    n < 2 || n > 256)
		return -1;
	for (s = 0; s < im->nr_seg; s++) {
		const struct gs_elfimg_seg *seg = &im->seg[s];
		uint64_t a, end = seg->vaddr + seg->filesz;

		if (!seg->write || seg->truncated)
			continue;
		for (a = (seg->vaddr + 1) & ~1ULL; a + 2 * (uint64_t)n <= end; a += 2) {
			const uint8_t *p = gs_elfimg_at((void *)im, a, 2 * (size_t)n);
			int64_t i, prev = 0;

			if (!p || p[0] || p[1] || p[2] != 8 || p[3])
				continue;
			for (i = 1; i < n; i++) {
				int64_t v = p[2 * i] | p[2 * i + 1] << 8;

				if (v <= prev || v % 8)
					break;
				prev = v;
			}
			if (i == n && prev == max) {
				*addr = a;
				found++;
			}
		}
	}
	return found == 1 ? 0 : -1;
}

int gs_layout_add_table(struct gs_layout *l, struct gs_exe *exe,
			char *err, size_t errlen)
{
	struct tbl_source *s = calloc(1, sizeof(*s));
	char gerr[256];

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->gg = gs_exe_globals(exe, GS_GLOBALS_AUTO, gerr, sizeof(gerr));
	if (!s->gg) {
		snprintf(err, errlen, "%s", gerr);
		free(s);
		return 1;
	}
	s->have_gg = true;
	s->t = gs_table_find(s->gg->go_version, err, errlen);
	if (!s->t) {
		tbl_close(s);
		return 1;
	}
	s->have_class_sizes =
		find_class_sizes(&exe->im, s->t, &s->class_sizes) == 0;
	if (gs_layout_add(l, &table_ops, s)) {
		tbl_close(s);
		snprintf(err, errlen, "too many layout sources");
		return -1;
	}
	return 0;
}
