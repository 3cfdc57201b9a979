/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A captured target: the running program, the regions it announced, its
 * snapshot (parsed) and the kernel's VMA list read right after capturing.
 */
#ifndef GUEST_TARGET_H
#define GUEST_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "procmaps.h"
#include "snap/snapshot.h"

#define TARGET_MAX_REGIONS	32

struct region {
	char name[32];
	uint64_t start, end;
};

struct target {
	struct child child;
	struct region regions[TARGET_MAX_REGIONS];
	size_t nr_regions;
	void *buf;			/* the snapshot bytes */
	size_t len;
	struct gs_snapshot snap;
	bool parsed;
	struct proc_vma *vmas;		/* smaps, read right after the capture */
	size_t nr_vmas;
};

/* Path of a program installed beside the running test. */
void target_program_path(const char *name, char *out, size_t len);

/*
 * Start argv and read its output up to the line want, keeping
 * "region NAME START END" lines. 0, or -errno with err filled.
 */
int target_start(struct target *t, char *const argv[], const char *want,
		 int timeout_ms, char *err, size_t errlen);
/* Go on to the next phase and wait for the line want. */
int target_next(struct target *t, const char *want, int timeout_ms,
		char *err, size_t errlen);

/*
 * Capture it through /dev/gosnap, parse, and read smaps at once. Drops a
 * previous capture. 0, or -errno with err filled.
 */
int target_capture(struct target *t, char *err, size_t errlen);
/* The same with GOSNAP_CAPTURE_* flags. */
int target_capture_flags(struct target *t, uint32_t flags, char *err, size_t errlen);

/* The region announced as name, or NULL. */
const struct region *target_region(const struct target *t, const char *name);

/* The kernel's VMA holding addr, or NULL. */
const struct proc_vma *target_proc_vma(const struct target *t, uint64_t addr);

/* Free everything and kill the program; safe on a half-set-up target. */
void target_release(struct target *t);

#endif /* GUEST_TARGET_H */
