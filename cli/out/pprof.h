/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pprof profile (perftools.profiles.Profile, as `go tool pprof` reads
 * it) built up in memory, for the outputs that write one (`objects
 * --pprof`). The frames are names, not code: a function is a name, one
 * location holds one function, with no address; the one mapping, when
 * set, only names the executable (pprof's "File:"). The
 * builder keeps the profile's tables with their indexes: every string
 * once in the string table (index 0 is ""), every function name once,
 * one location per function; pprof_write (pprof_write.c) encodes it with
 * protobuf-c and gzips it.
 *
 * Allocation failures are sticky: a call that cannot allocate returns 0
 * (the empty string, no function, no location) and pprof_write then
 * fails with ENOMEM, so callers need not check every call.
 */
#ifndef GOSNAP_PPROF_H
#define GOSNAP_PPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PPROF_MAX_TYPES	8		/* values per sample */

/*
 * A label as a caller gives it: a string, or a number (str NULL). pprof
 * reads a number 0 without a unit as no label at all: give a unit, or
 * make such a label a string.
 */
struct pprof_label {
	const char	*key;
	const char	*str;
	int64_t		num;
	const char	*unit;		/* num's unit ("bytes"), or NULL */
};

/* What the profile stores: string indexes. */
struct pprof_slabel {
	int64_t		key, str, num, unit;
};

struct pprof_sample {
	size_t		locs, nr_locs;		/* in pprof.loc_ids, leaf first */
	size_t		labels, nr_labels;	/* in pprof.labels */
	int64_t		value[PPROF_MAX_TYPES];
};

struct pprof {
	char		**strings;	/* the string table, owned */
	size_t		nr_strings, cap_strings;
	uint32_t	*slot;		/* hash of strings: index + 1; 0 empty */
	size_t		nr_slots;	/* a power of two, at least 2 * nr_strings */
	uint64_t	*func_of;	/* by string: the function it names, or 0 */

	int64_t		*funcs;		/* function i + 1's name */
	uint64_t	*loc_of;	/* function i + 1's location, or 0 */
	size_t		nr_funcs, cap_funcs;
	uint64_t	*locs;		/* location i + 1's function */
	size_t		nr_locs, cap_locs;

	int64_t		type[PPROF_MAX_TYPES], unit[PPROF_MAX_TYPES];
	size_t		nr_types;
	int64_t		default_type;	/* 0: pprof takes the last */

	struct pprof_sample *samples;
	size_t		nr_samples, cap_samples;
	uint64_t	*loc_ids;	/* the samples' stacks, one after another */
	size_t		nr_loc_ids, cap_loc_ids;
	struct pprof_slabel *labels;	/* the samples' labels, the same way */
	size_t		nr_labels, cap_labels;

	int64_t		*comments;
	size_t		nr_comments, cap_comments;
	int64_t		time_ns;	/* when it was taken; 0: unknown */
	int64_t		main_file;	/* the executable's path; 0: no mapping */

	bool		failed;		/* an allocation failed */
};

/* NULL when out of memory. */
struct pprof *pprof_new(void);
void pprof_free(struct pprof *p);

/* The index of s in the string table, added if new. */
int64_t pprof_string(struct pprof *p, const char *s);
/* The id (from 1) of the function named name, added if new. */
uint64_t pprof_function(struct pprof *p, const char *name);
/* The id (from 1) of the location of function fn, added if new. */
uint64_t pprof_location(struct pprof *p, uint64_t fn);

/*
 * Add a sample type (pprof's -sample_index name, and its unit); all of
 * them before the first sample, at most PPROF_MAX_TYPES. false if not.
 */
bool pprof_sample_type(struct pprof *p, const char *type, const char *unit);
/* The type pprof shows unless told otherwise (one already added). */
void pprof_default_type(struct pprof *p, const char *type);
void pprof_comment(struct pprof *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The program the profile is of: one mapping, which every location
 * names, marked as having its functions already (nothing to symbolize).
 */
void pprof_main_binary(struct pprof *p, const char *file);

/*
 * Add a sample: its stack (location ids, leaf first), one value per
 * sample type, and its labels.
 */
void pprof_sample(struct pprof *p, const uint64_t *locs, size_t nr_locs,
		  const int64_t *value, const struct pprof_label *labels,
		  size_t nr_labels);

/*
 * Encode p (protobuf-c) and write it gzipped to out. 0, or -1 with errno:
 * ENOMEM when out of memory now or in an earlier call.
 */
int pprof_write(const struct pprof *p, FILE *out);

#endif /* GOSNAP_PPROF_H */
