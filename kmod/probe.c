// SPDX-License-Identifier: GPL-2.0
/*
 * Probe captures: uprobes at file offsets of the target's executable,
 * filtered to one thread group. The hitting thread captures its own
 * process from its handler (where it may sleep and its own memory is
 * current), queues the snapshot, and goes on; with GOSNAP_TARGET_HOLD it
 * stays parked until GOSNAP_IOC_RELEASE, session close, SIGKILL or the
 * hold timeout, whichever comes first. Nothing of ours is locked while
 * parked.
 *
 * Time: one deadline, hold_jiffies after the hit, bounds every wait of the
 * hit (queue room, stopping the world, the hold). While a thread is in a
 * handler the kernel holds the uprobe's read side: 6.1-6.11 its
 * register_rwsem (a register or unregister of the same uprobe, by anyone,
 * waits for us), 6.12+ RCU Tasks Trace (every synchronize_rcu_tasks_trace()
 * in the system waits for us). hold_timeout_ms is bounded for that reason.
 *
 * Lifetime: a probe set belongs to its session and is freed only after
 * every uprobe is unregistered and the unregistration synchronised, which
 * waits out every handler still running; parked handlers are woken first
 * (6.1's unregister waits for them with the uprobe's rwsem held).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/poll.h>
#include "gosnap.h"
#include "compat.h"

/*
 * What identifies one call at a function's entry. A goroutine preempted
 * in the function's prologue (its stack check fails once the scheduler
 * has marked it, which a capture or a hold easily gives time for), or
 * short of stack there, goes through morestack and starts the function
 * again from its entry, maybe on another thread and on a copied stack: the
 * entry probe fires a second time for the same call.
 *
 * A function that never calls morestack is never entered again: with
 * GOSNAP_PROBE_NO_REENTRY every hit is a call. With GOSNAP_PROBE_BODY the
 * caller names the first instruction past the prologue's stack check, and
 * a second uprobe there (the body probe) ends the call's prologue. A
 * goroutine (the value of the target's stack_reg: its g) that hit the
 * entry and has not reached the body since is re-entering: exact, however
 * long the preemption took and wherever the stack moved. At most
 * GOSNAP_ENTERED_MAX goroutines are remembered per probe at once; past
 * that one of them is forgotten, and its re-entry, if it comes, counts as
 * a call.
 *
 * Without either, a call is known by its signature: the stack pointer, return
 * address and argument registers (morestack spills and reloads those); a
 * hit with the signature of one that ended less than GOSNAP_REENTRY_NS ago
 * is not counted. That guess is wrong both ways: a second call from the
 * same place at the same depth within the window is dropped, and a
 * re-entry on a grown stack counts. GOSNAP_TARGET_EVERY_ENTRY turns both
 * off.
 */
struct gosnap_hit_sig {
	u64	sp, ret;
	u64	args[GOSNAP_MAX_ARG_REGS];
	u64	done_ns;	/* when its handler finished; 0 while running */
};

#define GOSNAP_REENTRY_NS	(2000 * NSEC_PER_MSEC)
#define GOSNAP_RECENT_HITS	32
/* the same bytes as recent[]: a probe uses one or the other */
#define GOSNAP_ENTERED_MAX	(GOSNAP_RECENT_HITS * sizeof(struct gosnap_hit_sig) / sizeof(u64))

struct gosnap_uprobe {
	struct uprobe_consumer	uc;		/* container_of() in the handlers */
	struct uprobe_consumer	body_uc;	/* the body probe's, with _BODY */
	struct gosnap_probe_set	*set;		/* owner; outlives the registration */
	struct path		path;		/* the file the caller named */
	struct inode		*inode;		/* registered on (the real inode under
						 * overlayfs), referenced from ARM to
						 * teardown: unregister needs this very
						 * inode, whatever happens to path
						 */
	loff_t			offset;
	loff_t			body_offset;	/* with_body: past the stack check */
	struct gosnap_uprobe_handle handle;
	struct gosnap_uprobe_handle body_handle;
	bool			registered;
	bool			body_registered;
	bool			with_body;	/* GOSNAP_PROBE_BODY */
	bool			no_reentry;	/* GOSNAP_PROBE_NO_REENTRY */
	u32			id;
	u64			vaddr;
	u64			want_hit;	/* 0: every hit */
	u32			arg_regs;	/* argument registers in a hit's signature */
	atomic64_t		hits;
	char			label[GOSNAP_LABEL_LEN];
	spinlock_t		recent_lock;	/* protects the union and both counts */
	union {
		struct gosnap_hit_sig	recent[GOSNAP_RECENT_HITS];
		u64			entered[GOSNAP_ENTERED_MAX]; /* g, packed */
	};
	unsigned int		next_recent;
	unsigned int		nr_entered;	/* entered[0..nr_entered) in use */
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
	bool			exhausted;	/* max_snapshots taken: disarmed */
	atomic_t		live;		/* handlers may capture */
	atomic_t		taken;		/* snapshots taken or being taken */
	atomic_t		busy;		/* handlers past the first checks */
	atomic64_t		released_seq;	/* parked threads up to this seq go */
	wait_queue_head_t	holdq;		/* parked threads */
	struct gosnap_build_id	bid;		/* the probed file's, read at ARM */
	unsigned int		nr;
	struct gosnap_uprobe	probes[GOSNAP_MAX_PROBES];
};

/* Has every thread of the target exited (a zombie leader counts as gone)? */
static bool gosnap_target_gone(struct pid *tgid)
{
	struct task_struct *leader;
	bool gone;

	rcu_read_lock();
	leader = pid_task(tgid, PIDTYPE_PID);
	gone = !leader || (READ_ONCE(leader->exit_state) &&
			   thread_group_empty(leader));
	rcu_read_unlock();
	return gone;
}

bool gosnap_probe_armed(struct gosnap_session *s)
{
	/* pairs with smp_store_release() in gosnap_probe_target() */
	struct gosnap_probe_set *ps = smp_load_acquire(&s->probes);

	if (!ps || !atomic_read(&ps->live))
		return false;
	/* a target that is gone will never hit again: end the stream */
	if (gosnap_target_gone(ps->tgid)) {
		atomic_set(&ps->live, 0);
		return false;
	}
	return true;
}

/*
 * poll(): the target's exit wakes its pidfd waiters (the whole group is
 * gone by then), so wait there too and see POLLHUP without a timeout.
 * The pid outlives the wait: ps holds it until release(), which runs only
 * after epoll and poll have let go of the file.
 */
void gosnap_probe_poll_wait(struct gosnap_session *s, struct file *file,
			    poll_table *wait)
{
	/* pairs with smp_store_release() in gosnap_probe_target() */
	struct gosnap_probe_set *ps = smp_load_acquire(&s->probes);

	if (ps)
		poll_wait(file, &ps->tgid->wait_pidfd, wait);
}

/*
 * EXEC mode: the target's mm, learnt the first time it maps the probed
 * file (or hits a probe). mmgrab() is an atomic increment: fine in the
 * filter, which may not sleep.
 */
static void gosnap_learn_mm(struct gosnap_probe_set *ps, struct mm_struct *mm)
{
	mmgrab(mm);			/* dropped at teardown */
	if (cmpxchg(&ps->mm, NULL, mm))
		mmdrop(mm);		/* another thread learnt it first */
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
	 * Remember that mm: every later question about it (another consumer
	 * unregistering, a REMOVE re-check) must get the same answer.
	 */
	if (current->mm == mm && task_tgid(current) == ps->tgid) {
		gosnap_learn_mm(ps, mm);
		return true;
	}
	return false;
}

/* Both probes of a set: its target's mm, until disarmed by max_snapshots. */
static bool gosnap_set_wants(struct gosnap_probe_set *ps, struct mm_struct *mm)
{
	if (READ_ONCE(ps->exhausted))
		return false;
	return gosnap_is_target_mm(ps, mm);
}

static bool gosnap_uprobe_filter(GOSNAP_UPROBE_FILTER_ARGS)
{
	return gosnap_set_wants(container_of(self, struct gosnap_uprobe, uc)->set, mm);
}

static bool gosnap_body_filter(GOSNAP_UPROBE_FILTER_ARGS)
{
	return gosnap_set_wants(container_of(self, struct gosnap_uprobe, body_uc)->set, mm);
}

static long gosnap_jiffies_left(unsigned long deadline)
{
	return max_t(long, (long)(deadline - jiffies), 0);
}

/* Is snapshot @seq released, or the set disarmed? */
static bool gosnap_hold_over(struct gosnap_probe_set *ps, u64 seq)
{
	return (u64)atomic64_read(&ps->released_seq) >= seq ||
	       !atomic_read(&ps->live);
}

/**
 * gosnap_hold - park the hitting thread until its snapshot is released
 * @ps:       the probe set
 * @seq:      the snapshot's number: released once released_seq reaches it
 * @deadline: jiffies at which the hold ends anyway
 *
 * Also ends when the set stops being live (disarm, close) or on SIGKILL.
 * Killable: the hung-task detector leaves TASK_KILLABLE sleepers alone.
 *
 * Context: Process context, the hitting thread in its uprobe handler (the
 * uprobe's read side held, see the top of this file). Sleeps. Holds no
 * lock of the module's.
 */
static void gosnap_hold(struct gosnap_probe_set *ps, u64 seq,
			unsigned long deadline)
{
	wait_event_killable_timeout(ps->holdq, gosnap_hold_over(ps, seq),
				    gosnap_jiffies_left(deadline));
}

/* Reserved room (*got), or the reader or the set is gone: stop waiting. */
static bool gosnap_room_or_gone(struct gosnap_session *s,
				struct gosnap_probe_set *ps, bool *got)
{
	*got = gosnap_queue_reserve(s, ps->max_bytes);
	return *got || READ_ONCE(s->closing) || !atomic_read(&ps->live);
}

/* Reserve room for one snapshot in the session's queue, until @deadline. */
static bool gosnap_wait_queue_room(struct gosnap_session *s,
				   struct gosnap_probe_set *ps,
				   unsigned long deadline)
{
	bool got = false;

	wait_event_killable_timeout(s->spaceq,
				    gosnap_room_or_gone(s, ps, &got),
				    gosnap_jiffies_left(deadline));
	if (got && (!atomic_read(&ps->live) || READ_ONCE(s->closing))) {
		gosnap_queue_unreserve(s, ps->max_bytes);
		got = false;
	}
	return got;
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

/* The hitting goroutine: the target's stack_reg (Go on x86-64: R14, its g). */
static u64 gosnap_goroutine(const struct gosnap_probe_set *ps,
			    const struct pt_regs *regs)
{
	struct gosnap_regs gr;

	gosnap_fill_regs(&gr, regs);
	/* struct gosnap_regs is __u64 slots; stack_reg was checked at TARGET */
	return ((u64 *)&gr)[ps->stack_reg];
}

/*
 * With a body probe: did goroutine @g hit the entry and not reach the body
 * since (see struct gosnap_hit_sig)? If not, it is remembered as entered.
 */
static bool gosnap_entered_again(struct gosnap_uprobe *up, u64 g)
{
	unsigned int i;
	bool again = false;

	if (!g)
		return false;	/* no g to tell calls apart by: a call */
	spin_lock(&up->recent_lock);
	/* packed: every call of the function scans only the goroutines in it */
	for (i = 0; i < up->nr_entered && !again; i++)
		again = up->entered[i] == g;
	if (!again) {
		/* full: forget one, in turn */
		if (up->nr_entered < GOSNAP_ENTERED_MAX)
			i = up->nr_entered++;
		else
			i = up->next_recent++ % GOSNAP_ENTERED_MAX;
		up->entered[i] = g;
	}
	spin_unlock(&up->recent_lock);
	return again;
}

/* Goroutine @g is past the prologue of a call it entered, if it did. */
static void gosnap_reached_body(struct gosnap_uprobe *up, u64 g)
{
	unsigned int i;

	if (!g)
		return;
	spin_lock(&up->recent_lock);
	for (i = 0; i < up->nr_entered; i++) {
		if (up->entered[i] == g) {
			/* the last one fills the hole */
			up->entered[i] = up->entered[--up->nr_entered];
			break;
		}
	}
	spin_unlock(&up->recent_lock);
}

static void gosnap_hit_done(struct gosnap_uprobe *up, unsigned int slot)
{
	spin_lock(&up->recent_lock);
	up->recent[slot].done_ns = ktime_get_ns();
	spin_unlock(&up->recent_lock);
}

/**
 * gosnap_hit - capture one hit, queue it, hold the thread if asked
 * @up:   the probe hit
 * @regs: the hitting thread's user registers
 * @hit:  the hit's number on this probe
 *
 * Everything past the cheap checks of gosnap_uprobe_handler(): wait for
 * queue room, stop the world if asked, capture, queue, hold.
 *
 * Context: Process context, the hitting thread (current) in its uprobe
 * handler. Sleeps, until the deadline at most. Holds no lock of the
 * module's across a sleep.
 *
 * Return: true if a snapshot was queued.
 */
static bool gosnap_hit(struct gosnap_uprobe *up, struct pt_regs *regs, u64 hit)
{
	struct gosnap_probe_set *ps = up->set;
	struct gosnap_session *s = ps->s;
	unsigned long deadline = jiffies + ps->hold_jiffies;
	struct gosnap_capture_ctx cx = {};
	struct gosnap_inflight in;
	struct mem_cgroup *old_memcg;
	struct gosnap_sbuf *sb;
	bool stop = ps->flags & GOSNAP_TARGET_STOP_WORLD;

	cx.hold_start_ns = ktime_get_ns();
	if (!READ_ONCE(ps->mm))
		gosnap_learn_mm(ps, current->mm);
	/* from here on, as still as a stopped thread for any stop-world */
	gosnap_inflight_enter(&in);
	if (!gosnap_wait_queue_room(s, ps, deadline)) {
		sb = ERR_PTR(-ENOBUFS);	/* the reader is gone or stuck: go on */
		goto out;
	}

	cx.task = current;
	cx.mm = current->mm;
	cx.trigger = GOSNAP_TRIG_PROBE;
	cx.mode = ps->mode;
	cx.sflags = GOSNAP_SF_PROBE;
	cx.view = &s->view;
	cx.walk.show_pfn = ps->show_pfn;
	cx.walk.show_pageflags = s->view.may_pfn;
	cx.walk.pte_facts = ps->flags & GOSNAP_TARGET_PTE_FACTS;
	cx.max_bytes = ps->max_bytes;
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

	if (stop && gosnap_stop_world(&in, deadline, &ps->live))
		cx.sflags |= GOSNAP_SF_STOP_WORLD;
	/* charge the snapshot to whoever opened the device, not the target */
	old_memcg = set_active_memcg(s->memcg);
	sb = gosnap_capture(&cx);
	set_active_memcg(old_memcg);
	gosnap_audit(&s->view, current, cx.mode, up->label, PTR_ERR_OR_ZERO(sb), true);
	if (IS_ERR(sb)) {
		gosnap_queue_unreserve(s, ps->max_bytes);
	} else {
		u64 seq = gosnap_session_queue(s, sb, ps->max_bytes);

		/* with both, the whole process stays stopped while held */
		if (ps->flags & GOSNAP_TARGET_HOLD)
			gosnap_hold(ps, seq, deadline);
	}
	if (stop)
		gosnap_resume_world(&in);
out:
	gosnap_inflight_leave(&in);
	return !IS_ERR(sb);
}

/* May this hit be captured under max_snapshots? Counted if so. */
static bool gosnap_take(struct gosnap_probe_set *ps)
{
	if (!ps->max_snapshots)
		return true;
	return atomic_add_unless(&ps->taken, 1, ps->max_snapshots);
}

/* A hit is done; the last one of max_snapshots disarms the set. */
static void gosnap_busy_done(struct gosnap_probe_set *ps)
{
	if (atomic_dec_and_test(&ps->busy) && ps->max_snapshots &&
	    atomic_read(&ps->taken) >= ps->max_snapshots) {
		WRITE_ONCE(ps->exhausted, true);
		atomic_set(&ps->live, 0);
		wake_up_all(&ps->s->readq);
	}
}

/*
 * Should a hit of @ps's probes in current pass through? Yes for threads of
 * other processes and once the set is disarmed; *ret is then the
 * handler's return value.
 */
static bool gosnap_hit_ignored(struct gosnap_probe_set *ps, int *ret)
{
	*ret = 0;
	if (task_tgid(current) != ps->tgid) {
		struct mm_struct *tmm = READ_ONCE(ps->mm);

		/*
		 * A forked child's copy of the breakpoints: remove them from
		 * its mm, but never from one that may be the target's (a
		 * vfork child shares it, and REMOVE acts on the whole mm).
		 */
		if (tmm && current->mm != tmm)
			*ret = UPROBE_HANDLER_REMOVE;
		return true;
	}
	if (!atomic_read(&ps->live)) {
		if (READ_ONCE(ps->exhausted))
			*ret = UPROBE_HANDLER_REMOVE;
		return true;
	}
	return false;
}

/*
 * gosnap_uprobe_handler - a thread hit one of the set's breakpoints
 * (not kernel-doc: its parameters are compat.h's per-kernel macro)
 * self: the probe's uprobe consumer
 * regs: the thread's user registers at the breakpoint
 *
 * Threads of other processes (a fork's copy of the breakpoints) and hits
 * after the set was disarmed pass through; a prologue re-entry is not
 * counted; the hit wanted (every hit, or the Nth), while max_snapshots
 * allows, is captured by gosnap_hit().
 *
 * Context: Process context: the hitting thread, from its breakpoint trap
 * on the way back to user space, with the uprobe's read side held (6.1 to
 * 6.11 its register_rwsem, 6.12+ RCU Tasks Trace). May sleep.
 *
 * Return: UPROBE_HANDLER_REMOVE to take the breakpoints out of current's
 * mm (a fork child, or the set is exhausted), else 0.
 */
static int gosnap_uprobe_handler(GOSNAP_UPROBE_HANDLER_ARGS)
{
	struct gosnap_uprobe *up = container_of(self, struct gosnap_uprobe, uc);
	struct gosnap_probe_set *ps = up->set;
	bool track = !(ps->flags & GOSNAP_TARGET_EVERY_ENTRY) && !up->no_reentry;
	bool by_sig = track && !up->with_body;
	unsigned int slot = 0;
	int ret;
	u64 hit;

	if (gosnap_hit_ignored(ps, &ret))
		return ret;
	if (track && up->with_body &&
	    gosnap_entered_again(up, gosnap_goroutine(ps, regs)))
		return 0;
	if (by_sig && gosnap_is_reentry(up, regs, &slot))
		return 0;
	hit = atomic64_inc_return(&up->hits);
	atomic_inc(&ps->busy);		/* before taking: see gosnap_busy_done() */
	if ((!up->want_hit || hit == up->want_hit) && gosnap_take(ps) &&
	    !gosnap_hit(up, regs, hit) && ps->max_snapshots)
		atomic_dec(&ps->taken);	/* not taken after all */
	gosnap_busy_done(ps);
	if (by_sig)
		gosnap_hit_done(up, slot);
	return 0;
}

/*
 * gosnap_body_handler - a thread is past a probed function's stack check
 * (not kernel-doc: its parameters are compat.h's per-kernel macro)
 * self: the body probe's uprobe consumer
 * regs: the thread's user registers there
 *
 * Ends the prologue of the call the goroutine entered: its next entry hit
 * is a new call. Context: as gosnap_uprobe_handler(); does not sleep.
 *
 * Return: as gosnap_uprobe_handler().
 */
static int gosnap_body_handler(GOSNAP_UPROBE_HANDLER_ARGS)
{
	struct gosnap_uprobe *up = container_of(self, struct gosnap_uprobe, body_uc);
	struct gosnap_probe_set *ps = up->set;
	int ret;

	if (gosnap_hit_ignored(ps, &ret))
		return ret;
	gosnap_reached_body(up, gosnap_goroutine(ps, regs));
	return 0;
}

/*
 * GOSNAP_IOC_TARGET: the session's probe set, for the process @t names.
 * Under the session's lock (the ioctl's).
 */
int gosnap_probe_target(struct gosnap_session *s, const struct gosnap_target *t)
{
	unsigned long timeout_ms = READ_ONCE(gosnap_hold_timeout_ms);
	struct gosnap_probe_set *ps;
	struct task_struct *task;
	int err;

	lockdep_assert_held(&s->lock);
	if (s->probes)
		return -EBUSY;
	err = gosnap_find_task(t->pid, &task);
	if (err)
		return err;
	err = gosnap_may_capture(&s->view, task, t->mode, true);
	if (err) {
		gosnap_audit(&s->view, task, t->mode, "(target)", err, false);
		goto put_task;
	}
	err = -ENOMEM;
	/* about 210 KiB: no need for it to be physically contiguous */
	ps = kvzalloc(sizeof(*ps), GFP_KERNEL_ACCOUNT);
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
	ps->hold_jiffies = msecs_to_jiffies(t->hold_ms && t->hold_ms < timeout_ms ?
					    t->hold_ms : timeout_ms);
	ps->stack_reg = t->stack_reg;
	ps->stack_off = t->stack_off;
	ps->show_pfn = s->view.may_pfn && !(t->flags & GOSNAP_TARGET_NO_PFN);
	init_waitqueue_head(&ps->holdq);
	smp_store_release(&s->probes, ps);	/* read locklessly by read/poll */
	put_task_struct(task);
	return 0;

free_ps:
	kvfree(ps);
put_task:
	put_task_struct(task);
	return err;
}

/* GOSNAP_IOC_PROBE: one more probe, before ARM. Under the session's lock. */
int gosnap_probe_add(struct gosnap_session *s, const struct gosnap_probe *p)
{
	struct gosnap_probe_set *ps = s->probes;
	struct gosnap_uprobe *up;
	struct inode *inode;
	struct file *file;
	int err = -EINVAL;

	lockdep_assert_held(&s->lock);
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
	/* a body probe: past the entry, in the file; the goroutine is stack_reg */
	if (p->flags & GOSNAP_PROBE_BODY &&
	    (p->body_offset <= p->offset || p->body_offset >= i_size_read(inode) ||
	     !(ps->flags & GOSNAP_TARGET_STACK_BOUNDS)))
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
	up->with_body = p->flags & GOSNAP_PROBE_BODY;
	up->no_reentry = p->flags & GOSNAP_PROBE_NO_REENTRY;
	up->body_offset = p->body_offset;
	atomic64_set(&up->hits, 0);
	spin_lock_init(&up->recent_lock);
	strscpy(up->label, p->label, sizeof(up->label));
	up->uc.handler = gosnap_uprobe_handler;
	up->uc.filter = gosnap_uprobe_filter;
	up->body_uc.handler = gosnap_body_handler;
	up->body_uc.filter = gosnap_body_filter;
	ps->nr++;
	err = 0;
put_file:
	fput(file);
	return err;
}

/**
 * gosnap_probe_unregister_all - disarm: unregister every registered probe
 * @ps: the probe set
 *
 * Parked threads, threads waiting for queue room and threads waiting to
 * stop the world are woken first (6.1's unregister waits for them).
 * Returns once no handler of the set runs any more.
 *
 * Context: Process context, ARM's failure path or DISARM (the session's
 * lock held) or teardown (release(), no ioctl left). Sleeps: waits out
 * every running handler.
 */
static void gosnap_probe_unregister_all(struct gosnap_probe_set *ps)
{
	unsigned int i;
	bool any = false;

	atomic_set(&ps->live, 0);
	wake_up_all(&ps->holdq);
	wake_up_all(&ps->s->spaceq);
	gosnap_stop_wake_all();
	for (i = 0; i < ps->nr; i++) {
		struct gosnap_uprobe *up = &ps->probes[i];

		if (up->registered) {
			gosnap_uprobe_unregister(up->inode, up->offset, &up->uc,
						 &up->handle);
			up->registered = false;
			any = true;
		}
		if (up->body_registered) {
			gosnap_uprobe_unregister(up->inode, up->body_offset,
						 &up->body_uc, &up->body_handle);
			up->body_registered = false;
			any = true;
		}
	}
	if (any)
		gosnap_uprobe_unregister_sync();
	ps->armed = false;
	wake_up_all(&ps->s->readq);
}

/* Drop the inode references taken at ARM; only once unregistered. */
static void gosnap_probe_put_inodes(struct gosnap_probe_set *ps)
{
	unsigned int i;

	for (i = 0; i < ps->nr; i++) {
		if (WARN_ON_ONCE(ps->probes[i].registered ||
				 ps->probes[i].body_registered))
			continue;
		iput(ps->probes[i].inode);	/* iput(NULL) is a no-op */
		ps->probes[i].inode = NULL;
	}
	gosnap_build_id_put(&ps->bid);
}

/**
 * gosnap_probe_arm - GOSNAP_IOC_ARM: register every probe of the set
 * @s: the session
 * @c: the command's argument: no flags, no seq
 *
 * Resolves each probe's inode once and keeps it until teardown, reads the
 * probed file's build id (a hit never reads files), then registers the
 * uprobes; if one fails, those registered are unregistered again. No
 * handler runs before the first registration succeeds.
 *
 * Context: Process context, from the ioctl, with the session's lock held
 * (it serialises ARM and DISARM; teardown runs when no ioctl can). Sleeps.
 *
 * Return: 0; -EINVAL, -ENOENT (no target or no probe), -EBUSY (armed),
 * -ESRCH (max_snapshots taken), or the registration's error.
 */
int gosnap_probe_arm(struct gosnap_session *s, const struct gosnap_ctl *c)
{
	struct gosnap_probe_set *ps = s->probes;
	unsigned int i;
	int err = 0;

	lockdep_assert_held(&s->lock);
	if (c->flags || c->seq)
		return -EINVAL;
	if (!ps || !ps->nr)
		return -ENOENT;
	if (ps->armed)
		return -EBUSY;
	if (ps->exhausted)
		return -ESRCH;		/* max_snapshots taken: the set is done */
	gosnap_probe_put_inodes(ps);	/* from an earlier ARM */
	/*
	 * The inode each uprobe goes on, resolved once and kept: under
	 * overlayfs, the real file the target mapped; a later copy-up must not
	 * make unregister look for another one.
	 */
	for (i = 0; i < ps->nr; i++) {
		ps->probes[i].inode = d_real_inode(ps->probes[i].path.dentry);
		ihold(ps->probes[i].inode);
	}
	/* read now, in the caller's context: a hit never reads files */
	gosnap_build_id_load(&ps->bid, &ps->probes[0].path, ps->probes[0].inode);

	atomic_set(&ps->live, 1);
	for (i = 0; i < ps->nr; i++) {
		struct gosnap_uprobe *up = &ps->probes[i];

		/* no handler runs: forget an earlier arming's calls */
		memset(up->recent, 0, sizeof(up->recent));
		up->next_recent = 0;
		up->nr_entered = 0;
		/*
		 * The body first: an entry seen before its body probe is in
		 * would stay "entered", and the goroutine's next call would
		 * look like a re-entry.
		 */
		if (up->with_body) {
			err = gosnap_uprobe_register(up->inode, up->body_offset,
						     &up->body_uc, &up->body_handle);
			if (err)
				break;
			up->body_registered = true;
		}
		err = gosnap_uprobe_register(up->inode, up->offset, &up->uc,
					     &up->handle);
		if (err)
			break;
		up->registered = true;
	}
	/* ENOTSUPP is the kernel's own: no instruction uprobes can take */
	if (err == -ENOTSUPP)
		err = -EOPNOTSUPP;
	ps->armed = true;
	if (err)
		gosnap_probe_unregister_all(ps);
	return err;
}

/**
 * gosnap_probe_disarm - GOSNAP_IOC_DISARM: unregister the set's probes
 * @s: the session
 * @c: the command's argument: no flags, no seq
 *
 * Held threads are let go; the set can be armed again.
 *
 * Context: Process context, from the ioctl, with the session's lock held.
 * Sleeps (see gosnap_probe_unregister_all()).
 *
 * Return: 0, -EINVAL, or -ENOENT without a target.
 */
int gosnap_probe_disarm(struct gosnap_session *s, const struct gosnap_ctl *c)
{
	struct gosnap_probe_set *ps = s->probes;

	lockdep_assert_held(&s->lock);
	if (c->flags || c->seq)
		return -EINVAL;
	if (!ps)
		return -ENOENT;
	gosnap_probe_unregister_all(ps);
	return 0;
}

/**
 * gosnap_probe_release - GOSNAP_IOC_RELEASE: let held threads go
 * @s: the session
 * @c: with GOSNAP_CTL_SEQ, release the threads held for snapshots up to
 *     @c->seq; else up to the last snapshot queued
 *
 * Context: Process context, from the ioctl (the session's lock is held
 * but not needed: released_seq only grows, by cmpxchg). Does not sleep.
 *
 * Return: 0, -EINVAL, or -ENOENT without a target.
 */
int gosnap_probe_release(struct gosnap_session *s, const struct gosnap_ctl *c)
{
	struct gosnap_probe_set *ps = s->probes;
	u64 upto, old;

	if (c->flags & ~GOSNAP_CTL_SEQ || (!(c->flags & GOSNAP_CTL_SEQ) && c->seq))
		return -EINVAL;
	if (!ps)
		return -ENOENT;
	upto = c->flags & GOSNAP_CTL_SEQ ? c->seq : (u64)atomic64_read(&s->seq);
	/* released_seq only grows */
	old = atomic64_read(&ps->released_seq);
	while (old < upto) {
		u64 was = atomic64_cmpxchg(&ps->released_seq, old, upto);

		if (was == old)
			break;
		old = was;
	}
	wake_up_all(&ps->holdq);
	return 0;
}

/**
 * gosnap_probe_teardown - free the session's probe set, if any
 * @s: the session, closed (gosnap_session_close())
 *
 * Unregisters every probe (waiting out the handlers still running), then
 * drops every reference the set holds: nothing of it survives this.
 *
 * Context: Process context, release() of the session's last file: no
 * ioctl, read or poll of the session can run. Sleeps.
 */
void gosnap_probe_teardown(struct gosnap_session *s)
{
	struct gosnap_probe_set *ps = s->probes;
	unsigned int i;

	if (!ps)
		return;
	gosnap_probe_unregister_all(ps);
	gosnap_probe_put_inodes(ps);
	for (i = 0; i < ps->nr; i++)
		path_put(&ps->probes[i].path);
	if (ps->mm)
		mmdrop(ps->mm);
	put_pid(ps->tgid);
	WRITE_ONCE(s->probes, NULL);
	kvfree(ps);
}
