/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The calls the access-model tests make (access_test, policy_test): the
 * "secrets" target started and read, a capture or a probe target set from
 * a child holding chosen capabilities, each returning the errno it met.
 */
#ifndef ACCESS_CALLS_H
#define ACCESS_CALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/capability.h>

#include "child.h"

#define PROMPT_MS	20000
#define PARAMS		"/sys/module/gosnap/parameters/"

struct secrets {
	struct child c;
	uint64_t plain, dontdump, secret;	/* secret 0: refused (see err) */
	int secret_errno;
	uint64_t off;				/* lc_probe's file offset */
	char path[4096];
	int uid, euid;
};

/* Start targets/c/secrets with args; read its addresses up to "ready". */
int start_secrets(struct secrets *t, char *const args[]);

/* Run fn(arg) as uid 0 holding only the capabilities in caps; its errno. */
int with_caps(uint64_t caps, int (*fn)(void *), void *arg);

#define ADMIN_ONLY	(1ULL << CAP_SYS_ADMIN)
#define PTRACE_ONLY	(1ULL << CAP_SYS_PTRACE)

struct call {
	pid_t pid;
	uint32_t mode;
	bool pfn;		/* out: the snapshot shows PFNs */
};

/* A pages capture of c->pid by pid: 0 or the errno of the first failure. */
int capture_pid(void *arg);

/* A probe target in c->mode: TARGET's errno, 0 if it was set. */
int target_pid(void *arg);

#endif
