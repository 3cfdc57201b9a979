// SPDX-License-Identifier: GPL-2.0
/* The access-model tests' calls: see access_calls.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/gosnap.h>

#include "access_calls.h"
#include "lcutil.h"
#include "target.h"

int start_secrets(struct secrets *t, char *const args[])
{
	char prog[4096], line[256], name[32];
	char *argv[8] = { prog };
	uint64_t probe = 0, addr;
	int i, ret;

	memset(t, 0, sizeof(*t));
	target_program_path("secrets", prog, sizeof(prog));
	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	ret = child_start(&t->c, argv);
	while (!ret) {
		ret = child_read_line(&t->c, line, sizeof(line), PROMPT_MS);
		if (ret || !strcmp(line, "ready"))
			break;
		if (sscanf(line, "probe %" SCNx64, &probe) == 1)
			continue;
		if (sscanf(line, "ids %d %d", &t->uid, &t->euid) == 2)
			continue;
		if (sscanf(line, "secret none %d", &t->secret_errno) == 1)
			continue;
		if (sscanf(line, "%31s %" SCNx64, name, &addr) != 2)
			continue;
		if (!strcmp(name, "plain"))
			t->plain = addr;
		else if (!strcmp(name, "dontdump"))
			t->dontdump = addr;
		else if (!strcmp(name, "secret"))
			t->secret = addr;
	}
	if (!ret)
		ret = probe ? lc_file_offset(t->c.pid, probe, &t->off, t->path,
					     sizeof(t->path)) : -EPROTO;
	return ret;
}

int with_caps(uint64_t caps, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct d[2] = { 0 };

		d[0].effective = d[0].permitted = (uint32_t)caps;
		d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
		_exit(syscall(SYS_capset, &h, d) ? 250 : fn(arg));
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int capture_pid(void *arg)
{
	struct call *c = arg;
	struct gosnap_capture cap = { .size = sizeof(cap), .pid = c->pid };
	struct gosnap_stream_hdr h;
	int fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno;
	if (ioctl(fd, GOSNAP_IOC_CAPTURE, &cap))
		return errno;
	if (read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
		return 251;
	c->pfn = h.flags & GOSNAP_SF_PFN;
	return 0;
}

int target_pid(void *arg)
{
	struct call *c = arg;
	struct gosnap_target t = {
		.size = sizeof(t), .pid = c->pid, .mode = c->mode,
	};
	int fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno;
	return ioctl(fd, GOSNAP_IOC_TARGET, &t) ? errno : 0;
}
