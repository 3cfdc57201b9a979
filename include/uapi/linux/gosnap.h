/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gosnap: the user/kernel ABI of /dev/gosnap.
 *
 * One open file is one session. Captures queue snapshots on the session;
 * read() returns them as one byte stream, each snapshot a struct
 * gosnap_stream_hdr followed by records (struct gosnap_rec) and closed by a
 * GOSNAP_REC_END record. Every record carries its type and its size, so a
 * reader skips the types it does not know. All integers are little-endian
 * (x86-64 only for now); every record starts and ends 8-byte aligned.
 *
 * Every ioctl argument starts with __u32 size (the caller's sizeof) and
 * __u32 flags. A size smaller than the first version of the struct is
 * -EINVAL; a larger one is accepted only if the bytes the kernel does not
 * know are zero (-E2BIG otherwise). Unknown flags and non-zero reserved
 * fields are -EINVAL. See docs/abi.md.
 */
#ifndef _UAPI_LINUX_GOSNAP_H
#define _UAPI_LINUX_GOSNAP_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define GOSNAP_ABI_VERSION	1
#define GOSNAP_DEVICE		"/dev/gosnap"

/* ---------------------------------------------------------------------- */
/* ioctls                                                                  */
/* ---------------------------------------------------------------------- */

#define GOSNAP_IOC_MAGIC	0xB7

/* GOSNAP_IOC_INFO: what this module speaks. */
struct gosnap_info {
	__u32	size;		/* in: sizeof(struct gosnap_info) */
	__u32	flags;		/* in: 0 */
	__u32	abi_version;	/* out: GOSNAP_ABI_VERSION */
	__u32	page_size;	/* out: PAGE_SIZE */
	__u64	max_bytes;	/* out: largest snapshot this module builds */
	__u64	hold_timeout_ms; /* out: longest a thread is held */
	__u64	reserved[4];	/* out: 0 */
};

/* Capture modes: how much memory a snapshot carries beside page state. */
enum gosnap_mode {
	GOSNAP_MODE_PAGES = 0,	/* page state, threads and registers only */
	GOSNAP_MODE_META  = 1,	/* + writable exe segments, off-heap anon, stacks */
	GOSNAP_MODE_FULL  = 2,	/* + every resident writable page */
	GOSNAP_MODE_MAX   = GOSNAP_MODE_FULL,
};

/* GOSNAP_IOC_CAPTURE: capture the page state of a live process now. */
struct gosnap_capture {
	__u32	size;		/* in: sizeof(struct gosnap_capture) */
	__u32	flags;		/* in: GOSNAP_CAPTURE_* */
	__s32	pid;		/* in: process (thread group) to capture */
	__u32	mode;		/* in: GOSNAP_MODE_PAGES only, for now */
	__u64	max_bytes;	/* in: bound on the snapshot; 0 = module max */
	__u64	stream_size;	/* out: bytes this snapshot adds to the stream */
	__u64	reserved[4];	/* in: 0 */
};

#define GOSNAP_CAPTURE_NO_PFN	(1U << 0)	/* never report PFNs */
#define GOSNAP_CAPTURE_PTE_FACTS (1U << 1)	/* only what page-table entries say */
#define GOSNAP_CAPTURE_FLAGS	(GOSNAP_CAPTURE_NO_PFN | GOSNAP_CAPTURE_PTE_FACTS)

/*
 * Probe captures (GOSNAP_IOC_TARGET, _PROBE, _ARM, _DISARM, _RELEASE).
 * Set the target, add probes, arm. Each hit that is to be captured holds
 * the hitting thread while the module captures, queues the snapshot, and
 * lets it go (or keeps it parked until GOSNAP_IOC_RELEASE, with
 * GOSNAP_TARGET_HOLD, bounded by the hold timeout). Closing the file
 * disarms everything and releases every held thread.
 */
struct gosnap_target {
	__u32	size;		/* in: sizeof(struct gosnap_target) */
	__u32	flags;		/* in: GOSNAP_TARGET_* */
	__s32	pid;		/* in: thread group to capture */
	__u32	mode;		/* in: enum gosnap_mode */
	__u64	max_bytes;	/* in: bound on each snapshot; 0 = module max */
	__u32	max_snapshots;	/* in: disarm after this many; 0 = no bound */
	__u32	hold_ms;	/* in: with _HOLD, park at most this long; 0 = module timeout */
	__u32	stack_reg;	/* in: with _STACK_BOUNDS: GOSNAP_REG_*, else 0 */
	__u32	stack_off;	/* in: with _STACK_BOUNDS: offset from it, else 0 */
	__u64	reserved[3];	/* in: 0 */
};

#define GOSNAP_TARGET_EXEC	 (1U << 0) /* pid will exec the probed binary after arming */
#define GOSNAP_TARGET_STOP_WORLD (1U << 1) /* stop the other threads while capturing */
#define GOSNAP_TARGET_HOLD	 (1U << 2) /* keep the hitting thread parked until RELEASE */
#define GOSNAP_TARGET_NO_PFN	 (1U << 3) /* never report PFNs */
#define GOSNAP_TARGET_EVERY_ENTRY (1U << 4) /* count a Go prologue's re-entry as a hit */
#define GOSNAP_TARGET_STACK_BOUNDS (1U << 5) /* the running stack's bounds are in memory */
#define GOSNAP_TARGET_PTE_FACTS	 (1U << 6) /* only what page-table entries say */
#define GOSNAP_TARGET_FLAGS	 (GOSNAP_TARGET_EXEC | GOSNAP_TARGET_STOP_WORLD | \
				  GOSNAP_TARGET_HOLD | GOSNAP_TARGET_NO_PFN | \
				  GOSNAP_TARGET_EVERY_ENTRY | GOSNAP_TARGET_STACK_BOUNDS | \
				  GOSNAP_TARGET_PTE_FACTS)

/*
 * GOSNAP_TARGET_STACK_BOUNDS: memory modes copy the hitting thread's stack
 * from sp up to its top. The top of a stack the kernel did not set up (a
 * Go goroutine's, inside a heap arena) is not the end of its mapping: with
 * this flag the pair of __u64 {lo, hi} at (register stack_reg + stack_off)
 * bounds the stack (Go on x86-64: R14 holds the running g, whose first
 * field is its stack {lo, hi}). Used only when lo <= sp < hi and [sp, hi)
 * lies in sp's mapping; otherwise, as without the flag, at most
 * GOSNAP_STACK_COPY_MAX bytes are copied from sp up. A grows-down (main
 * thread) stack is copied from sp to the end of its mapping either way.
 * stack_reg indexes struct gosnap_regs in __u64 slots, r15 (0) to ss (20).
 */
#define GOSNAP_REG_R14		1
#define GOSNAP_NR_STACK_REGS	21
#define GOSNAP_STACK_OFF_MAX	4096
#define GOSNAP_STACK_COPY_MAX	(8U << 20)

#define GOSNAP_LABEL_LEN	64
#define GOSNAP_MAX_PROBES	64
#define GOSNAP_MAX_ARG_REGS	9

struct gosnap_probe {
	__u32	size;		/* in: sizeof(struct gosnap_probe) */
	__u32	flags;		/* in: GOSNAP_PROBE_* */
	__s32	fd;		/* in: open file of the executable (O_PATH is enough) */
	__u32	id;		/* in: caller's id, echoed in GOSNAP_REC_CAPTURE */
	__u64	offset;		/* in: file offset of the probed instruction */
	__u64	vaddr;		/* in: its link-time address, echoed */
	__u32	hit;		/* in: capture only the Nth hit (1-based); 0 = every hit */
	__u32	arg_regs;	/* in: the function's integer argument registers,
				 * 0-9 of rax rbx rcx rdi rsi r8 r9 r10 r11
				 */
	char	label[GOSNAP_LABEL_LEN]; /* in: NUL-terminated name, echoed */
	__u64	body_offset;	/* in: with GOSNAP_PROBE_BODY, else 0 */
	__u64	reserved[1];	/* in: 0 */
};

/*
 * GOSNAP_PROBE_BODY: offset is a Go function's entry, whose prologue checks
 * the stack and, when short of it or asked to yield, calls morestack and
 * starts again from the entry; body_offset is the file offset of the first
 * instruction past that check. A second breakpoint there tells a call from
 * its re-entry exactly: a goroutine (the value of the target's stack_reg,
 * which must be set) that hit the entry and has not reached the body since
 * is re-entering, and is not counted. Needs GOSNAP_TARGET_STACK_BOUNDS.
 */
#define GOSNAP_PROBE_BODY	(1U << 0)
/*
 * GOSNAP_PROBE_NO_REENTRY: the function never calls morestack (no stack
 * check, or a NOSPLIT one): every entry is a call, none is a re-entry.
 * Not with GOSNAP_PROBE_BODY.
 */
#define GOSNAP_PROBE_NO_REENTRY	(1U << 1)
#define GOSNAP_PROBE_FLAGS	(GOSNAP_PROBE_BODY | GOSNAP_PROBE_NO_REENTRY)

/* GOSNAP_IOC_ARM, _DISARM and _RELEASE take this. */
struct gosnap_ctl {
	__u32	size;		/* in: sizeof(struct gosnap_ctl) */
	__u32	flags;		/* in: GOSNAP_CTL_* (RELEASE only), else 0 */
	__u64	seq;		/* in: with GOSNAP_CTL_SEQ, else 0 */
	__u64	reserved[1];	/* in: 0 */
};

/*
 * RELEASE lets go of the threads held for snapshots numbered up to seq
 * (struct gosnap_stream_hdr.seq, the order of the stream) and no others;
 * without the flag, of every snapshot queued so far. A thread is held only once its snapshot is
 * queued, and never for a snapshot already released: a RELEASE is never lost.
 */
#define GOSNAP_CTL_SEQ		(1U << 0)

#define GOSNAP_IOC_INFO		_IOWR(GOSNAP_IOC_MAGIC, 0x00, struct gosnap_info)
#define GOSNAP_IOC_CAPTURE	_IOWR(GOSNAP_IOC_MAGIC, 0x01, struct gosnap_capture)
#define GOSNAP_IOC_TARGET	_IOW(GOSNAP_IOC_MAGIC, 0x02, struct gosnap_target)
#define GOSNAP_IOC_PROBE	_IOW(GOSNAP_IOC_MAGIC, 0x03, struct gosnap_probe)
#define GOSNAP_IOC_ARM		_IOW(GOSNAP_IOC_MAGIC, 0x04, struct gosnap_ctl)
#define GOSNAP_IOC_DISARM	_IOW(GOSNAP_IOC_MAGIC, 0x05, struct gosnap_ctl)
#define GOSNAP_IOC_RELEASE	_IOW(GOSNAP_IOC_MAGIC, 0x06, struct gosnap_ctl)

/* ---------------------------------------------------------------------- */
/* The snapshot stream                                                     */
/* ---------------------------------------------------------------------- */

#define GOSNAP_STREAM_MAGIC	0x70736f47U	/* "Gosp" */
#define GOSNAP_RELEASE_LEN	72
#define GOSNAP_ARCH_X86_64	62		/* = EM_X86_64 */

struct gosnap_stream_hdr {
	__u32	magic;		/* GOSNAP_STREAM_MAGIC */
	__u16	abi_version;	/* GOSNAP_ABI_VERSION */
	__u16	hdr_size;	/* sizeof(struct gosnap_stream_hdr) as written */
	__u32	page_size;
	__u32	flags;		/* GOSNAP_SF_* */
	__u32	arch;		/* GOSNAP_ARCH_* */
	__u32	reserved0;
	__u64	seq;		/* snapshot number within the session, from 1,
				 * given when it is queued: the stream's order,
				 * with no gap
				 */
	__u64	realtime_ns;	/* CLOCK_REALTIME when the capture began */
	__u64	boottime_ns;	/* CLOCK_BOOTTIME when the capture began */
	char	release[GOSNAP_RELEASE_LEN]; /* uname -r, NUL-padded */
};

#define GOSNAP_SF_PFN		(1U << 0)	/* PFNs are reported */
#define GOSNAP_SF_TRUNCATED	(1U << 1)	/* max_bytes was hit: see REC_CAPTURE */
#define GOSNAP_SF_PROBE		(1U << 2)	/* captured at a probe hit */
#define GOSNAP_SF_STOP_WORLD	(1U << 3)	/* every other thread was stopped */
#define GOSNAP_SF_MM_CHANGED	(1U << 4)	/* mappings changed during the walk:
						 * see GOSNAP_VMA_CHANGED
						 */
#define GOSNAP_SF_PTE_FACTS	(1U << 5)	/* pages carry only what their entries
						 * say: no ANON, FILE, THP, EXCLUSIVE,
						 * PAGE_DIRTY, SWAPCACHE or mapcount;
						 * SPECIAL only from the entry's bit
						 */

struct gosnap_rec {
	__u32	type;		/* GOSNAP_REC_* */
	__u32	size;		/* whole record, this header included; multiple of 8 */
};

enum gosnap_rec_type {
	GOSNAP_REC_TASK		= 1,
	GOSNAP_REC_VMA		= 2,
	GOSNAP_REC_PAGES	= 3,
	GOSNAP_REC_THREAD	= 4,
	GOSNAP_REC_MEM		= 5,
	GOSNAP_REC_CAPTURE	= 6,
	GOSNAP_REC_END		= 15,
};

#define GOSNAP_COMM_LEN		16
#define GOSNAP_BUILD_ID_MAX	128

/* GOSNAP_REC_TASK: the process. Followed by exe_len bytes of path (no NUL). */
struct gosnap_rec_task {
	struct gosnap_rec hdr;
	__s32	tgid;
	__u32	nr_threads;
	__u32	uid;		/* real uid, in the capturer's user namespace */
	__u32	build_id_type;	/* GOSNAP_BUILD_ID_* */
	__u32	build_id_size;
	__u32	exe_len;
	__u64	start_boottime_ns;
	char	comm[GOSNAP_COMM_LEN];
	__u8	build_id[GOSNAP_BUILD_ID_MAX];
	char	exe[];
};

#define GOSNAP_BUILD_ID_NONE	0
#define GOSNAP_BUILD_ID_GNU	1	/* NT_GNU_BUILD_ID bytes */
#define GOSNAP_BUILD_ID_GO	2	/* the Go build ID note's string */

/* GOSNAP_REC_VMA: one mapping. Followed by path_len bytes of name (no NUL). */
struct gosnap_rec_vma {
	struct gosnap_rec hdr;
	__u64	start;
	__u64	end;
	__u64	file_offset;	/* bytes */
	__u64	inode;
	__u32	dev;		/* new_encode_dev() */
	__u32	flags;		/* GOSNAP_VMA_* */
	__u32	index;		/* position in this snapshot, from 0 */
	__u32	path_len;
	char	path[];		/* file path, or [heap] [stack] [vdso] [vvar] */
};

#define GOSNAP_VMA_READ		(1U << 0)
#define GOSNAP_VMA_WRITE	(1U << 1)
#define GOSNAP_VMA_EXEC		(1U << 2)
#define GOSNAP_VMA_SHARED	(1U << 3)	/* VM_SHARED */
#define GOSNAP_VMA_MAYSHARE	(1U << 4)
#define GOSNAP_VMA_GROWSDOWN	(1U << 5)
#define GOSNAP_VMA_FILE		(1U << 6)	/* has a backing file (shmem included) */
#define GOSNAP_VMA_ANON		(1U << 7)	/* no backing file (shared anonymous
						 * memory has one in shmem: _FILE)
						 */
#define GOSNAP_VMA_HUGEPAGE	(1U << 8)	/* MADV_HUGEPAGE */
#define GOSNAP_VMA_NOHUGEPAGE	(1U << 9)	/* MADV_NOHUGEPAGE */
#define GOSNAP_VMA_PFNMAP	(1U << 10)	/* VM_PFNMAP/VM_IO/VM_MIXEDMAP */
#define GOSNAP_VMA_HUGETLB	(1U << 11)	/* hugetlbfs: not walked */
#define GOSNAP_VMA_LOCKED	(1U << 12)
#define GOSNAP_VMA_SOFTDIRTY	(1U << 13)	/* VM_SOFTDIRTY: every page reads soft-dirty */
#define GOSNAP_VMA_STACK	(1U << 14)	/* the main thread's stack */
#define GOSNAP_VMA_HEAP		(1U << 15)	/* brk heap */
#define GOSNAP_VMA_SPECIAL	(1U << 16)	/* vdso, vvar, vsyscall */
#define GOSNAP_VMA_DONTDUMP	(1U << 17)
#define GOSNAP_VMA_CHANGED	(1U << 18)	/* changed while walked: start/end
						 * are clipped to what was walked
						 */

/*
 * GOSNAP_REC_PAGES: runs of pages of one VMA in equal state. Pages of the
 * VMA no run covers were never populated (pagemap reads them as 0). Runs
 * ascend by address; a VMA may have several PAGES records.
 */
struct gosnap_page_run {
	__u64	addr;		/* first page */
	__u64	pfn;		/* with _PFN: first page's PFN (present) or
				 * swap offset (_SWAP); +1 per page of the run
				 */
	__u32	npages;
	__u32	flags;		/* GOSNAP_PG_* */
	__u32	mapcount;	/* of each page (0 when not present) */
	__u8	swap_type;
	__u8	reserved[3];
};

struct gosnap_rec_pages {
	struct gosnap_rec hdr;
	__u32	vma_index;
	__u32	nr_runs;
	struct gosnap_page_run runs[];
};

#define GOSNAP_PG_PRESENT	(1U << 0)
#define GOSNAP_PG_SWAP		(1U << 1)	/* swap entry (pagemap: swapped) */
#define GOSNAP_PG_MIGRATION	(1U << 2)	/* migration entry (pagemap: swapped) */
#define GOSNAP_PG_FILE		(1U << 3)	/* file page or shared anon (pagemap bit 61) */
#define GOSNAP_PG_ANON		(1U << 4)	/* the page is anonymous (kpageflags ANON) */
#define GOSNAP_PG_THP		(1U << 5)	/* part of a transparent huge page (kpageflags THP) */
#define GOSNAP_PG_PUD		(1U << 6)	/* mapped by a PUD */
#define GOSNAP_PG_ZERO		(1U << 7)	/* the zero page; with _PMD the huge zero page */
#define GOSNAP_PG_PTE_DIRTY	(1U << 8)	/* the entry's dirty bit */
#define GOSNAP_PG_YOUNG		(1U << 9)	/* the entry's accessed bit */
#define GOSNAP_PG_PAGE_DIRTY	(1U << 10)	/* the page's own PG_dirty (kpageflags DIRTY) */
#define GOSNAP_PG_WRITE		(1U << 11)	/* the entry is writable */
#define GOSNAP_PG_SOFT_DIRTY	(1U << 12)	/* as pagemap bit 55 (VM_SOFTDIRTY included) */
#define GOSNAP_PG_EXCLUSIVE	(1U << 13)	/* as pagemap bit 56 */
#define GOSNAP_PG_UFFD_WP	(1U << 14)	/* as pagemap bit 57 */
#define GOSNAP_PG_SPECIAL	(1U << 15)	/* present, no struct page (PFN map) */
#define GOSNAP_PG_MARKER	(1U << 16)	/* a PTE marker, nothing mapped */
#define GOSNAP_PG_PFN		(1U << 17)	/* pfn is valid */
#define GOSNAP_PG_SWAPCACHE	(1U << 18)	/* the page is in the swap cache */
#define GOSNAP_PG_PMD		(1U << 19)	/* mapped by a PMD (a huge mapping) */

/* x86-64 user registers, in the order of struct user_regs_struct. */
struct gosnap_regs {
	__u64	r15, r14, r13, r12, rbp, rbx, r11, r10;
	__u64	r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax;
	__u64	rip, cs, eflags, rsp, ss, fs_base, gs_base;
	__u64	ds, es, fs, gs;
};

/* GOSNAP_REC_THREAD: one thread of the process. */
struct gosnap_rec_thread {
	struct gosnap_rec hdr;
	__s32	tid;
	__u32	flags;		/* GOSNAP_THR_* */
	__u32	state;		/* GOSNAP_TS_* */
	__u32	cpu;		/* last CPU it ran on */
	char	comm[GOSNAP_COMM_LEN];
	__u64	stack_start;	/* the VMA holding regs.rsp (with _REGS), or 0 */
	__u64	stack_end;
	struct gosnap_regs regs; /* valid with GOSNAP_THR_REGS */
};

#define GOSNAP_THR_HIT		(1U << 0)	/* this thread hit the probe */
#define GOSNAP_THR_REGS		(1U << 1)	/* regs are valid */
#define GOSNAP_THR_LEADER	(1U << 2)	/* the thread group leader */

enum gosnap_thread_state {
	GOSNAP_TS_RUNNING  = 0,
	GOSNAP_TS_SLEEPING = 1,	/* interruptible */
	GOSNAP_TS_DISK     = 2,	/* uninterruptible */
	GOSNAP_TS_STOPPED  = 3,
	GOSNAP_TS_TRACED   = 4,
	GOSNAP_TS_DEAD     = 5,
	GOSNAP_TS_HELD     = 6,	/* held by gosnap (the hitting thread) */
};

/* GOSNAP_REC_MEM: copied memory. Followed by len bytes, padded to 8. */
struct gosnap_rec_mem {
	struct gosnap_rec hdr;
	__u64	addr;
	__u64	len;
	__u32	why;		/* GOSNAP_MEM_* */
	__u32	reserved;
	__u8	data[];
};

enum gosnap_mem_why {
	GOSNAP_MEM_EXE_DATA = 1,	/* writable segment of the executable */
	GOSNAP_MEM_ANON     = 2,	/* anonymous mapping outside the Go arenas */
	GOSNAP_MEM_STACK    = 3,	/* a thread's stack from sp up */
	GOSNAP_MEM_OTHER    = 4,	/* any other resident writable page (full mode) */
};

/* GOSNAP_REC_CAPTURE: why and how this snapshot was taken. */
struct gosnap_rec_capture {
	struct gosnap_rec hdr;
	__u32	trigger;	/* GOSNAP_TRIG_* */
	__u32	mode;		/* enum gosnap_mode */
	__s32	hit_tid;	/* thread that hit the probe, or 0 */
	__u32	probe_id;	/* struct gosnap_probe.id */
	__u64	probe_vaddr;	/* struct gosnap_probe.vaddr */
	__u64	probe_offset;	/* struct gosnap_probe.offset */
	__u64	hit;		/* which hit of that probe, from 1 */
	__u64	hold_ns;	/* how long the target was held for this capture */
	__u64	walk_ns;	/* of which walking page tables */
	__u64	copy_ns;	/* of which copying memory */
	__u64	mem_bytes;	/* memory copied */
	__u64	mem_skipped;	/* memory not copied because of max_bytes */
	__u64	max_bytes;	/* the bound that applied */
	char	label[GOSNAP_LABEL_LEN];
};

enum gosnap_trigger {
	GOSNAP_TRIG_PID   = 1,	/* GOSNAP_IOC_CAPTURE */
	GOSNAP_TRIG_PROBE = 2,	/* a probe hit */
};

/* GOSNAP_REC_END: closes a snapshot. */
struct gosnap_rec_end {
	struct gosnap_rec hdr;
	__u64	stream_size;	/* bytes of this snapshot, header to end */
	__u32	nr_records;	/* records before this one */
	__u32	reserved;
};

#endif /* _UAPI_LINUX_GOSNAP_H */
