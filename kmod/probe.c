// SPDX-License-Identifier: GPL-2.0
/*
 * Probe captures: uprobes at file offsets of the target's executable,
 * filtered to one thread group. The hitting thread captures its own
 * process from its handler (where it may sleep and its own memory is
 * current), queues the snapshot, and goes on; with GOSNAP_TARGET_HOLD it
 * stays parked until GOSNAP_IOC_RELEASE, session close, SIGKILL or the
 * hold timeout, whichever comes first. Nothing is locked while parked.
 *
 * Lifetime: a probe set belongs to its session and is freed only after
 * every uprobe is unregistered and the unregistration synchronised, which
 * waits out every handler still running; parked handlers are woken first
 * (6.1's unregister waits for them with the uprobe's rwsem held).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "gosnap.h"
#include "compat.h"

/*
 * What identifies one call at a function's entry. A goroutine preempted
 * in the function's prologue (its stack check fails once the scheduler
 * has marked it, which a capture or a hold easily gives time for) goes
 * through morestack and starts the function again from its entry, maybe
 * on another thread: the probe fires a second time for the same call,
 * with the same stack pointer (goroutine stacks are distinct), return
 * address and argument registers (morestack spills and reloads those; the
 * other registers hold whatever it left there). Such a hit, within
 * GOSNAP_REENTRY_NS of the end of the previous one, is not counted.
 * GOSNAP_TARGET_EVERY_ENTRY turns this off.
 */
struct gosnap_hit_sig {
	u64	sp, ret;
	u64	args[GOSNAP_MAX_ARG_REGS];
	u64	done_ns;	/* when its handler finished; 0 while running */
};

#define GOSNAP_REENTRY_NS	(2000 * NSEC_PER_MSEC)
#define GOSNAP_RECENT_HITS	32

struct gosnap_uprobe {
	struct uprobe_consumer	uc;		/* container_of() in the handlers */
	struct gosnap_probe_set	*set;		/* owner; outlives the registration */
	struct path		path;		/* pins the inode while registered */
	loff_t			offset;
	struct gosnap_uprobe_handle handle;
	bool			registered;
	u32			id;
	u64			vaddr;
	u64			want_hit;	/* 0: every hit */
	u32			arg_regs;	/* argument registers in a hit's signature */
	atomic64_t		hits;
	char			label[GOSNAP_LABEL_LEN];
	spinlock_t		recent_lock;	/* protects recent, next_recent */
	struct gosnap_hit_sig	recent[GOSNAP_RECENT_HITS];
	unsigned int		next_recent;
};

struct gosnap_probe_set {
	struct gosnap_session	*s;		/* the owning session */
	struct pid		*tgid;		/* target thread group, referenced */
	struct mm_struct	*mm;		/* target mm, mmgrab()ed; compared only */
	u32			flags;		/* GOSNAP_TARGET_* */
	u32			mode;
	size_t			max_bytes;
	u32			max_snapshots;
	unsigned long		hold_jiffies;
	u32			stack_reg, stack_off;	/* with _STACK_BOUNDS */
	bool			show_pfn;
	bool			armed;		/* probes registered */
	atomic_t		live;		/* handlers may capture */
	atomic_t		taken;		/* snapshots taken */
	atomic_t		release_gen;	/* bumped to let parked threads go */
	wait_queue_head_t	holdq;		/* parked threads */
	struct gosnap_build_id	bid;		/* the target executable's */
	unsigned int		nr;
	struct gosnap_uprobe	probes[GOSNAP_MAX_PROBES];
};

bool gosnap_probe_armed(struct gosnap_session *s)
{
	struct gosnap_probe_set *ps = READ_ONCE(s->probes);

	if (!ps || !atomic_read(&ps->live))
		return false;
	/* a target that is gone will never hit again: end the stream */
	if (!pid_has_task(ps->tgid, PIDTYPE_TGID)) {
		atomic_set(&ps->live, 0);
		return false;
	}
	return true;
}

/* Is @mm the target's? Called with the uprobe's locks held: never sleeps. */
static bool gosnap_is_target_mm(struct gosnap_probe_set *ps, struct mm_struct *mm)
{
	struct mm_struct *tmm = READ_ONCE(ps->mm);

	if (tmm)
		return mm == tmm;
	/*
	 * GOSNAP_TARGET_EXEC: the target maps the binary while it execs, and
	 * the probes are installed into the new mm from that task's context.
	 */
	return current->mm == mm && task_tgid(current) == ps->tgid;
}

static bool gosnap_uprobe_filter(GOSNAP_UPROBE_FILTER_ARGS)
{
	struct gosnap_uprobe *up = container_of(self, struct gosnap_uprobe, uc);

	return gosnap_is_target_mm(up->set, mm);
}

/* Park the hitting thread until released; never with a lock held. */
static void gosnap_hold(struct gosnap_probe_set *ps)
{
	int gen = atomic_read(&ps->release_gen);

	wait_event_killable_timeout(ps->holdq,
		atomic_read(&ps->release_gen) != gen || !atomic_read(&ps->live),
		ps->hold_jiffies);
}

/*
 * GOSNAP_TARGET_STOP_WORLD: a group stop, started by a SIGSTOP sent to one
 * of the other threads (a SIGSTOP to the whole group may be given to the
 * hitting thread, which would act on it only once back in user space),
 * then a wait, bounded by the hold timeout, until every other thread has
 * stopped. The hitting thread stops only on its way out, which
 * gosnap_resume_others() cancels first. Visible side effects: a parent
 * waiting with WUNTRACED/WCONTINUED sees the stop and the continue, and the
 * target receives a SIGCONT (its handler runs once).
 */
static void gosnap_stop_others(struct gosnap_probe_set *ps)
{
	unsigned long deadline = jiffies + ps->hold_jiffies;
	struct task_struct *t, *other = NULL;

	rcu_read_lock();
	for_each_thread(current, t) {
		if (t != current && !(t->flags & PF_EXITING)) {
			other = get_task_struct(t);	/* put below */
			break;
		}
	}
	rcu_read_unlock();
	if (!other)
		return;
	send_sig_info(SIGSTOP, SEND_SIG_PRIV, other);
	put_task_struct(other);

	while (time_before(jiffies, deadline) && !fatal_signal_pending(current)) {
		bool all = true;

		rcu_read_lock();
		for_each_thread(current, t) {
			if (t != current && !task_is_stopped(t) &&
			    !(t->flags & PF_EXITING)) {
				all = false;
				break;
			}
		}
		rcu_read_unlock();
		if (all)
			break;
		schedule_timeout_killable(1);
	}
}

static void gosnap_resume_others(struct gosnap_probe_set *ps)
{
	/* SIGCONT also drops the SIGSTOP still pending for current */
	kill_pid(ps->tgid, SIGCONT, 1);
}

/* Wait for room in the session's queue, as long as a hold may last. */
static bool gosnap_wait_queue_room(struct gosnap_session *s,
				   struct gosnap_probe_set *ps)
{
	long left = wait_event_killable_timeout(s->spaceq,
		READ_ONCE(s->queued) < gosnap_max_queued || READ_ONCE(s->closing) ||
		!atomic_read(&ps->live), ps->hold_jiffies);

	return left > 0 && atomic_read(&ps->live) && !READ_ONCE(s->closing);
}

/*
 * Is this hit the same call entering again (see struct gosnap_hit_sig)?
 * If not, it is remembered; *slot says where, for gosnap_hit_done().
 */
static bool gosnap_is_reentry(struct gosnap_uprobe *up, struct pt_regs *regs,
			      unsigned int *slot)
{
	const unsigned long argv[GOSNAP_MAX_ARG_REGS] = {
		regs->ax, regs->bx, regs->cx, regs->di, regs->si,
		regs->r8, regs->r9, regs->r10, regs->r11,
	};
	struct gosnap_hit_sig sig = { .sp = regs->sp };
	u64 now = ktime_get_ns();
	bool again = false;
	unsigned int i;

	for (i = 0; i < up->arg_regs; i++)
		sig.args[i] = argv[i];
	if (copy_from_user_nofault(&sig.ret, (void __user *)regs->sp,
				   sizeof(sig.ret)))
		sig.ret = 0;
	spin_lock(&up->recent_lock);
	/* one slot per stack pointer: a goroutine's calls at one depth */
	for (i = 0; i < GOSNAP_RECENT_HITS; i++)
		if (up->recent[i].sp == sig.sp)
			break;
	if (i < GOSNAP_RECENT_HITS) {
		struct gosnap_hit_sig *r = &up->recent[i];

		again = r->ret == sig.ret && !memcmp(r->args, sig.args, sizeof(sig.args)) &&
			(!r->done_ns || now - r->done_ns < GOSNAP_REENTRY_NS);
	} else {
		i = up->next_recent++ % GOSNAP_RECENT_HITS;
	}
	if (!again) {
		up->recent[i] = sig;
		*slot = i;
	}
	spin_unlock(&up->recent_lock);
	return again;
}

static void gosnap_hit_done(struct gosnap_uprobe *up, unsigned int slot)
{
	spin_lock(&up->recent_lock);
	up->recent[slot].done_ns = ktime_get_ns();
	spin_unlock(&up->recent_lock);
}

static int gosnap_uprobe_handler(GOSNAP_UPROBE_HANDLER_ARGS)
{
	struct gosnap_uprobe *up = container_of(self, struct gosnap_uprobe, uc);
	struct gosnap_probe_set *ps = up->set;
	struct gosnap_session *s = ps->s;
	struct gosnap_capture_ctx cx = {};
	struct gosnap_sbuf *sb;
	bool track = !(ps->flags & GOSNAP_TARGET_EVERY_ENTRY);
	struct mm_struct *tmm;
	unsigned int slot = 0;
	u64 hit;

	if (task_tgid(current) != ps->tgid)
		return gosnap_is_target_mm(ps, current->mm) ? 0 : UPROBE_HANDLER_REMOVE;
	if (!atomic_read(&ps->live))
		return 0;
	if (track && gosnap_is_reentry(up, regs, &slot))
		return 0;
	hit = atomic64_inc_return(&up->hits);
	if (up->want_hit && hit != up->want_hit)
		goto done;
	if (ps->max_snapshots &&
	    atomic_inc_return(&ps->taken) > ps->max_snapshots)
		goto done;

	/* GOSNAP_TARGET_EXEC: learn the target's mm at its first hit */
	tmm = READ_ONCE(ps->mm);
	if (!tmm) {
		mmgrab(current->mm);
		if (cmpxchg(&ps->mm, NULL, current->mm))
			mmdrop(current->mm);
	}

	cx.hold_start_ns = ktime_get_ns();
	if (READ_ONCE(s->queued) >= gosnap_max_queued &&
	    !gosnap_wait_queue_room(s, ps))
		goto done;	/* the reader is gone or stuck: let the target go */

	cx.task = current;
	cx.mm = current->mm;
	cx.trigger = GOSNAP_TRIG_PROBE;
	cx.mode = ps->mode;
	cx.sflags = GOSNAP_SF_PROBE;
	cx.show_pfn = ps->show_pfn;
	cx.max_bytes = ps->max_bytes;
	cx.seq = atomic64_inc_return(&s->seq);
	cx.regs = regs;
	cx.probe_id = up->id;
	cx.probe_vaddr = up->vaddr;
	cx.probe_offset = up->offset;
	cx.hit = hit;
	cx.label = up->label;
	cx.stack_bounds = ps->flags & GOSNAP_TARGET_STACK_BOUNDS;
	cx.stack_reg = ps->stack_reg;
	cx.stack_off = ps->stack_off;
	cx.bid_cache = &ps->bid;

	if ((ps->flags & GOSNAP_TARGET_STOP_WORLD) && get_nr_threads(current) > 1) {
		gosnap_stop_others(ps);
		cx.sflags |= GOSNAP_SF_STOP_WORLD;
	}
	sb = gosnap_capture(&cx);
	if (!IS_ERR(sb))
		gosnap_session_queue(s, sb);
	/* with both, the whole process stays stopped while held */
	if (ps->flags & GOSNAP_TARGET_HOLD)
		gosnap_hold(ps);
	if (cx.sflags & GOSNAP_SF_STOP_WORLD)
		gosnap_resume_others(ps);
done:
	if (track)
		gosnap_hit_done(up, slot);
	return 0;
}

int gosnap_probe_target(struct gosnap_session *s, const struct gosnap_target *t)
{
	struct gosnap_probe_set *ps;
	struct task_struct *task;
	int err;

	if (s->probes)
		return -EBUSY;
	if (!capable(CAP_SYS_ADMIN) && !capable(CAP_SYS_PTRACE))
		return -EPERM;
	err = gosnap_find_task(t->pid, &task);
	if (err)
		return err;
	err = -ENOMEM;
	ps = kzalloc(sizeof(*ps), GFP_KERNEL);
	if (!ps)
		goto put_task;
	if (!(t->flags & GOSNAP_TARGET_EXEC)) {
		struct mm_struct *mm = get_task_mm(task);

		err = -ESRCH;
		if (!mm)
			goto free_ps;
		mmgrab(mm);		/* compared in the filter; dropped at teardown */
		mmput(mm);
		ps->mm = mm;
	}
	ps->s = s;
	ps->tgid = get_pid(task_tgid(task));	/* dropped at teardown */
	ps->flags = t->flags;
	ps->mode = t->mode;
	ps->max_bytes = gosnap_effective_max(t->max_bytes);
	ps->max_snapshots = t->max_snapshots;
	ps->hold_jiffies = msecs_to_jiffies(t->hold_ms && t->hold_ms < gosnap_hold_timeout_ms ?
					    t->hold_ms : gosnap_hold_timeout_ms);
	ps->stack_reg = t->stack_reg;
	ps->stack_off = t->stack_off;
	ps->show_pfn = s->may_pfn && !(t->flags & GOSNAP_TARGET_NO_PFN);
	init_waitqueue_head(&ps->holdq);
	mutex_init(&ps->bid.lock);
	WRITE_ONCE(s->probes, ps);
	put_task_struct(task);
	return 0;

free_ps:
	kfree(ps);
put_task:
	put_task_struct(task);
	return err;
}

int gosnap_probe_add(struct gosnap_session *s, const struct gosnap_probe *p)
{
	struct gosnap_probe_set *ps = s->probes;
	struct gosnap_uprobe *up;
	struct inode *inode;
	struct file *file;
	int err = -EINVAL;

	if (!ps)
		return -ENOENT;
	if (ps->armed)
		return -EBUSY;
	if (ps->nr == GOSNAP_MAX_PROBES)
		return -ENOSPC;
	/* O_PATH is enough: only the inode is used */
	file = p->fd >= 0 ? fget_raw(p->fd) : NULL;
	if (!file)
		return -EBADF;
	inode = file_inode(file);
	if (!S_ISREG(inode->i_mode) || p->offset >= i_size_read(inode))
		goto put_file;

	up = &ps->probes[ps->nr];
	memset(up, 0, sizeof(*up));
	up->set = ps;
	up->path = file->f_path;
	path_get(&up->path);		/* dropped in gosnap_probe_teardown() */
	up->offset = p->offset;
	up->id = p->id;
	up->vaddr = p->vaddr;
	up->want_hit = p->hit;
	up->arg_regs = p->arg_regs;
	atomic64_set(&up->hits, 0);
	spin_lock_init(&up->recent_lock);
	strscpy(up->label, p->label, sizeof(up->label));
	up->uc.handler = gosnap_uprobe_handler;
	up->uc.filter = gosnap_uprobe_filter;
	ps->nr++;
	err = 0;
put_file:
	fput(file);
	return err;
}

static struct inode *gosnap_probe_inode(struct gosnap_uprobe *up)
{
	return d_real_inode(up->path.dentry);
}

/* Unregister every registered probe; wakes parked threads first. */
static void gosnap_probe_unregister_all(struct gosnap_probe_set *ps)
{
	unsigned int i;
	bool any = false;

	atomic_set(&ps->live, 0);
	atomic_inc(&ps->release_gen);
	wake_up_all(&ps->holdq);
	wake_up_all(&ps->s->spaceq);
	for (i = 0; i < ps->nr; i++) {
		struct gosnap_uprobe *up = &ps->probes[i];

		if (!up->registered)
			continue;
		gosnap_uprobe_unregister(gosnap_probe_inode(up), up->offset,
					 &up->uc, &up->handle);
		up->registered = false;
		any = true;
	}
	if (any)
		gosnap_uprobe_unregister_sync();
	ps->armed = false;
	wake_up_all(&ps->s->readq);
}

int gosnap_probe_arm(struct gosnap_session *s)
{
	struct gosnap_probe_set *ps = s->probes;
	unsigned int i;
	int err = 0;

	if (!ps || !ps->nr)
		return -ENOENT;
	if (ps->armed)
		return -EBUSY;
	atomic_set(&ps->live, 1);
	for (i = 0; i < ps->nr; i++) {
		struct gosnap_uprobe *up = &ps->probes[i];

		err = gosnap_uprobe_register(gosnap_probe_inode(up), up->offset,
					     &up->uc, &up->handle);
		if (err)
			break;
		up->registered = true;
	}
	ps->armed = true;
	if (err)
		gosnap_probe_unregister_all(ps);
	return err;
}

int gosnap_probe_disarm(struct gosnap_session *s)
{
	struct gosnap_probe_set *ps = s->probes;

	if (!ps)
		return -ENOENT;
	gosnap_probe_unregister_all(ps);
	return 0;
}

int gosnap_probe_release(struct gosnap_session *s)
{
	struct gosnap_probe_set *ps = s->probes;

	if (!ps)
		return -ENOENT;
	atomic_inc(&ps->release_gen);
	wake_up_all(&ps->holdq);
	return 0;
}

/* Session close: nothing of the probe set survives this. */
void gosnap_probe_teardown(struct gosnap_session *s)
{
	struct gosnap_probe_set *ps = s->probes;
	unsigned int i;

	if (!ps)
		return;
	gosnap_probe_unregister_all(ps);
	for (i = 0; i < ps->nr; i++)
		path_put(&ps->probes[i].path);
	if (ps->mm)
		mmdrop(ps->mm);
	put_pid(ps->tgid);
	WRITE_ONCE(s->probes, NULL);
	kfree(ps);
}
