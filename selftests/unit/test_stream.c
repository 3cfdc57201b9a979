// SPDX-License-Identifier: GPL-2.0
/*
 * The device-side code that does not need the module: splitting a stream
 * read() in arbitrary pieces into snapshots (gs_stream_next over a pipe),
 * and capture_save() writing what a capture read into a file.
 */
#include "builder.h"
#include "capture/capture.h"
#include "commands.h"
#include "capture/device.h"
#include "snap/snapfile.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char err[512];

/* A child writes buf into a pipe in pieces of 1..97 bytes; the read end. */
static int feed(const uint8_t *buf, size_t len, pid_t *child)
{
	int fds[2];

	if (pipe(fds))
		return -1;
	*child = fork();
	if (*child == 0) {
		size_t off = 0, step = 1;

		close(fds[0]);
		while (off < len) {
			size_t n = step < len - off ? step : len - off;

			if (write(fds[1], buf + off, n) != (ssize_t)n)
				_exit(1);
			off += n;
			step = step % 97 + 13;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void test_split(void)
{
	struct gs_stream st = { 0 };
	struct sb a, b;
	uint8_t *both;
	size_t total;
	pid_t child;
	long n1, n2, n3;
	int fd, status;

	sb_standard(&a);
	sb_init(&b, 0, 0);
	sb_task(&b, 7, "second", "/bin/second");
	sb_end(&b);
	((struct gosnap_stream_hdr *)b.buf)->seq = 2;
	total = a.len + b.len;
	both = malloc(total);
	memcpy(both, a.buf, a.len);
	memcpy(both + a.len, b.buf, b.len);

	fd = feed(both, total, &child);
	n1 = gs_stream_next(fd, &st, 0, err, sizeof(err));
	ok(n1 == (long)a.len && !memcmp(st.buf, a.buf, a.len),
	   "first snapshot from a trickling pipe (%ld bytes)", n1);
	gs_stream_consume(&st, (size_t)n1);
	n2 = gs_stream_next(fd, &st, 0, err, sizeof(err));
	ok(n2 == (long)b.len && !memcmp(st.buf, b.buf, b.len) &&
	   (uintptr_t)st.buf % 8 == 0, "second snapshot, buffer aligned");
	gs_stream_consume(&st, (size_t)n2);
	n3 = gs_stream_next(fd, &st, 0, err, sizeof(err));
	ok(n3 == 0, "end of stream after two snapshots");
	close(fd);
	waitpid(child, &status, 0);
	gs_stream_free(&st);

	/* Cut in the middle of the second snapshot. */
	fd = feed(both, total - 30, &child);
	n1 = gs_stream_next(fd, &st, 0, err, sizeof(err));
	gs_stream_consume(&st, n1 > 0 ? (size_t)n1 : 0);
	n2 = gs_stream_next(fd, &st, 0, err, sizeof(err));
	ok(n1 == (long)a.len && n2 == -1 && strstr(err, "end of stream inside a snapshot"),
	   "EOF inside a snapshot is an error: %s", err);
	close(fd);
	waitpid(child, &status, 0);
	gs_stream_free(&st);

	/* A stream_size that does not end on a snapshot boundary. */
	fd = feed(both, total, &child);
	n1 = gs_stream_next(fd, &st, a.len - 8, err, sizeof(err));
	ok(n1 == -1 && strstr(err, "announced"), "short announced size refused: %s", err);
	close(fd);
	waitpid(child, &status, 0);
	gs_stream_free(&st);

	/* Garbage instead of a stream. */
	both[0] ^= 0xff;
	fd = feed(both, total, &child);
	n1 = gs_stream_next(fd, &st, 0, err, sizeof(err));
	ok(n1 == -1 && strstr(err, "bad magic"), "garbage refused: %s", err);
	close(fd);
	waitpid(child, &status, 0);
	gs_stream_free(&st);

	free(both);
	sb_free(&a);
	sb_free(&b);
}

static void test_save(void)
{
	char dir[] = "/tmp/gosnap-save.XXXXXX", path[128], cmd[160];
	char *argv[] = { "gosnap-cli", "capture", "--pid", "4242", "-o", "x y" };
	struct capture_snap snap;
	struct gs_meta meta;
	struct gsf_file f;
	const struct gsf_chunk *c;
	struct sb sb;
	size_t i = 0;
	FILE *saved;
	int ret;

	if (!mkdtemp(dir))
		return;
	main_argc = 6;
	main_argv = argv;
	snprintf(path, sizeof(path), "%s/cap.gsnap", dir);
	sb_standard(&sb);
	capture_meta_init(&meta, NULL);
	gs_meta_add(&meta, "capture.pid", "4242");
	snap.data = sb.buf;
	snap.size = sb.len;
	/* The report goes to stdout: keep the TAP stream clean. */
	saved = stdout;
	stdout = fopen("/dev/null", "w");
	ret = capture_save(path, &meta, &snap, 1);
	fclose(stdout);
	stdout = saved;
	ok(ret == 0, "capture_save writes the file");
	err[0] = '\0';
	ok(gsf_read(path, &f, err, sizeof(err)) == 0, "the file reads back %s", err);
	c = gsf_next_chunk(&f, GSF_CHUNK_STREAM, &i);
	ok(c && c->size == sb.len && !memcmp(c->data, sb.buf, sb.len),
	   "the stream chunk is the snapshot, byte for byte");
	i = 0;
	c = gsf_next_chunk(&f, GSF_CHUNK_CLI_META, &i);
	ok(c && memmem(c->data, c->size, "command_line=gosnap-cli capture --pid 4242 -o 'x y'\n",
			strlen("command_line=gosnap-cli capture --pid 4242 -o 'x y'\n")),
	   "meta holds the quoted command line");
	gsf_free(&f);

	/* An invalid snapshot is refused and no file appears. */
	snprintf(path, sizeof(path), "%s/bad.gsnap", dir);
	sb.buf[sb.len - 24 + 8] ^= 8;	/* END's stream_size */
	saved = stderr;
	stderr = fopen("/dev/null", "w");
	ret = capture_save(path, &meta, &snap, 1);
	fclose(stderr);
	stderr = saved;
	ok(ret == -1 && access(path, F_OK) == -1,
	   "invalid snapshot refused, nothing written");
	gs_meta_free(&meta);
	sb_free(&sb);
	snprintf(cmd, sizeof(cmd), "rm -rf -- %s", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
}

int main(void)
{
	test_split();
	test_save();
	return tap_done();
}
