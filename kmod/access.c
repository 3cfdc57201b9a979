// SPDX-License-Identifier: GPL-2.0
/*
 * Who may capture what (docs/security.md, "Access model"). Every rule is
 * judged with the opener's credentials and namespaces, saved at open()
 * as pagemap does, whichever thread then captures; commands that add
 * access also ask the caller (ioctl.c), so a passed descriptor may read,
 * release and disarm, never capture or probe.
 *
 *  - pages mode: CAP_SYS_PTRACE; or CAP_SYS_ADMIN for a target whose every
 *    uid and gid is the opener's filesystem uid and gid and that is
 *    dumpable by its owner: what /proc/PID/pagemap asks of a reader
 *    without CAP_SYS_PTRACE (__ptrace_may_access's credential and
 *    dumpability halves; its LSM half cannot be called from a module);
 *  - meta and full modes and probes read the target's memory or write its
 *    text: CAP_SYS_PTRACE, which, held in the initial user namespace,
 *    covers every target's;
 *  - PFNs and the kpageflags-level facts: CAP_SYS_ADMIN (may_pfn);
 *  - members of the allow_gid group, without capabilities: as
 *    CAP_SYS_ADMIN alone, without PFNs (what pagemap gives them anyway);
 *  - with ptrace_policy=1, memory and probes are refused while Yama's
 *    ptrace_scope is 3 (no process may attach) or the kernel is locked
 *    down for confidentiality; page state stays allowed, as pagemap
 *    (a read, not an attach) stays readable there.
 *
 * Capabilities are those of the initial user namespace: root in a user
 * namespace cannot open the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/security.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include "gosnap.h"
#include "compat.h"

/* At open(), in the opener's context. Dropped by gosnap_view_put(). */
void gosnap_view_init(struct gosnap_view *v, struct file *file)
{
	/* at open, current's credentials are file->f_cred; asked quietly */
	v->may_ptrace = ns_capable_noaudit(&init_user_ns, CAP_SYS_PTRACE);
	v->may_pfn = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
	v->cred = get_cred(file->f_cred);
	v->user_ns = v->cred->user_ns;
	v->pid_ns = get_pid_ns(task_active_pid_ns(current));
	v->opener_pid = task_tgid_nr(current);
	v->opener_auid = audit_get_loginuid(current);
	get_task_comm(v->opener_comm, current);
}

void gosnap_view_put(struct gosnap_view *v)
{
	put_pid_ns(v->pid_ns);
	put_cred(v->cred);
}

/*
 * Yama's ptrace_scope, read from the caller's /proc (Yama exports nothing
 * a module could ask). No such file: no Yama, scope 0.
 */
static int gosnap_yama_scope(void)
{
	struct file *f = filp_open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY, 0);
	char buf[8] = "";
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return 0;
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	return n > 0 && buf[0] >= '0' && buf[0] <= '9' ? buf[0] - '0' : 0;
}

/* With ptrace_policy: would the host's ptrace policy refuse any tracer? */
static bool gosnap_policy_refuses(void)
{
	if (!READ_ONCE(gosnap_ptrace_policy))
		return false;
	/* any confidentiality reason tells the level: /proc/kcore's */
	return gosnap_yama_scope() >= 3 || security_locked_down(LOCKDOWN_KCORE) != 0;
}

/* __ptrace_may_access's credential half, with the opener's fs ids. */
static bool gosnap_same_ids(const struct cred *c, const struct cred *t)
{
	return uid_eq(c->fsuid, t->euid) && uid_eq(c->fsuid, t->suid) &&
	       uid_eq(c->fsuid, t->uid) && gid_eq(c->fsgid, t->egid) &&
	       gid_eq(c->fsgid, t->sgid) && gid_eq(c->fsgid, t->gid);
}

/**
 * gosnap_may_capture - may the opener capture @task's process
 * @v:     the session's view (the opener's credentials)
 * @task:  any thread of the target, referenced
 * @mode:  enum gosnap_mode
 * @probe: probes are to be planted in it (they write its text)
 *
 * Context: process context, the caller's (ioctl: its /proc is read for
 * ptrace_policy). Takes the target's exec_update_lock for reading, as
 * mm_access() does, so that an exec cannot change its credentials or
 * dumpability under the check.
 *
 * Return: 0, -EPERM, or -EINTR if killed while waiting for the lock.
 */
int gosnap_may_capture(const struct gosnap_view *v, struct task_struct *task,
		       u32 mode, bool probe)
{
	bool ok;
	int err;

	if (probe || mode != GOSNAP_MODE_PAGES)
		return v->may_ptrace && !gosnap_policy_refuses() ? 0 : -EPERM;
	if (v->may_ptrace)
		return 0;
	err = down_read_killable(&task->signal->exec_update_lock);
	if (err)
		return err;
	rcu_read_lock();
	ok = gosnap_same_ids(v->cred, __task_cred(task));
	rcu_read_unlock();
	ok = ok && gosnap_owner_dumpable(task);
	up_read(&task->signal->exec_update_lock);
	return ok ? 0 : -EPERM;
}

static const char *gosnap_mode_name(u32 mode)
{
	switch (mode) {
	case GOSNAP_MODE_PAGES:
		return "pages";
	case GOSNAP_MODE_META:
		return "meta";
	case GOSNAP_MODE_FULL:
		return "full";
	default:
		return "?";
	}
}

/**
 * gosnap_audit - record one capture, or one refused
 * @v:      the session's view: who asked
 * @task:   any thread of the target
 * @mode:   enum gosnap_mode
 * @label:  the probe's label, or NULL for a capture by pid
 * @result: 0, or the -errno the capture failed or was refused with
 * @in_handler: called from a probe handler, the target's thread held
 *
 * Through the audit subsystem (type AUDIT_KERNEL_OTHER, "op=gosnap-capture")
 * when it is enabled, else a rate-limited line in the kernel log.
 * Context: process context. In a handler it never waits: a full audit
 * backlog would otherwise hold the target up to audit_backlog_wait_time,
 * past the hold's bound; the record is then lost, and counted lost by
 * audit as any other.
 */
void gosnap_audit(const struct gosnap_view *v, struct task_struct *task,
		  u32 mode, const char *label, int result, bool in_handler)
{
	uid_t uid = from_kuid(&init_user_ns, v->cred->uid);
	uid_t auid = from_kuid(&init_user_ns, v->opener_auid);
	pid_t pid = task_tgid_nr(task);
	struct audit_buffer *ab;

	if (!audit_enabled) {
		/* user strings escaped: no line of theirs in the log */
		pr_info_ratelimited("capture by pid %d (%*pE) uid %u auid %u: pid %d mode %s probe %*pE res %d\n",
				    v->opener_pid,
				    (int)strnlen(v->opener_comm, TASK_COMM_LEN), v->opener_comm,
				    uid, auid, pid, gosnap_mode_name(mode),
				    (int)strlen(label ? label : "-"), label ? label : "-", result);
		return;
	}
	/* not the current syscall's record: a probe capture runs in the target */
	ab = audit_log_start(NULL, in_handler ? GFP_NOWAIT : GFP_KERNEL,
			     AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	/* untrusted strings in hex, as audit does them (it exports no helper) */
	audit_log_format(ab, "op=gosnap-capture opid=%d ouid=%u oauid=%u ocomm=%*phN",
			 v->opener_pid, uid, auid, (int)strnlen(v->opener_comm, TASK_COMM_LEN),
			 v->opener_comm);
	audit_log_format(ab, " pid=%d mode=%s probe=%*phN res=%d errno=%d", pid,
			 gosnap_mode_name(mode), (int)strlen(label ? label : "-"),
			 label ? label : "-", !result, -result);
	audit_log_end(ab);
}
