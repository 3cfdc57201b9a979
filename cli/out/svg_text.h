/* SPDX-License-Identifier: GPL-2.0 */
/* Text inside SVG markup, shared by the SVG printers. */
#ifndef GOSNAP_SVG_TEXT_H
#define GOSNAP_SVG_TEXT_H

#include <stdio.h>

/* s as SVG text: the markup characters escaped. */
void svg_text(FILE *out, const char *s);

#endif /* GOSNAP_SVG_TEXT_H */
