/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer: commas, nesting and indentation are tracked
 * here so callers only say what comes next. Strings are escaped per
 * RFC 8259; bytes that are not valid UTF-8 become U+FFFD.
 */
#ifndef GOSNAP_JSON_H
#define GOSNAP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	32

struct json_writer {
	FILE	*out;
	bool	pretty;
	int	depth;
	bool	after_key;			/* a value completes "key": */
	bool	nonempty[JSON_MAX_DEPTH];	/* the container has members */
};

void jw_init(struct json_writer *w, FILE *out, bool pretty);

void jw_start_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_start_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);

void jw_string(struct json_writer *w, const char *s);
void jw_string_n(struct json_writer *w, const char *s, size_t len);
void jw_u64(struct json_writer *w, uint64_t v);
void jw_i64(struct json_writer *w, int64_t v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* An address or other bit pattern: the string "0x…" in lower-case hex. */
void jw_hex(struct json_writer *w, uint64_t v);

/* "key": value shorthands. */
void jw_kv_string(struct json_writer *w, const char *key, const char *s);
void jw_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void jw_kv_i64(struct json_writer *w, const char *key, int64_t v);
void jw_kv_bool(struct json_writer *w, const char *key, bool v);
void jw_kv_hex(struct json_writer *w, const char *key, uint64_t v);
/* "key": s, or null when s is NULL (not known). */
void jw_kv_string_or_null(struct json_writer *w, const char *key, const char *s);
/* "key": v when known, else null. */
void jw_kv_u64_if(struct json_writer *w, const char *key, bool known, uint64_t v);
void jw_kv_i64_if(struct json_writer *w, const char *key, bool known, int64_t v);
void jw_kv_bool_if(struct json_writer *w, const char *key, bool known, bool v);
void jw_kv_hex_if(struct json_writer *w, const char *key, bool known, uint64_t v);

/* Escape one string into a FILE (no surrounding writer state). */
void json_escape(FILE *out, const char *s, size_t len);

#endif /* GOSNAP_JSON_H */
