/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-release layout tables beside this file, for layout_table.c:
 * listed by scripts/regen-go-tables (generated; do not edit).
 */
static const struct tbl_entry go1_19[] = {
#include "go1.19.h"
};
static const struct tbl_entry go1_20[] = {
#include "go1.20.h"
};
static const struct tbl_entry go1_21[] = {
#include "go1.21.h"
};
static const struct tbl_entry go1_21_allocheaders[] = {
#include "go1.21-X-allocheaders.h"
};
static const struct tbl_entry go1_22[] = {
#include "go1.22.h"
};
static const struct tbl_entry go1_23[] = {
#include "go1.23.h"
};
static const struct tbl_entry go1_24[] = {
#include "go1.24.h"
};
static const struct tbl_entry go1_25[] = {
#include "go1.25.h"
};
static const struct tbl_entry go1_26[] = {
#include "go1.26.h"
};
static const struct tbl_entry go1_26_nogreenteagc[] = {
#include "go1.26-X-nogreenteagc.h"
};
static const struct tbl_entry go1_27[] = {
#include "go1.27.h"
};

static const struct gs_table tables[] = {
	TABLE("go1.19", "", "go1.19", go1_19),
	TABLE("go1.20", "", "go1.20", go1_20),
	TABLE("go1.21", "", "go1.21", go1_21),
	TABLE("go1.21", "allocheaders", "go1.21 X:allocheaders", go1_21_allocheaders),
	TABLE("go1.22", "", "go1.22", go1_22),
	TABLE("go1.23", "", "go1.23", go1_23),
	TABLE("go1.24", "", "go1.24", go1_24),
	TABLE("go1.25", "", "go1.25", go1_25),
	TABLE("go1.26", "", "go1.26", go1_26),
	TABLE("go1.26", "nogreenteagc", "go1.26 X:nogreenteagc", go1_26_nogreenteagc),
	TABLE("go1.27", "", "go1.27", go1_27),
};
