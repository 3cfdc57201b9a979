// SPDX-License-Identifier: GPL-2.0
/*
 * mkpprof DIR: the synthetic heap of synth_objects.h decoded as
 * test_objects.c decodes it, with allocation headers (go1.22+, NAME
 * headers) and without (before go1.22, NAME bitmap), written through the
 * tool's own printers for selftests/host/objects-pprof.t:
 *
 *   DIR/NAME.json       what `objects -j` prints: every group
 *   DIR/NAME-top1.json  with --top 1: the groups the tables fold away
 *   DIR/NAME.pb.gz      what `objects --top 1 --pprof` writes
 */
#include <stdio.h>
#include <stdlib.h>

#include "out/objects_out.h"
#include "synth_objects.h"

static struct synth_objects so;

static FILE *open_out(const char *dir, const char *name, const char *ext)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

static void close_out(FILE *f, int bad)
{
	if (fclose(f) || bad) {
		perror("mkpprof: write");
		exit(1);
	}
}

static void write_one(const char *dir, const char *name, bool headers)
{
	struct objects_out_opts oo = { "synth.gsnap", "synth", 0, 1700000000000000000ULL };
	struct synth_objects_run r;
	struct json_writer w;
	FILE *f;

	synth_objects_build(&so, headers);
	synth_objects_decode(&so, &r);
	f = open_out(dir, name, ".json");
	jw_init(&w, f, true);
	objects_print_json(r.o, r.h, &oo, &w);
	close_out(f, 0);
	oo.top = 1;
	f = open_out(dir, name, "-top1.json");
	jw_init(&w, f, true);
	objects_print_json(r.o, r.h, &oo, &w);
	close_out(f, 0);
	f = open_out(dir, name, ".pb.gz");
	close_out(f, objects_write_pprof(r.o, r.h, &oo, f));
	synth_objects_done(&r);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkpprof DIR\n");
		return 2;
	}
	write_one(argv[1], "headers", true);
	write_one(argv[1], "bitmap", false);
	return 0;
}
