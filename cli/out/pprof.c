// SPDX-License-Identifier: GPL-2.0
/*
 * The tables of a pprof profile (pprof.h): the string table behind an
 * open-addressing hash of its indexes, functions by name, one location
 * per function, and the samples with their stacks and labels in two
 * shared arrays.
 */
#include "out/pprof.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * Room for more entries after the nr of *v (elem bytes each, *cap
 * allocated); false, and p failed, when out of memory.
 */
static bool grow(struct pprof *p, void **v, size_t nr, size_t more, size_t *cap,
		 size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *nv;

	if (p->failed)
		return false;
	if (nr + more <= *cap)
		return true;
	while (n < nr + more)
		n *= 2;
	nv = realloc(*v, n * elem);
	if (!nv) {
		p->failed = true;
		return false;
	}
	*v = nv;
	*cap = n;
	return true;
}

/* FNV-1a */
static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ULL;
	return h;
}

/* The slot holding s, or the empty one where it would go. */
static size_t probe(const struct pprof *p, const char *s, uint64_t h)
{
	size_t at = h & (p->nr_slots - 1);

	while (p->slot[at] && strcmp(p->strings[p->slot[at] - 1], s))
		at = (at + 1) & (p->nr_slots - 1);
	return at;
}

/* Keep the hash at most half full; false when out of memory. */
static bool rehash(struct pprof *p)
{
	size_t n, i;
	uint32_t *s;

	if (2 * (p->nr_strings + 1) <= p->nr_slots)
		return true;
	n = p->nr_slots ? 2 * p->nr_slots : 256;
	s = calloc(n, sizeof(*s));
	if (!s) {
		p->failed = true;
		return false;
	}
	free(p->slot);
	p->slot = s;
	p->nr_slots = n;
	for (i = 0; i < p->nr_strings; i++)
		p->slot[probe(p, p->strings[i], hash(p->strings[i]))] = (uint32_t)(i + 1);
	return true;
}

/* The string table and func_of grow together. */
static bool grow_strings(struct pprof *p)
{
	size_t cap = p->cap_strings;
	uint64_t *f;

	if (!grow(p, (void **)&p->strings, p->nr_strings, 1, &cap, sizeof(*p->strings)))
		return false;
	if (cap != p->cap_strings) {
		f = realloc(p->func_of, cap * sizeof(*f));
		if (!f) {
			p->failed = true;
			return false;
		}
		p->func_of = f;
		p->cap_strings = cap;
	}
	return true;
}

int64_t pprof_string(struct pprof *p, const char *s)
{
	uint64_t h = hash(s);
	size_t at;
	char *copy;

	if (p->nr_slots) {
		at = probe(p, s, h);
		if (p->slot[at])
			return p->slot[at] - 1;
	}
	/* the index must fit the hash's slots */
	if (p->nr_strings >= UINT32_MAX - 1 || !rehash(p) || !grow_strings(p))
		goto fail;
	copy = strdup(s);
	if (!copy)
		goto fail;
	p->strings[p->nr_strings] = copy;
	p->func_of[p->nr_strings] = 0;
	p->slot[probe(p, s, h)] = (uint32_t)++p->nr_strings;
	return (int64_t)p->nr_strings - 1;
fail:
	p->failed = true;
	return 0;
}

struct pprof *pprof_new(void)
{
	struct pprof *p = calloc(1, sizeof(*p));

	/* string_table[0] must be "" */
	if (p && (pprof_string(p, "") || p->failed)) {
		pprof_free(p);
		return NULL;
	}
	return p;
}

void pprof_free(struct pprof *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_strings; i++)
		free(p->strings[i]);
	free(p->strings);
	free(p->slot);
	free(p->func_of);
	free(p->funcs);
	free(p->loc_of);
	free(p->locs);
	free(p->samples);
	free(p->loc_ids);
	free(p->labels);
	free(p->comments);
	free(p);
}

uint64_t pprof_function(struct pprof *p, const char *name)
{
	int64_t s = pprof_string(p, name);
	size_t cap = p->cap_funcs;
	uint64_t *l;

	if (p->failed)
		return 0;
	if (p->func_of[s])
		return p->func_of[s];
	if (!grow(p, (void **)&p->funcs, p->nr_funcs, 1, &cap, sizeof(*p->funcs)))
		return 0;
	if (cap != p->cap_funcs) {
		l = realloc(p->loc_of, cap * sizeof(*l));
		if (!l) {
			p->failed = true;
			return 0;
		}
		p->loc_of = l;
		p->cap_funcs = cap;
	}
	p->funcs[p->nr_funcs] = s;
	p->loc_of[p->nr_funcs] = 0;
	p->func_of[s] = ++p->nr_funcs;
	return p->nr_funcs;
}

uint64_t pprof_location(struct pprof *p, uint64_t fn)
{
	if (p->failed || !fn || fn > p->nr_funcs)
		return 0;
	if (p->loc_of[fn - 1])
		return p->loc_of[fn - 1];
	if (!grow(p, (void **)&p->locs, p->nr_locs, 1, &p->cap_locs, sizeof(*p->locs)))
		return 0;
	p->locs[p->nr_locs] = fn;
	p->loc_of[fn - 1] = ++p->nr_locs;
	return p->nr_locs;
}

bool pprof_sample_type(struct pprof *p, const char *type, const char *unit)
{
	if (p->nr_samples || p->nr_types == PPROF_MAX_TYPES)
		return false;
	p->type[p->nr_types] = pprof_string(p, type);
	p->unit[p->nr_types] = pprof_string(p, unit);
	p->nr_types++;
	return true;
}

void pprof_default_type(struct pprof *p, const char *type)
{
	p->default_type = pprof_string(p, type);
}

void pprof_main_binary(struct pprof *p, const char *file)
{
	p->main_file = pprof_string(p, file);
}

void pprof_comment(struct pprof *p, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		p->failed = true;
		return;
	}
	if (grow(p, (void **)&p->comments, p->nr_comments, 1, &p->cap_comments,
		 sizeof(*p->comments)))
		p->comments[p->nr_comments++] = pprof_string(p, s);
	free(s);
}

void pprof_sample(struct pprof *p, const uint64_t *locs, size_t nr_locs,
		  const int64_t *value, const struct pprof_label *labels,
		  size_t nr_labels)
{
	struct pprof_sample *s;
	size_t i;

	if (!grow(p, (void **)&p->samples, p->nr_samples, 1, &p->cap_samples,
		  sizeof(*p->samples)) ||
	    !grow(p, (void **)&p->loc_ids, p->nr_loc_ids, nr_locs, &p->cap_loc_ids,
		  sizeof(*p->loc_ids)) ||
	    !grow(p, (void **)&p->labels, p->nr_labels, nr_labels, &p->cap_labels,
		  sizeof(*p->labels)))
		return;
	s = &p->samples[p->nr_samples++];
	memset(s, 0, sizeof(*s));
	for (i = 0; i < p->nr_types; i++)
		s->value[i] = value[i];
	s->locs = p->nr_loc_ids;
	s->nr_locs = nr_locs;
	for (i = 0; i < nr_locs; i++)
		p->loc_ids[p->nr_loc_ids++] = locs[i];
	s->labels = p->nr_labels;
	s->nr_labels = nr_labels;
	for (i = 0; i < nr_labels; i++) {
		const struct pprof_label *l = &labels[i];
		struct pprof_slabel *sl = &p->labels[p->nr_labels++];

		/* a string label has no number, a number no string */
		sl->key = pprof_string(p, l->key);
		sl->str = l->str ? pprof_string(p, l->str) : 0;
		sl->num = l->str ? 0 : l->num;
		sl->unit = !l->str && l->unit ? pprof_string(p, l->unit) : 0;
	}
}
