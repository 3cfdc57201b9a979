/* SPDX-License-Identifier: GPL-2.0 */
/* CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), in software. */
#ifndef GOSNAP_CRC32C_H
#define GOSNAP_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continue a CRC over len more bytes: start with crc = 0. The result of
 * crc32c(0, "123456789", 9) is 0xe3069283.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

/*
 * The CRC of A followed by B, from crc1 = crc32c(0, A), crc2 =
 * crc32c(0, B) and B's length: what lets parts be checked in parallel.
 */
uint32_t crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);

#endif /* GOSNAP_CRC32C_H */
