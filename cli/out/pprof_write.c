// SPDX-License-Identifier: GPL-2.0
/*
 * A pprof profile (pprof.h) to a file: the builder's tables as the
 * messages of pprof's profile.proto, packed by protobuf-c, gzipped by
 * zlib as pprof expects. profile.pb-c.h is generated at build time from
 * the profile.proto Debian ships (cli/Makefile), never kept in the tree.
 */
#include "out/pprof.h"

#include <errno.h>
#include <stdlib.h>

#define ZLIB_CONST		/* next_in points to const bytes */
#include <zlib.h>

#include "profile.pb-c.h"

#define GZ_CHUNK	(16 * 1024)
#define GZ_IN_MAX	(1U << 30)	/* avail_in is an unsigned int */

/* The messages pointing into a pprof, each array allocated once. */
struct msgs {
	Perftools__Profiles__Profile	profile;
	Perftools__Profiles__ValueType	types[PPROF_MAX_TYPES];
	Perftools__Profiles__ValueType	*type_ptr[PPROF_MAX_TYPES];
	Perftools__Profiles__Mapping	map, *map_ptr;
	Perftools__Profiles__Function	*funcs, **func_ptr;
	Perftools__Profiles__Location	*locs, **loc_ptr;
	Perftools__Profiles__Line	*lines, **line_ptr;
	Perftools__Profiles__Sample	*samples, **sample_ptr;
	Perftools__Profiles__Label	*labels, **label_ptr;
	int64_t				*values;
};

static void *array(size_t n, size_t elem)
{
	return calloc(n ? n : 1, elem);	/* calloc(0) may be NULL */
}

static void msgs_free(struct msgs *m)
{
	free(m->funcs);
	free(m->func_ptr);
	free(m->locs);
	free(m->loc_ptr);
	free(m->lines);
	free(m->line_ptr);
	free(m->samples);
	free(m->sample_ptr);
	free(m->labels);
	free(m->label_ptr);
	free(m->values);
}

static bool msgs_alloc(struct msgs *m, const struct pprof *p)
{
	m->funcs = array(p->nr_funcs, sizeof(*m->funcs));
	m->func_ptr = array(p->nr_funcs, sizeof(*m->func_ptr));
	m->locs = array(p->nr_locs, sizeof(*m->locs));
	m->loc_ptr = array(p->nr_locs, sizeof(*m->loc_ptr));
	m->lines = array(p->nr_locs, sizeof(*m->lines));
	m->line_ptr = array(p->nr_locs, sizeof(*m->line_ptr));
	m->samples = array(p->nr_samples, sizeof(*m->samples));
	m->sample_ptr = array(p->nr_samples, sizeof(*m->sample_ptr));
	m->labels = array(p->nr_labels, sizeof(*m->labels));
	m->label_ptr = array(p->nr_labels, sizeof(*m->label_ptr));
	m->values = array(p->nr_samples * p->nr_types, sizeof(*m->values));
	return m->funcs && m->func_ptr && m->locs && m->loc_ptr && m->lines &&
	       m->line_ptr && m->samples && m->sample_ptr && m->labels &&
	       m->label_ptr && m->values;
}

static void fill_tables(struct msgs *m, const struct pprof *p)
{
	Perftools__Profiles__Profile *pr = &m->profile;
	size_t i;

	for (i = 0; i < p->nr_types; i++) {
		perftools__profiles__value_type__init(&m->types[i]);
		m->types[i].type = p->type[i];
		m->types[i].unit = p->unit[i];
		m->type_ptr[i] = &m->types[i];
	}
	pr->n_sample_type = p->nr_types;
	pr->sample_type = m->type_ptr;
	if (p->main_file) {
		perftools__profiles__mapping__init(&m->map);
		m->map.id = 1;
		m->map.filename = p->main_file;
		m->map.has_functions = true;
		m->map_ptr = &m->map;
		pr->n_mapping = 1;
		pr->mapping = &m->map_ptr;
	}
	for (i = 0; i < p->nr_funcs; i++) {
		perftools__profiles__function__init(&m->funcs[i]);
		m->funcs[i].id = i + 1;
		m->funcs[i].name = p->funcs[i];
		m->funcs[i].system_name = p->funcs[i];
		m->func_ptr[i] = &m->funcs[i];
	}
	pr->n_function = p->nr_funcs;
	pr->function = m->func_ptr;
	for (i = 0; i < p->nr_locs; i++) {
		perftools__profiles__line__init(&m->lines[i]);
		m->lines[i].function_id = p->locs[i];
		m->line_ptr[i] = &m->lines[i];
		perftools__profiles__location__init(&m->locs[i]);
		m->locs[i].id = i + 1;
		m->locs[i].mapping_id = p->main_file ? 1 : 0;
		m->locs[i].n_line = 1;
		m->locs[i].line = &m->line_ptr[i];
		m->loc_ptr[i] = &m->locs[i];
	}
	pr->n_location = p->nr_locs;
	pr->location = m->loc_ptr;
	pr->n_string_table = p->nr_strings;
	pr->string_table = p->strings;
	pr->n_comment = p->nr_comments;
	pr->comment = p->comments;
	pr->time_nanos = p->time_ns;
	pr->default_sample_type = p->default_type;
}

static void fill_samples(struct msgs *m, const struct pprof *p)
{
	size_t i, j;

	for (i = 0; i < p->nr_labels; i++) {
		perftools__profiles__label__init(&m->labels[i]);
		m->labels[i].key = p->labels[i].key;
		m->labels[i].str = p->labels[i].str;
		m->labels[i].num = p->labels[i].num;
		m->labels[i].num_unit = p->labels[i].unit;
		m->label_ptr[i] = &m->labels[i];
	}
	for (i = 0; i < p->nr_samples; i++) {
		const struct pprof_sample *s = &p->samples[i];
		Perftools__Profiles__Sample *ms = &m->samples[i];

		perftools__profiles__sample__init(ms);
		ms->n_location_id = s->nr_locs;
		/* no pointer arithmetic on an empty (NULL) array */
		ms->location_id = s->nr_locs ? &p->loc_ids[s->locs] : NULL;
		ms->n_value = p->nr_types;
		ms->value = &m->values[i * p->nr_types];
		for (j = 0; j < p->nr_types; j++)
			ms->value[j] = s->value[j];
		ms->n_label = s->nr_labels;
		ms->label = s->nr_labels ? &m->label_ptr[s->labels] : NULL;
		m->sample_ptr[i] = ms;
	}
	m->profile.n_sample = p->nr_samples;
	m->profile.sample = m->sample_ptr;
}

/* buf as one gzip member to out; 0, or -1 with errno. */
static int gzip_write(const uint8_t *buf, size_t len, FILE *out)
{
	uint8_t chunk[GZ_CHUNK] = { 0 };	/* cppcheck cannot see deflate fill it */
	z_stream z = { 0 };
	int ret, flush;
	size_t n;

	/* 16 + 15: a gzip header and trailer around a 32 KiB window */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	do {
		if (!z.avail_in && len) {
			n = len < GZ_IN_MAX ? len : GZ_IN_MAX;
			z.next_in = buf;
			z.avail_in = (unsigned int)n;
			buf += n;
			len -= n;
		}
		flush = len ? Z_NO_FLUSH : Z_FINISH;
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		ret = deflate(&z, flush);
		n = sizeof(chunk) - z.avail_out;
		if (ret == Z_STREAM_ERROR || fwrite(chunk, 1, n, out) != n) {
			deflateEnd(&z);
			if (ret == Z_STREAM_ERROR)
				errno = EINVAL;
			return -1;
		}
	} while (ret != Z_STREAM_END);
	deflateEnd(&z);
	return ferror(out) ? -1 : 0;
}

int pprof_write(const struct pprof *p, FILE *out)
{
	struct msgs m = { 0 };
	uint8_t *buf = NULL;
	size_t len;
	int ret = -1;

	if (p->failed || !msgs_alloc(&m, p)) {
		errno = ENOMEM;
		goto out;
	}
	perftools__profiles__profile__init(&m.profile);
	fill_tables(&m, p);
	fill_samples(&m, p);
	len = perftools__profiles__profile__get_packed_size(&m.profile);
	buf = malloc(len ? len : 1);
	if (!buf) {
		errno = ENOMEM;
		goto out;
	}
	if (perftools__profiles__profile__pack(&m.profile, buf) != len) {
		errno = EINVAL;
		goto out;
	}
	ret = gzip_write(buf, len, out);
out:
	free(buf);
	msgs_free(&m);
	return ret;
}
