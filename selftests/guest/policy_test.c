// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_policy=1 follows the kernel's confidentiality lockdown: once it is
 * on, memory and probes are refused (nobody may ptrace or read /proc/kcore
 * then), page state is not (a read, as pagemap). With the policy off the
 * module's grant stands. Its own boot: lockdown cannot be lifted, and
 * access_test's last case raises Yama to scope 3, which refuses the same
 * calls (docs/security.md, "Access model").
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/gosnap.h>

#include "kselftest_harness.h"

#include "access_calls.h"
#include "lcutil.h"

#define LOCKDOWN	"/sys/kernel/security/lockdown"

/* The lockdown level the kernel reports, the one in brackets. */
static int lockdown_level(char *level, size_t len)
{
	char text[128], *open, *close;
	struct stat st;

	if (stat(LOCKDOWN, &st) &&
	    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL))
		return -errno;
	if (lc_read_text(LOCKDOWN, text, sizeof(text)) < 0)
		return -EIO;
	open = strchr(text, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open) > len)
		return -EPROTO;
	memcpy(level, open + 1, close - open - 1);
	level[close - open - 1] = '\0';
	return 0;
}

FIXTURE(pol) {
	struct secrets t;
	struct call call;
};

FIXTURE_SETUP(pol)
{
	memset(&self->call, 0, sizeof(self->call));
}

FIXTURE_TEARDOWN(pol)
{
	child_stop(&self->t.c);
}

TEST_F(pol, ptrace_policy_follows_lockdown)
{
	char level[32];

	ASSERT_EQ(0, lockdown_level(level, sizeof(level))) TH_LOG("no lockdown LSM?");
	ASSERT_STREQ("none", level) TH_LOG("this boot must start unlocked");
	ASSERT_EQ(0, start_secrets(&self->t, (char *[]){ "dump", NULL }));
	self->call.pid = self->t.c.pid;
	ASSERT_EQ(0, lc_write_text(PARAMS "ptrace_policy", "1"));
	self->call.mode = GOSNAP_MODE_META;
	EXPECT_EQ(0, target_pid(&self->call)) TH_LOG("not locked down: allowed");

	ASSERT_EQ(0, lc_write_text(LOCKDOWN, "confidentiality"));
	ASSERT_EQ(0, lockdown_level(level, sizeof(level)));
	ASSERT_STREQ("confidentiality", level);
	EXPECT_EQ(EPERM, target_pid(&self->call));
	self->call.mode = GOSNAP_MODE_PAGES;
	EXPECT_EQ(EPERM, target_pid(&self->call)) TH_LOG("a probe writes the target's text");
	EXPECT_EQ(0, capture_pid(&self->call)) TH_LOG("page state: a read");

	ASSERT_EQ(0, lc_write_text(PARAMS "ptrace_policy", "0"));
	self->call.mode = GOSNAP_MODE_META;
	EXPECT_EQ(0, target_pid(&self->call)) TH_LOG("policy off: the module's grant");
}

TEST_HARNESS_MAIN
