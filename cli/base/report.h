/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tool's name and version, the output options and error reporting
 * that follows -j (an {"error": …} object on stdout instead of a message
 * on stderr). Every stage may report; only the commands set the options.
 */
#ifndef GOSNAP_REPORT_H
#define GOSNAP_REPORT_H

#include <stdbool.h>

#include "base/json.h"

#define GOSNAP_VERSION	"0.1.0"
#define PROG		"gosnap-cli"

extern bool json_output;	/* -j/--json */
extern bool pretty_output;	/* -p/--pretty (implies -j) */
extern struct json_writer *json_wtr;	/* on stdout, set when json_output */
extern int main_argc;			/* the whole command line, for CLI_META */
extern char **main_argv;

/* Report an error (JSON-aware). */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning on stderr; never in the JSON output. */
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* GOSNAP_REPORT_H */
