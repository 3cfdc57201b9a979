// SPDX-License-Identifier: GPL-2.0
/* The Go release of an executable from every source; see goversion.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exe/goversion.h"

/* Test-only: pretend the newest known release is go1.N (N from env). */
static int newest_minor(void)
{
	const char *e = getenv("GOSNAP_TEST_NEWEST_GO_MINOR");

	return e && *e ? atoi(e) : GS_GO_NEWEST_MINOR;
}

const char *gs_gover_src_name(enum gs_gover_src s)
{
	switch (s) {
	case GS_GOVER_SECTION:	return ".go.buildinfo";
	case GS_GOVER_SCAN:	return "buildinfo magic";
	case GS_GOVER_SYMBOL:	return "runtime.buildVersion (symtab)";
	case GS_GOVER_DECODED:	return "runtime.buildVersion (decoded)";
	case GS_GOVER_NSRC:	break;
	}
	return "?";
}

static int minor_of(const char *v)
{
	int m;

	if (!v || sscanf(v, "go1.%d", &m) != 1 || m < 0)
		return -1;
	return m;
}

/* Compare only the release tag ("go1.26.10"), not " X:exp" suffixes. */
static size_t tag_len(const char *v)
{
	return strcspn(v, " ");
}

void gs_goversion_settle(struct gs_goversion *v)
{
	int i;
	size_t n;

	v->version = NULL;
	v->from = NULL;
	v->problem[0] = '\0';
	for (i = 0; i < GS_GOVER_NSRC; i++) {
		if (!v->found[i][0])
			continue;
		if (!v->version) {
			v->version = v->found[i];
			v->from = gs_gover_src_name(i);
			continue;
		}
		n = tag_len(v->version);
		if (tag_len(v->found[i]) != n || strncmp(v->found[i], v->version, n))
			snprintf(v->problem, sizeof(v->problem),
				 "sources disagree: %s says %s, %s says %s",
				 v->from, v->version, gs_gover_src_name(i),
				 v->found[i]);
	}
	v->minor = minor_of(v->version);
	if (!v->version)
		snprintf(v->problem, sizeof(v->problem),
			 "no source names the Go version%s",
			 v->pcln_min_minor > 0 ? " (the pclntab magic bounds it)" : "");
	else if (v->minor >= 0 && v->minor < v->pcln_min_minor && !v->problem[0])
		snprintf(v->problem, sizeof(v->problem),
			 "%s from %s is older than the pclntab format (go1.%d or later)",
			 v->version, v->from, v->pcln_min_minor);
}

int gs_go_release_known(const char *go_version, char *why, size_t whylen)
{
	int m = minor_of(go_version), newest = newest_minor();

	if (!go_version || !go_version[0]) {
		snprintf(why, whylen, "Go version unknown");
		return -1;
	}
	if (m < 0) {
		snprintf(why, whylen, "Go version \"%s\" not understood", go_version);
		return -1;
	}
	if (m > newest) {
		snprintf(why, whylen,
			 "%s is newer than the newest release known (go1.%d): its runtime layouts are unknown",
			 go_version, newest);
		return -1;
	}
	return 0;
}
