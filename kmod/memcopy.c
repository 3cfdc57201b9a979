// SPDX-License-Identifier: GPL-2.0
/*
 * MEM records: the target's memory, for the decoders. Runs in the hitting
 * thread's own context (probe captures only), so its memory is simply
 * user memory. Only pages the page-table walk just found present are
 * copied (the PAGES records already in the snapshot say which), so no time
 * goes into probing the holes of large sparse mappings; and
 * copy_from_user_nofault() fails, rather than faulting anything in, on a
 * page reclaim took away since.
 *
 * What is copied, by mode:
 *   meta: writable segments of the executable (data, noptrdata) and the
 *         anonymous mapping right after them (bss, noptrbss); anonymous
 *         writable mappings that are not Go heap arenas; the hitting
 *         thread's stack from sp up to its top (see gosnap_stack_end());
 *   full: every writable mapping, whole (the OS stack from sp up).
 * Go reserves heap arenas 64 MiB at a time at 64 MiB-aligned addresses and
 * makes parts of them accessible as it grows, so an arena shows as a run of
 * adjacent anonymous mappings (read-write and PROT_NONE) that together
 * start and end on 64 MiB boundaries. Meta mode takes such a run for heap
 * arenas and leaves it out (an unrelated neighbour breaks the alignment:
 * then the run is copied, which costs bytes, never correctness).
 */
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "gosnap.h"
#include "compat.h"

/*
 * Data a MEM record holds at most: with its header, the chunk's and the
 * END record's room, it fits a largest chunk. (Records of 256 KiB of data
 * once needed chunks a page past 256 KiB, which kmalloc rounds up to
 * 512 KiB: a full capture took twice its size in kernel memory.)
 */
#define GOSNAP_MEM_REC_MAX	(GOSNAP_CHUNK_MAX - PAGE_SIZE)
#define GOSNAP_ARENA_BYTES	(64UL << 20)
#define GOSNAP_MAX_RANGES	1024

struct gosnap_range {
	unsigned long	start;
	unsigned long	end;
	u32		why;
};

static bool gosnap_private_anon(struct vm_area_struct *vma)
{
	return !vma->vm_file && !(vma->vm_flags & (VM_SHARED | VM_PFNMAP | VM_IO |
						   VM_GROWSDOWN)) &&
	       !(vma->vm_ops && vma->vm_ops->name);
}

/*
 * End of the run of adjacent private anonymous mappings from @vma on.
 * Called with mmap_lock held.
 */
static unsigned long gosnap_anon_run_end(struct mm_struct *mm,
					 struct vm_area_struct *vma)
{
	VMA_ITERATOR(vmi, mm, vma->vm_end);
	unsigned long end = vma->vm_end;
	struct vm_area_struct *next;

	gosnap_mmap_assert_locked(mm);
	for_each_vma(vmi, next) {
		if (next->vm_start != end || !gosnap_private_anon(next))
			break;
		end = next->vm_end;
	}
	return end;
}

/*
 * The hitting thread's stack bounds {lo, hi}, read where the target said
 * they are (GOSNAP_TARGET_STACK_BOUNDS): Go keeps them in the running g,
 * R14. Nothing is faulted in; left alone when unset or unreadable.
 */
static void gosnap_stack_bounds(const struct gosnap_capture_ctx *cx,
				unsigned long *lo, unsigned long *hi)
{
	struct gosnap_regs gr;
	u64 b[2], at;

	if (!cx->stack_bounds)
		return;
	gosnap_fill_regs(&gr, cx->regs);
	/* struct gosnap_regs is __u64 slots; stack_reg was checked at TARGET */
	at = ((u64 *)&gr)[cx->stack_reg] + cx->stack_off;
	if (copy_from_user_nofault(b, (const void __user *)(unsigned long)at, sizeof(b)))
		return;
	*lo = b[0];
	*hi = b[1];
}

/*
 * Where the copy of the stack holding @sp ends. The main thread's stack
 * grows down and the kernel knows its top: the end of its mapping. Other
 * stacks (a goroutine's, in a heap arena) end at the bounds the target
 * gave, when they hold sp and fit in its mapping; else at most
 * GOSNAP_STACK_COPY_MAX bytes are copied, never the arena's whole rest.
 */
static unsigned long gosnap_stack_end(const struct vm_area_struct *vma,
				      unsigned long sp, unsigned long lo,
				      unsigned long hi)
{
	if (vma->vm_flags & VM_GROWSDOWN)
		return vma->vm_end;
	if (lo <= sp && sp < hi && hi <= vma->vm_end)
		return PAGE_ALIGN(hi);
	return min(vma->vm_end, (sp & PAGE_MASK) + GOSNAP_STACK_COPY_MAX);
}

/*
 * Choose the ranges to copy, at most GOSNAP_MAX_RANGES (*more says there
 * were others); the hitting thread's stack is [sp, stack_end(lo, hi)).
 * Takes mmap_read_lock(mm).
 */
static int gosnap_pick_ranges(struct mm_struct *mm, u32 mode, unsigned long sp,
			      unsigned long lo, unsigned long hi,
			      struct gosnap_range *r, unsigned int *nr,
			      bool *more)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma, *prev = NULL;
	unsigned long run_start = 0, run_end = 0;
	unsigned int n = 0;
	int err;

	err = mmap_read_lock_killable(mm);
	if (err)
		return err;
	for_each_vma(vmi, vma) {
		bool w = vma->vm_flags & VM_WRITE;
		bool exe_data = w && gosnap_vma_is_exe(vma, mm);
		bool bss = w && !vma->vm_file && prev && gosnap_vma_is_exe(prev, mm) &&
			   (prev->vm_flags & VM_WRITE) && prev->vm_end == vma->vm_start;
		bool stack = vma->vm_start <= sp && sp < vma->vm_end;
		bool arena = false;
		u32 why = 0;

		if (gosnap_private_anon(vma)) {
			if (vma->vm_start >= run_end) {
				run_start = vma->vm_start;
				run_end = gosnap_anon_run_end(mm, vma);
			}
			arena = IS_ALIGNED(run_start, GOSNAP_ARENA_BYTES) &&
				IS_ALIGNED(run_end, GOSNAP_ARENA_BYTES);
		}

		if (exe_data || bss)
			why = GOSNAP_MEM_EXE_DATA;
		else if (stack)
			why = GOSNAP_MEM_STACK;
		else if (w && gosnap_private_anon(vma) && !arena)
			why = GOSNAP_MEM_ANON;
		else if (w && mode == GOSNAP_MODE_FULL)
			why = GOSNAP_MEM_OTHER;
		/*
		 * Never copied: device memory, and what core dumps leave out
		 * (VM_DONTDUMP: MADV_DONTDUMP, memfd_secret, whose pages are
		 * not even in the kernel's direct map). The walk still gives
		 * their page state, and their VMA record says DONTDUMP.
		 */
		if (vma->vm_flags & (VM_PFNMAP | VM_IO | VM_DONTDUMP))
			why = 0;
		/*
		 * full: the whole mapping, even the one holding sp (for a
		 * goroutine that is a heap arena, other goroutines' stacks
		 * included)
		 */
		if (stack && mode == GOSNAP_MODE_FULL && !(vma->vm_flags & VM_GROWSDOWN))
			why = GOSNAP_MEM_OTHER;
		if (why && n == GOSNAP_MAX_RANGES) {
			*more = true;
			break;
		}
		if (why == GOSNAP_MEM_STACK) {
			r[n].start = sp & PAGE_MASK;
			r[n].end = gosnap_stack_end(vma, sp, lo, hi);
		} else if (why) {
			r[n].start = vma->vm_start;
			r[n].end = vma->vm_end;
		}
		if (why)
			r[n++].why = why;
		prev = vma;
	}
	mmap_read_unlock(mm);
	*nr = n;
	return 0;
}

/*
 * Copy [start, end) of range @r, in records of up to GOSNAP_MEM_REC_MAX,
 * each as large as the room left in the snapshot's last chunk (a page at
 * least), so that chunks fill: a record that did not fit the rest of one
 * left it empty, and a full capture took up to half as much again.
 */
static int gosnap_copy_present(struct gosnap_sbuf *sb, const struct gosnap_range *r,
			       unsigned long start, unsigned long end,
			       struct gosnap_rec_capture *rc)
{
	unsigned long addr = start;

	BUILD_BUG_ON(sizeof(struct gosnap_chunk) + sizeof(struct gosnap_rec_mem) +
		     GOSNAP_END_ROOM > PAGE_SIZE);
	while (addr < end) {
		size_t want = min_t(size_t, end - addr, GOSNAP_MEM_REC_MAX);
		struct gosnap_rec_mem *m;
		size_t room, got = 0;

		m = gosnap_sbuf_reserve(sb, sizeof(*m) + PAGE_SIZE, sizeof(*m) + want,
					&room);
		if (IS_ERR(m)) {
			rc->mem_skipped += end - addr;
			return PTR_ERR(m);
		}
		want = min(want, (room - sizeof(*m)) & PAGE_MASK);
		while (got < want &&
		       !copy_from_user_nofault(m->data + got,
					       (void __user *)(addr + got), PAGE_SIZE))
			got += PAGE_SIZE;
		/* a failed copy may have written part of its page: room stays zero */
		if (got < want)
			memset(m->data + got, 0, PAGE_SIZE);
		m->addr = addr;
		m->len = got;
		m->why = r->why;
		gosnap_sbuf_commit(sb, m, GOSNAP_REC_MEM, sizeof(*m) + got);
		rc->mem_bytes += got;
		/* a page gone since the walk: skip it */
		addr += got + (got < want ? PAGE_SIZE : 0);
		cond_resched();
	}
	return 0;
}

/*
 * The present extents the walk recorded, ascending. A cursor over the
 * snapshot's PAGES records; the MEM records added meanwhile are skipped.
 */
struct gosnap_present {
	struct gosnap_sbuf_iter	it;
	struct gosnap_rec_pages	*rec;
	u32			next_run;
};

static bool gosnap_next_present(struct gosnap_sbuf *sb, struct gosnap_present *p,
				unsigned long *start, unsigned long *end)
{
	for (;;) {
		struct gosnap_page_run *run;

		if (p->rec && p->next_run < p->rec->nr_runs) {
			run = &p->rec->runs[p->next_run++];
			if (!(run->flags & GOSNAP_PG_PRESENT) ||
			    (run->flags & GOSNAP_PG_SPECIAL))
				continue;
			*start = run->addr;
			*end = run->addr + ((unsigned long)run->npages << PAGE_SHIFT);
			return true;
		}
		do {
			struct gosnap_rec *r = gosnap_sbuf_next(sb, &p->it);

			if (!r || r->type == GOSNAP_REC_MEM)
				return false;	/* the walk's records end here */
			p->rec = r->type == GOSNAP_REC_PAGES ? (void *)r : NULL;
		} while (!p->rec);
		p->next_run = 0;
	}
}

/**
 * gosnap_emit_memory - MEM records for the capture's mode
 * @sb: the snapshot
 * @cx: the capture; cx->mm must be current->mm
 * @rc: counters to fill in
 *
 * Locking: takes mmap_read_lock(cx->mm) to choose ranges, copies without
 * it. May sleep.
 */
int gosnap_emit_memory(struct gosnap_sbuf *sb, struct gosnap_capture_ctx *cx,
		       struct gosnap_rec_capture *rc)
{
	struct gosnap_present present = {};
	struct gosnap_range *r;
	unsigned long ps, pe, lo = 0, hi = 0;
	unsigned int nr = 0, i, j;
	bool more = false;
	int err;

	if (cx->mm != current->mm || !cx->regs)
		return 0;	/* memory is copied only from the target's own context */
	r = kvmalloc_array(GOSNAP_MAX_RANGES, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	gosnap_stack_bounds(cx, &lo, &hi);	/* 0, 0 when unknown */
	err = gosnap_pick_ranges(cx->mm, cx->mode, cx->regs->sp, lo, hi, r, &nr, &more);
	if (more)
		sb->truncated = true;	/* mappings past the range table */
	/*
	 * Ranges and present extents both ascend: merge them. Once the
	 * snapshot is full, what would have been copied is counted instead.
	 */
	i = 0;
	while (i < nr && gosnap_next_present(sb, &present, &ps, &pe)) {
		while (i < nr && r[i].end <= ps)
			i++;
		for (j = i; j < nr && r[j].start < pe; j++) {
			unsigned long from = max(ps, r[j].start), to = min(pe, r[j].end);

			if (err == -ENOSPC)
				rc->mem_skipped += to - from;
			else if (!err)
				err = gosnap_copy_present(sb, &r[j], from, to, rc);
		}
		if (err && err != -ENOSPC)
			break;
	}
	kvfree(r);
	return err;
}
