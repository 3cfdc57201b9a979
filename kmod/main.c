// SPDX-License-Identifier: GPL-2.0
/*
 * gosnap: freeze a Go process at chosen functions and snapshot its page
 * state and memory, read through /dev/gosnap.
 *
 * This file: module parameters, the misc device and its file operations.
 * An open file is a session (session.c, its ioctls in ioctl.c); the open file holds a reference
 * to this module (fops.owner), so the module cannot go while any session,
 * and so any armed probe or held thread, exists.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include "gosnap.h"

/*
 * Module parameters, writable at run time within bounds: a bound is a
 * promise to the host (snapshot size, queued memory, how long a thread is
 * held inside the uprobe machinery), so it cannot be switched off.
 * Readers use READ_ONCE(): a value may change between two captures.
 */
struct gosnap_param_range {
	unsigned long	*val;
	unsigned long	min, max;
};

static int gosnap_param_set(const char *arg, const struct kernel_param *kp)
{
	const struct gosnap_param_range *r = kp->arg;
	unsigned long v;
	int err = kstrtoul(arg, 0, &v);

	if (err)
		return err;
	if (v < r->min || v > r->max)
		return -ERANGE;
	WRITE_ONCE(*r->val, v);
	return 0;
}

static int gosnap_param_get(char *buf, const struct kernel_param *kp)
{
	const struct gosnap_param_range *r = kp->arg;

	return sysfs_emit(buf, "%lu\n", READ_ONCE(*r->val));
}

static const struct kernel_param_ops gosnap_param_ops = {
	.set	= gosnap_param_set,
	.get	= gosnap_param_get,
};

#define GOSNAP_PARAM(name, var, lo, hi)					\
	static struct gosnap_param_range gosnap_range_##name = {	\
		.val = &(var), .min = (lo), .max = (hi),		\
	};								\
	module_param_cb(name, &gosnap_param_ops, &gosnap_range_##name, 0644)

unsigned long gosnap_max_bytes = 512UL << 20;
GOSNAP_PARAM(max_bytes, gosnap_max_bytes, 64UL << 10, 4UL << 30);
MODULE_PARM_DESC(max_bytes,
		 "Largest snapshot, in bytes (default 512 MiB; 64 KiB to 4 GiB)");

unsigned long gosnap_max_queued = 1024UL << 20;
GOSNAP_PARAM(max_queued, gosnap_max_queued, 64UL << 10, 64UL << 30);
MODULE_PARM_DESC(max_queued,
		 "Most bytes of unread snapshots per session (default 1 GiB; 64 KiB to 64 GiB)");

/* access.c: who besides capability holders may open, and whose policy counts */
unsigned long gosnap_allow_gid = GOSNAP_NO_GID;
GOSNAP_PARAM(allow_gid, gosnap_allow_gid, 0, GOSNAP_NO_GID);
MODULE_PARM_DESC(allow_gid,
		 "Group whose members may capture the page state of their own processes, as /proc/PID/pagemap (default 4294967295: none)");

unsigned long gosnap_ptrace_policy;
GOSNAP_PARAM(ptrace_policy, gosnap_ptrace_policy, 0, 1);
MODULE_PARM_DESC(ptrace_policy,
		 "1: refuse memory and probes where Yama ptrace_scope 3 or confidentiality lockdown would refuse a tracer (default 0)");

/* 6.13+: a hold also holds up synchronize_rcu_tasks_trace() system-wide */
unsigned long gosnap_hold_timeout_ms = 2000;
GOSNAP_PARAM(hold_timeout_ms, gosnap_hold_timeout_ms, 0, GOSNAP_HOLD_TIMEOUT_MAX_MS);
MODULE_PARM_DESC(hold_timeout_ms,
		 "Longest a target thread is held, in ms (default 2000; at most 60000)");

static int gosnap_open(struct inode *inode, struct file *file)
{
	struct gosnap_session *s;

	if (!gosnap_caller_privileged())
		return -EPERM;
	/* what the opener may do is kept in the session (access.c) */
	s = gosnap_session_new(file);
	if (!s)
		return -ENOMEM;
	file->private_data = s;
	return stream_open(inode, file);
}

/*
 * No ioctl, read or poll runs any more. Close the queue first: a probe
 * handler waiting for room gives up, so the teardown's unregistering does
 * not wait out its whole hold.
 */
static int gosnap_release(struct inode *inode, struct file *file)
{
	struct gosnap_session *s = file->private_data;

	gosnap_session_close(s);
	gosnap_probe_teardown(s);
	gosnap_session_free(s);
	return 0;
}

static struct gosnap_sbuf *gosnap_queue_head(struct gosnap_session *s)
{
	struct gosnap_sbuf *sb;

	spin_lock(&s->qlock);
	sb = list_first_entry_or_null(&s->ready, struct gosnap_sbuf, node);
	spin_unlock(&s->qlock);
	return sb;
}

static void gosnap_queue_pop(struct gosnap_session *s, struct gosnap_sbuf *sb)
{
	spin_lock(&s->qlock);
	list_del(&sb->node);
	s->queued -= sb->size;
	spin_unlock(&s->qlock);
	gosnap_sbuf_free(sb);
	wake_up_all(&s->spaceq);
}

/* Something to read, or nothing more will come. */
static bool gosnap_read_wake(struct gosnap_session *s)
{
	return !list_empty(&s->ready) || !gosnap_probe_armed(s);
}

/*
 * The queued snapshots as one stream. With nothing queued: 0 (end of
 * stream) unless probes are armed, then wait (or -EAGAIN if O_NONBLOCK).
 * Locking: read_lock makes the queue head this reader's alone.
 */
static ssize_t gosnap_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct gosnap_session *s = file->private_data;
	ssize_t done = 0, ret = 0;

	if (mutex_lock_interruptible(&s->read_lock))
		return -ERESTARTSYS;
	while (done < len) {
		struct gosnap_sbuf *sb = gosnap_queue_head(s);
		ssize_t n;

		if (!sb) {
			if (done || !gosnap_probe_armed(s))
				break;
			if (file->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			/* re-check now and then: the target may have exited */
			if (wait_event_interruptible_timeout(s->readq,
							     gosnap_read_wake(s),
							     HZ / 5) < 0) {
				ret = -ERESTARTSYS;
				break;
			}
			continue;
		}
		n = gosnap_sbuf_read(sb, buf + done, len - done);
		if (n < 0) {
			ret = n;
			break;
		}
		done += n;
		if (gosnap_sbuf_drained(sb))
			gosnap_queue_pop(s, sb);
	}
	mutex_unlock(&s->read_lock);
	return done ? done : ret;
}

static __poll_t gosnap_poll(struct file *file, poll_table *wait)
{
	struct gosnap_session *s = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &s->readq, wait);
	gosnap_probe_poll_wait(s, file, wait);
	if (!list_empty(&s->ready))
		mask |= EPOLLIN | EPOLLRDNORM;
	else if (!gosnap_probe_armed(s))
		mask |= EPOLLHUP;
	return mask;
}

static const struct file_operations gosnap_fops = {
	.owner		= THIS_MODULE,
	.open		= gosnap_open,
	.release	= gosnap_release,
	.read		= gosnap_read,
	.poll		= gosnap_poll,
	.unlocked_ioctl	= gosnap_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice gosnap_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "gosnap",
	.fops	= &gosnap_fops,
	.mode	= 0600,
};

static int __init gosnap_init(void)
{
	return misc_register(&gosnap_dev);
}

static void __exit gosnap_exit(void)
{
	misc_deregister(&gosnap_dev);
}

module_init(gosnap_init);
module_exit(gosnap_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Freeze Go processes at chosen functions and snapshot their memory");
MODULE_AUTHOR("gosnap developers");
