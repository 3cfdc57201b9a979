// SPDX-License-Identifier: GPL-2.0
/*
 * barewalk: the limit a page-state capture is measured against (issue 18).
 * It walks every page table of one process and counts the present pages,
 * and does nothing more: no struct page is read, nothing is recorded.
 * Benchmark only (selftests/bench): never part of gosnap.
 *
 * Interface: a misc device, /dev/barewalk (root only). Write a pid, as
 * decimal text, to walk that process once; then read one line:
 *
 *	pid P present N leaves L vmas V ns T
 *
 * N: present pages, in base pages (a PMD or PUD leaf counts as its
 * pages); L: PMD and PUD leaves among them; V: VMAs walked; T: the walk's
 * elapsed time in ns, from before mmap_read_lock() to after its unlock.
 * Each open file keeps its own last result; a read before any write gives
 * "none". In busybox sh:
 *
 *	exec 4<>/dev/barewalk; echo "$pid" >&4; cat <&4; exec 4<&-
 *
 * The walk is walk_page_range()'s (mm/pagewalk.c), with a pte_entry that
 * counts present PTEs and a pmd_entry that counts PMD leaves: VMA by VMA
 * under mmap_read_lock(), level by level, empty entries skipped whole.
 * walk_page_range() is not exported to modules, so those steps are written
 * out here (barewalk_compat.h says what differs between kernels).
 *
 * Bounds: only populated tables are visited, so a walk costs what the
 * target has mapped, not what it reserved. Between PTE tables the walk
 * may reschedule and stops on a fatal signal (-EINTR).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "barewalk_compat.h"

/* What one walk found (struct barewalk_file's last result). */
struct barewalk_count {
	pid_t		pid;
	u64		present;	/* base pages */
	u64		leaves;		/* PMD and PUD leaves */
	u64		vmas;
	u64		ns;
};

struct barewalk_file {
	struct mutex		lock;	/* serialises walks and reads */
	bool			done;
	struct barewalk_count	res;
};

/* ---- the callbacks: count, nothing more -------------------------------- */

static void barewalk_pte_entry(pte_t pte, struct barewalk_count *c)
{
	if (pte_present(pte))
		c->present++;
}

static void barewalk_pmd_entry(unsigned long addr, unsigned long end,
			       struct barewalk_count *c)
{
	c->present += (end - addr) >> PAGE_SHIFT;
	c->leaves++;
}

/* ---- the walk: mm/pagewalk.c's levels ----------------------------------- */

/* One PTE table, mapped and locked as pte_offset_map_lock() does. */
static void barewalk_pte_range(struct mm_struct *mm, pmd_t *pmdp,
			       unsigned long addr, unsigned long end,
			       struct barewalk_count *c)
{
	spinlock_t *ptl;	/* the PTE table's lock */
	pmd_t pmdval;
	pte_t *pte;

again:
	rcu_read_lock();
	pmdval = bw_pmdp_get(pmdp);
	if (pmd_none(pmdval) || !pmd_present(pmdval) || pmd_leaf(pmdval) ||
	    pmd_bad(pmdval))
		goto out;	/* gone or made huge meanwhile: nothing mapped */
	pte = pte_offset_kernel(&pmdval, addr);
	ptl = pte_lockptr(mm, &pmdval);
	spin_lock(ptl);
	if (unlikely(!pmd_same(pmdval, bw_pmdp_get(pmdp)))) {
		spin_unlock(ptl);
		rcu_read_unlock();
		goto again;
	}
	for (; addr != end; pte++, addr += PAGE_SIZE)
		barewalk_pte_entry(ptep_get(pte), c);
	spin_unlock(ptl);
out:
	rcu_read_unlock();
}

static int barewalk_pmd_range(struct mm_struct *mm, pud_t *pudp,
			      unsigned long addr, unsigned long end,
			      struct barewalk_count *c)
{
	pmd_t *pmdp = pmd_offset(pudp, addr);
	unsigned long next;

	do {
		pmd_t pmd = bw_pmdp_get(pmdp);

		next = pmd_addr_end(addr, end);
		if (pmd_none(pmd))
			continue;
		if (pmd_leaf(pmd) || !pmd_present(pmd)) {
			/* pmd_trans_huge_lock(): a leaf is read under its lock */
			spinlock_t *ptl = pmd_lock(mm, pmdp);

			pmd = bw_pmdp_get(pmdp);
			if (pmd_present(pmd) && pmd_leaf(pmd)) {
				barewalk_pmd_entry(addr, next, c);
				spin_unlock(ptl);
				continue;
			}
			spin_unlock(ptl);
			if (pmd_none(pmd) || !pmd_present(pmd))
				continue;	/* THP migration entry */
		}
		barewalk_pte_range(mm, pmdp, addr, next, c);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	} while (pmdp++, addr = next, addr != end);
	return 0;
}

static int barewalk_pgd_range(struct mm_struct *mm, unsigned long addr,
			      unsigned long end, struct barewalk_count *c)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	unsigned long pgd_next, p4d_next, pud_next;
	int ret;

	do {
		p4d_t *p4d;

		pgd_next = pgd_addr_end(addr, end);
		if (pgd_none(*pgd) || pgd_bad(*pgd))
			continue;
		p4d = p4d_offset(pgd, addr);
		do {
			pud_t *pud;

			p4d_next = p4d_addr_end(addr, pgd_next);
			if (p4d_none(*p4d) || p4d_bad(*p4d))
				continue;
			pud = pud_offset(p4d, addr);
			do {
				pud_t pv = bw_pudp_get(pud);

				pud_next = pud_addr_end(addr, p4d_next);
				if (pud_none(pv) || pud_bad(pv))
					continue;
				if (pud_leaf(pv)) {
					barewalk_pmd_entry(addr, pud_next, c);
					continue;
				}
				ret = barewalk_pmd_range(mm, pud, addr,
							 pud_next, c);
				if (ret)
					return ret;
			} while (pud++, addr = pud_next, addr != p4d_next);
		} while (p4d++, addr = p4d_next, addr != pgd_next);
	} while (pgd++, addr = pgd_next, addr != end);
	return 0;
}

/* walk_page_range(mm, 0, TASK_SIZE, ...): every VMA of @mm, in order. */
static int barewalk_mm(struct mm_struct *mm, struct barewalk_count *c)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	u64 t0;
	int ret = 0;

	t0 = ktime_get_ns();
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for_each_vma(vmi, vma) {
		/* walk_page_test(): PFN maps have no struct page to walk */
		if (vma->vm_flags & VM_PFNMAP)
			continue;
		c->vmas++;
		ret = barewalk_pgd_range(mm, vma->vm_start, vma->vm_end, c);
		if (ret)
			break;
	}
	mmap_read_unlock(mm);
	c->ns = ktime_get_ns() - t0;
	return ret;
}

static int barewalk_pid(pid_t nr, struct barewalk_count *c)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	int ret;

	memset(c, 0, sizeof(*c));
	c->pid = nr;
	rcu_read_lock();
	pid = get_pid(find_vpid(nr));
	rcu_read_unlock();
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		ret = -ESRCH;
		goto out_pid;
	}
	mm = get_task_mm(task);	/* NULL for a kernel thread or a zombie */
	if (!mm) {
		ret = -EINVAL;
		goto out_task;
	}
	ret = barewalk_mm(mm, c);
	mmput(mm);
out_task:
	put_task_struct(task);
out_pid:
	put_pid(pid);
	return ret;
}

/* ---- the device --------------------------------------------------------- */

static int barewalk_open(struct inode *inode, struct file *file)
{
	struct barewalk_file *bf;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;
	mutex_init(&bf->lock);
	file->private_data = bf;
	return 0;
}

static int barewalk_release(struct inode *inode, struct file *file)
{
	struct barewalk_file *bf = file->private_data;

	mutex_destroy(&bf->lock);
	kfree(bf);
	return 0;
}

static ssize_t barewalk_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct barewalk_file *bf = file->private_data;
	struct barewalk_count c;
	int nr, ret;

	ret = kstrtoint_from_user(ubuf, len, 10, &nr);
	if (ret)
		return ret;
	if (nr <= 0)
		return -EINVAL;
	ret = barewalk_pid(nr, &c);
	if (ret)
		return ret;
	if (mutex_lock_interruptible(&bf->lock))
		return -EINTR;
	bf->res = c;
	bf->done = true;
	*ppos = 0;	/* the next read gives the new line from its start */
	mutex_unlock(&bf->lock);
	return len;
}

/* The last result, one line; a write starts it again from its start. */
static ssize_t barewalk_read(struct file *file, char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct barewalk_file *bf = file->private_data;
	char line[160];
	ssize_t ret;
	int n;

	if (mutex_lock_interruptible(&bf->lock))
		return -EINTR;
	if (bf->done)
		n = scnprintf(line, sizeof(line),
			      "pid %d present %llu leaves %llu vmas %llu ns %llu\n",
			      bf->res.pid, bf->res.present, bf->res.leaves,
			      bf->res.vmas, bf->res.ns);
	else
		n = scnprintf(line, sizeof(line), "none\n");
	ret = simple_read_from_buffer(ubuf, len, ppos, line, n);
	mutex_unlock(&bf->lock);
	return ret;
}

static const struct file_operations barewalk_fops = {
	.owner		= THIS_MODULE,
	.open		= barewalk_open,
	.release	= barewalk_release,
	.write		= barewalk_write,
	.read		= barewalk_read,
	.llseek		= default_llseek,
};

static struct miscdevice barewalk_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "barewalk",
	.fops	= &barewalk_fops,
	.mode	= 0600,
};

static int __init barewalk_init(void)
{
	return misc_register(&barewalk_dev);
}

static void __exit barewalk_exit(void)
{
	misc_deregister(&barewalk_dev);
}

module_init(barewalk_init);
module_exit(barewalk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Bare page-table walk: gosnap's benchmark reference");
