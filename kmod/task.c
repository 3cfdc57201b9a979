// SPDX-License-Identifier: GPL-2.0
/*
 * TASK and THREAD records: who the process is (executable, build-id) and
 * what its threads are doing.
 */
#include <linux/cred.h>
#include <linux/elf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <asm/ptrace.h>
#include "gosnap.h"
#include "compat.h"

#define GOSNAP_NOTE_MAX		(64 * 1024)
#define GOSNAP_PHDR_MAX		64
#define GOSNAP_NT_GNU_BUILD_ID	3	/* elf.h has it only in newer kernels */

/*
 * The file the executable's VMAs map, referenced: the ELF loader maps the
 * segments from the very file it records as mm->exe_file, or on overlayfs
 * from the real file beneath it (gosnap_vma_is_exe()).
 * Locking: takes mmap_read_lock(@mm).
 */
static struct file *gosnap_exe_file(struct mm_struct *mm)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	struct file *exe = NULL;

	if (mmap_read_lock_killable(mm))
		return NULL;
	for_each_vma(vmi, vma) {
		if (gosnap_vma_is_exe(vma, mm)) {
			exe = get_file(vma->vm_file);
			break;
		}
	}
	mmap_read_unlock(mm);
	return exe;
}

/* Look through one PT_NOTE segment for a GNU or Go build-id. */
static void gosnap_scan_notes(const u8 *buf, size_t len,
			      struct gosnap_rec_task *t)
{
	size_t off = 0;

	while (off + sizeof(struct elf64_note) <= len) {
		const struct elf64_note *n = (const void *)(buf + off);
		size_t name_off = off + sizeof(*n);
		size_t desc_off = name_off + ALIGN(n->n_namesz, 4);
		size_t next = desc_off + ALIGN(n->n_descsz, 4);

		if (next > len || next <= off)
			return;
		if (n->n_namesz == 4 && !memcmp(buf + name_off, "GNU", 4) &&
		    n->n_type == GOSNAP_NT_GNU_BUILD_ID &&
		    n->n_descsz <= GOSNAP_BUILD_ID_MAX) {
			t->build_id_type = GOSNAP_BUILD_ID_GNU;
			t->build_id_size = n->n_descsz;
			memcpy(t->build_id, buf + desc_off, n->n_descsz);
			return;		/* preferred over Go's */
		}
		/* the Go linker's note: name "Go" (namesz 4, NUL-padded), type 4 */
		if ((n->n_namesz == 3 || n->n_namesz == 4) &&
		    !memcmp(buf + name_off, "Go", 3) &&
		    n->n_type == 4 && n->n_descsz <= GOSNAP_BUILD_ID_MAX &&
		    t->build_id_type == GOSNAP_BUILD_ID_NONE) {
			t->build_id_type = GOSNAP_BUILD_ID_GO;
			t->build_id_size = n->n_descsz;
			memcpy(t->build_id, buf + desc_off, n->n_descsz);
		}
		off = next;
	}
}

/* Read the ELF notes of @exe from the page cache. Best effort. */
static void gosnap_build_id(struct file *exe, struct gosnap_rec_task *t)
{
	struct elf64_hdr eh;
	struct elf64_phdr *ph;
	loff_t pos = 0;
	int i;

	if (kernel_read(exe, &eh, sizeof(eh), &pos) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(*ph) || !eh.e_phnum ||
	    eh.e_phnum > GOSNAP_PHDR_MAX)
		return;
	ph = kmalloc_array(eh.e_phnum, sizeof(*ph), GFP_KERNEL);
	if (!ph)
		return;
	pos = eh.e_phoff;
	if (kernel_read(exe, ph, eh.e_phnum * sizeof(*ph), &pos) !=
	    eh.e_phnum * sizeof(*ph))
		goto free_ph;
	for (i = 0; i < eh.e_phnum && t->build_id_type != GOSNAP_BUILD_ID_GNU; i++) {
		u8 *buf;

		if (ph[i].p_type != PT_NOTE || !ph[i].p_filesz ||
		    ph[i].p_filesz > GOSNAP_NOTE_MAX)
			continue;
		buf = kmalloc(ph[i].p_filesz, GFP_KERNEL);
		if (!buf)
			break;
		pos = ph[i].p_offset;
		if (kernel_read(exe, buf, ph[i].p_filesz, &pos) == ph[i].p_filesz)
			gosnap_scan_notes(buf, ph[i].p_filesz, t);
		kfree(buf);
	}
free_ph:
	kfree(ph);
}

/**
 * gosnap_build_id_load - read the build-id of the file at @path, for later
 * @bid:   filled in; an earlier content is dropped
 * @path:  the file
 * @inode: the inode its mappings will show (the real one under overlayfs),
 *         referenced here until gosnap_build_id_put()
 *
 * Best effort: a file that cannot be read has no build-id. May sleep.
 */
void gosnap_build_id_load(struct gosnap_build_id *bid, const struct path *path,
			  struct inode *inode)
{
	struct gosnap_rec_task *t;
	struct file *f;

	gosnap_build_id_put(bid);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return;
	f = dentry_open(path, O_RDONLY | O_LARGEFILE, current_cred());
	if (!IS_ERR(f)) {
		gosnap_build_id(f, t);
		fput(f);
	}
	bid->type = t->build_id_type;
	bid->size = t->build_id_size;
	memcpy(bid->id, t->build_id, sizeof(bid->id));
	ihold(inode);
	bid->inode = inode;
	kfree(t);
}

void gosnap_build_id_put(struct gosnap_build_id *bid)
{
	iput(bid->inode);		/* iput(NULL) is a no-op */
	memset(bid, 0, sizeof(*bid));
}

/**
 * gosnap_emit_task - the TASK record
 * @sb:    the snapshot
 * @view:  whose namespaces the ids are given in
 * @task:  any thread of the process
 * @mm:    its mm, referenced by the caller
 * @bid:   probe captures: the probed file's build-id, used when it is the
 *         executable's; no file is read then. NULL: read the executable's.
 *
 * Locking: takes mmap_read_lock(@mm) briefly. May sleep.
 */
int gosnap_emit_task(struct gosnap_sbuf *sb, const struct gosnap_view *view,
		     struct task_struct *task, struct mm_struct *mm,
		     const struct gosnap_build_id *bid)
{
	struct task_struct *leader;
	struct gosnap_rec_task *t;
	struct file *exe = gosnap_exe_file(mm);
	char *pathbuf = NULL, *path = NULL;
	size_t plen = 0;
	int err = -ENOMEM;

	if (exe) {
		pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!pathbuf)
			goto put_exe;
		/* the path /proc/PID/maps shows for it */
		path = d_path(gosnap_file_user_path(exe), pathbuf, PATH_MAX);
		if (IS_ERR(path))
			path = NULL;
		else
			plen = strlen(path);
	}
	t = gosnap_sbuf_record(sb, GOSNAP_REC_TASK, sizeof(*t) + plen);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto free_path;
	}
	t->tgid = task_tgid_nr_ns(task, view->pid_ns);
	t->nr_threads = get_nr_threads(task);
	t->uid = from_kuid_munged(view->user_ns, task_uid(task));
	/* an exec in another thread may change the leader: task_structs are RCU-freed */
	rcu_read_lock();
	leader = READ_ONCE(task->group_leader);
	t->start_boottime_ns = leader->start_boottime;
	get_task_comm(t->comm, leader);
	rcu_read_unlock();
	t->exe_len = plen;
	if (plen)
		memcpy(t->exe, path, plen);
	if (exe && bid) {
		if (bid->inode && bid->inode == file_inode(exe)) {
			t->build_id_type = bid->type;
			t->build_id_size = bid->size;
			memcpy(t->build_id, bid->id, sizeof(t->build_id));
		}
	} else if (exe) {
		gosnap_build_id(exe, t);
	}
	err = 0;
free_path:
	kfree(pathbuf);
put_exe:
	if (exe)
		fput(exe);
	return err;
}

static u32 gosnap_thread_state(struct task_struct *t)
{
	switch (task_state_index(t)) {
	case 0:
		return GOSNAP_TS_RUNNING;
	case 1:
		return GOSNAP_TS_SLEEPING;
	case 2:
		return GOSNAP_TS_DISK;
	case 3:
		return GOSNAP_TS_STOPPED;
	case 4:
		return GOSNAP_TS_TRACED;
	default:
		return GOSNAP_TS_DEAD;
	}
}

void gosnap_fill_regs(struct gosnap_regs *o, const struct pt_regs *r)
{
	o->r15 = r->r15;
	o->r14 = r->r14;
	o->r13 = r->r13;
	o->r12 = r->r12;
	o->rbp = r->bp;
	o->rbx = r->bx;
	o->r11 = r->r11;
	o->r10 = r->r10;
	o->r9 = r->r9;
	o->r8 = r->r8;
	o->rax = r->ax;
	o->rcx = r->cx;
	o->rdx = r->dx;
	o->rsi = r->si;
	o->rdi = r->di;
	o->orig_rax = r->orig_ax;
	o->rip = r->ip;
	o->cs = r->cs;
	o->eflags = r->flags;
	o->rsp = r->sp;
	o->ss = r->ss;
}

struct gosnap_thread_info {
	pid_t		tid;
	u32		state;
	u32		cpu;
	bool		leader;
	bool		hit;		/* the thread that hit the probe */
	bool		has_regs;
	char		comm[GOSNAP_COMM_LEN];
	struct pt_regs	regs;
	unsigned long	fsbase;
	unsigned long	gsbase;
	unsigned long	stack_start;	/* the mapping holding regs.sp */
	unsigned long	stack_end;
};

/* Copy a stopped or held thread's saved user state; false if it moved. */
static bool gosnap_thread_regs(struct task_struct *t, struct gosnap_thread_info *ti)
{
	/*
	 * Called under RCU. The stack holding pt_regs is freed only after an
	 * RCU grace period (or cached for reuse, still mapped), so the copy
	 * is safe; it is kept only if the thread was still stopped or held
	 * after it, i.e. all along.
	 */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "thread_regs outside RCU");
	ti->regs = *task_pt_regs(t);
	ti->fsbase = t->thread.fsbase;
	ti->gsbase = t->thread.gsbase;
	return task_is_stopped(t) || ti->state == GOSNAP_TS_HELD;
}

/**
 * gosnap_emit_threads - a THREAD record per thread of @task's process
 * @sb:       the snapshot
 * @view:     whose pid namespace the tids are given in (0: not in it)
 * @task:     any thread of the process
 * @mm:       its mm (referenced by the caller), to find stacks in
 * @hit:      the thread that hit a probe (current), or NULL
 * @hit_regs: its user registers
 * @stopped:  the other threads were group-stopped for this capture: record
 *            the user registers of each one that is stopped or held
 *
 * Thread facts are gathered under rcu_read_lock() into an array bounded by
 * what the snapshot can hold (the snapshot says it was truncated when
 * threads were left out), then written out; the mapping holding each known
 * stack pointer is found under mmap_read_lock(@mm). May sleep.
 */
int gosnap_emit_threads(struct gosnap_sbuf *sb, const struct gosnap_view *view,
			struct task_struct *task, struct mm_struct *mm,
			struct task_struct *hit, struct pt_regs *hit_regs,
			bool stopped)
{
	size_t fit = (sb->limit > sb->size ? sb->limit - sb->size : 0) /
		     sizeof(struct gosnap_rec_thread);
	struct gosnap_thread_info *info;
	struct task_struct *t;
	unsigned int n = 0, max, i;
	int err = 0;

	max = min_t(size_t, get_nr_threads(task) + 16, fit);
	if (!max) {
		sb->truncated = true;
		return -ENOSPC;
	}
	info = kvmalloc_array(max, sizeof(*info), GFP_KERNEL_ACCOUNT);
	if (!info)
		return -ENOMEM;
	rcu_read_lock();
	for_each_thread(task, t) {
		if (n == max) {
			sb->truncated = true;
			break;
		}
		info[n].tid = task_pid_nr_ns(t, view->pid_ns);
		info[n].hit = t == hit;
		info[n].state = t == hit || gosnap_task_inflight(t) ?
				GOSNAP_TS_HELD : gosnap_thread_state(t);
		info[n].cpu = task_cpu(t);
		info[n].leader = thread_group_leader(t);
		info[n].has_regs = false;
		info[n].stack_start = 0;
		info[n].stack_end = 0;
		get_task_comm(info[n].comm, t);
		if (t == hit && hit_regs) {
			/* current's bases are live in the CPU */
			info[n].regs = *hit_regs;
			rdmsrl(MSR_FS_BASE, info[n].fsbase);
			rdmsrl(MSR_KERNEL_GS_BASE, info[n].gsbase);
			info[n].has_regs = true;
		} else if (stopped && (task_is_stopped(t) ||
				       info[n].state == GOSNAP_TS_HELD)) {
			/* a stopped or held thread's entry regs and bases are saved */
			info[n].has_regs = gosnap_thread_regs(t, &info[n]);
		}
		n++;
	}
	rcu_read_unlock();

	if (mmap_read_lock_killable(mm) == 0) {
		for (i = 0; i < n; i++) {
			struct vm_area_struct *vma;

			if (!info[i].has_regs)
				continue;
			vma = vma_lookup(mm, info[i].regs.sp);
			if (vma) {
				info[i].stack_start = vma->vm_start;
				info[i].stack_end = vma->vm_end;
			}
		}
		mmap_read_unlock(mm);
	}
	for (i = 0; i < n; i++) {
		struct gosnap_rec_thread *r;

		r = gosnap_sbuf_record(sb, GOSNAP_REC_THREAD, sizeof(*r));
		if (IS_ERR(r)) {
			err = PTR_ERR(r);
			break;
		}
		r->tid = info[i].tid;
		r->state = info[i].state;
		r->cpu = info[i].cpu;
		memcpy(r->comm, info[i].comm, sizeof(r->comm));
		if (info[i].leader)
			r->flags |= GOSNAP_THR_LEADER;
		if (info[i].hit)
			r->flags |= GOSNAP_THR_HIT;
		r->stack_start = info[i].stack_start;
		r->stack_end = info[i].stack_end;
		if (info[i].has_regs) {
			r->flags |= GOSNAP_THR_REGS;
			gosnap_fill_regs(&r->regs, &info[i].regs);
			r->regs.fs_base = info[i].fsbase;
			r->regs.gs_base = info[i].gsbase;
		}
	}
	kvfree(info);
	return err;
}

/**
 * gosnap_find_task - the thread @nr names, in the caller's pid namespace
 * @nr:    any thread id of the process
 * @taskp: the thread, with a reference the caller drops
 *
 * Return: 0, -ESRCH if there is none, -EINVAL for a kernel thread.
 */
int gosnap_find_task(pid_t nr, struct task_struct **taskp)
{
	struct task_struct *task;
	struct pid *pid;

	if (nr <= 0)
		return -ESRCH;
	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task)
		return -ESRCH;
	if (task->flags & PF_KTHREAD) {
		put_task_struct(task);
		return -EINVAL;
	}
	*taskp = task;
	return 0;
}
