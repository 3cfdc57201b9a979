// SPDX-License-Identifier: GPL-2.0
/*
 * keyring: list the keys linked into kernel keyrings, by name, for the
 * test VM (busybox has no keyctl). For each NAME (e.g. ".machine") it finds
 * the keyring of that description in /proc/keys and prints
 *
 *   keyring NAME ID N          N: how many keys it links
 *   key NAME TYPE DESCRIPTION  one line per linked key
 *
 * or "keyring NAME none" when no such keyring is visible. Exit status 0,
 * or 1 on an error (printed on stderr).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_DESCRIBE	6
#define KEYCTL_READ	11

static long keyctl(int op, int32_t id, char *buf, size_t len)
{
	return syscall(SYS_keyctl, op, id, buf, len, 0);
}

/* The serial of the keyring described NAME in /proc/keys, or -1. */
static long find_keyring(const char *name)
{
	char line[1024], type[64], desc[512];
	unsigned long id;
	long found = -1;
	FILE *f = fopen("/proc/keys", "r");

	if (!f) {
		perror("keyring: /proc/keys");
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		/* ID FLAGS USAGE TIMEOUT PERM UID GID TYPE DESCRIPTION: SUMMARY */
		if (sscanf(line, "%lx %*s %*s %*s %*s %*s %*s %63s %511[^\n]",
			   &id, type, desc) != 3)
			continue;
		if (strcmp(type, "keyring"))
			continue;
		if (!strncmp(desc, name, strlen(name)) && desc[strlen(name)] == ':') {
			found = (long)id;
			break;
		}
	}
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: keyring NAME...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		int32_t serials[256];
		long id = find_keyring(argv[a]);
		long len, n;

		if (id < 0) {
			printf("keyring %s none\n", argv[a]);
			continue;
		}
		len = keyctl(KEYCTL_READ, (int32_t)id, (char *)serials, sizeof(serials));
		if (len < 0) {
			fprintf(stderr, "keyring: KEYCTL_READ %s (%08lx): %s\n",
				argv[a], id, strerror(errno));
			status = 1;
			continue;
		}
		if ((size_t)len > sizeof(serials))
			len = sizeof(serials);
		n = len / (long)sizeof(serials[0]);
		printf("keyring %s %08lx %ld\n", argv[a], id, n);
		for (long i = 0; i < n; i++) {
			/* "type;uid;gid;perm;description" */
			char d[1024], *p;
			long dl = keyctl(KEYCTL_DESCRIBE, serials[i], d, sizeof(d) - 1);

			if (dl < 0) {
				printf("key %s ? %08x (no view: %s)\n", argv[a],
				       serials[i], strerror(errno));
				continue;
			}
			d[dl < (long)sizeof(d) ? dl : (long)sizeof(d) - 1] = 0;
			p = strchr(d, ';');
			if (p)
				*p++ = 0;
			for (int field = 0; p && field < 3; field++) {
				p = strchr(p, ';');
				if (p)
					p++;
			}
			printf("key %s %s %s\n", argv[a], d, p ? p : "?");
		}
	}
	return status;
}
