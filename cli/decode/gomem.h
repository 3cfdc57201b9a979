/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The target's memory as the decoders read it: what the snapshot copied
 * (MEM records) and, for the executable's read-only segments (text,
 * rodata, pclntab), the bytes of the executable itself, which the process
 * cannot have changed. Writable segments are read from the snapshot only:
 * the file holds their initial values, not the process's; but for their
 * PT_GNU_RELRO part, which the loader made read-only after relocating it
 * and no snapshot copies, the file's bytes with the relocations applied.
 *
 * Addresses are the process's. For a PIE the executable's bytes are
 * found at address - load bias (decode/loadbias.h), the bias computed
 * once when a snapshot is given.
 */
#ifndef GOSNAP_GOMEM_H
#define GOSNAP_GOMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exe/elfimg.h"
#include "snap/snapshot.h"

struct gs_mem;

/*
 * snap may be NULL (file bytes only, at link-time addresses); im, the
 * executable's image (exe/exe.h), may be NULL (snapshot only). Both are
 * borrowed and must outlive the gs_mem. With both, a PIE whose load bias
 * cannot be found is an error (NULL with err).
 */
struct gs_mem *gs_mem_open(const struct gs_snapshot *snap,
			   const struct gs_elfimg *im, char *err, size_t errlen);
void gs_mem_close(struct gs_mem *m);

/* The executable's load bias in this snapshot; 0 if not a PIE (or m NULL). */
uint64_t gs_mem_bias(const struct gs_mem *m);

/* Copy len bytes at addr; true only if every byte was available. */
bool gs_mem_read(const struct gs_mem *m, uint64_t addr, void *dst, size_t len);
/*
 * Like gs_mem_read, but a page of a private anonymous mapping that the
 * snapshot shows was never populated reads as zeros (as the process would
 * read it). Runtime metadata such as a heapArena's spans array is largely
 * such pages.
 */
bool gs_mem_read_zfill(const struct gs_mem *m, uint64_t addr, void *dst,
		       size_t len);
bool gs_mem_u64(const struct gs_mem *m, uint64_t addr, uint64_t *out);
/*
 * The snapshot record holding addr, in place: its bytes, for the
 * addresses [*start, *start + *len); NULL when none does. A full capture
 * keeps a record a page: a reader of many small objects keeps the last.
 */
const uint8_t *gs_mem_record_at(const struct gs_mem *m, uint64_t addr, uint64_t *start,
				uint64_t *len);
bool gs_mem_u32(const struct gs_mem *m, uint64_t addr, uint32_t *out);

/*
 * The typed reads every decoder shares. A field offset comes from the
 * layout and is -1 when no source had the field: such a read gives the
 * "unavailable" value, as does memory the snapshot lacks.
 */
/* The little-endian unsigned integer of size bytes (more than 8: 8). */
bool gs_mem_uint(const struct gs_mem *m, uint64_t addr, uint64_t size,
		 uint64_t *out);
/* The same, with gs_mem_read_zfill's never-populated pages as zeros. */
bool gs_mem_uint_zfill(const struct gs_mem *m, uint64_t addr, uint64_t size,
		       uint64_t *out);
/*
 * The same out of a struct image already read (len bytes): the field at
 * off of size bytes; 0 if it lies outside the image.
 */
uint64_t gs_img_uint(const uint8_t *img, size_t len, uint64_t off,
		     uint64_t size);
/* The word at base + off; 0 if base is 0, off < 0 or unreadable. */
uint64_t gs_mem_field_u64(const struct gs_mem *m, uint64_t base, int64_t off);
/* The int32 at base + off, sign-extended; -1 if off < 0 or unreadable. */
int64_t gs_mem_field_i32(const struct gs_mem *m, uint64_t base, int64_t off);

/*
 * The Go string whose header ({ptr, len}) is at addr, NUL-terminated and
 * malloc'd; NULL if unreadable, or longer than maxlen.
 */
char *gs_mem_gostring(const struct gs_mem *m, uint64_t addr, size_t maxlen);

#endif /* GOSNAP_GOMEM_H */
