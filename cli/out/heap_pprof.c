// SPDX-License-Identifier: GPL-2.0
/*
 * What the heap-based profiles (objects --pprof, retain --pprof) share:
 * their sample types, time, comment and mapping, and writing them.
 */
#include "out/heap_out.h"
#include "out/pprof.h"

#include <errno.h>

struct pprof *heap_pprof_new(const char *cmd, const struct goheap *h,
			     const char *snap_path, const char *exe_path,
			     uint64_t realtime_ns, bool resident)
{
	struct pprof *p = pprof_new();

	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	/* objects first, as a count: pprof's convention */
	pprof_sample_type(p, "objects", "count");
	pprof_sample_type(p, "bytes", "bytes");
	if (resident)
		pprof_sample_type(p, "resident", "bytes");
	pprof_default_type(p, "bytes");
	p->time_ns = (int64_t)realtime_ns;
	pprof_comment(p, "gosnap-cli %s %s: %s", cmd, snap_path,
		      h->version[0] ? h->version : "Go version unknown");
	pprof_main_binary(p, exe_path);
	return p;
}

int heap_pprof_finish(struct pprof *p, FILE *out)
{
	int ret = pprof_write(p, out);

	pprof_free(p);
	return ret;
}
