// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal status line (see progress.h). One operation at a time: the
 * tool is single-threaded and its long waits do not nest.
 */
#include "base/progress.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

bool progress_quiet;

#define SHOW_AFTER_MS	500	/* quick operations print nothing */
#define REDRAW_NS	100000000LL

static int64_t started_ns = -1;	/* -1: no operation */
static int64_t drawn_ns;
static bool drawn;
static char last[256];		/* the line on screen: not redrawn unchanged */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* GOSNAP_PROGRESS_DELAY=MS overrides the half second (as git's
 * GIT_PROGRESS_DELAY does), so that tests can see the line at once. */
static int64_t show_after_ns(void)
{
	const char *env = getenv("GOSNAP_PROGRESS_DELAY");
	char *end;
	long ms;

	if (env && *env) {
		ms = strtol(env, &end, 10);
		if (!*end && ms >= 0 && ms <= 3600000)
			return (int64_t)ms * 1000000LL;
	}
	return SHOW_AFTER_MS * 1000000LL;
}

/*
 * A terminal that can erase a line: stderr is one, and TERM names one
 * (unset or "dumb", as for a serial console that is really a log, the
 * "\033[K" would be left in the text).
 */
static bool wanted(void)
{
	static int tty = -1;

	if (tty < 0) {
		const char *term = getenv("TERM");

		tty = isatty(STDERR_FILENO) && term && *term && strcmp(term, "dumb");
	}
	return tty && !progress_quiet;
}

void progress_begin(void)
{
	progress_end();
	started_ns = wanted() ? now_ns() : -1;
}

void progress_update(const char *fmt, ...)
{
	char line[256];
	struct winsize ws;
	size_t width = sizeof(line) - 1;
	int64_t t;
	va_list ap;
	int len;

	if (started_ns < 0)
		return;
	t = now_ns();
	if (t - started_ns < show_after_ns() || (drawn && t - drawn_ns < REDRAW_NS))
		return;
	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	/* One line, never wrapped: a wrapped line cannot be erased with \r. */
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    ws.ws_col - 1u < width)
		width = ws.ws_col - 1u;
	if ((size_t)len > width)
		line[width] = '\0';
	if (drawn && !strcmp(line, last))
		return;
	memcpy(last, line, sizeof(last));
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	drawn = true;
	drawn_ns = t;
}

void progress_end(void)
{
	if (drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	drawn = false;
	started_ns = -1;
}
