// SPDX-License-Identifier: GPL-2.0
#include "gosnap_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/gosnap.h>

int gosnap_open(void)
{
	int fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int gosnap_capture_pid(pid_t pid, uint32_t flags, void **buf, size_t *len,
		       char *err, size_t errlen)
{
	struct gosnap_capture cap = {
		.size = sizeof(cap),
		.flags = flags,
		.pid = pid,
		.mode = GOSNAP_MODE_PAGES,
	};
	size_t done = 0;
	uint8_t *data;
	ssize_t r;
	int fd, ret;

	fd = gosnap_open();
	if (fd < 0) {
		snprintf(err, errlen, "open %s: %s", GOSNAP_DEVICE, strerror(-fd));
		return fd;
	}
	if (ioctl(fd, GOSNAP_IOC_CAPTURE, &cap)) {
		ret = -errno;
		snprintf(err, errlen, "GOSNAP_IOC_CAPTURE pid %d: %s", (int)pid,
			 strerror(errno));
		close(fd);
		return ret;
	}
	if (cap.stream_size == 0 || cap.stream_size > (1ULL << 32)) {
		snprintf(err, errlen, "GOSNAP_IOC_CAPTURE: implausible stream_size %llu",
			 (unsigned long long)cap.stream_size);
		close(fd);
		return -EPROTO;
	}
	data = malloc(cap.stream_size);
	if (!data) {
		close(fd);
		return -ENOMEM;
	}
	while (done < cap.stream_size) {
		r = read(fd, data + done, cap.stream_size - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? -errno : -EPROTO;
			snprintf(err, errlen,
				 "read snapshot: got %zu of %llu bytes: %s", done,
				 (unsigned long long)cap.stream_size,
				 r < 0 ? strerror(errno) : "early end of stream");
			free(data);
			close(fd);
			return ret;
		}
		done += (size_t)r;
	}
	close(fd);
	*buf = data;
	*len = done;
	return 0;
}
