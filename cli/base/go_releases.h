/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Go releases gosnap knows, from its layout tables (layout/tables/),
 * written by scripts/regen-go-tables (generated; do not edit). The newest
 * table is the newest release decoded (exe/goversion.h).
 */
#ifndef GOSNAP_GO_RELEASES_H
#define GOSNAP_GO_RELEASES_H

#define GS_TABLES_OLDEST	"go1.19"
#define GS_TABLES_NEWEST	"go1.27"
#define GS_TABLES_NEWEST_MINOR	27

/*
 * { N of go1.N, word of runtime.moduledata.rodata, word of .gofunc }, from
 * each release's table: where pctab.c finds go:func.* (the funcdata base).
 */
#define GS_TABLES_MODULEDATA_WORDS \
	{ 19, 37, 38 }, \
	{ 20, 39, 40 }, \
	{ 21, 39, 40 }, \
	{ 22, 39, 40 }, \
	{ 23, 39, 40 }, \
	{ 24, 39, 40 }, \
	{ 25, 39, 40 }, \
	{ 26, 39, 40 }, \
	{ 27, 42, 43 }, \

#endif /* GOSNAP_GO_RELEASES_H */
