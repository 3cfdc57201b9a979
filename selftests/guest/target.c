// SPDX-License-Identifier: GPL-2.0
#include "target.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gosnap_dev.h"

void target_program_path(const char *name, char *out, size_t len)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		n = 0;
	self[n] = '\0';
	snprintf(out, len, "%s/%s", n ? dirname(self) : ".", name);
}

static void keep_region(void *arg, const char *line)
{
	struct target *t = arg;
	struct region r;

	if (t->nr_regions == TARGET_MAX_REGIONS)
		return;
	if (sscanf(line, "region %31s %" SCNx64 " %" SCNx64, r.name, &r.start,
		   &r.end) == 3)
		t->regions[t->nr_regions++] = r;
	else
		fprintf(stderr, "# target: %s\n", line);
}

static int wait_line(struct target *t, const char *want, int timeout_ms,
		     char *err, size_t errlen)
{
	int ret = child_wait_for(&t->child, want, timeout_ms, keep_region, t);

	if (ret)
		snprintf(err, errlen, "waiting for the target to print \"%s\": %s",
			 want, strerror(-ret));
	return ret;
}

int target_start(struct target *t, char *const argv[], const char *want,
		 int timeout_ms, char *err, size_t errlen)
{
	int ret = child_start(&t->child, argv);

	if (ret) {
		snprintf(err, errlen, "starting %s: %s", argv[0], strerror(-ret));
		return ret;
	}
	return wait_line(t, want, timeout_ms, err, errlen);
}

int target_next(struct target *t, const char *want, int timeout_ms,
		char *err, size_t errlen)
{
	int ret = child_poke(&t->child);

	if (ret) {
		snprintf(err, errlen, "waking the target: %s", strerror(-ret));
		return ret;
	}
	return wait_line(t, want, timeout_ms, err, errlen);
}

static void drop_capture(struct target *t)
{
	if (t->parsed)
		gs_snapshot_free(&t->snap);
	t->parsed = false;
	free(t->buf);
	t->buf = NULL;
	free(t->vmas);
	t->vmas = NULL;
	t->nr_vmas = 0;
}

int target_capture(struct target *t, char *err, size_t errlen)
{
	return target_capture_flags(t, 0, err, errlen);
}

int target_capture_flags(struct target *t, uint32_t flags, char *err, size_t errlen)
{
	char perr[256];
	int ret;

	drop_capture(t);
	ret = gosnap_capture_pid(t->child.pid, flags, &t->buf, &t->len, err, errlen);
	if (ret)
		return ret;
	/* The kernel's VMA list right away, before anything can move. */
	ret = procmaps_read(t->child.pid, &t->vmas, &t->nr_vmas);
	if (ret) {
		snprintf(err, errlen, "reading /proc/%d/smaps: %s",
			 (int)t->child.pid, strerror(-ret));
		return ret;
	}
	if (gs_snapshot_parse(t->buf, t->len, &t->snap, perr, sizeof(perr))) {
		snprintf(err, errlen, "the snapshot (%zu bytes) does not parse: %s",
			 t->len, perr);
		return -EPROTO;
	}
	t->parsed = true;
	return 0;
}

const struct region *target_region(const struct target *t, const char *name)
{
	for (size_t i = 0; i < t->nr_regions; i++)
		if (!strcmp(t->regions[i].name, name))
			return &t->regions[i];
	return NULL;
}

const struct proc_vma *target_proc_vma(const struct target *t, uint64_t addr)
{
	for (size_t i = 0; i < t->nr_vmas; i++)
		if (t->vmas[i].start <= addr && addr < t->vmas[i].end)
			return &t->vmas[i];
	return NULL;
}

void target_release(struct target *t)
{
	drop_capture(t);
	child_stop(&t->child);
}
