/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress on a terminal: one status line on stderr for a long wait (a
 * capture waiting for its first hit, reading a big snapshot, writing a
 * core). It appears only once the operation has taken half a second, so
 * quick commands print nothing, is redrawn at most ten times a second,
 * and is erased when the operation ends or anything else is reported.
 * Silent when stderr is not a terminal or --quiet was given.
 */
#ifndef GOSNAP_PROGRESS_H
#define GOSNAP_PROGRESS_H

#include <stdbool.h>

extern bool progress_quiet;	/* -q/--quiet */

/* A new operation: its line may show from half a second on. */
void progress_begin(void);
/* The status line now (rate-limited; nothing before progress_begin()). */
void progress_update(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The operation is over: erase the line if it was drawn. */
void progress_end(void);

#endif /* GOSNAP_PROGRESS_H */
