/* SPDX-License-Identifier: GPL-2.0 */
/* gosnap: declarations shared by the module's files. */
#ifndef GOSNAP_INTERNAL_H
#define GOSNAP_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/sched.h>
#include <uapi/linux/gosnap.h>

struct mm_struct;
struct task_struct;
struct file;
struct poll_table_struct;
struct cred;
struct pid_namespace;
struct user_namespace;

/* Module parameters (main.c). */
extern unsigned long gosnap_max_bytes;		/* bound on one snapshot */
extern unsigned long gosnap_max_queued;		/* bound on a session's queue */
extern unsigned long gosnap_hold_timeout_ms;	/* bound on any hold */
extern unsigned long gosnap_allow_gid;		/* GOSNAP_NO_GID: none */
extern unsigned long gosnap_ptrace_policy;	/* 0 or 1 */
#define GOSNAP_NO_GID			4294967295UL	/* (gid_t)-1 */
#define GOSNAP_HOLD_TIMEOUT_MAX_MS	60000

/* ---- sbuf.c: one snapshot, built in bounded chunks and read once -------- */

struct gosnap_chunk {
	struct list_head	node;
	size_t			used;
	size_t			cap;
	u8			data[];
};

/*
 * The largest chunk a growing snapshot asks for (a larger record gets one
 * of its own size), a power of two as the allocator hands them out.
 */
#define GOSNAP_CHUNK_MAX	(256 * 1024)

/*
 * Every chunk keeps room for the END record behind what it holds, so that
 * closing a snapshot never needs memory.
 */
#define GOSNAP_END_ROOM		sizeof(struct gosnap_rec_end)

struct gosnap_sbuf {
	struct list_head	chunks;		/* struct gosnap_chunk, in order */
	struct list_head	node;		/* in gosnap_session.ready */
	size_t			size;		/* bytes written */
	size_t			limit;		/* bytes allowed, closing records excluded */
	u32			nr_records;
	bool			truncated;	/* a record did not fit in limit */
	size_t			reserved;	/* room given by gosnap_sbuf_reserve() */
	struct gosnap_stream_hdr *hdr;		/* in the first chunk */
	struct gosnap_rec_capture *capture;	/* in the first chunk */
	/* read cursor, used only by the session's reader */
	struct gosnap_chunk	*rd_chunk;
	size_t			rd_off;
};

struct gosnap_sbuf_iter {
	struct gosnap_chunk	*chunk;
	size_t			off;
};

struct gosnap_sbuf *gosnap_sbuf_new(size_t limit, u32 flags);
struct gosnap_rec *gosnap_sbuf_next(struct gosnap_sbuf *sb,
				    struct gosnap_sbuf_iter *it);
void *gosnap_sbuf_record(struct gosnap_sbuf *sb, u32 type, size_t size);
void *gosnap_sbuf_reserve(struct gosnap_sbuf *sb, size_t min, size_t max,
			  size_t *room);
void gosnap_sbuf_commit(struct gosnap_sbuf *sb, void *rec, u32 type,
			size_t size);
int gosnap_sbuf_close(struct gosnap_sbuf *sb);
void gosnap_sbuf_free(struct gosnap_sbuf *sb);
ssize_t gosnap_sbuf_read(struct gosnap_sbuf *sb, char __user *buf, size_t len);
bool gosnap_sbuf_drained(const struct gosnap_sbuf *sb);

/* ---- session.c: one open /dev/gosnap --------------------------------- */

struct gosnap_probe_set;
struct mem_cgroup;

/*
 * Whose ids and privileges a snapshot is made for: the opener's, saved at
 * open() and referenced until the session is freed, whichever thread
 * captures (a probe captures in the target's own context).
 */
struct gosnap_view {
	const struct cred	*cred;		/* the opener's (file->f_cred) */
	struct pid_namespace	*pid_ns;	/* pids and tids are given in it */
	struct user_namespace	*user_ns;	/* uids are given in it: cred's */
	bool			may_ptrace;	/* CAP_SYS_PTRACE: memory and probes */
	bool			may_pfn;	/* CAP_SYS_ADMIN: PFNs, kpageflags */
	/* who opened, for the audit record */
	pid_t			opener_pid;	/* in the initial pid namespace */
	kuid_t			opener_auid;
	char			opener_comm[TASK_COMM_LEN];
};

struct gosnap_session {
	struct mutex		lock;		/* serialises ioctls: config, arming */
	struct mutex		read_lock;	/* one reader consumes the queue head */
	spinlock_t		qlock;		/* ready, queued, reserved, closing */
	struct list_head	ready;		/* finished snapshots, oldest first */
	size_t			queued;		/* bytes in ready */
	size_t			reserved;	/* bytes captures under way may add */
	struct mem_cgroup	*memcg;		/* the opener's, referenced: pays for
						 * probe snapshots
						 */
	wait_queue_head_t	readq;		/* readers and pollers */
	wait_queue_head_t	spaceq;		/* captures waiting for queue space */
	atomic64_t		seq;		/* the last snapshot queued's number */
	struct gosnap_view	view;		/* the opener's: ids and privileges */
	bool			closing;	/* release() has begun */
	struct gosnap_probe_set	*probes;	/* NULL until GOSNAP_IOC_TARGET */
};

struct gosnap_session *gosnap_session_new(struct file *file);
void gosnap_session_close(struct gosnap_session *s);
void gosnap_session_free(struct gosnap_session *s);
bool gosnap_queue_reserve(struct gosnap_session *s, size_t bytes);
void gosnap_queue_unreserve(struct gosnap_session *s, size_t bytes);
u64 gosnap_session_queue(struct gosnap_session *s, struct gosnap_sbuf *sb,
			 size_t reserved);

/* ---- ioctl.c: the session's commands ----------------------------------- */

long gosnap_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
bool gosnap_caller_privileged(void);

/* ---- task.c: TASK and THREAD records ---------------------------------- */

/*
 * The probed executable's build-id, read once at ARM in the caller's
 * context, so that a probe capture (the target held) never reads files.
 * Written only by ARM (session lock held) and teardown (release(), no
 * ioctl left), with no handler running; read by handlers.
 */
struct gosnap_build_id {
	struct inode	*inode;		/* whose id this is, referenced, or NULL */
	u32		type;		/* GOSNAP_BUILD_ID_* */
	u32		size;
	u8		id[GOSNAP_BUILD_ID_MAX];
};

struct path;
void gosnap_build_id_load(struct gosnap_build_id *bid, const struct path *path,
			  struct inode *inode);
void gosnap_build_id_put(struct gosnap_build_id *bid);
void gosnap_fill_regs(struct gosnap_regs *o, const struct pt_regs *r);
int gosnap_emit_task(struct gosnap_sbuf *sb, const struct gosnap_view *view,
		     struct task_struct *task, struct mm_struct *mm,
		     const struct gosnap_build_id *bid);
int gosnap_emit_threads(struct gosnap_sbuf *sb, const struct gosnap_view *view,
			struct task_struct *task, struct mm_struct *mm,
			struct task_struct *hit, struct pt_regs *hit_regs,
			bool stopped);
int gosnap_find_task(pid_t nr, struct task_struct **taskp);

/* ---- walk.c: VMA and PAGES records ------------------------------------ */

struct gosnap_walk_stats {
	u64	nr_vmas;
	u64	nr_runs;
	u64	present;
	u64	swapped;
};

/* What the walk reports of each page beyond its presence. */
struct gosnap_walk_opts {
	bool	show_pfn;	/* PFNs and swap entries */
	bool	show_pageflags;	/* kpageflags-level facts: CAP_SYS_ADMIN */
	bool	pte_facts;	/* only what the entries say: no struct page read */
};

int gosnap_emit_vmas(struct gosnap_sbuf *sb, struct mm_struct *mm,
		     const struct gosnap_walk_opts *opts,
		     struct gosnap_walk_stats *st);

/* ---- capture.c: one whole snapshot ------------------------------------ */

struct gosnap_capture_ctx {
	const struct gosnap_view *view;		/* the session's */
	struct task_struct	*task;		/* any thread of the target */
	struct mm_struct	*mm;		/* its mm, referenced */
	u32			trigger;	/* GOSNAP_TRIG_* */
	u32			mode;		/* enum gosnap_mode */
	u32			sflags;		/* GOSNAP_SF_* to set */
	struct gosnap_walk_opts	walk;
	size_t			max_bytes;
	/* probe hits only */
	struct pt_regs		*regs;		/* of the hitting thread (current) */
	u32			probe_id;
	u64			probe_vaddr;
	u64			probe_offset;
	u64			hit;
	const char		*label;
	bool			stack_bounds;	/* GOSNAP_TARGET_STACK_BOUNDS */
	u32			stack_reg, stack_off;
	u64			hold_start_ns;
	const struct gosnap_build_id *bid_cache; /* probe captures: never read files */
};

struct gosnap_sbuf *gosnap_capture(struct gosnap_capture_ctx *cx);
size_t gosnap_effective_max(u64 req);

/* ---- memcopy.c: MEM records -------------------------------------------- */

int gosnap_emit_memory(struct gosnap_sbuf *sb, struct gosnap_capture_ctx *cx,
		       struct gosnap_rec_capture *rc);

/* ---- access.c: who may capture what ------------------------------------ */

void gosnap_view_init(struct gosnap_view *v, struct file *file);
void gosnap_view_put(struct gosnap_view *v);
int gosnap_may_capture(const struct gosnap_view *v, struct task_struct *task,
		       u32 mode, bool probe);
void gosnap_audit(const struct gosnap_view *v, struct task_struct *task,
		  u32 mode, const char *label, int result, bool in_handler);

/* ---- stopworld.c: threads in handlers, stopping the rest ---------------- */

/* One thread inside a probe handler; on a module-wide list while there. */
struct gosnap_inflight {
	struct list_head	node;
	struct task_struct	*task;		/* current (not referenced: it is us) */
	struct pid		*tgid;		/* current's own thread group */
	bool			stopping;	/* owns its process's stop-world */
	bool			sent_stop;	/* sent the SIGSTOP: SIGCONT when done */
};

void gosnap_inflight_enter(struct gosnap_inflight *in);
void gosnap_inflight_leave(struct gosnap_inflight *in);
bool gosnap_task_inflight(struct task_struct *t);
bool gosnap_stop_world(struct gosnap_inflight *in, unsigned long deadline,
		       atomic_t *live);
void gosnap_resume_world(struct gosnap_inflight *in);
void gosnap_stop_wake_all(void);

/* ---- probe.c: uprobes, holding, lifecycle ----------------------------- */

int gosnap_probe_target(struct gosnap_session *s, const struct gosnap_target *t);
int gosnap_probe_add(struct gosnap_session *s, const struct gosnap_probe *p);
int gosnap_probe_arm(struct gosnap_session *s, const struct gosnap_ctl *c);
int gosnap_probe_disarm(struct gosnap_session *s, const struct gosnap_ctl *c);
int gosnap_probe_release(struct gosnap_session *s, const struct gosnap_ctl *c);
void gosnap_probe_teardown(struct gosnap_session *s);
bool gosnap_probe_armed(struct gosnap_session *s);
void gosnap_probe_poll_wait(struct gosnap_session *s, struct file *file,
			    struct poll_table_struct *wait);

#endif /* GOSNAP_INTERNAL_H */
