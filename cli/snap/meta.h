/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CLI_META chunk text: one "key=value" per line, keys [a-z0-9_.], values
 * with backslash and newline escaped as \\ and \n. Keys may repeat
 * (probe.0.symbol, probe.1.symbol, ...).
 */
#ifndef GOSNAP_META_H
#define GOSNAP_META_H

#include <stddef.h>

struct gs_meta {
	char	*buf;
	size_t	len, cap;
	int	failed;		/* an allocation failed or a key was invalid */
};

void gs_meta_add(struct gs_meta *m, const char *key, const char *value);
void gs_meta_addf(struct gs_meta *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* argv joined by spaces, each word shell-quoted when it needs it. */
void gs_meta_add_argv(struct gs_meta *m, const char *key, int argc,
		      char **argv);
void gs_meta_free(struct gs_meta *m);

struct gs_meta_kv {
	char	*key;
	char	*value;		/* unescaped */
};

/* Split text into pairs. Returns 0, or -1 (a line without '=', or ENOMEM). */
int gs_meta_parse(const char *text, size_t len, struct gs_meta_kv **kv,
		  size_t *n);
void gs_meta_kv_free(struct gs_meta_kv *kv, size_t n);
/* The first value for key, or NULL. */
const char *gs_meta_find(const struct gs_meta_kv *kv, size_t n,
			 const char *key);

#endif /* GOSNAP_META_H */
