// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot file: CRC-32C against known values, write/read round trip,
 * every truncation and every single-bit flip refused, unknown chunks
 * skipped unless required, atomic replacement, CLI_META escaping.
 */
#include "builder.h"
#include "snap/crc32c.h"
#include "snap/meta.h"
#include "snap/snapfile.h"
#include "tap.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char err[512];
static char dir[] = "/tmp/gosnap-unit.XXXXXX";

static const char meta_text[] = "tool_version=t\ncommand_line=a b\n";

static uint8_t *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Parse a private copy so ASan catches any read past len. */
static int parse_copy(const uint8_t *buf, size_t len)
{
	struct gsf_file f;
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, buf, len);
	err[0] = '\0';
	ret = gsf_parse(copy, len, "t.gsnap", &f, err, sizeof(err));
	if (!ret)
		gsf_free(&f);	/* buf is not owned: f.buf is NULL */
	free(copy);
	return ret;
}

static void test_crc(void)
{
	static const char check[] = "123456789";
	uint8_t *big = malloc(64 << 20);
	uint32_t whole, split;
	struct timespec t0, t1;
	double secs;
	size_t i;

	ok(crc32c(0, check, 9) == 0xe3069283, "crc32c check value %#x",
	   crc32c(0, check, 9));
	ok(crc32c(0, "", 0) == 0, "crc32c of nothing is 0");
	for (i = 0; i < (64 << 20); i++)
		big[i] = (uint8_t)(i * 2654435761U >> 13);
	whole = crc32c(0, big + 3, 1000);
	split = crc32c(crc32c(0, big + 3, 333), big + 336, 667);
	ok(whole == split, "crc32c continues across unaligned pieces");
	/* Bytewise reference for the slicing-by-8 loop. */
	{
		uint32_t c = ~0U;
		size_t k;
		int b;

		for (k = 3; k < 1003; k++) {
			c ^= big[k];
			for (b = 0; b < 8; b++)
				c = (c >> 1) ^ (c & 1 ? 0x82f63b78U : 0);
		}
		ok(~c == whole, "slicing-by-8 equals bitwise CRC");
	}
	{
		bool same = true;
		size_t k;

		for (k = 0; k <= 1000; k += 7)
			same &= crc32c_combine(crc32c(0, big + 3, k), crc32c(0, big + 3 + k, 1000 - k),
					       1000 - k) == whole;
		ok(same, "crc32c_combine of any two parts equals the whole's CRC");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	whole = crc32c(0, big, 64 << 20);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	diag("crc32c: 64 MiB in %.3f s (%.0f MiB/s, sanitizers on)", secs, 64 / secs);
	free(big);
}

static int write_standard(const char *path, struct sb *sb)
{
	struct gsf_chunk chunks[] = {
		{ .type = GSF_CHUNK_CLI_META, .data = meta_text, .size = sizeof(meta_text) - 1 },
		{ .type = GSF_CHUNK_STREAM, .data = sb->buf, .size = sb->len },
		{ .type = 99, .data = "future", .size = 6 },
	};

	return gsf_write(path, chunks, 3, err, sizeof(err));
}

static void test_round_trip(void)
{
	char path[128];
	struct sb sb;
	struct gsf_file f;
	const struct gsf_chunk *c;
	struct stat st;
	size_t i = 0;
	int ret;

	snprintf(path, sizeof(path), "%s/rt.gsnap", dir);
	sb_standard(&sb);
	ok(write_standard(path, &sb) == 0, "write %s", err);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "written file is mode 0600");
	ret = gsf_read(path, &f, err, sizeof(err));
	ok(ret == 0, "read back %s", ret ? err : "");
	if (ret) {
		sb_free(&sb);
		return;
	}
	ok(f.nr_chunks == 3, "three chunks, unknown one listed");
	c = gsf_next_chunk(&f, GSF_CHUNK_STREAM, &i);
	ok(c && c->size == sb.len && !memcmp(c->data, sb.buf, sb.len) &&
	   (uintptr_t)c->data % 8 == 0, "stream chunk identical and aligned");
	ok(!gsf_next_chunk(&f, GSF_CHUNK_STREAM, &i), "only one stream chunk");
	i = 0;
	c = gsf_next_chunk(&f, GSF_CHUNK_CLI_META, &i);
	ok(c && c->size == sizeof(meta_text) - 1 &&
	   !memcmp(c->data, meta_text, c->size), "meta chunk identical");
	ok(f.size == (size_t)st.st_size, "file size %zu", f.size);
	gsf_free(&f);

	/* Replacing an existing file keeps no temporary behind. */
	ok(write_standard(path, &sb) == 0, "rewrite over the existing file");
	{
		DIR *d = opendir(dir);
		struct dirent *de;
		int others = 0;

		while ((de = readdir(d)))
			if (de->d_name[0] == '.' && strcmp(de->d_name, ".") &&
			    strcmp(de->d_name, ".."))
				others++;
		closedir(d);
		ok(others == 0, "no temporary files left (%d)", others);
	}
	ok(gsf_write("/nonexistent-dir/x.gsnap", NULL, 0, err, sizeof(err)) == -1 &&
	   strstr(err, "/nonexistent-dir/.x.gsnap."), "write into a missing dir fails: %s", err);
	ok(gsf_read("/nonexistent-file", &f, err, sizeof(err)) == -1 &&
	   strstr(err, "No such file"), "read of a missing file fails: %s", err);
	sb_free(&sb);
}

/*
 * A chunk of 80 MiB: checked in parts by threads (one a CPU), read back
 * whole; a flipped byte in the last part, another thread's, is caught.
 */
static void test_big_chunk(void)
{
	size_t n = 80u << 20, i;
	uint8_t *data = malloc(n), *img;
	struct gsf_chunk ch = { .type = GSF_CHUNK_STREAM, .size = n };
	struct gsf_file f;
	char path[128];
	size_t len;
	FILE *fp;

	for (i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 2654435761U >> 11);
	ch.data = data;
	snprintf(path, sizeof(path), "%s/big.gsnap", dir);
	ok(gsf_write(path, &ch, 1, err, sizeof(err)) == 0 &&
	   gsf_read(path, &f, err, sizeof(err)) == 0 && f.nr_chunks == 1 &&
	   f.chunks[0].size == n && !memcmp(f.chunks[0].data, data, n) && f.mapped,
	   "an 80 MiB chunk: mapped, checked in parts on %ld CPUs, read back whole",
	   sysconf(_SC_NPROCESSORS_ONLN));
	gsf_free(&f);
	img = load(path, &len);
	if (img) {
		img[len - 1000] ^= 0x40;
		fp = fopen(path, "wb");
		fwrite(img, 1, len, fp);
		fclose(fp);
		free(img);
	}
	ok(gsf_read(path, &f, err, sizeof(err)) == -1 && strstr(err, "CRC mismatch"),
	   "a byte flipped in its last part is caught: %s", err);
	unlink(path);
	free(data);
}

static void test_damage(void)
{
	char path[128];
	struct sb sb;
	uint8_t *buf;
	size_t len, n, accepted = 0, flips = 0;
	int bit;

	snprintf(path, sizeof(path), "%s/dmg.gsnap", dir);
	sb_standard(&sb);
	write_standard(path, &sb);
	sb_free(&sb);
	buf = load(path, &len);
	if (!ok(buf != NULL, "load %s", path))
		return;
	ok(parse_copy(buf, len) == 0, "intact image parses %s", err);

	for (n = 0; n < len; n++)
		if (parse_copy(buf, n) == 0)
			accepted++;
	ok(accepted == 0, "every one of %zu truncations refused (%zu accepted)",
	   len, accepted);
	parse_copy(buf, 1000);
	ok(strstr(err, "t.gsnap: truncated: chunk 1 (stream) needs 2168 bytes at offset 0x60, file has 1000") != NULL,
	   "truncation message: %s", err);
	parse_copy(buf, 50);
	ok(strstr(err, "truncated: chunk 0 header needs 24 bytes at offset 0x28, file has 50") != NULL,
	   "truncated chunk header message: %s", err);

	accepted = 0;
	for (n = 0; n < len; n++) {
		for (bit = 0; bit < 8; bit++) {
			buf[n] ^= (uint8_t)(1 << bit);
			if (parse_copy(buf, len) == 0)
				accepted++;
			buf[n] ^= (uint8_t)(1 << bit);
			flips++;
		}
	}
	ok(accepted == 0, "every one of %zu single-bit flips refused (%zu accepted)",
	   flips, accepted);
	buf[0x60 + 24 + 100] ^= 4;
	parse_copy(buf, len);
	ok(strstr(err, "t.gsnap: chunk 1 (stream) at offset 0x60: CRC mismatch (stored 0x") != NULL,
	   "CRC message: %s", err);
	buf[0x60 + 24 + 100] ^= 4;
	buf[0x60] ^= 1;
	parse_copy(buf, len);
	ok(strstr(err, "chunk 1 at offset 0x60: header CRC mismatch") != NULL,
	   "header CRC message: %s", err);
	buf[0x60] ^= 1;

	buf = realloc(buf, len + 8);
	memset(buf + len, 0, 8);
	ok(parse_copy(buf, len + 8) == -1 &&
	   strstr(err, "8 bytes of trailing data"), "trailing data refused: %s", err);
	free(buf);
}

static void test_required_chunk(void)
{
	char path[128];
	struct gsf_chunk chunks[] = {
		{ .type = 77, .flags = GSF_CF_REQUIRED, .data = "x", .size = 1 },
	};
	struct gsf_file f;

	snprintf(path, sizeof(path), "%s/req.gsnap", dir);
	ok(gsf_write(path, chunks, 1, err, sizeof(err)) == 0, "write required chunk");
	ok(gsf_read(path, &f, err, sizeof(err)) == -1 &&
	   strstr(err, "type 77 is required but unknown"), "unknown required chunk refused: %s",
	   err);
	chunks[0].flags = 0;
	gsf_write(path, chunks, 1, err, sizeof(err));
	ok(gsf_read(path, &f, err, sizeof(err)) == 0 && f.nr_chunks == 1,
	   "unknown optional chunk accepted");
	gsf_free(&f);
	ok(gsf_write(path, NULL, 0, err, sizeof(err)) == 0 &&
	   gsf_read(path, &f, err, sizeof(err)) == 0 && f.nr_chunks == 0,
	   "empty file (no chunks) round trip");
	gsf_free(&f);
	ok(parse_copy((const uint8_t *)"GOSNAPF\x01", 8) == -1 &&
	   strstr(err, "not a gosnap snapshot file"), "wrong magic: %s", err);
}

static void test_meta(void)
{
	struct gs_meta m = { 0 };
	struct gs_meta_kv *kv;
	size_t n;
	char *argv[] = { "gosnap-cli", "capture", "--at", "main.(*T).f", "it's" };

	gs_meta_add(&m, "a", "x\\y\nz=w");
	gs_meta_add_argv(&m, "command_line", 5, argv);
	gs_meta_add(&m, "empty", "");
	ok(!m.failed && gs_meta_parse(m.buf, m.len, &kv, &n) == 0 && n == 3,
	   "meta parses back");
	ok(!strcmp(gs_meta_find(kv, n, "a"), "x\\y\nz=w"), "escaped value round trip");
	ok(!strcmp(gs_meta_find(kv, n, "command_line"),
		   "gosnap-cli capture --at 'main.(*T).f' 'it'\\''s'"),
	   "command line quoted: %s", gs_meta_find(kv, n, "command_line"));
	ok(gs_meta_find(kv, n, "empty") && !gs_meta_find(kv, n, "missing"), "find");
	gs_meta_kv_free(kv, n);
	gs_meta_add(&m, "Bad Key", "v");
	ok(m.failed, "invalid key refused");
	gs_meta_free(&m);
	ok(gs_meta_parse("novalue\n", 8, &kv, &n) == -1, "line without = refused");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_crc();
	test_round_trip();
	test_big_chunk();
	test_damage();
	test_required_chunk();
	test_meta();
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf -- %s", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return tap_done();
}
