// SPDX-License-Identifier: GPL-2.0
#include "pagemap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define ENTRY_SIZE	sizeof(uint64_t)

int pagemap_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int kpageflags_open(void)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Read n 64-bit entries at index idx; short reads are errors here. */
static int read_entries(int fd, uint64_t idx, uint64_t *out, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(fd, (char *)out + done * ENTRY_SIZE,
			  (n - done) * ENTRY_SIZE,
			  (off_t)((idx + done) * ENTRY_SIZE));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0 || r % ENTRY_SIZE)
			return -EIO;
		done += (size_t)r / ENTRY_SIZE;
	}
	return 0;
}

int pagemap_read(int fd, uint64_t addr, uint64_t *out, size_t n)
{
	return read_entries(fd, addr / (uint64_t)getpagesize(), out, n);
}

int kpageflags_read(int fd, uint64_t pfn, uint64_t *out, size_t n)
{
	return read_entries(fd, pfn, out, n);
}
