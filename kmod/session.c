// SPDX-License-Identifier: GPL-2.0
/*
 * A session is one open /dev/gosnap and its queue of finished snapshots.
 * Its ioctls are in ioctl.c; its probe set (probe.c) queues here, and is
 * torn down by release() (main.c) between gosnap_session_close() and
 * gosnap_session_free().
 */
#include <linux/memcontrol.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include "gosnap.h"

/* At open(), in the opener's context. */
struct gosnap_session *gosnap_session_new(struct file *file)
{
	struct gosnap_session *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	if (!s)
		return NULL;
	gosnap_view_init(&s->view, file);	/* put at free */
	/* probe snapshots are charged here, not to the target (put at free) */
	s->memcg = get_mem_cgroup_from_mm(current->mm);
	mutex_init(&s->lock);
	mutex_init(&s->read_lock);
	spin_lock_init(&s->qlock);
	INIT_LIST_HEAD(&s->ready);
	init_waitqueue_head(&s->readq);
	init_waitqueue_head(&s->spaceq);
	atomic64_set(&s->seq, 0);
	return s;
}

/*
 * Called once no file refers to the session any more: captures waiting
 * for queue room give up, and nothing is queued from now on.
 */
void gosnap_session_close(struct gosnap_session *s)
{
	spin_lock(&s->qlock);
	s->closing = true;
	spin_unlock(&s->qlock);
	wake_up_all(&s->spaceq);
}

/* After gosnap_session_close() and the probe set's teardown. */
void gosnap_session_free(struct gosnap_session *s)
{
	struct gosnap_sbuf *sb, *tmp;

	list_for_each_entry_safe(sb, tmp, &s->ready, node)
		gosnap_sbuf_free(sb);
	mem_cgroup_put(s->memcg);
	gosnap_view_put(&s->view);
	kfree(s);
}

/*
 * The queue's bound: a capture first reserves the most its snapshot may
 * take, so that captures running at once cannot overshoot max_queued
 * together. One snapshot is always allowed into an empty queue, or a
 * max_bytes above max_queued could never be captured.
 */
bool gosnap_queue_reserve(struct gosnap_session *s, size_t bytes)
{
	size_t max = READ_ONCE(gosnap_max_queued), used;
	bool ok;

	spin_lock(&s->qlock);
	used = s->queued + s->reserved;
	ok = !used || (bytes <= max && used <= max - bytes);
	if (ok)
		s->reserved += bytes;
	spin_unlock(&s->qlock);
	return ok;
}

void gosnap_queue_unreserve(struct gosnap_session *s, size_t bytes)
{
	spin_lock(&s->qlock);
	if (!WARN_ON_ONCE(s->reserved < bytes))
		s->reserved -= bytes;
	spin_unlock(&s->qlock);
	wake_up_all(&s->spaceq);
}

/*
 * Hand a closed snapshot to the reader, in place of its reservation, and
 * number it: numbers follow the stream's order, with no gap, so that
 * "release up to seq" means "what the reader has read".
 * Returns the number.
 */
u64 gosnap_session_queue(struct gosnap_session *s, struct gosnap_sbuf *sb,
			 size_t reserved)
{
	u64 seq;

	spin_lock(&s->qlock);
	seq = atomic64_inc_return(&s->seq);
	sb->hdr->seq = seq;
	list_add_tail(&sb->node, &s->ready);
	s->queued += sb->size;
	if (!WARN_ON_ONCE(s->reserved < reserved))
		s->reserved -= reserved;
	spin_unlock(&s->qlock);
	wake_up_interruptible_poll(&s->readq, EPOLLIN | EPOLLRDNORM);
	wake_up_all(&s->spaceq);	/* a smaller snapshot than reserved */
	return seq;
}
