/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own view of a process's pages, the oracle the page-state
 * tests compare against: /proc/PID/pagemap and /proc/kpageflags.
 * PFNs in pagemap read as 0 unless the reader has CAP_SYS_ADMIN: run as root.
 */
#ifndef GUEST_PAGEMAP_H
#define GUEST_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Both return an fd or -errno. */
int pagemap_open(pid_t pid);
int kpageflags_open(void);

/* Entries for n pages from addr on. 0 or -errno. */
int pagemap_read(int fd, uint64_t addr, uint64_t *out, size_t n);
/* Flags of n consecutive PFNs from pfn on. 0 or -errno. */
int kpageflags_read(int fd, uint64_t pfn, uint64_t *out, size_t n);

#endif /* GUEST_PAGEMAP_H */
