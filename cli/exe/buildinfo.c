// SPDX-License-Identifier: GPL-2.0
/* Go build info: the toolchain version string. See buildinfo.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/errbuf.h"
#include "exe/buildinfo.h"

#define BI_MAGIC	"\xff Go buildinf:"
#define BI_MAGIC_LEN	14
#define BI_HDR_SIZE	32
#define BI_PTRSIZE_AT	14
#define BI_FLAGS_AT	15
#define BI_FLAG_BIGENDIAN 0x1
#define BI_FLAG_INLINE	0x2	/* Go 1.18+: strings follow the header */
#define BI_VERSION_PTR_AT 16	/* before 1.18: address of a string header */
#define GO_VERSION_MAX	256	/* longer than any real one: "go1.x.y X:..." */

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

long gs_buildinfo_scan(const uint8_t *buf, size_t len, size_t from)
{
	size_t off;

	off = (from + GS_BUILDINFO_ALIGN - 1) & ~(size_t)(GS_BUILDINFO_ALIGN - 1);
	for (; off + BI_HDR_SIZE <= len; off += GS_BUILDINFO_ALIGN)
		if (!memcmp(buf + off, BI_MAGIC, BI_MAGIC_LEN))
			return (long)off;
	return -1;
}

/* A plausible version: printable ASCII, starting "go" or "devel". */
static bool copy_version(const uint8_t *s, uint64_t n, char *ver, size_t verlen)
{
	uint64_t i;

	if (n == 0 || n > GO_VERSION_MAX || n >= verlen)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	memcpy(ver, s, n);
	ver[n] = '\0';
	return true;
}

/* Unsigned LEB128 as Go's encoding/binary writes it; 0 on a bad varint. */
static size_t read_uvarint(const uint8_t *p, size_t len, uint64_t *v)
{
	size_t i;
	unsigned shift = 0;

	*v = 0;
	for (i = 0; i < len && i < 10; i++, shift += 7) {
		*v |= (uint64_t)(p[i] & 0x7f) << shift;
		if (!(p[i] & 0x80))
			return i + 1;
	}
	return 0;
}

int gs_go_string_at(gs_vmem_fn read, void *ctx, uint64_t vaddr,
		    char *out, size_t outlen)
{
	const uint8_t *hdr, *s;
	uint64_t data, n;

	hdr = read(ctx, vaddr, 16);
	if (!hdr)
		return -1;
	data = get_le(hdr, 8);
	n = get_le(hdr + 8, 8);
	if (n == 0 || n > GO_VERSION_MAX)
		return -1;
	s = read(ctx, data, n);
	if (!s || !copy_version(s, n, out, outlen))
		return -1;
	return 0;
}

int gs_buildinfo_version(const uint8_t *bi, size_t len, gs_vmem_fn read,
			 void *ctx, char *ver, size_t verlen,
			 char *err, size_t errlen)
{
	unsigned ptr_size;
	uint64_t n, addr;
	size_t used;
	const uint8_t *hdr;

	if (len < BI_HDR_SIZE || memcmp(bi, BI_MAGIC, BI_MAGIC_LEN)) {
		set_err(err, errlen, "buildinfo: no magic");
		return -1;
	}
	ptr_size = bi[BI_PTRSIZE_AT];
	if (bi[BI_FLAGS_AT] & BI_FLAG_BIGENDIAN) {
		set_err(err, errlen, "buildinfo: big-endian binary not supported");
		return -1;
	}
	if (bi[BI_FLAGS_AT] & BI_FLAG_INLINE) {
		used = read_uvarint(bi + BI_HDR_SIZE, len - BI_HDR_SIZE, &n);
		if (!used || n > len - BI_HDR_SIZE - used ||
		    !copy_version(bi + BI_HDR_SIZE + used, n, ver, verlen)) {
			set_err(err, errlen, "buildinfo: bad inline version string");
			return -1;
		}
		return 0;
	}
	if (ptr_size != 4 && ptr_size != 8) {
		set_err(err, errlen, "buildinfo: bad pointer size %u", ptr_size);
		return -1;
	}
	addr = get_le(bi + BI_VERSION_PTR_AT, ptr_size);
	hdr = read ? read(ctx, addr, 2 * ptr_size) : NULL;
	if (!hdr) {
		set_err(err, errlen, "buildinfo: version pointer 0x%llx not in the file",
			(unsigned long long)addr);
		return -1;
	}
	if (ptr_size != 8 || gs_go_string_at(read, ctx, addr, ver, verlen)) {
		set_err(err, errlen, "buildinfo: bad version string at 0x%llx",
			(unsigned long long)addr);
		return -1;
	}
	return 0;
}
