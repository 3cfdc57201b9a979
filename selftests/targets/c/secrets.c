// SPDX-License-Identifier: GPL-2.0
/*
 * secrets: a C target holding memory a capture must never copy, beside
 * memory it must, for the access tests. It maps three 64 KiB regions,
 * each filled with its own 16-byte marker and resident:
 *   plain     private anonymous memory (copied: the control)
 *   dontdump  the same, then MADV_DONTDUMP
 *   secret    memfd_secret(2) memory ("secret none ERRNO" where refused)
 * and prints "NAME ADDR LEN" for each, "probe ADDR" (lc_probe, a nop nop
 * ret with no prologue), "ids UID EUID", then "ready"; each byte on stdin
 * makes one call of lc_probe and a "called" line; it exits at EOF.
 *
 *   secrets dump     as started
 *   secrets nodump   prctl(PR_SET_DUMPABLE, 0) first
 *   secrets ruid     real uid NOBODY, effective and saved uid kept (the
 *                    credentials of a setuid program, still dumpable)
 *   secrets asnobody PATH ARG...   drop to uid/gid NOBODY and exec PATH
 *                    (a setuid-root copy of this program)
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_memfd_secret
#define SYS_memfd_secret	447
#endif
#define NOBODY		65534
#define REGION		(64 << 10)

#include "lc_probe.h"

static void die(const char *what)
{
	dprintf(2, "secrets: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void fill(char *p, const char *marker)
{
	for (size_t off = 0; off < REGION; off += 16)
		memcpy(p + off, marker, 16);
}

static char *anon(const char *name, const char *marker, int advice)
{
	char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	if (advice && madvise(p, REGION, advice))
		die("madvise");
	fill(p, marker);
	dprintf(1, "%s %p %d\n", name, (void *)p, REGION);
	return p;
}

static void secret(void)
{
	int fd = (int)syscall(SYS_memfd_secret, 0);
	char *p;

	if (fd < 0) {
		dprintf(1, "secret none %d\n", errno);
		return;
	}
	if (ftruncate(fd, REGION))
		die("ftruncate");
	p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap secret");
	fill(p, "GOSNAP-SECRET!!!");
	dprintf(1, "secret %p %d\n", (void *)p, REGION);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	char c;

	if (!strcmp(how, "asnobody") && argc > 2) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			die("dropping to nobody");
		execv(argv[2], argv + 2);
		die(argv[2]);
	}
	if (!strcmp(how, "nodump") && prctl(PR_SET_DUMPABLE, 0))
		die("PR_SET_DUMPABLE");
	if (!strcmp(how, "ruid") && setresuid(NOBODY, -1, -1))
		die("setresuid");
	anon("plain", "GOSNAP-PLAINMEM!", 0);
	anon("dontdump", "GOSNAP-DONTDUMP!", MADV_DONTDUMP);
	secret();
	dprintf(1, "probe %p\n", (void *)lc_probe);
	dprintf(1, "ids %d %d\n", (int)getuid(), (int)geteuid());
	dprintf(1, "ready\n");
	while (read(0, &c, 1) == 1) {
		lc_probe();
		dprintf(1, "called\n");
	}
	return 0;
}
