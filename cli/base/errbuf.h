/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one way this code hands an error message back: into a caller's
 * (err, errlen) buffer, which may be NULL. Header-only, so that files
 * linked alone (snapshot.c in the guest tests) need nothing else.
 */
#ifndef GOSNAP_ERRBUF_H
#define GOSNAP_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

#endif /* GOSNAP_ERRBUF_H */
