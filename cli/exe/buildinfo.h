/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Go toolchain version a binary was built with, from its build info
 * blob (.go.buildinfo, kept by stripping). The blob starts with a 32-byte
 * header: the 14-byte magic "\xff Go buildinf:", the pointer size, a flags
 * byte (bit 1: strings inline, Go 1.18+), then
 *   Go 1.18+: varint-length-prefixed version and module-info strings at 32;
 *   earlier:  at 16, the address of the version's Go string header
 *             {data pointer, length}, so the reader needs the binary's
 *             memory image, given here as a callback.
 */
#ifndef GOSNAP_BUILDINFO_H
#define GOSNAP_BUILDINFO_H

#include <stddef.h>
#include <stdint.h>

#define GS_BUILDINFO_ALIGN	16	/* the linker aligns the blob to this */

/*
 * Return a pointer to len bytes of the binary's image at vaddr, or NULL if
 * they are not all backed by the file.
 */
typedef const uint8_t *(*gs_vmem_fn)(void *ctx, uint64_t vaddr, size_t len);

/* Offset of the first 16-byte aligned magic in buf at or after from, or -1. */
long gs_buildinfo_scan(const uint8_t *buf, size_t len, size_t from);

/*
 * Decode the version string ("go1.19.8") of the blob at bi (len bytes
 * readable) into ver (NUL-terminated). read/ctx serve the pre-1.18
 * pointer format. Returns 0, or -1 with a message in err.
 */
int gs_buildinfo_version(const uint8_t *bi, size_t len, gs_vmem_fn read,
			 void *ctx, char *ver, size_t verlen,
			 char *err, size_t errlen);

/*
 * Read the Go string whose header {data, len} is at vaddr (e.g. the
 * runtime.buildVersion variable) into out. Returns 0 or -1.
 */
int gs_go_string_at(gs_vmem_fn read, void *ctx, uint64_t vaddr,
		    char *out, size_t outlen);

#endif /* GOSNAP_BUILDINFO_H */
