// SPDX-License-Identifier: GPL-2.0
/*
 * Read and write snapshot files. Reading checks every CRC and size before
 * handing out a chunk; writing goes through a temporary file so that a
 * crash or a full disk never leaves a half-written file under the name.
 */
#include "base/errbuf.h"
#include "base/progress.h"
#include "snap/snapfile.h"
#include "snap/crc32c.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAD8(n)		(((n) + 7) & ~(uint64_t)7)

const char *gsf_chunk_type_name(uint32_t type)
{
	switch (type) {
	case GSF_CHUNK_STREAM:		return "stream";
	case GSF_CHUNK_CLI_META:	return "cli_meta";
	case GSF_CHUNK_EMBED:		return "embed";
	default:			return "unknown";
	}
}

static int known_type(uint32_t type)
{
	return type >= GSF_CHUNK_STREAM && type <= GSF_CHUNK_EMBED;
}

static uint32_t header_crc(const uint8_t *buf, size_t hdr_size)
{
	static const uint8_t zero[4];
	const size_t at = offsetof(struct gsf_header, hdr_crc);
	uint32_t crc;

	crc = crc32c(0, buf, at);
	crc = crc32c(crc, zero, sizeof(zero));
	return crc32c(crc, buf + at + 4, hdr_size - at - 4);
}

static int check_header(const uint8_t *buf, size_t len, const char *name,
			const struct gsf_header **hdrp, char *err, size_t errlen)
{
	const struct gsf_header *h = (const void *)buf;
	uint32_t crc;

	if (len < sizeof(h->magic) || memcmp(h->magic, GSF_MAGIC, 8)) {
		set_err(err, errlen, "%s: not a gosnap snapshot file (bad magic)",
			name);
		return -1;
	}
	if (len < sizeof(*h)) {
		set_err(err, errlen,
			"%s: truncated: the file header needs %zu bytes at offset 0x0, file has %zu",
			name, sizeof(*h), len);
		return -1;
	}
	if (h->version != GSF_VERSION) {
		set_err(err, errlen,
			"%s: file format version %u not supported (this tool reads %u)",
			name, h->version, GSF_VERSION);
		return -1;
	}
	if (h->hdr_size < sizeof(*h) || h->hdr_size % 8) {
		set_err(err, errlen,
			"%s: file header size %u invalid (a multiple of 8, at least %zu)",
			name, h->hdr_size, sizeof(*h));
		return -1;
	}
	if (len < h->hdr_size) {
		set_err(err, errlen,
			"%s: truncated: the file header needs %u bytes at offset 0x0, file has %zu",
			name, h->hdr_size, len);
		return -1;
	}
	crc = header_crc(buf, h->hdr_size);
	if (crc != h->hdr_crc) {
		set_err(err, errlen,
			"%s: file header at offset 0x0: CRC mismatch (stored %#010x, computed %#010x)",
			name, h->hdr_crc, crc);
		return -1;
	}
	*hdrp = h;
	return 0;
}

/* One part of a payload whose CRC a thread computes. */
struct crc_part {
	const uint8_t	*p;
	uint64_t	n;
	uint32_t	crc;
	pthread_t	th;
	bool		started;
};

static void *crc_part_run(void *arg)
{
	struct crc_part *c = arg;

	c->crc = crc32c(0, c->p, c->n);
	return NULL;
}

#define CRC_STEP	(16ULL << 20)	/* bytes between two progress updates */
#define CRC_PARTS	8		/* at most, one a CPU */

/*
 * A payload's CRC. A big one is cut in one part a CPU (at most
 * CRC_PARTS), checked in parallel and combined (crc32c_combine): on the
 * 2-vCPU test VM a 1 GiB snapshot's check takes half the time. The
 * first part is this thread's, a step at a time with progress: for a
 * mapped file (gsf_read) this is where its pages are read in, so the
 * status line says "reading".
 */
static uint32_t data_crc(const char *name, const uint8_t *data, uint64_t size)
{
	struct crc_part part[CRC_PARTS] = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t per, done, shown;
	size_t parts = 1, i;
	uint32_t crc = 0;

	if (size >= 4 * CRC_STEP && cpus > 1)
		parts = cpus < CRC_PARTS ? (size_t)cpus : CRC_PARTS;
	per = (size / parts) & ~7ULL;
	for (i = 1; i < parts; i++) {
		part[i].p = data + i * per;
		part[i].n = i + 1 < parts ? per : size - i * per;
		part[i].started = !pthread_create(&part[i].th, NULL, crc_part_run, &part[i]);
	}
	if (parts == 1)
		per = size;
	progress_begin();
	for (done = 0; done < per; done += CRC_STEP) {
		crc = crc32c(crc, data + done, per - done < CRC_STEP ? per - done : CRC_STEP);
		shown = (done + CRC_STEP < per ? done + CRC_STEP : per) * parts;
		progress_update("reading %s: %llu of %llu MiB", name,
				(unsigned long long)((shown < size ? shown : size) >> 20),
				(unsigned long long)(size >> 20));
	}
	for (i = 1; i < parts; i++) {
		if (part[i].started)
			pthread_join(part[i].th, NULL);
		else
			crc_part_run(&part[i]);	/* no thread: here */
		crc = crc32c_combine(crc, part[i].crc, part[i].n);
	}
	progress_end();
	return crc;
}

static int check_chunk(const uint8_t *buf, size_t len, size_t off, size_t i,
		       const char *name, struct gsf_chunk *c, char *err,
		       size_t errlen)
{
	const struct gsf_chunk_hdr *ch = (const void *)(buf + off);
	const uint8_t *data;
	uint64_t need;
	uint32_t crc;
	size_t k;

	if (len - off < sizeof(*ch)) {
		set_err(err, errlen,
			"%s: truncated: chunk %zu header needs %zu bytes at offset %#zx, file has %zu",
			name, i, sizeof(*ch), off, len);
		return -1;
	}
	crc = crc32c(0, ch, offsetof(struct gsf_chunk_hdr, hdr_crc));
	if (crc != ch->hdr_crc) {
		set_err(err, errlen,
			"%s: chunk %zu at offset %#zx: header CRC mismatch (stored %#010x, computed %#010x)",
			name, i, off, ch->hdr_crc, crc);
		return -1;
	}
	need = ch->size > UINT64_MAX - 8 - sizeof(*ch) ? UINT64_MAX :
	       sizeof(*ch) + PAD8(ch->size);
	if (need > len - off) {
		set_err(err, errlen,
			"%s: truncated: chunk %zu (%s) needs %llu bytes at offset %#zx, file has %zu",
			name, i, gsf_chunk_type_name(ch->type),
			(unsigned long long)need, off, len);
		return -1;
	}
	data = buf + off + sizeof(*ch);
	crc = data_crc(name, data, ch->size);
	if (crc != ch->data_crc) {
		set_err(err, errlen,
			"%s: chunk %zu (%s) at offset %#zx: CRC mismatch (stored %#010x, computed %#010x)",
			name, i, gsf_chunk_type_name(ch->type), off,
			ch->data_crc, crc);
		return -1;
	}
	for (k = ch->size; k < PAD8(ch->size); k++) {
		if (data[k]) {
			set_err(err, errlen,
				"%s: chunk %zu (%s) at offset %#zx: non-zero padding byte at offset %#zx",
				name, i, gsf_chunk_type_name(ch->type), off,
				(size_t)(data + k - buf));
			return -1;
		}
	}
	if (!known_type(ch->type) && (ch->flags & GSF_CF_REQUIRED)) {
		set_err(err, errlen,
			"%s: chunk %zu at offset %#zx: type %u is required but unknown to this tool",
			name, i, off, ch->type);
		return -1;
	}
	c->type = ch->type;
	c->flags = ch->flags;
	c->data = data;
	c->size = ch->size;
	c->offset = off;
	return 0;
}

int gsf_parse(const void *buf, size_t len, const char *name,
	      struct gsf_file *f, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	const struct gsf_header *h;
	size_t off, i, cap = 0;

	memset(f, 0, sizeof(*f));
	if ((uintptr_t)buf % 8) {
		set_err(err, errlen, "%s: file image not 8-byte aligned", name);
		return -1;
	}
	if (check_header(b, len, name, &h, err, errlen))
		return -1;
	off = h->hdr_size;
	for (i = 0; i < h->nr_chunks; i++) {
		if (i == cap) {
			struct gsf_chunk *nc;

			cap = cap ? cap * 2 : 8;
			nc = realloc(f->chunks, cap * sizeof(*nc));
			if (!nc) {
				set_err(err, errlen, "%s: out of memory", name);
				goto fail;
			}
			f->chunks = nc;
		}
		if (check_chunk(b, len, off, i, name, &f->chunks[i], err, errlen))
			goto fail;
		off += sizeof(struct gsf_chunk_hdr) + PAD8(f->chunks[i].size);
	}
	if (off != len) {
		set_err(err, errlen,
			"%s: %zu bytes of trailing data at offset %#zx after the last chunk",
			name, len - off, off);
		goto fail;
	}
	if (h->file_size != len) {
		set_err(err, errlen,
			"%s: file header says %llu bytes, the chunks make %zu",
			name, (unsigned long long)h->file_size, len);
		goto fail;
	}
	f->hdr = h;
	f->nr_chunks = h->nr_chunks;
	f->size = len;
	return 0;
fail:
	free(f->chunks);
	memset(f, 0, sizeof(*f));
	return -1;
}

/* At most this much per read(), so that a big file shows progress. */
#define READ_STEP	(16u << 20)

/* Read all of fd into a malloc'ed (hence 8-byte aligned) buffer. */
static int slurp(int fd, const char *name, uint8_t **bufp, size_t *lenp)
{
	struct stat st;
	size_t cap = 1 << 16, len = 0;
	bool known = false;
	uint8_t *buf;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		cap = (size_t)st.st_size + 1;	/* +1: see EOF without growing */
		known = true;
	}
	buf = malloc(cap);
	if (!buf)
		return -1;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);

			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len < READ_STEP ? cap - len : READ_STEP);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (known)
			progress_update("reading %s: %zu of %zu MiB", name, len >> 20,
					(cap - 1) >> 20);
		else
			progress_update("reading %s: %zu MiB", name, len >> 20);
	}
	progress_end();
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	progress_end();
	free(buf);
	return -1;
}

/*
 * A regular file, mapped (private, lazily: its CRCs then read it once):
 * reading a 1 GiB snapshot into memory of its own cost 7 s under qemu's
 * TCG, mapping it a quarter of a second, and the pages are the page
 * cache's instead of a second copy. Snapshot files are replaced by
 * rename, never rewritten in place. 1: not a regular file (read it).
 */
static int map_file(int fd, uint8_t **bufp, size_t *lenp)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX)
		return 1;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	*bufp = p;
	*lenp = (size_t)st.st_size;
	return 0;
}

int gsf_read(const char *path, struct gsf_file *f, char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	bool mapped;
	int fd, ret;

	memset(f, 0, sizeof(*f));
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = fd ? map_file(fd, &buf, &len) : 1;
	mapped = ret == 0;
	if (ret > 0) {
		progress_begin();
		ret = slurp(fd, path, &buf, &len);
	}
	if (ret)
		set_err(err, errlen, "%s: read: %s", path, strerror(errno));
	if (fd)
		close(fd);
	if (ret)
		return -1;
	if (gsf_parse(buf, len, path, f, err, errlen)) {
		if (mapped)
			munmap(buf, len);
		else
			free(buf);
		return -1;
	}
	f->buf = buf;
	f->mapped = mapped;
	return 0;
}

void gsf_free(struct gsf_file *f)
{
	free(f->chunks);
	if (f->mapped)
		munmap(f->buf, f->size);
	else
		free(f->buf);
	memset(f, 0, sizeof(*f));
}

const struct gsf_chunk *gsf_next_chunk(const struct gsf_file *f, uint32_t type,
				       size_t *i)
{
	while (*i < f->nr_chunks) {
		const struct gsf_chunk *c = &f->chunks[(*i)++];

		if (c->type == type)
			return c;
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Writing                                                                 */
/* ---------------------------------------------------------------------- */

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_chunks(int fd, const struct gsf_chunk *chunks, size_t n)
{
	static const uint8_t zero[8];
	struct gsf_header h;
	uint64_t total = sizeof(h);
	size_t i;

	for (i = 0; i < n; i++)
		total += sizeof(struct gsf_chunk_hdr) + PAD8(chunks[i].size);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, GSF_MAGIC, sizeof(h.magic));
	h.version = GSF_VERSION;
	h.hdr_size = sizeof(h);
	h.nr_chunks = (uint32_t)n;
	h.file_size = total;
	h.hdr_crc = header_crc((const uint8_t *)&h, sizeof(h));
	if (write_all(fd, &h, sizeof(h)))
		return -1;
	for (i = 0; i < n; i++) {
		struct gsf_chunk_hdr ch = {
			.type = chunks[i].type,
			.flags = chunks[i].flags,
			.size = chunks[i].size,
			.data_crc = crc32c(0, chunks[i].data, chunks[i].size),
		};

		ch.hdr_crc = crc32c(0, &ch, offsetof(struct gsf_chunk_hdr, hdr_crc));
		if (write_all(fd, &ch, sizeof(ch)) ||
		    write_all(fd, chunks[i].data, chunks[i].size) ||
		    write_all(fd, zero, PAD8(chunks[i].size) - chunks[i].size))
			return -1;
	}
	return 0;
}

/* Make the rename durable: fsync the directory holding path. */
static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		ret = fsync(fd);
		close(fd);
	}
	free(copy);
	return ret;
}

int gsf_write(const char *path, const struct gsf_chunk *chunks, size_t n,
	      char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *tmp, *copy, *dir;
	int fd, ret = -1;

	if (n > UINT32_MAX) {
		set_err(err, errlen, "%s: too many chunks", path);
		return -1;
	}
	copy = strdup(path);
	if (!copy) {
		set_err(err, errlen, "%s: out of memory", path);
		return -1;
	}
	dir = dirname(copy);
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
		free(copy);
		set_err(err, errlen, "%s: out of memory", path);
		return -1;
	}
	free(copy);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		set_err(err, errlen, "%s: creating %s: %s", path, tmp,
			strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_chunks(fd, chunks, n)) {
		set_err(err, errlen, "%s: write: %s", tmp, strerror(errno));
		close(fd);
		goto out_unlink;
	}
	if (fsync(fd)) {
		set_err(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
		close(fd);
		goto out_unlink;
	}
	if (close(fd)) {
		set_err(err, errlen, "%s: close: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (rename(tmp, path)) {
		set_err(err, errlen, "rename %s to %s: %s", tmp, path,
			strerror(errno));
		goto out_unlink;
	}
	if (sync_dir(path)) {
		set_err(err, errlen, "%s: fsync of its directory: %s", path,
			strerror(errno));
		goto out_free;	/* the file is in place; report, don't remove */
	}
	ret = 0;
	goto out_free;
out_unlink:
	unlink(tmp);
out_free:
	free(tmp);
	return ret;
}
