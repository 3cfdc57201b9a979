// SPDX-License-Identifier: GPL-2.0
/*
 * bugmod: a deliberately buggy module that proves the 6.1-debug kernel's
 * detectors are live (selftests/vm-tests/05-detectors.t). Its init does
 * the one bug named by the "bug" parameter:
 *
 *   none   nothing (the control run)
 *   leak   kmalloc()s and forgets the pointers (kmemleak)
 *   oob    writes one byte past a kmalloc(16) (KASAN slab-out-of-bounds)
 *   sleep  might_sleep() under a spinlock (DEBUG_ATOMIC_SLEEP)
 *   ubsan  indexes an int[4] with 4 (UBSAN array-index-out-of-bounds)
 *
 * Never load it outside that test.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bug = "none";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "none, leak, oob, sleep or ubsan");

/* Volatile: the compiler must not see the bad index and warn or fold it. */
static volatile int bugmod_index = 4;
static DEFINE_SPINLOCK(bugmod_lock);

/* The int[4] is followed by more of the struct: UBSAN, not KASAN, fires. */
static struct {
	int a[4];
	int b;
} bugmod_box;

static int bugmod_leak(void)
{
	int i;

	/* Several objects: one stale copy of a pointer hides only one. */
	for (i = 0; i < 8; i++) {
		char *p = kmalloc(128, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		memset(p, 0x5a, 128);
	}
	return 0;
}

static int bugmod_oob(void)
{
	char *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p[bugmod_index * 4] = 1;
	kfree(p);
	return 0;
}

static void bugmod_sleep(void)
{
	spin_lock(&bugmod_lock);
	might_sleep();
	spin_unlock(&bugmod_lock);
}

static void bugmod_ubsan(void)
{
	bugmod_box.a[bugmod_index] = 1;
}

static int __init bugmod_init(void)
{
	pr_info("bugmod: bug=%s\n", bug);
	if (!strcmp(bug, "none"))
		return 0;
	if (!strcmp(bug, "leak"))
		return bugmod_leak();
	if (!strcmp(bug, "oob"))
		return bugmod_oob();
	if (!strcmp(bug, "sleep")) {
		bugmod_sleep();
		return 0;
	}
	if (!strcmp(bug, "ubsan")) {
		bugmod_ubsan();
		return 0;
	}
	return -EINVAL;
}

static void __exit bugmod_exit(void)
{
}

module_init(bugmod_init);
module_exit(bugmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberate bugs for the gosnap debug-kernel selftest");
