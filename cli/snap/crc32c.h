/* SPDX-License-Identifier: GPL-2.0 */
/* CRC-32C (Castagnoli, reflected polynomial 0x82f63b78). */
#ifndef GOSNAP_CRC32C_H
#define GOSNAP_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Continue a CRC over len more bytes: start with crc = 0. The result of
 * crc32c(0, "123456789", 9) is 0xe3069283.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

/* The same in software (slicing-by-8), whatever the CPU: for the tests. */
uint32_t crc32c_soft(uint32_t crc, const void *buf, size_t len);

/* Whether crc32c() runs on the CPU's crc32 instruction (SSE4.2). */
bool crc32c_hw(void);

#endif /* GOSNAP_CRC32C_H */
