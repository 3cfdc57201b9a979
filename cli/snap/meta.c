// SPDX-License-Identifier: GPL-2.0
#include "snap/meta.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(struct gs_meta *m, const char *s, size_t n)
{
	if (m->failed)
		return;
	if (m->len + n + 1 > m->cap) {
		size_t cap = m->cap ? m->cap : 256;
		char *nb;

		while (m->len + n + 1 > cap)
			cap *= 2;
		nb = realloc(m->buf, cap);
		if (!nb) {
			m->failed = 1;
			return;
		}
		m->buf = nb;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, s, n);
	m->len += n;
	m->buf[m->len] = '\0';
}

static int valid_key(const char *key)
{
	if (!*key)
		return 0;
	for (; *key; key++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_.", *key))
			return 0;
	return 1;
}

void gs_meta_add(struct gs_meta *m, const char *key, const char *value)
{
	if (!valid_key(key)) {
		m->failed = 1;
		return;
	}
	put(m, key, strlen(key));
	put(m, "=", 1);
	for (; *value; value++) {
		if (*value == '\\')
			put(m, "\\\\", 2);
		else if (*value == '\n')
			put(m, "\\n", 2);
		else
			put(m, value, 1);
	}
	put(m, "\n", 1);
}

void gs_meta_addf(struct gs_meta *m, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (ret < 0) {
		m->failed = 1;
		return;
	}
	gs_meta_add(m, key, s);
	free(s);
}

static int needs_quotes(const char *w)
{
	if (!*w)
		return 1;
	for (; *w; w++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-+=/.,:@%", *w))
			return 1;
	return 0;
}

void gs_meta_add_argv(struct gs_meta *m, const char *key, int argc,
		      char **argv)
{
	struct gs_meta line = { 0 };
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (i)
			put(&line, " ", 1);
		if (!needs_quotes(w)) {
			put(&line, w, strlen(w));
			continue;
		}
		put(&line, "'", 1);
		for (; *w; w++) {
			if (*w == '\'')
				put(&line, "'\\''", 4);
			else
				put(&line, w, 1);
		}
		put(&line, "'", 1);
	}
	if (line.failed)
		m->failed = 1;
	else
		gs_meta_add(m, key, line.buf ? line.buf : "");
	gs_meta_free(&line);
}

void gs_meta_free(struct gs_meta *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

static char *unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			*o++ = s[i] == 'n' ? '\n' : s[i];
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

int gs_meta_parse(const char *text, size_t len, struct gs_meta_kv **kvp,
		  size_t *np)
{
	struct gs_meta_kv *kv = NULL;
	size_t n = 0, i, lines = 0;
	const char *p = text, *end = text + len;

	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	kv = calloc(lines + 1, sizeof(*kv));
	if (!kv)
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(eol - p));

		if (eol == p) {		/* empty line */
			p = eol + 1;
			continue;
		}
		if (!eq)
			goto fail;
		kv[n].key = strndup(p, (size_t)(eq - p));
		kv[n].value = unescape(eq + 1, (size_t)(eol - eq - 1));
		n++;
		if (!kv[n - 1].key || !kv[n - 1].value)
			goto fail;
		p = eol + 1;
	}
	*kvp = kv;
	*np = n;
	return 0;
fail:
	gs_meta_kv_free(kv, n);
	return -1;
}

void gs_meta_kv_free(struct gs_meta_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

const char *gs_meta_find(const struct gs_meta_kv *kv, size_t n,
			 const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}
