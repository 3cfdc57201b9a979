// SPDX-License-Identifier: GPL-2.0
#include "procmaps.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy up to the end of line, truncating to fit. */
static void copy_line(char *dst, size_t len, const char *src)
{
	size_t n = strcspn(src, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The header line of a VMA: "start-end perms offset dev inode  path". */
static bool parse_header(const char *line, struct proc_vma *v)
{
	unsigned int maj, min;
	int path_at = 0;

	memset(v, 0, sizeof(*v));
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 " %n",
		   &v->start, &v->end, v->perms, &v->offset, &maj, &min,
		   &v->inode, &path_at) < 7)
		return false;
	if (path_at > 0)
		copy_line(v->path, sizeof(v->path), line + path_at);
	return true;
}

static void parse_field(const char *line, struct proc_vma *v)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "Rss:",		offsetof(struct proc_vma, rss_kb) },
		{ "AnonHugePages:",	offsetof(struct proc_vma, anon_huge_kb) },
		{ "ShmemPmdMapped:",	offsetof(struct proc_vma, shmem_pmd_kb) },
		{ "FilePmdMapped:",	offsetof(struct proc_vma, file_pmd_kb) },
		{ "Swap:",		offsetof(struct proc_vma, swap_kb) },
	};
	size_t i, len;

	if (!strncmp(line, "VmFlags:", 8)) {
		copy_line(v->vmflags, sizeof(v->vmflags), line + 8 + strspn(line + 8, " "));
		return;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		len = strlen(fields[i].name);
		if (!strncmp(line, fields[i].name, len)) {
			*(uint64_t *)((char *)v + fields[i].off) =
				strtoull(line + len, NULL, 10);
			return;
		}
	}
}

int procmaps_read(pid_t pid, struct proc_vma **out, size_t *n)
{
	char path[64], line[1024];
	struct proc_vma *vmas = NULL, *grown, cur;
	size_t count = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (parse_header(line, &cur)) {
			if (count == cap) {
				cap = cap ? cap * 2 : 64;
				grown = realloc(vmas, cap * sizeof(*vmas));
				if (!grown) {
					free(vmas);
					fclose(f);
					return -ENOMEM;
				}
				vmas = grown;
			}
			vmas[count++] = cur;
		} else if (count) {
			parse_field(line, &vmas[count - 1]);
		}
	}
	fclose(f);
	*out = vmas;
	*n = count;
	return 0;
}

bool proc_vma_flag(const struct proc_vma *v, const char *mnemonic)
{
	const char *p = v->vmflags;
	size_t len = strlen(mnemonic);

	while ((p = strstr(p, mnemonic))) {
		bool starts = p == v->vmflags || p[-1] == ' ';
		bool ends = p[len] == '\0' || p[len] == ' ';

		if (starts && ends)
			return true;
		p += len;
	}
	return false;
}

long long procmaps_rss_kb(pid_t pid)
{
	struct proc_vma *vmas;
	long long total = 0;
	size_t n, i;
	int err;

	err = procmaps_read(pid, &vmas, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		total += (long long)vmas[i].rss_kb;
	free(vmas);
	return total;
}
