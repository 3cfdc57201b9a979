/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every way of capturing shares once snapshots are in memory: the
 * CLI_META every file carries, validation, the atomic file write and the
 * report. `capture --pid` uses it; probe captures are to use it as well.
 */
#ifndef GOSNAP_CAPTURE_H
#define GOSNAP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/gosnap.h>

#include "exe/exe.h"
#include "snap/meta.h"

/* One snapshot exactly as read from the device (8-byte aligned). */
struct capture_snap {
	const void	*data;
	size_t		size;
};

/*
 * Start the CLI_META of a new file: tool, tool_version, command_line,
 * host.release, host.machine and, when info is given, the module's
 * module.* figures. Callers add their own keys (capture.*, probe.N.*).
 */
void capture_meta_init(struct gs_meta *m, const struct gosnap_info *info);

/*
 * Check every snapshot with gs_snapshot_parse (each must be exactly one
 * snapshot), write them with the meta to path atomically, then report
 * what was written (text or JSON). Returns 0, or -1 after p_err().
 */
int capture_save(const char *path, const struct gs_meta *meta,
		 const struct capture_snap *snaps, size_t n);
/*
 * Whether capture_save() reports each file it wrote (default true); a
 * command that reports its captures its own way (timeline) turns it off.
 */
void capture_set_report(bool on);

/* The same, with an EMBED chunk holding embed (see embed.h) unless NULL. */
int capture_save_embed(const char *path, const struct gs_meta *meta,
		       const struct capture_snap *snaps, size_t n,
		       const struct capture_snap *embed);

/*
 * The EMBED payload of the executable x (capture --embed), malloc'd into
 * *out, from the image x already holds (no second open). Returns 0, or -1
 * after p_err().
 */
int capture_embed_exe(struct gs_exe *x, struct capture_snap *out);

#endif /* GOSNAP_CAPTURE_H */
