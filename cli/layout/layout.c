// SPDX-License-Identifier: GPL-2.0
/*
 * The layout interface: asks each source in turn, resolves dotted field
 * paths one struct at a time (so a path may cross sources), and keeps the
 * names nobody could answer.
 */
#include "layout/layout.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GS_LAYOUT_MAX_SOURCES	6

struct gs_layout_source {
	const struct gs_layout_ops *ops;
	void *priv;
};

struct gs_layout {
	struct gs_layout_source sources[GS_LAYOUT_MAX_SOURCES];
	unsigned int nr_sources;
	char **missing;			/* names nobody answered */
	size_t nr_missing, cap_missing;
	unsigned int used;		/* bit per enum gs_layout_src */
	const char *hide;		/* GOSNAP_TEST_HIDE_FIELD, see hidden() */
	uint64_t bias;			/* added to every global (PIE) */
};

struct gs_layout *gs_layout_new(void)
{
	struct gs_layout *l = calloc(1, sizeof(struct gs_layout));

	if (l)
		l->hide = getenv("GOSNAP_TEST_HIDE_FIELD");
	return l;
}

void gs_layout_free(struct gs_layout *l)
{
	unsigned int i;
	size_t k;

	if (!l)
		return;
	for (i = 0; i < l->nr_sources; i++)
		if (l->sources[i].ops->close)
			l->sources[i].ops->close(l->sources[i].priv);
	for (k = 0; k < l->nr_missing; k++)
		free(l->missing[k]);
	free(l->missing);
	free(l);
}

int gs_layout_add(struct gs_layout *l, const struct gs_layout_ops *ops,
		  void *priv)
{
	if (l->nr_sources == GS_LAYOUT_MAX_SOURCES)
		return -1;
	l->sources[l->nr_sources].ops = ops;
	l->sources[l->nr_sources].priv = priv;
	l->nr_sources++;
	return 0;
}

const char *gs_layout_src_name(enum gs_layout_src src)
{
	switch (src) {
	case GS_LAYOUT_DWARF:		return "dwarf";
	case GS_LAYOUT_TYPEDESC:	return "typedesc";
	case GS_LAYOUT_TABLE:		return "table";
	case GS_LAYOUT_DECODED:		return "decoded";
	default:			return "none";
	}
}

static void note_missing(struct gs_layout *l, const char *kind,
			 const char *a, const char *b)
{
	char name[2 * GS_TYPE_NAME_MAX + 32];
	size_t i;

	snprintf(name, sizeof(name), "%s %s%s%s", kind, a, b ? "." : "",
		 b ? b : "");
	for (i = 0; i < l->nr_missing; i++)
		if (!strcmp(l->missing[i], name))
			return;
	if (l->nr_missing == l->cap_missing) {
		size_t cap = l->cap_missing ? 2 * l->cap_missing : 16;
		char **n = realloc(l->missing, cap * sizeof(*n));

		if (!n)
			return;
		l->missing = n;
		l->cap_missing = cap;
	}
	l->missing[l->nr_missing] = strdup(name);
	if (l->missing[l->nr_missing])
		l->nr_missing++;
}

size_t gs_layout_nr_missing(const struct gs_layout *l)
{
	return l ? l->nr_missing : 0;
}

const char *gs_layout_missing(const struct gs_layout *l, size_t i)
{
	return i < l->nr_missing ? l->missing[i] : NULL;
}

unsigned int gs_layout_sources_used(const struct gs_layout *l)
{
	return l ? l->used : 0;
}

bool gs_type_elem(const char *type, char *elem, size_t elemlen,
		  uint64_t *count)
{
	const char *close;
	char *end;
	uint64_t n = 0;

	if (type[0] != '[' || !(close = strchr(type, ']')))
		return false;
	if (close != type + 1) {
		n = strtoull(type + 1, &end, 10);
		if (end != close)
			return false;
	}
	if (!close[1] || strlen(close + 1) >= elemlen)
		return false;
	strcpy(elem, close + 1);
	if (count)
		*count = n;
	return true;
}

/* Pointer-shaped types need no source: 8 bytes on every target we read. */
static bool builtin_size(const char *type, uint64_t *size)
{
	static const struct { const char *name; uint64_t size; } basic[] = {
		{ "uint8", 1 }, { "int8", 1 }, { "bool", 1 }, { "uint16", 2 },
		{ "int16", 2 }, { "uint32", 4 }, { "int32", 4 }, { "uint64", 8 },
		{ "int64", 8 }, { "uintptr", 8 }, { "int", 8 }, { "uint", 8 },
		{ "unsafe.Pointer", 8 }, { "float64", 8 }, { "string", 16 },
	};
	size_t i;

	if (type[0] == '*' || !strncmp(type, "chan ", 5) ||
	    !strncmp(type, "map[", 4) || !strncmp(type, "func(", 5)) {
		*size = 8;
		return true;
	}
	if (!strncmp(type, "[]", 2)) {
		*size = 24;
		return true;
	}
	for (i = 0; i < sizeof(basic) / sizeof(basic[0]); i++)
		if (!strcmp(type, basic[i].name)) {
			*size = basic[i].size;
			return true;
		}
	return false;
}

static bool ask_size(struct gs_layout *l, const char *type, uint64_t *size,
		     enum gs_layout_src *src)
{
	unsigned int i;

	for (i = 0; i < l->nr_sources; i++) {
		const struct gs_layout_source *s = &l->sources[i];

		if (s->ops->type_size &&
		    s->ops->type_size(s->priv, type, size) == 0) {
			if (src)
				*src = s->ops->src;
			l->used |= 1U << s->ops->src;
			return true;
		}
	}
	if (builtin_size(type, size)) {
		if (src)
			*src = GS_LAYOUT_NONE;
		return true;
	}
	return false;
}

bool gs_layout_size(struct gs_layout *l, const char *type, uint64_t *size,
		    enum gs_layout_src *src)
{
	char elem[GS_TYPE_NAME_MAX];
	uint64_t n, esz;

	if (ask_size(l, type, size, src))
		return true;
	/* "[N]T" from T, wherever T's size comes from. */
	if (gs_type_elem(type, elem, sizeof(elem), &n) && n &&
	    ask_size(l, elem, &esz, src)) {
		*size = n * esz;
		return true;
	}
	note_missing(l, "type", type, NULL);
	return false;
}

/*
 * Test only: GOSNAP_TEST_HIDE_FIELD="TYPE:FIELD,..." makes every source
 * deny those fields, so tests can show what a decoder says about a field
 * a binary lacks (docs/layout.md).
 */
static bool hidden(const struct gs_layout *l, const char *type,
		   const char *name)
{
	size_t tn = strlen(type), nn = strlen(name);
	const char *p;

	for (p = l->hide; p && *p; p += strcspn(p, ","), p += *p == ',') {
		if (!strncmp(p, type, tn) && p[tn] == ':' &&
		    !strncmp(p + tn + 1, name, nn) &&
		    (p[tn + 1 + nn] == ',' || !p[tn + 1 + nn]))
			return true;
	}
	return false;
}

static bool ask_field(struct gs_layout *l, const char *type, const char *name,
		      struct gs_field *out)
{
	unsigned int i;

	if (hidden(l, type, name))
		return false;

	for (i = 0; i < l->nr_sources; i++) {
		const struct gs_layout_source *s = &l->sources[i];

		if (s->ops->field &&
		    s->ops->field(s->priv, type, name, out) == 0) {
			out->src = s->ops->src;
			l->used |= 1U << s->ops->src;
			return true;
		}
	}
	return false;
}

static bool field_path(struct gs_layout *l, const char *type, const char *path,
		       struct gs_field *out, bool record)
{
	char cur[GS_TYPE_NAME_MAX], part[GS_TYPE_NAME_MAX];
	uint64_t base = 0;
	const char *p = path;

	if (strlen(type) >= sizeof(cur))
		return false;
	strcpy(cur, type);
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n == 0 || n >= sizeof(part))
			return false;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!ask_field(l, cur, part, out)) {
			if (record)
				note_missing(l, "field", cur, part);
			return false;
		}
		base += out->offset;
		if (!dot)
			break;
		strcpy(cur, out->type);
		p = dot + 1;
	}
	out->offset = base;
	return true;
}

bool gs_layout_field(struct gs_layout *l, const char *type, const char *path,
		     struct gs_field *out)
{
	return field_path(l, type, path, out, true);
}

bool gs_layout_has_field(struct gs_layout *l, const char *type,
			 const char *path, struct gs_field *out)
{
	return field_path(l, type, path, out, false);
}

static bool ask_const(struct gs_layout *l, const char *name, int64_t *value,
		      enum gs_layout_src *src)
{
	unsigned int i;

	for (i = 0; i < l->nr_sources; i++) {
		const struct gs_layout_source *s = &l->sources[i];

		if (s->ops->constant &&
		    s->ops->constant(s->priv, name, value) == 0) {
			if (src)
				*src = s->ops->src;
			l->used |= 1U << s->ops->src;
			return true;
		}
	}
	return false;
}

bool gs_layout_const(struct gs_layout *l, const char *name, int64_t *value,
		     enum gs_layout_src *src)
{
	if (ask_const(l, name, value, src))
		return true;
	note_missing(l, "constant", name, NULL);
	return false;
}

bool gs_layout_has_const(struct gs_layout *l, const char *name, int64_t *value)
{
	return ask_const(l, name, value, NULL);
}

static bool ask_global(struct gs_layout *l, const char *name, uint64_t *addr,
		       char *type, size_t typelen, enum gs_layout_src *src)
{
	unsigned int i;

	for (i = 0; i < l->nr_sources; i++) {
		const struct gs_layout_source *s = &l->sources[i];

		if (type && typelen)
			type[0] = '\0';
		if (s->ops->global &&
		    s->ops->global(s->priv, name, addr, type, typelen) == 0) {
			*addr += l->bias;	/* the sources answer link-time */
			if (src)
				*src = s->ops->src;
			l->used |= 1U << s->ops->src;
			return true;
		}
	}
	return false;
}

bool gs_layout_global(struct gs_layout *l, const char *name, uint64_t *addr,
		      char *type, size_t typelen, enum gs_layout_src *src)
{
	if (ask_global(l, name, addr, type, typelen, src))
		return true;
	note_missing(l, "global", name, NULL);
	return false;
}

bool gs_layout_has_global(struct gs_layout *l, const char *name, uint64_t *addr,
			  char *type, size_t typelen)
{
	return ask_global(l, name, addr, type, typelen, NULL);
}

bool gs_layout_type_at(struct gs_layout *l, uint64_t addr, char *name,
		       size_t namelen, uint64_t *size, enum gs_layout_src *src)
{
	unsigned int i;

	if (addr < l->bias)
		return false;
	for (i = 0; i < l->nr_sources; i++) {
		const struct gs_layout_source *s = &l->sources[i];

		/* the process's address; the sources answer link-time */
		if (s->ops->type_at &&
		    s->ops->type_at(s->priv, addr - l->bias, name, namelen, size) == 0) {
			if (src)
				*src = s->ops->src;
			l->used |= 1U << s->ops->src;
			return true;
		}
	}
	return false;
}

void gs_layout_set_bias(struct gs_layout *l, uint64_t bias)
{
	if (l)
		l->bias = bias;
}
