// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap-cli timeline -o DIR -- PROG ARGS: start PROG under probes at the
 * runtime's start-up moments, one snapshot each, and tabulate what each
 * moment holds (docs/timeline.md).
 */
#include "capture/capture.h"
#include "capture/capture_probe.h"
#include "capture/timeline_sites.h"
#include "commands.h"
#include "decode/snapctx.h"
#include "decode/timeline.h"
#include "out/timeline_out.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void timeline_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s timeline -o DIR [--svg FILE] [--until SYM] [--embed] [-j|-p] -- PROG [ARGS...]\n\n"
		"Start PROG and freeze it, every thread stopped and its memory copied as\n"
		"capture's full mode does, at each start-up moment of the Go runtime: rt0_go,\n"
		"schedinit, mallocinit and its return, the main goroutine's newproc,\n"
		"mstart, runtime.main, each package's init (with its name), main.main\n"
		"and the first gcStart. One snapshot per moment goes to DIR; then a row\n"
		"per moment: mappings, threads, Ms, goroutines, arenas, spans, resident\n"
		"memory by region (text, data, bss, heap, stacks, runtime, other) and\n"
		"how long the process was held. A running process (--pid) is refused:\n"
		"its start-up has passed. With -j, PROG's standard output goes to\n"
		"standard error, so that standard output is one JSON document.\n\n"
		"  -o, --output DIR  the snapshots (a new or empty directory)\n"
		"  --svg FILE        also draw the moments as a chart\n"
		"  --until SYM       end the timeline at SYM's first hit\n"
		"  --embed           store the executable in each snapshot\n"
		"  -j, --json        JSON (docs/json.md, section timeline); -p pretty\n"
		"  -h, --help        this text\n", PROG);
}

/*
 * Snapshots an earlier run left in dir (they would join the table): their
 * number, 0 for a new directory, -1 if dir cannot be read.
 */
static int snapshots_in(const char *dir)
{
	struct dirent **names;
	int i, n = scandir(dir, &names, snapshot_file_entry, alphasort);

	if (n < 0)
		return errno == ENOENT ? 0 : -1;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return n;
}

static const struct tl_site *site_of(const struct tl_sites *t, const char *label)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strncmp(t->s[i].label, label, GOSNAP_LABEL_LEN - 1))
			return &t->s[i];
	return NULL;
}

/*
 * A package-init hit on the same task as the moment before, with the
 * task's state still 0 both times: the first call never got past its
 * prologue (it sets the state at once), so this is that call entering
 * again, after morestack grew its stack. One call, one moment.
 */
static bool is_reentry(const struct tl_report *r, const struct gs_moment *m)
{
	const struct gs_moment *prev = r->n ? &r->rows[r->n - 1].m : NULL;

	return prev && m->init_task && prev->init_task == m->init_task &&
	       m->init_done == 0 && prev->init_done == 0 && !strcmp(prev->label, m->label);
}

/* Decode DIR's snapshots, in order, into r; stops after the --until moment. */
static int decode_moments(const char *dir, const struct tl_sites *t, const char *until,
			  struct tl_report *r)
{
	struct dirent **names;
	int i, n = scandir(dir, &names, snapshot_file_entry, alphasort);
	bool stop = false;

	if (n < 0) {
		p_err("timeline: %s: %s", dir, strerror(errno));
		return -1;
	}
	r->rows = calloc(n ? (size_t)n : 1, sizeof(*r->rows));
	for (i = 0; i < n && r->rows && !stop; i++) {
		struct tl_row *row = &r->rows[r->n];
		const struct tl_site *s;
		struct gs_snapctx c;
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (gs_snapctx_open(&c, path, NULL, -1))
			continue;	/* reported */
		snprintf(row->file, sizeof(row->file), "%.63s", names[i]->d_name);
		if (gs_moment_decode(&c, t->init_func, &row->m)) {
			gs_snapctx_close(&c);
			break;
		}
		s = site_of(t, row->m.label);
		if (s && s->is_init && is_reentry(r, &row->m)) {
			r->reentries++;
			gs_snapctx_close(&c);
			continue;
		}
		if (s && s->is_init)
			snprintf(row->moment, sizeof(row->moment), "init %s%s",
				 row->m.package[0] ? row->m.package : "?",
				 row->m.init_done == 1 ? " (done already)" : "");
		else
			snprintf(row->moment, sizeof(row->moment), "%s",
				 s ? s->moment : row->m.label);
		stop = until && !strcmp(row->m.label, until);
		r->n++;
		gs_snapctx_close(&c);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!r->rows) {
		p_err("out of memory");
		return -1;
	}
	return 0;
}

int cmd_timeline(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output",	required_argument,	NULL, 'o' },
		{ "svg",	required_argument,	NULL, 'S' },
		{ "until",	required_argument,	NULL, 'u' },
		{ "embed",	no_argument,		NULL, 'E' },
		{ "pid",	required_argument,	NULL, 'P' },
		COMMON_LONG_OPTS,
		{ 0 }
	};
	struct probe_opts po = { .mode = GOSNAP_MODE_FULL, .stop_world = true,
				 .device = GOSNAP_DEVICE };
	struct tl_report rep = { 0 };
	struct tl_sites sites;
	struct gs_exe *x = NULL;
	const char *svg = NULL, *until = NULL;
	char exe[PATH_MAX], err[1024];
	size_t i;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, "+" COMMON_SHORT_OPTS "o:", opts, NULL)) != -1) {
		if (common_option(opt))
			continue;
		switch (opt) {
		case 'o': po.outdir = optarg; break;
		case 'S': svg = optarg; break;
		case 'u': until = optarg; break;
		case 'E': po.embed = true; break;
		case 'P':
			output_begin();
			p_err("timeline --pid: process %s has started already; a timeline "
			      "starts the program itself: timeline -o DIR -- PROG ARGS", optarg);
			return EXIT_USAGE;
		case 'h': timeline_usage(stdout); return 0;
		default: timeline_usage(stderr); return EXIT_USAGE;
		}
	}
	output_begin();
	if (!po.outdir || optind >= argc) {
		p_err("timeline needs -o DIR and a program after -- (try '%s timeline --help')",
		      PROG);
		return EXIT_USAGE;
	}
	i = (size_t)snapshots_in(po.outdir);
	if (i) {
		if (i == (size_t)-1)
			p_err("timeline: %s: %s", po.outdir, strerror(errno));
		else
			p_err("timeline: %s holds %zu snapshots of an earlier run: give a new "
			      "or empty directory", po.outdir, i);
		return 1;
	}
	if (capture_find_program(argv[optind], exe, sizeof(exe))) {
		p_err("timeline: %s: not found or not executable", argv[optind]);
		return 1;
	}
	x = gs_exe_open(exe, err, sizeof(err));
	if (!x || timeline_sites(x, until, &sites, err, sizeof(err))) {
		p_err("timeline: %s", err);
		goto out;
	}
	for (i = 0; i < sites.n; i++)
		po.at[i] = sites.s[i].spec;
	po.nr_at = (unsigned int)sites.n;
	po.argv = argv + optind;
	po.target_stdout_to_stderr = json_output;
	capture_set_report(false);
	ret = capture_probes(&po);
	capture_set_report(true);
	if (ret)
		goto out;
	ret = 1;
	rep.dir = po.outdir;
	rep.program = argv[optind];
	rep.skipped = sites.skipped;
	if (decode_moments(po.outdir, &sites, until, &rep))
		goto out;
	if (rep.n == 0) {
		p_err("timeline: no moment was captured in %s", po.outdir);
		goto out;
	}
	if (json_wtr)
		timeline_print_json(&rep, json_wtr);
	else
		timeline_print_plain(&rep, stdout);
	if (svg && timeline_write_svg(&rep, svg)) {
		p_err("timeline --svg %s: %s", svg, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(rep.rows);
	if (x)
		gs_exe_close(x);
	return ret;
}
