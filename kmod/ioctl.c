// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctls of /dev/gosnap: each command's argument is copied in once,
 * whole, and checked before anything is done (see the ABI header for the
 * rules), then handed to the session, capture or probe code.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include "gosnap.h"

/*
 * Copy an ioctl argument whose first field is its __u32 size. Sizes below
 * @min_size are -EINVAL; larger than @ksize with non-zero tail -E2BIG.
 */
static int gosnap_copy_arg(void *karg, size_t ksize, size_t min_size,
			   const void __user *uarg, u32 *usize_out)
{
	u32 usize;
	int err;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(karg, ksize, uarg, usize);
	if (err)
		return err;
	if (usize_out)
		*usize_out = usize;
	return 0;
}

static bool gosnap_all_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static int gosnap_ioc_info(struct gosnap_session *s, void __user *uarg)
{
	struct gosnap_info in;
	u32 usize;
	int err;

	err = gosnap_copy_arg(&in, sizeof(in), sizeof(in), uarg, &usize);
	if (err)
		return err;
	if (in.flags || in.abi_version || in.page_size || in.max_bytes ||
	    in.hold_timeout_ms || !gosnap_all_zero(in.reserved, sizeof(in.reserved)))
		return -EINVAL;
	in.abi_version = GOSNAP_ABI_VERSION;
	in.page_size = PAGE_SIZE;
	in.max_bytes = READ_ONCE(gosnap_max_bytes);
	in.hold_timeout_ms = READ_ONCE(gosnap_hold_timeout_ms);
	if (copy_to_user(uarg, &in, min_t(size_t, usize, sizeof(in))))
		return -EFAULT;
	return 0;
}

/* The process @nr names, referenced, with its mm (-ESRCH if exiting). */
static int gosnap_get_target(pid_t nr, struct task_struct **taskp,
			     struct mm_struct **mmp)
{
	int err = gosnap_find_task(nr, taskp);

	if (err)
		return err;
	*mmp = get_task_mm(*taskp);
	if (!*mmp) {
		put_task_struct(*taskp);
		return -ESRCH;
	}
	return 0;
}

static int gosnap_ioc_capture(struct gosnap_session *s, void __user *uarg)
{
	struct gosnap_capture in;
	struct gosnap_capture_ctx cx = {};
	struct gosnap_sbuf *sb;
	u32 usize;
	int err;

	err = gosnap_copy_arg(&in, sizeof(in), sizeof(in), uarg, &usize);
	if (err)
		return err;
	if (in.flags & ~GOSNAP_CAPTURE_FLAGS || in.mode != GOSNAP_MODE_PAGES ||
	    in.stream_size || !gosnap_all_zero(in.reserved, sizeof(in.reserved)))
		return -EINVAL;

	cx.max_bytes = gosnap_effective_max(in.max_bytes);
	if (!gosnap_queue_reserve(s, cx.max_bytes))
		return -ENOBUFS;	/* read the queued snapshots first */
	err = gosnap_get_target(in.pid, &cx.task, &cx.mm);
	if (err)
		goto unreserve;
	cx.view = &s->view;
	cx.trigger = GOSNAP_TRIG_PID;
	cx.mode = in.mode;
	cx.walk.show_pfn = s->view.may_pfn && !(in.flags & GOSNAP_CAPTURE_NO_PFN);
	cx.walk.show_pageflags = s->view.may_pfn;
	cx.walk.pte_facts = in.flags & GOSNAP_CAPTURE_PTE_FACTS;

	err = gosnap_may_capture(&s->view, cx.task, cx.mode, false);
	sb = err ? ERR_PTR(err) : gosnap_capture(&cx);
	gosnap_audit(&s->view, cx.task, cx.mode, NULL, PTR_ERR_OR_ZERO(sb), false);
	mmput(cx.mm);
	put_task_struct(cx.task);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto unreserve;
	}
	/* tell the caller first: a snapshot is queued only if it was told */
	if (put_user((u64)sb->size,
		     &((struct gosnap_capture __user *)uarg)->stream_size)) {
		gosnap_sbuf_free(sb);
		err = -EFAULT;
		goto unreserve;
	}
	gosnap_session_queue(s, sb, cx.max_bytes);
	return 0;

unreserve:
	gosnap_queue_unreserve(s, cx.max_bytes);
	return err;
}

static int gosnap_ioc_target(struct gosnap_session *s, void __user *uarg)
{
	struct gosnap_target in;
	int err;

	err = gosnap_copy_arg(&in, sizeof(in), sizeof(in), uarg, NULL);
	if (err)
		return err;
	if (in.flags & ~GOSNAP_TARGET_FLAGS || in.mode > GOSNAP_MODE_MAX ||
	    !gosnap_all_zero(in.reserved, sizeof(in.reserved)))
		return -EINVAL;
	if (in.flags & GOSNAP_TARGET_STACK_BOUNDS ?
	    in.stack_reg >= GOSNAP_NR_STACK_REGS || in.stack_off > GOSNAP_STACK_OFF_MAX :
	    in.stack_reg || in.stack_off)
		return -EINVAL;
	return gosnap_probe_target(s, &in);
}

static int gosnap_ioc_probe(struct gosnap_session *s, void __user *uarg)
{
	struct gosnap_probe in;
	int err;

	err = gosnap_copy_arg(&in, sizeof(in), sizeof(in), uarg, NULL);
	if (err)
		return err;
	if (in.flags & ~GOSNAP_PROBE_FLAGS || in.arg_regs > GOSNAP_MAX_ARG_REGS ||
	    (!(in.flags & GOSNAP_PROBE_BODY) && in.body_offset) ||
	    ((in.flags & GOSNAP_PROBE_BODY) && (in.flags & GOSNAP_PROBE_NO_REENTRY)) ||
	    !gosnap_all_zero(in.reserved, sizeof(in.reserved)) ||
	    !memchr(in.label, 0, sizeof(in.label)))
		return -EINVAL;
	return gosnap_probe_add(s, &in);
}

static int gosnap_ioc_ctl(struct gosnap_session *s, void __user *uarg,
			  int (*fn)(struct gosnap_session *s,
				    const struct gosnap_ctl *c))
{
	struct gosnap_ctl in;
	int err;

	err = gosnap_copy_arg(&in, sizeof(in), sizeof(in), uarg, NULL);
	if (err)
		return err;
	if (!gosnap_all_zero(in.reserved, sizeof(in.reserved)))
		return -EINVAL;
	return fn(s, &in);	/* each command checks its own flags */
}

/*
 * Does the caller (not only the opener) hold the privilege to add access:
 * a capture, a target, a probe, arming? An fd passed to an unprivileged
 * process can still read, disarm and release. CAP_SYS_PTRACE is asked
 * first and quietly, so that its holders cause no CAP_SYS_ADMIN denial in
 * the audit log; then the allow_gid group, whose members get what an
 * unprivileged user gets from /proc/PID/pagemap (access.c).
 */
bool gosnap_caller_privileged(void)
{
	unsigned long gid = READ_ONCE(gosnap_allow_gid);

	return ns_capable_noaudit(&init_user_ns, CAP_SYS_PTRACE) ||
	       ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN) ||
	       (gid != GOSNAP_NO_GID && in_group_p(make_kgid(&init_user_ns, gid))) ||
	       capable(CAP_SYS_ADMIN);
}

/*
 * Commands are told apart by type, number and direction: the size encoded
 * in the number may be larger than the kernel's struct (a newer header),
 * the struct's own size field says what the caller passed.
 */
static bool gosnap_cmd_is(unsigned int cmd, unsigned int known)
{
	return _IOC_TYPE(cmd) == _IOC_TYPE(known) &&
	       _IOC_NR(cmd) == _IOC_NR(known) &&
	       _IOC_DIR(cmd) == _IOC_DIR(known) &&
	       _IOC_SIZE(cmd) >= _IOC_SIZE(known);
}

long gosnap_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gosnap_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (_IOC_TYPE(cmd) != GOSNAP_IOC_MAGIC)
		return -ENOTTY;
	if ((gosnap_cmd_is(cmd, GOSNAP_IOC_CAPTURE) ||
	     gosnap_cmd_is(cmd, GOSNAP_IOC_TARGET) ||
	     gosnap_cmd_is(cmd, GOSNAP_IOC_PROBE) ||
	     gosnap_cmd_is(cmd, GOSNAP_IOC_ARM)) && !gosnap_caller_privileged())
		return -EPERM;
	if (mutex_lock_interruptible(&s->lock))
		return -ERESTARTSYS;
	if (gosnap_cmd_is(cmd, GOSNAP_IOC_INFO))
		ret = gosnap_ioc_info(s, uarg);
	else if (gosnap_cmd_is(cmd, GOSNAP_IOC_CAPTURE))
		ret = gosnap_ioc_capture(s, uarg);
	else if (gosnap_cmd_is(cmd, GOSNAP_IOC_TARGET))
		ret = gosnap_ioc_target(s, uarg);
	else if (gosnap_cmd_is(cmd, GOSNAP_IOC_PROBE))
		ret = gosnap_ioc_probe(s, uarg);
	else if (gosnap_cmd_is(cmd, GOSNAP_IOC_ARM))
		ret = gosnap_ioc_ctl(s, uarg, gosnap_probe_arm);
	else if (gosnap_cmd_is(cmd, GOSNAP_IOC_DISARM))
		ret = gosnap_ioc_ctl(s, uarg, gosnap_probe_disarm);
	else if (gosnap_cmd_is(cmd, GOSNAP_IOC_RELEASE))
		ret = gosnap_ioc_ctl(s, uarg, gosnap_probe_release);
	else
		ret = -ENOTTY;
	mutex_unlock(&s->lock);
	return ret;
}
