/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build synthetic snapshot streams in memory, record by record, for the
 * unit tests, the golden output and the fuzzers' seed corpus.
 */
#ifndef GOSNAP_TEST_BUILDER_H
#define GOSNAP_TEST_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/gosnap.h>

#define SB_MAX_RECORDS	256

struct sb {
	uint8_t *buf;
	size_t len, cap;
	size_t nr_records;
	size_t off[SB_MAX_RECORDS];	/* offset of each record */
	uint32_t nr_vmas;
};

/* Start a stream: the header, with hdr_size bytes (0 = the v1 size). */
void sb_init(struct sb *sb, uint32_t sf_flags, size_t hdr_size);
/* Append a zeroed record of size bytes (rounded up to 8); its address. */
void *sb_rec(struct sb *sb, uint32_t type, size_t size);
/* The record at index i (valid until the next append). */
void *sb_at(struct sb *sb, size_t i);

void sb_task(struct sb *sb, int32_t tgid, const char *comm, const char *exe);
uint32_t sb_vma(struct sb *sb, uint64_t start, uint64_t end, uint32_t flags,
		const char *path);
void sb_pages(struct sb *sb, uint32_t vma_index,
	      const struct gosnap_page_run *runs, uint32_t nr_runs);
void sb_thread(struct sb *sb, int32_t tid, uint32_t flags, uint64_t rip,
	       uint64_t rsp);
void sb_mem(struct sb *sb, uint64_t addr, const void *data, uint64_t len,
	    uint32_t why);
void sb_capture(struct sb *sb, uint32_t trigger, uint32_t mode);
/* Close the snapshot with END; its size. */
size_t sb_end(struct sb *sb);
void sb_free(struct sb *sb);

/*
 * A snapshot like a small Go program's: 7 VMAs (text, data, bss, a heap
 * arena with a THP, an anonymous mapping, the stack, the vdso), runs of
 * every kind, two threads, three MEM records. Deterministic.
 */
void sb_standard(struct sb *sb);

#endif /* GOSNAP_TEST_BUILDER_H */
