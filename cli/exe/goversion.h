/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Go release of an executable, from every place that records it:
 * the .go.buildinfo section; the build info blob found by its magic in a
 * writable segment (section headers renamed or stripped); the string
 * runtime.buildVersion names, found through .symtab or by decoding the
 * instructions that use it; and the pclntab magic, a lower bound only.
 * The answer says where it came from; sources that disagree are reported.
 *
 * Readers of runtime structures (moduledata, funcdata, inline trees,
 * layout tables) ask gs_go_release_known() first: a release newer than
 * GS_GO_NEWEST_MINOR, or none at all, gets no answer, only a reason.
 */
#ifndef GOSNAP_GOVERSION_H
#define GOSNAP_GOVERSION_H

#include <stdbool.h>
#include <stddef.h>

#include "base/go_releases.h"

/* The newest release decoded: the newest layout table (generated). */
#define GS_GO_NEWEST_MINOR	GS_TABLES_NEWEST_MINOR
#define GS_GO_VERSION_LEN	128

enum gs_gover_src {
	GS_GOVER_SECTION,	/* .go.buildinfo section */
	GS_GOVER_SCAN,		/* build info magic in a writable segment */
	GS_GOVER_SYMBOL,	/* runtime.buildVersion via .symtab */
	GS_GOVER_DECODED,	/* runtime.buildVersion via its instructions */
	GS_GOVER_NSRC
};

struct gs_goversion {
	char		found[GS_GOVER_NSRC][GS_GO_VERSION_LEN]; /* "" none */
	const char	*version;	/* the first source's answer, or NULL */
	const char	*from;		/* its source name, or NULL */
	int		minor;		/* N of go1.N, -1 if unknown */
	int		pcln_min_minor;	/* lower bound from the pclntab magic */
	char		problem[256];	/* sources disagree / none, or "" */
};

const char *gs_gover_src_name(enum gs_gover_src s);

/* Pick the answer and note disagreements once every source is filled. */
void gs_goversion_settle(struct gs_goversion *v);

/*
 * 0 if go_version ("go1.27.3...") is a release this tool knows the
 * runtime structures of; -1 with the reason in why otherwise (no version,
 * unparsable, or newer than GS_GO_NEWEST_MINOR).
 */
int gs_go_release_known(const char *go_version, char *why, size_t whylen);

#endif /* GOSNAP_GOVERSION_H */
