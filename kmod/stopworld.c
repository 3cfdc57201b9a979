// SPDX-License-Identifier: GPL-2.0
/*
 * Threads inside gosnap's probe handlers, and stopping the rest of their
 * process (GOSNAP_TARGET_STOP_WORLD).
 *
 * A thread inside a handler runs no user code until it leaves, so for the
 * purpose of a snapshot it is as still as a stopped one: every such thread
 * is on one module-wide list for as long as it is in a handler, whatever
 * session it belongs to. A stop-world capture then waits only for the
 * threads that are neither stopped nor on the list.
 *
 * Only one thread at a time may stop a given process ("own" its stop),
 * across every session: two owners would each wait for the other, and the
 * first one's SIGCONT would undo the second one's stop. Others wait on
 * the list (so they count as still) until the owner is done.
 */
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include "gosnap.h"

static LIST_HEAD(gosnap_inflight_list);	/* struct gosnap_inflight.node */
static DEFINE_SPINLOCK(gosnap_inflight_lock);	/* protects the list, .stopping */
static DECLARE_WAIT_QUEUE_HEAD(gosnap_stop_wq);	/* waiting to own a stop */

void gosnap_inflight_enter(struct gosnap_inflight *in)
{
	in->task = current;
	in->tgid = task_tgid(current);	/* current's own: no reference needed */
	in->stopping = false;
	in->sent_stop = false;
	spin_lock(&gosnap_inflight_lock);
	list_add(&in->node, &gosnap_inflight_list);
	spin_unlock(&gosnap_inflight_lock);
}

void gosnap_inflight_leave(struct gosnap_inflight *in)
{
	spin_lock(&gosnap_inflight_lock);
	list_del(&in->node);
	spin_unlock(&gosnap_inflight_lock);
}

static bool gosnap_task_inflight_locked(struct task_struct *t)
{
	struct gosnap_inflight *in;

	lockdep_assert_held(&gosnap_inflight_lock);
	list_for_each_entry(in, &gosnap_inflight_list, node)
		if (in->task == t)
			return true;
	return false;
}

/* Is @t inside a gosnap handler (held, capturing or waiting)? */
bool gosnap_task_inflight(struct task_struct *t)
{
	bool ret;

	spin_lock(&gosnap_inflight_lock);
	ret = gosnap_task_inflight_locked(t);
	spin_unlock(&gosnap_inflight_lock);
	return ret;
}

/* Become the one thread stopping @in's process, if nobody else is. */
static bool gosnap_try_own_stop(struct gosnap_inflight *in)
{
	struct gosnap_inflight *o;
	bool ok = true;

	spin_lock(&gosnap_inflight_lock);
	list_for_each_entry(o, &gosnap_inflight_list, node)
		if (o->stopping && o->tgid == in->tgid) {
			ok = false;
			break;
		}
	in->stopping = ok;
	spin_unlock(&gosnap_inflight_lock);
	return ok;
}

/* Own the stop now, or the probe set was disarmed: stop waiting. */
static bool gosnap_own_stop_or_dead(struct gosnap_inflight *in, atomic_t *live)
{
	return gosnap_try_own_stop(in) || !atomic_read(live);
}

/*
 * Still for the snapshot: stopped, exiting, or in a handler with the group
 * stop pending (it stops on its way back to user space). Called under RCU
 * and gosnap_inflight_lock.
 */
static bool gosnap_thread_still(struct task_struct *t)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "thread_still outside RCU");
	lockdep_assert_held(&gosnap_inflight_lock);
	if (task_is_stopped(t) || (t->flags & PF_EXITING))
		return true;
	return (READ_ONCE(t->jobctl) & JOBCTL_STOP_PENDING) &&
	       gosnap_task_inflight_locked(t);
}

static bool gosnap_others_still(void)
{
	struct task_struct *t;
	bool all = true;

	rcu_read_lock();
	spin_lock(&gosnap_inflight_lock);
	for_each_thread(current, t) {
		if (t != current && !gosnap_thread_still(t)) {
			all = false;
			break;
		}
	}
	spin_unlock(&gosnap_inflight_lock);
	rcu_read_unlock();
	return all;
}

/**
 * gosnap_stop_world - stop every other thread of current's process
 * @in:       current's entry on the in-handler list
 * @deadline: jiffies by which to give up
 * @live:     the probe set's live flag: give up when it drops
 *
 * A group stop, started by a SIGSTOP sent to one of the other threads (one
 * sent to the group may be given to current, which would act on it only
 * once back in user space), then a wait until every other thread is
 * still. Visible side effects: a parent waiting with WUNTRACED/WCONTINUED
 * sees the stop and the continue, and the target receives a SIGCONT.
 * gosnap_resume_world() must follow, whatever this returned.
 *
 * Return: true if every other thread was still when it returned.
 */
bool gosnap_stop_world(struct gosnap_inflight *in, unsigned long deadline,
		       atomic_t *live)
{
	struct task_struct *t, *other = NULL;
	long left = max_t(long, (long)(deadline - jiffies), 0);

	if (!wait_event_killable_timeout(gosnap_stop_wq,
					 gosnap_own_stop_or_dead(in, live),
					 left) || !in->stopping)
		return false;

	rcu_read_lock();
	for_each_thread(current, t) {
		if (t != current && !(t->flags & PF_EXITING)) {
			other = get_task_struct(t);	/* put below */
			break;
		}
	}
	rcu_read_unlock();
	if (other) {
		send_sig_info(SIGSTOP, SEND_SIG_PRIV, other);
		put_task_struct(other);
		in->sent_stop = true;
	}
	for (;;) {
		if (gosnap_others_still())
			return true;
		if (!time_before(jiffies, deadline) || !atomic_read(live) ||
		    fatal_signal_pending(current))
			return false;
		schedule_timeout_killable(1);
	}
}

/* Undo gosnap_stop_world(), and let the next owner in. */
void gosnap_resume_world(struct gosnap_inflight *in)
{
	/* SIGCONT also drops the SIGSTOP still pending for current */
	if (in->sent_stop)
		kill_pid(in->tgid, SIGCONT, 1);
	in->sent_stop = false;
	spin_lock(&gosnap_inflight_lock);
	in->stopping = false;
	spin_unlock(&gosnap_inflight_lock);
	wake_up_all(&gosnap_stop_wq);
}

/* Disarm/close: wake the threads waiting to own a stop, to see live drop. */
void gosnap_stop_wake_all(void)
{
	wake_up_all(&gosnap_stop_wq);
}
