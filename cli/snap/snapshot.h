/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decoded, validated view of one snapshot: the kernel's stream
 * (include/uapi/linux/gosnap.h) split into records, every size and offset
 * checked before anything points into it. Shared by the CLI, the unit tests
 * and the in-guest tests; it never allocates on behalf of the caller's
 * buffer and never writes to it.
 */
#ifndef GOSNAP_SNAPSHOT_H
#define GOSNAP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/gosnap.h>

struct gs_vma {
	const struct gosnap_rec_vma *rec;
	char *path;				/* NUL-terminated copy ("" if none) */
	struct gosnap_page_run *runs;		/* every run of this VMA, ascending */
	size_t nr_runs;
};

struct gs_snapshot {
	const uint8_t *base;			/* the caller's buffer */
	size_t size;				/* bytes of this snapshot */
	const struct gosnap_stream_hdr *hdr;
	const struct gosnap_rec_task *task;	/* NULL if absent */
	char *exe;				/* NUL-terminated copy ("" if none) */
	const struct gosnap_rec_capture *capture; /* NULL if absent */
	struct gs_vma *vmas;
	size_t nr_vmas;
	const struct gosnap_rec_thread **threads;
	size_t nr_threads;
	const struct gosnap_rec_mem **mems;	/* ascending by addr */
	size_t nr_mems;
	size_t nr_unknown;			/* records of types we skipped */
};

/*
 * Parse the snapshot at the start of buf. Returns 0 and fills *snap, or
 * -1 with a message in err naming the problem and its byte offset.
 */
int gs_snapshot_parse(const void *buf, size_t len, struct gs_snapshot *snap,
		      char *err, size_t errlen);
void gs_snapshot_free(struct gs_snapshot *snap);

/*
 * Length of the complete snapshot at the start of a stream buffer (up to
 * and including its END record), 0 if buf does not yet hold a whole one,
 * or -1 (err filled) if what is there cannot be a snapshot.
 */
long gs_stream_snapshot_len(const void *buf, size_t len, char *err, size_t errlen);

/* The run covering addr, or NULL if that page was never populated. */
const struct gosnap_page_run *gs_find_run(const struct gs_snapshot *snap,
					  uint64_t addr);

/* The VMA holding addr, or NULL. */
const struct gs_vma *gs_find_vma(const struct gs_snapshot *snap, uint64_t addr);

/*
 * Copy len bytes of target memory at addr out of the MEM records.
 * Returns the number of bytes available from addr on (0 if none).
 */
/*
 * The MEM record holding addr: its bytes in place, and the addresses
 * [*start, *start + *len) they are; NULL if none holds addr.
 */
const uint8_t *gs_mem_record(const struct gs_snapshot *snap, uint64_t addr,
			     uint64_t *start, uint64_t *len);
size_t gs_read_mem(const struct gs_snapshot *snap, uint64_t addr, void *dst,
		   size_t len);

#endif /* GOSNAP_SNAPSHOT_H */
