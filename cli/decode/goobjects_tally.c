// SPDX-License-Identifier: GPL-2.0
/*
 * Groups and named types of goobjects_tally.h: two open-addressing hash
 * tables of indexes into growing arrays.
 */
#include "decode/goobjects_tally.h"

#include <stdlib.h>
#include <string.h>

struct go_index {
	uint32_t	*slot;		/* index + 1; 0 empty */
	size_t		cap;		/* a power of two, or 0 */
};

struct go_tally {
	struct go_group	*groups;
	size_t		nr_groups, cap_groups;
	struct go_index	gi;
	struct go_type	*types;
	size_t		nr_types, cap_types;
	struct go_index	ti;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	return h * 0xbf58476d1ce4e5b9ULL;
}

static uint64_t group_hash(const struct go_group *k)
{
	uint64_t h = mix(0, k->src);

	if (k->src == GO_TY_DWARF)
		return mix(mix(h, k->dwarf_die), k->array);
	if (go_typesrc_typed(k->src))
		return mix(mix(h, k->type), k->array);
	return mix(mix(mix(h, k->sizeclass), k->noscan), k->elemsize);
}

static bool group_eq(const struct go_group *a, const struct go_group *b)
{
	if (a->src != b->src)
		return false;
	if (a->src == GO_TY_DWARF)
		return a->dwarf_die == b->dwarf_die && a->array == b->array;
	if (go_typesrc_typed(a->src))
		return a->type == b->type && a->array == b->array;
	return a->sizeclass == b->sizeclass && a->noscan == b->noscan &&
	       a->elemsize == b->elemsize;
}

struct go_tally *go_tally_new(void)
{
	return calloc(1, sizeof(struct go_tally));
}

void go_tally_free(struct go_tally *t)
{
	if (!t)
		return;
	free(t->groups);
	free(t->gi.slot);
	free(t->types);
	free(t->ti.slot);
	free(t);
}

/*
 * Make room for one more entry in the array (*v, *cap) of elem-sized
 * entries, and keep its index at most half full (rehashing with
 * hash(i)): false when out of memory.
 */
static bool grow(void **v, size_t nr, size_t *cap, size_t elem,
		 struct go_index *ix, uint64_t (*hash)(const struct go_tally *, size_t),
		 const struct go_tally *t)
{
	if (nr == *cap) {
		size_t n = *cap ? 2 * *cap : 64;
		void *nv = realloc(*v, n * elem);

		if (!nv)
			return false;
		*v = nv;
		*cap = n;
	}
	if (2 * (nr + 1) > ix->cap) {
		size_t n = ix->cap ? 2 * ix->cap : 128, i;
		uint32_t *s = calloc(n, sizeof(*s));

		if (!s)
			return false;
		for (i = 0; i < nr; i++) {
			size_t at = hash(t, i) & (n - 1);

			while (s[at])
				at = (at + 1) & (n - 1);
			s[at] = (uint32_t)(i + 1);
		}
		free(ix->slot);
		ix->slot = s;
		ix->cap = n;
	}
	return true;
}

/*
 * The slot of ix (not empty: cap > 0) that holds the entry key matches, or
 * the empty one where it would go.
 */
static size_t probe(const struct go_tally *t, const struct go_index *ix, uint64_t h,
		    bool (*match)(const struct go_tally *, size_t, const void *),
		    const void *key)
{
	size_t at = h & (ix->cap - 1);

	while (ix->slot[at] && !match(t, ix->slot[at] - 1, key))
		at = (at + 1) & (ix->cap - 1);
	return at;
}

static bool group_match(const struct go_tally *t, size_t i, const void *key)
{
	return group_eq(&t->groups[i], key);
}

static bool type_match(const struct go_tally *t, size_t i, const void *key)
{
	return t->types[i].addr == *(const uint64_t *)key;
}

static uint64_t group_hash_at(const struct go_tally *t, size_t i)
{
	return group_hash(&t->groups[i]);
}

static uint64_t type_hash_at(const struct go_tally *t, size_t i)
{
	return mix(0, t->types[i].addr);
}

struct go_group *go_tally_group(struct go_tally *t, const struct go_group *key)
{
	uint64_t h = group_hash(key);
	size_t at;

	if (t->gi.cap) {
		at = probe(t, &t->gi, h, group_match, key);
		if (t->gi.slot[at])
			return &t->groups[t->gi.slot[at] - 1];
	}
	if (t->nr_groups >= GO_MAX_GROUPS ||
	    !grow((void **)&t->groups, t->nr_groups, &t->cap_groups,
		  sizeof(*t->groups), &t->gi, group_hash_at, t))
		return NULL;
	at = probe(t, &t->gi, h, group_match, key);	/* the empty slot */
	t->groups[t->nr_groups] = *key;
	t->groups[t->nr_groups].objects = 0;
	t->groups[t->nr_groups].bytes = 0;
	t->groups[t->nr_groups].resident = 0;
	t->gi.slot[at] = (uint32_t)++t->nr_groups;
	return &t->groups[t->nr_groups - 1];
}

const struct go_type *go_tally_type(struct go_tally *t, struct gs_layout *l,
				    uint64_t addr)
{
	uint64_t h = mix(0, addr);
	struct go_type *ty;
	size_t at;

	if (t->ti.cap) {
		at = probe(t, &t->ti, h, type_match, &addr);
		if (t->ti.slot[at])
			return &t->types[t->ti.slot[at] - 1];
	}
	if (t->nr_types >= GO_MAX_TYPES ||
	    !grow((void **)&t->types, t->nr_types, &t->cap_types,
		  sizeof(*t->types), &t->ti, type_hash_at, t))
		return NULL;
	at = probe(t, &t->ti, h, type_match, &addr);	/* the empty slot */
	ty = &t->types[t->nr_types];
	memset(ty, 0, sizeof(*ty));
	ty->addr = addr;
	ty->ok = gs_layout_type_at(l, addr, ty->name, sizeof(ty->name), &ty->size,
				   NULL) && ty->name[0];
	t->ti.slot[at] = (uint32_t)++t->nr_types;
	return ty;
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct go_group *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->objects != y->objects)
		return x->objects < y->objects ? 1 : -1;
	return strcmp(x->name, y->name);
}

struct go_group *go_tally_take(struct go_tally *t, size_t *nr)
{
	struct go_group *g = t->groups;

	*nr = t->nr_groups;
	if (g)
		qsort(g, *nr, sizeof(*g), cmp_bytes);
	t->groups = NULL;
	t->nr_groups = t->cap_groups = 0;
	free(t->gi.slot);
	t->gi.slot = NULL;
	t->gi.cap = 0;
	return g;
}
