// SPDX-License-Identifier: GPL-2.0
/*
 * The pprof builder (cli/out/pprof.c) and writer (pprof_write.c): the
 * string table holds "" at 0 and every string once, through the hash's
 * growth; a function per name and a location per function; a written
 * profile gunzips (zlib) and unpacks (protobuf-c, from the same
 * profile.proto) to the same tables, samples and labels; a failed
 * allocation and a failed write are reported. `go tool pprof` reads the
 * objects profile in selftests/host/objects-pprof.t.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "out/pprof.h"
#include "profile.pb-c.h"
#include "tap.h"

#define MANY	5000

static void test_strings(void)
{
	struct pprof *p = pprof_new();
	char buf[32];
	bool same = true, kept = true;
	int64_t first[MANY];
	int i;

	if (!p)
		abort();
	ok(p->nr_strings == 1 && !strcmp(p->strings[0], "") && pprof_string(p, "") == 0,
	   "string 0 is \"\"");
	ok(pprof_string(p, "main.Big") == 1 && pprof_string(p, "bytes") == 2 &&
	   pprof_string(p, "main.Big") == 1 && p->nr_strings == 3,
	   "a string added twice is kept once");
	ok(pprof_string(p, "main.Bi") == 3 && pprof_string(p, "main.Big ") == 4,
	   "a prefix and a longer string are strings of their own");
	for (i = 0; i < MANY; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		first[i] = pprof_string(p, buf);
	}
	for (i = 0; i < MANY; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		same &= pprof_string(p, buf) == first[i];
		kept &= first[i] == 5 + i && !strcmp(p->strings[first[i]], buf);
	}
	ok(same && kept && p->nr_strings == 5 + MANY && p->nr_slots >= 2 * p->nr_strings,
	   "%d strings: each once, in order, found again after the hash grew (%zu slots)",
	   MANY, p->nr_slots);
	ok(!p->failed, "nothing failed");
	pprof_free(p);
}

static void test_functions(void)
{
	struct pprof *p = pprof_new();
	uint64_t a, b;

	if (!p)
		abort();
	a = pprof_function(p, "main.Big");
	b = pprof_function(p, "[]main.Small");
	ok(a == 1 && b == 2 && pprof_function(p, "main.Big") == 1 && p->nr_funcs == 2,
	   "one function per name, ids from 1");
	ok(pprof_location(p, b) == 1 && pprof_location(p, a) == 2 &&
	   pprof_location(p, b) == 1 && p->nr_locs == 2 && p->locs[0] == b,
	   "one location per function, ids from 1");
	ok(pprof_location(p, 0) == 0 && pprof_location(p, 3) == 0 && !p->failed,
	   "no location for a function that is not there");
	ok(p->funcs[a - 1] == pprof_string(p, "main.Big") && p->nr_strings == 3,
	   "a function's name is its string");
	pprof_free(p);
}

/* f's bytes, gunzipped into *out; its length, or -1. */
static long gunzip(FILE *f, uint8_t **out)
{
	static uint8_t in[1 << 16];
	size_t n = fread(in, 1, sizeof(in), f), cap = 1 << 20;
	z_stream z = { 0 };
	int ret;

	*out = malloc(cap);
	if (!*out || n == sizeof(in) || inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	z.next_in = in;
	z.avail_in = (unsigned int)n;
	z.next_out = *out;
	z.avail_out = (unsigned int)cap;
	ret = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return ret == Z_STREAM_END && !z.avail_in ? (long)z.total_out : -1;
}

static const char *str(const Perftools__Profiles__Profile *pr, int64_t i)
{
	return i >= 0 && (size_t)i < pr->n_string_table ? pr->string_table[i] : "?";
}

/* The name of the function of sample s's leaf. */
static const char *leaf(const Perftools__Profiles__Profile *pr,
			const Perftools__Profiles__Sample *s)
{
	size_t i, j;

	for (i = 0; s->n_location_id && i < pr->n_location; i++) {
		if (pr->location[i]->id != s->location_id[0] || pr->location[i]->n_line != 1)
			continue;
		for (j = 0; j < pr->n_function; j++)
			if (pr->function[j]->id == pr->location[i]->line[0]->function_id)
				return str(pr, pr->function[j]->name);
	}
	return "?";
}

static void test_write(void)
{
	static const struct pprof_label lb[] = {
		{ .key = "from", .str = "header" },
		{ .key = "slot_bytes", .num = 1024, .unit = "bytes" },
	};
	const int64_t v1[] = { 3, 3072, 1024 }, v2[] = { 1, 48, 0 };
	Perftools__Profiles__Profile *pr;
	struct pprof *p = pprof_new();
	const Perftools__Profiles__Label *l;
	uint64_t loc;
	uint8_t *raw = NULL;
	FILE *f = tmpfile();
	long n;

	if (!p || !f)
		abort();
	ok(pprof_sample_type(p, "objects", "count") && pprof_sample_type(p, "bytes", "bytes") &&
	   pprof_sample_type(p, "resident", "bytes"), "three sample types");
	pprof_default_type(p, "bytes");
	pprof_comment(p, "t.gsnap: go%d.%d", 1, 22);
	pprof_main_binary(p, "/bin/t");
	p->time_ns = 1700000000123456789LL;
	loc = pprof_location(p, pprof_function(p, "main.Big"));
	pprof_sample(p, &loc, 1, v1, lb, 2);
	loc = pprof_location(p, pprof_function(p, "untyped class 5 (48 B, scan, span-bits)"));
	pprof_sample(p, &loc, 1, v2, NULL, 0);
	ok(!pprof_sample_type(p, "late", "count"), "no sample type after a sample");
	ok(pprof_write(p, f) == 0 && fflush(f) == 0, "written");
	rewind(f);
	n = gunzip(f, &raw);
	ok(n > 0, "it gunzips (%ld bytes)", n);
	pr = n > 0 ? perftools__profiles__profile__unpack(NULL, (size_t)n, raw) : NULL;
	ok(pr, "protobuf-c unpacks it as a perftools.profiles.Profile");
	if (!pr)
		goto out;
	ok(pr->n_string_table == p->nr_strings && !strcmp(pr->string_table[0], "") &&
	   !strcmp(str(pr, 1), "objects") && !strcmp(str(pr, pr->sample_type[2]->unit), "bytes"),
	   "the string table, \"\" first");
	ok(pr->n_sample_type == 3 && !strcmp(str(pr, pr->sample_type[0]->type), "objects") &&
	   !strcmp(str(pr, pr->sample_type[0]->unit), "count") &&
	   !strcmp(str(pr, pr->default_sample_type), "bytes"),
	   "sample types objects/count, bytes/bytes, resident/bytes; default bytes");
	ok(pr->n_sample == 2 && pr->sample[0]->n_value == 3 && pr->sample[0]->value[0] == 3 &&
	   pr->sample[0]->value[1] == 3072 && pr->sample[0]->value[2] == 1024 &&
	   pr->sample[1]->value[1] == 48 && !strcmp(leaf(pr, pr->sample[0]), "main.Big") &&
	   !strcmp(leaf(pr, pr->sample[1]), "untyped class 5 (48 B, scan, span-bits)"),
	   "two samples: values and their frame's function");
	l = pr->sample[0]->n_label == 2 ? pr->sample[0]->label[0] : NULL;
	ok(l && !strcmp(str(pr, l->key), "from") && !strcmp(str(pr, l->str), "header") &&
	   !strcmp(str(pr, pr->sample[0]->label[1]->key), "slot_bytes") &&
	   pr->sample[0]->label[1]->num == 1024 &&
	   !strcmp(str(pr, pr->sample[0]->label[1]->num_unit), "bytes") &&
	   pr->sample[1]->n_label == 0, "labels: a string, a number with its unit");
	ok(pr->n_comment == 1 && !strcmp(str(pr, pr->comment[0]), "t.gsnap: go1.22") &&
	   pr->time_nanos == 1700000000123456789LL, "comment and time");
	ok(pr->n_mapping == 1 && pr->mapping[0]->id == 1 && pr->mapping[0]->has_functions &&
	   !strcmp(str(pr, pr->mapping[0]->filename), "/bin/t") && pr->n_location == 2 &&
	   pr->location[0]->mapping_id == 1 && pr->location[1]->mapping_id == 1,
	   "one mapping, the executable's, with its functions, named by every location");
	perftools__profiles__profile__free_unpacked(pr, NULL);
out:
	free(raw);
	fclose(f);
	pprof_free(p);
}

static void test_failures(void)
{
	struct pprof *p = pprof_new();
	FILE *full = fopen("/dev/full", "w");
	uint32_t x = 1;
	char name[201];
	int i, j, ret;

	if (!p)
		abort();
	/* names that do not compress: more than stdio buffers */
	for (i = 0; i < 2000; i++) {
		uint64_t loc;

		for (j = 0; j < 200; j++) {
			x = x * 1103515245 + 12345;
			name[j] = "0123456789abcdef"[(x >> 16) & 15];
		}
		name[200] = '\0';
		loc = pprof_location(p, pprof_function(p, name));
		pprof_sample(p, &loc, 1, NULL, NULL, 0);
	}
	if (full) {
		errno = 0;
		ret = pprof_write(p, full);
		ok(ret == -1 && errno == ENOSPC, "a failed write is reported: %s",
		   strerror(errno));
		fclose(full);
	}
	p->failed = true;
	errno = 0;
	ok(pprof_write(p, stdout) == -1 && errno == ENOMEM,
	   "after a failed allocation nothing is written: ENOMEM");
	pprof_free(p);
}

int main(void)
{
	test_strings();
	test_functions();
	test_write();
	test_failures();
	return tap_done();
}
