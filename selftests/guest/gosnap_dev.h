/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/gosnap from a test: open it, capture a process, read the bytes. */
#ifndef GUEST_GOSNAP_DEV_H
#define GUEST_GOSNAP_DEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* fd or -errno. */
int gosnap_open(void);

/*
 * GOSNAP_IOC_CAPTURE of pid in GOSNAP_MODE_PAGES on a fresh session, then
 * read the whole snapshot. *buf is malloc'ed. 0 or -errno; on failure
 * what failed is written to err.
 */
int gosnap_capture_pid(pid_t pid, uint32_t flags, void **buf, size_t *len,
		       char *err, size_t errlen);

#endif /* GUEST_GOSNAP_DEV_H */
