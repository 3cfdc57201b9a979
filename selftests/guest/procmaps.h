/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's VMA list of a process, from /proc/PID/smaps. */
#ifndef GUEST_PROCMAPS_H
#define GUEST_PROCMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_vma {
	uint64_t start, end;
	char perms[5];			/* "rw-p" */
	uint64_t offset;		/* bytes */
	uint64_t inode;
	char path[512];			/* "" for anonymous */
	/* smaps fields, KiB */
	uint64_t rss_kb;
	uint64_t anon_huge_kb;		/* AnonHugePages: PMD-mapped anon THP */
	uint64_t shmem_pmd_kb;		/* ShmemPmdMapped */
	uint64_t file_pmd_kb;		/* FilePmdMapped */
	uint64_t swap_kb;
	char vmflags[256];		/* "rd wr mr mw me ac sd" */
};

/* Read every VMA; 0 or -errno. *out is malloc'ed. */
int procmaps_read(pid_t pid, struct proc_vma **out, size_t *n);

/* Whether smaps VmFlags holds the two-letter mnemonic (e.g. "sd"). */
bool proc_vma_flag(const struct proc_vma *v, const char *mnemonic);

/* Sum of Rss over every VMA, in KiB, or -errno. */
long long procmaps_rss_kb(pid_t pid);

#endif /* GUEST_PROCMAPS_H */
