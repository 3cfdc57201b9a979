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

#endif /* GOSNAP_CRC32C_H */
