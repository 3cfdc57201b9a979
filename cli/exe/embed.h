/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EMBED chunk (docs/format.md): the parts of the executable that
 * decoding needs (ELF, program and section headers, and every section with
 * bytes: symbol tables, .gopclntab, DWARF, .go.buildinfo, data, rodata,
 * code, notes), each with its offset in the original file. Decoders get
 * the file back, what was left out (padding) reading as zeros, in an
 * anonymous memory file that every ELF reader opens by path.
 */
#ifndef GOSNAP_EMBED_H
#define GOSNAP_EMBED_H

#include <stddef.h>
#include <stdint.h>
#include <linux/gosnap.h>

#define GS_EMBED_MAGIC		"GSEXE\0\0\0"	/* 8 bytes */
#define GS_EMBED_VERSION	1
#define GS_EMBED_NAME_LEN	40
/* Bounds a reader applies before allocating anything. */
#define GS_EMBED_MAX_EXTENTS	4096
#define GS_EMBED_MAX_EXE	(4ULL << 30)

struct gs_embed_hdr {
	char		magic[8];	/* GS_EMBED_MAGIC */
	uint32_t	version;	/* GS_EMBED_VERSION */
	uint32_t	nr_extents;
	uint64_t	exe_size;	/* the executable's size in bytes */
	uint32_t	build_id_type;	/* GOSNAP_BUILD_ID_*, as in TASK */
	uint32_t	build_id_size;
	uint8_t		build_id[GOSNAP_BUILD_ID_MAX];
};

/* One stored range of the executable; the array follows the header. */
struct gs_embed_extent {
	char		name[GS_EMBED_NAME_LEN];	/* section, or "[ehdr]"... */
	uint64_t	exe_offset;	/* where it is in the executable */
	uint64_t	size;
	uint64_t	data_offset;	/* where its bytes are in the payload */
};

struct gs_elfimg;

/*
 * The EMBED payload for the executable open in im (path names it in
 * messages), malloc'd into *out. Returns 0, or -1 with err filled.
 */
int gs_embed_build_image(const struct gs_elfimg *im, const char *path,
			 void **out, size_t *len, char *err, size_t errlen);
/* The same for the file at path, opened once here. */
int gs_embed_build(const char *path, void **out, size_t *len, char *err,
		   size_t errlen);

/*
 * Check a payload: every extent inside the payload and the executable.
 * Returns its header, or NULL with err filled.
 */
const struct gs_embed_hdr *gs_embed_check(const void *payload, size_t len,
					  char *err, size_t errlen);

/*
 * Recreate the executable in an anonymous memory file; returns its
 * descriptor (the file is /proc/self/fd/FD), or -1 with err filled.
 */
int gs_embed_materialize(const void *payload, size_t len, char *err,
			 size_t errlen);

/* Bytes of the executable the payload holds. */
uint64_t gs_embed_stored_bytes(const struct gs_embed_hdr *h);

#endif /* GOSNAP_EMBED_H */
