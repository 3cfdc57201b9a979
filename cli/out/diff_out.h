/* SPDX-License-Identifier: GPL-2.0 */
/* Printers of `gosnap-cli diff` (docs/diff.md): a table, or JSON. */
#ifndef GOSNAP_DIFF_OUT_H
#define GOSNAP_DIFF_OUT_H

#include <stdio.h>

#include "base/json.h"
#include "decode/snapdiff.h"

void diff_print_plain(const struct snapdiff *d, const char *a, const char *b, FILE *out);
void diff_print_json(const struct snapdiff *d, const char *a, const char *b,
		     struct json_writer *w);

#endif /* GOSNAP_DIFF_OUT_H */
