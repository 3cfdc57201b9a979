// SPDX-License-Identifier: GPL-2.0
#include "base/errbuf.h"
#include "capture/device.h"
#include "snap/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int gs_device_open(const char *path, char *err, size_t errlen)
{
	int fd;

	if (!path)
		path = GOSNAP_DEVICE;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		set_err(err, errlen, "%s: %s (module not loaded? insmod gosnap.ko)",
			path, strerror(errno));
		break;
	case EACCES:
	case EPERM:
		set_err(err, errlen, "%s: %s (needs CAP_SYS_ADMIN or CAP_SYS_PTRACE)",
			path, strerror(errno));
		break;
	default:
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		break;
	}
	return -1;
}

/* What an ioctl's errno means for the user. */
static const char *ioctl_hint(int e)
{
	switch (e) {
	case ENOTTY:	return " (not a gosnap device, or a module of another ABI)";
	case EINVAL:	return " (the module rejected the request's size, flags or mode)";
	case E2BIG:	return " (this tool is newer than the module)";
	case ESRCH:	return " (no such process)";
	case EPERM:
	case EACCES:	return " (probes and memory need CAP_SYS_PTRACE; CAP_SYS_ADMIN alone "
			       "gives only the page state of a dumpable process with its "
			       "own ids: docs/security.md, \"Access model\")";
	case EBUSY:	return " (the session is busy: probes are armed)";
	case ENOBUFS:	return " (the session's queue is full: read the snapshots queued first)";
	default:	return "";
	}
}

int gs_device_info(int fd, struct gosnap_info *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, GOSNAP_IOC_INFO, info)) {
		int e = errno;

		set_err(err, errlen, "GOSNAP_IOC_INFO: %s%s", strerror(e),
			ioctl_hint(e));
		return -1;
	}
	if (info->abi_version != GOSNAP_ABI_VERSION) {
		set_err(err, errlen,
			"the module speaks ABI version %u, this tool %d: rebuild one of them",
			info->abi_version, GOSNAP_ABI_VERSION);
		return -1;
	}
	return 0;
}

int gs_device_capture(int fd, struct gosnap_capture *cap, char *err,
		      size_t errlen)
{
	cap->size = sizeof(*cap);
	if (ioctl(fd, GOSNAP_IOC_CAPTURE, cap)) {
		int e = errno;

		set_err(err, errlen, "GOSNAP_IOC_CAPTURE of pid %d: %s%s",
			cap->pid, strerror(e), ioctl_hint(e));
		return -1;
	}
	return 0;
}

static int reserve(struct gs_stream *st, size_t need)
{
	size_t cap = st->cap ? st->cap : 1 << 20;
	uint8_t *nb;

	if (st->len + need <= st->cap)
		return 0;
	while (cap < st->len + need)
		cap *= 2;
	nb = realloc(st->buf, cap);
	if (!nb)
		return -1;
	st->buf = nb;
	st->cap = cap;
	return 0;
}

long gs_stream_next(int fd, struct gs_stream *st, size_t want, char *err,
		    size_t errlen)
{
	for (;;) {
		long n = gs_stream_snapshot_len(st->buf, st->len, err, errlen);
		size_t chunk;
		ssize_t got;

		if (n < 0)
			return -1;
		if (n > 0)
			return n;
		if (want && st->len >= want) {
			set_err(err, errlen,
				"the module announced %zu bytes but they hold no whole snapshot",
				want);
			return -1;
		}
		/* Read what is announced in one go, else in 1 MiB steps. */
		chunk = want ? want - st->len : 1 << 20;
		if (reserve(st, chunk)) {
			set_err(err, errlen, "out of memory for a %zu-byte stream",
				st->len + chunk);
			return -1;
		}
		got = read(fd, st->buf + st->len, chunk);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			set_err(err, errlen, "read from the device: %s",
				strerror(errno));
			return -1;
		}
		if (got == 0) {
			if (st->len == 0)
				return 0;
			set_err(err, errlen,
				"end of stream inside a snapshot (%zu bytes read)",
				st->len);
			return -1;
		}
		st->len += (size_t)got;
	}
}

void gs_stream_consume(struct gs_stream *st, size_t n)
{
	if (n > st->len)
		n = st->len;
	memmove(st->buf, st->buf + n, st->len - n);
	st->len -= n;
}

void gs_stream_free(struct gs_stream *st)
{
	free(st->buf);
	memset(st, 0, sizeof(*st));
}
