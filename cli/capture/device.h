/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/gosnap from user space: opening it with messages that say what to
 * do, the ioctls, and reading the snapshot stream.
 */
#ifndef GOSNAP_DEVICE_H
#define GOSNAP_DEVICE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/gosnap.h>

/* Open the device (path NULL = GOSNAP_DEVICE). fd, or -1 with err. */
int gs_device_open(const char *path, char *err, size_t errlen);

/* GOSNAP_IOC_INFO; also refuses a module speaking another ABI version. */
int gs_device_info(int fd, struct gosnap_info *info, char *err, size_t errlen);

/* GOSNAP_IOC_CAPTURE; cap->size is set here. 0, or -1 with err. */
int gs_device_capture(int fd, struct gosnap_capture *cap, char *err,
		      size_t errlen);

/*
 * The stream as read(): bytes accumulate in buf, whole snapshots are taken
 * from its front. buf stays 8-byte aligned (malloc) and snapshots are
 * multiples of 8, so each snapshot handed out can go to gs_snapshot_parse.
 */
struct gs_stream {
	uint8_t	*buf;
	size_t	len, cap;
};

/*
 * Read until the front of the buffer holds a whole snapshot; return its
 * length. want, if not 0, is how many bytes to expect (an ioctl's
 * stream_size): reading stops there. 0 at end of file with nothing
 * buffered; -1 with err on error, a malformed stream, or EOF mid-snapshot.
 */
long gs_stream_next(int fd, struct gs_stream *st, size_t want, char *err,
		    size_t errlen);
/* Drop the first n bytes (a snapshot the caller is done with). */
void gs_stream_consume(struct gs_stream *st, size_t n);
void gs_stream_free(struct gs_stream *st);

#endif /* GOSNAP_DEVICE_H */
