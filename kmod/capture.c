// SPDX-License-Identifier: GPL-2.0
/* One whole snapshot: header, CAPTURE, TASK, THREADs, VMAs and PAGES, MEM. */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include "gosnap.h"

/* Bytes a snapshot may take: the caller's bound, within the module's. */
size_t gosnap_effective_max(u64 req)
{
	unsigned long max = READ_ONCE(gosnap_max_bytes);

	if (!req || req > max)
		return max;
	return req;
}

/**
 * gosnap_capture - build one closed snapshot
 * @cx: what to capture and how
 *
 * Running out of the snapshot's byte bound is not an error: what fitted is
 * kept and the snapshot says it was truncated.
 *
 * Locking: takes mmap_read_lock(cx->mm) (see gosnap_emit_vmas()); the
 * caller holds no mm locks. May sleep.
 *
 * Return: the snapshot, or ERR_PTR(-errno).
 */
struct gosnap_sbuf *gosnap_capture(struct gosnap_capture_ctx *cx)
{
	struct gosnap_walk_stats st = {};
	struct gosnap_rec_capture *rc;
	struct gosnap_sbuf *sb;
	u64 t0, t1;
	int err;

	sb = gosnap_sbuf_new(cx->max_bytes, cx->sflags |
			     (cx->walk.show_pfn ? GOSNAP_SF_PFN : 0) |
			     (cx->walk.pte_facts ? GOSNAP_SF_PTE_FACTS : 0));
	if (!sb)
		return ERR_PTR(-ENOMEM);
	rc = sb->capture;
	rc->trigger = cx->trigger;
	rc->mode = cx->mode;
	rc->max_bytes = cx->max_bytes;
	if (cx->trigger == GOSNAP_TRIG_PROBE) {
		rc->hit_tid = task_pid_nr_ns(current, cx->view->pid_ns);
		rc->probe_id = cx->probe_id;
		rc->probe_vaddr = cx->probe_vaddr;
		rc->probe_offset = cx->probe_offset;
		rc->hit = cx->hit;
		if (cx->label)
			strscpy(rc->label, cx->label, sizeof(rc->label));
	}

	err = gosnap_emit_task(sb, cx->view, cx->task, cx->mm, cx->bid_cache);
	if (!err)
		err = gosnap_emit_threads(sb, cx->view, cx->task, cx->mm,
					  cx->regs ? current : NULL, cx->regs,
					  cx->sflags & GOSNAP_SF_STOP_WORLD);
	t0 = ktime_get_ns();
	if (!err)
		err = gosnap_emit_vmas(sb, cx->mm, &cx->walk, &st);
	t1 = ktime_get_ns();
	rc->walk_ns = t1 - t0;
	if (!err && cx->mode != GOSNAP_MODE_PAGES)
		err = gosnap_emit_memory(sb, cx, rc);
	rc->copy_ns = ktime_get_ns() - t1;
	if (err && err != -ENOSPC)
		goto free_sb;

	if (cx->hold_start_ns)
		rc->hold_ns = ktime_get_ns() - cx->hold_start_ns;
	err = gosnap_sbuf_close(sb);
	if (err)
		goto free_sb;
	return sb;

free_sb:
	gosnap_sbuf_free(sb);
	return ERR_PTR(err);
}
