// SPDX-License-Identifier: GPL-2.0
#include "base/json.h"

#include <inttypes.h>
#include <string.h>

void jw_init(struct json_writer *w, FILE *out, bool pretty)
{
	*w = (struct json_writer){ .out = out, .pretty = pretty };
}

static void newline_indent(struct json_writer *w)
{
	int i;

	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Separate this value from the previous member, unless it follows a key. */
static void before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->nonempty[w->depth])
			fputc(',', w->out);
		w->nonempty[w->depth] = true;
		newline_indent(w);
	}
}

/* A complete top-level value ends with a newline. */
static void after_value(struct json_writer *w)
{
	if (w->depth == 0)
		fputc('\n', w->out);
}

static void start(struct json_writer *w, char c)
{
	before_value(w);
	fputc(c, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->nonempty[w->depth] = false;
}

static void end(struct json_writer *w, char c)
{
	bool had = w->nonempty[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had)
		newline_indent(w);
	fputc(c, w->out);
	after_value(w);
}

void jw_start_object(struct json_writer *w) { start(w, '{'); }
void jw_end_object(struct json_writer *w) { end(w, '}'); }
void jw_start_array(struct json_writer *w) { start(w, '['); }
void jw_end_array(struct json_writer *w) { end(w, ']'); }

void jw_key(struct json_writer *w, const char *key)
{
	before_value(w);
	json_escape(w->out, key, strlen(key));
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_key = true;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_escape(FILE *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	fputc('"', out);
	while (i < len) {
		unsigned char c = s[i];

		switch (c) {
		case '"':	fputs("\\\"", out); i++; continue;
		case '\\':	fputs("\\\\", out); i++; continue;
		case '\b':	fputs("\\b", out); i++; continue;
		case '\f':	fputs("\\f", out); i++; continue;
		case '\n':	fputs("\\n", out); i++; continue;
		case '\r':	fputs("\\r", out); i++; continue;
		case '\t':	fputs("\\t", out); i++; continue;
		default:	break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_len(s + i, len - i);
		if (!n) {
			fputs("\\ufffd", out);
			i++;
			continue;
		}
		fwrite(s + i, 1, n, out);
		i += n;
	}
	fputc('"', out);
}

void jw_string_n(struct json_writer *w, const char *s, size_t len)
{
	if (!s) {
		jw_null(w);
		return;
	}
	before_value(w);
	json_escape(w->out, s, len);
	after_value(w);
}

void jw_string(struct json_writer *w, const char *s)
{
	if (!s)
		jw_null(w);
	else
		jw_string_n(w, s, strlen(s));
}

void jw_u64(struct json_writer *w, uint64_t v)
{
	before_value(w);
	fprintf(w->out, "%" PRIu64, v);
	after_value(w);
}

void jw_i64(struct json_writer *w, int64_t v)
{
	before_value(w);
	fprintf(w->out, "%" PRId64, v);
	after_value(w);
}

void jw_bool(struct json_writer *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->out);
	after_value(w);
}

void jw_null(struct json_writer *w)
{
	before_value(w);
	fputs("null", w->out);
	after_value(w);
}

void jw_hex(struct json_writer *w, uint64_t v)
{
	before_value(w);
	fprintf(w->out, "\"0x%" PRIx64 "\"", v);
	after_value(w);
}

void jw_kv_string(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

void jw_kv_u64(struct json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

void jw_kv_i64(struct json_writer *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_i64(w, v);
}

void jw_kv_bool(struct json_writer *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void jw_kv_hex(struct json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_hex(w, v);
}

void jw_kv_string_or_null(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		jw_string(w, s);
	else
		jw_null(w);
}

void jw_kv_u64_if(struct json_writer *w, const char *key, bool known, uint64_t v)
{
	jw_key(w, key);
	if (known)
		jw_u64(w, v);
	else
		jw_null(w);
}

void jw_kv_i64_if(struct json_writer *w, const char *key, bool known, int64_t v)
{
	jw_key(w, key);
	if (known)
		jw_i64(w, v);
	else
		jw_null(w);
}

void jw_kv_bool_if(struct json_writer *w, const char *key, bool known, bool v)
{
	jw_key(w, key);
	if (known)
		jw_bool(w, v);
	else
		jw_null(w);
}

void jw_kv_hex_if(struct json_writer *w, const char *key, bool known, uint64_t v)
{
	jw_key(w, key);
	if (known)
		jw_hex(w, v);
	else
		jw_null(w);
}
