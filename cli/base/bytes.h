/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading little-endian words out of untrusted tables (the pclntab and the
 * tables it points to), with one overflow-safe bounds check.
 */
#ifndef GOSNAP_BYTES_H
#define GOSNAP_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is [off, off+n) inside a buffer of size bytes? Overflow-safe. */
static inline bool in_bounds(size_t size, uint64_t off, uint64_t n)
{
	return off <= size && n <= size - off;
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

#endif /* GOSNAP_BYTES_H */
