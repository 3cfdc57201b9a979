/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build IDs of executables, in the kinds the kernel records in a
 * snapshot's TASK record (GOSNAP_BUILD_ID_GO: the "Go\0\0" note's string;
 * GOSNAP_BUILD_ID_GNU: NT_GNU_BUILD_ID bytes), and how they are printed.
 */
#ifndef GOSNAP_BUILDID_H
#define GOSNAP_BUILDID_H

#include <stddef.h>
#include <stdint.h>
#include <linux/gosnap.h>

struct gs_elfimg;

/*
 * The build ID of the given kind of an open image (exe/elfimg.h) into
 * buf: its length, or -1 if it has none of that kind.
 */
long gs_elfimg_build_id(const struct gs_elfimg *im, uint32_t kind,
			uint8_t *buf, size_t len);
/* The kind the kernel prefers (GNU's, else Go's), as below. */
long gs_elfimg_any_build_id(const struct gs_elfimg *im, uint32_t *kind,
			    uint8_t *buf, size_t len);

/*
 * The executable's own build ID, the kind the kernel prefers (GNU's, else
 * Go's): its length with *kind set, or -1 (*kind GOSNAP_BUILD_ID_NONE).
 */
long gs_exe_any_build_id(const char *path, uint32_t *kind, uint8_t *buf,
			 size_t len);

/* A Go build ID as its text, a GNU one in hex ("none" if empty). */
void gs_build_id_str(uint32_t kind, const uint8_t *id, size_t n, char *buf,
		     size_t len);

#endif /* GOSNAP_BUILDID_H */
