/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot file (docs/format.md): a header, then chunks, each with its
 * own CRC-32C. STREAM chunks hold kernel snapshots exactly as read from
 * /dev/gosnap; CLI_META holds key=value lines; unknown chunk types are
 * skipped unless marked required.
 */
#ifndef GOSNAP_SNAPFILE_H
#define GOSNAP_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GSF_MAGIC		"\x89GOSNAP\n"	/* 8 bytes, no NUL */
#define GSF_VERSION		1

struct gsf_header {
	char		magic[8];	/* GSF_MAGIC */
	uint16_t	version;	/* GSF_VERSION */
	uint16_t	hdr_size;	/* sizeof(struct gsf_header) as written */
	uint32_t	flags;		/* 0 */
	uint32_t	nr_chunks;
	uint32_t	reserved;	/* 0 */
	uint64_t	file_size;	/* the whole file, this header included */
	uint32_t	hdr_crc;	/* CRC-32C of hdr_size bytes, this field as 0 */
	uint32_t	reserved2;	/* 0 */
};

struct gsf_chunk_hdr {
	uint32_t	type;		/* GSF_CHUNK_* */
	uint32_t	flags;		/* GSF_CF_* */
	uint64_t	size;		/* payload bytes; zero padding to 8 follows */
	uint32_t	data_crc;	/* CRC-32C of the payload (not the padding) */
	uint32_t	hdr_crc;	/* CRC-32C of the 20 bytes before this field */
};

enum gsf_chunk_type {
	GSF_CHUNK_STREAM	= 1,	/* one kernel snapshot */
	GSF_CHUNK_CLI_META	= 2,	/* key=value lines, see meta.h */
	GSF_CHUNK_EMBED		= 3,	/* ELF sections of the executable (later) */
};

/* A reader that does not know the chunk's type must refuse the file. */
#define GSF_CF_REQUIRED		(1U << 0)

/* One chunk, as given to gsf_write() or found by gsf_parse(). */
struct gsf_chunk {
	uint32_t	type;
	uint32_t	flags;
	const void	*data;		/* payload (8-byte aligned when parsed) */
	uint64_t	size;
	uint64_t	offset;		/* parsed: file offset of the chunk header */
};

struct gsf_file {
	uint8_t			*buf;	/* whole file (gsf_read) or NULL */
	size_t			size;
	bool			mapped;	/* buf is the file mapped, not read */
	const struct gsf_header	*hdr;
	struct gsf_chunk	*chunks; /* every chunk, unknown types included */
	size_t			nr_chunks;
};

const char *gsf_chunk_type_name(uint32_t type);

/*
 * Check a file image (8-byte aligned) and list its chunks. name prefixes
 * the error message. Returns 0, or -1 with err naming what is wrong where.
 */
int gsf_parse(const void *buf, size_t len, const char *name,
	      struct gsf_file *f, char *err, size_t errlen);

/* Read and check a file ("-" is stdin). */
int gsf_read(const char *path, struct gsf_file *f, char *err, size_t errlen);
void gsf_free(struct gsf_file *f);

/* Next chunk of a type after *i (start with *i = 0); NULL when none left. */
const struct gsf_chunk *gsf_next_chunk(const struct gsf_file *f, uint32_t type,
				       size_t *i);

/*
 * Write chunks to path atomically: a temporary file in the same directory
 * (mode 0600: snapshots hold a process's memory), fsync, rename, fsync of
 * the directory. Returns 0, or -1 with err filled (the temporary removed).
 */
int gsf_write(const char *path, const struct gsf_chunk *chunks, size_t n,
	      char *err, size_t errlen);

#endif /* GOSNAP_SNAPFILE_H */
