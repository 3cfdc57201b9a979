// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/gosnap refuses bad input with the errno docs/abi.md gives, for every
 * ioctl of the ABI; gosnap-cli refuses damaged snapshot files.
 *
 * Each ioctl is a variant of the "ioctls" fixture; each behaviour a test.
 * Every call goes to a fresh session (TARGET and PROBE change a session),
 * set up so that the one defect under test is the only thing wrong.
 *
 * Run as root in the test VM with gosnap.ko loaded; needs the "mappings"
 * target beside it and gosnap-cli on PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/gosnap.h>

#include "kselftest_harness.h"

#include "child.h"
#include "target.h"

#define TIMEOUT_MS	60000
#define ANY_RESULT	(-1)	/* a valid call's result is not documented */
#define MAX_WORDS	8

/* ---- shared --------------------------------------------------------- */

static int start_idle(struct child *c, char *err, size_t errlen)
{
	char prog[4096];
	char *argv[] = { prog, "idle", NULL };
	char line[64];
	int ret;

	target_program_path("mappings", prog, sizeof(prog));
	ret = child_start(c, argv);
	if (!ret)
		ret = child_read_line(c, line, sizeof(line), TIMEOUT_MS);
	if (ret)
		snprintf(err, errlen, "starting %.200s idle: %s", prog, strerror(-ret));
	return ret;
}

/* ioctl's errno, 0 on success. */
static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

#define SETUP_DONE(self) ASSERT_STREQ("", (self)->error)

/* ---- every ioctl's argument checks ----------------------------------- */

FIXTURE(ioctls) {
	int fd;			/* the current session, -1 if none */
	int exe_fd;		/* an executable for PROBE */
	struct child idle;	/* a live process to name */
	char error[512];
	/* A page-aligned buffer: the argument, then an inaccessible page. */
	uint8_t *arg;
	size_t arg_room;	/* bytes before the inaccessible page */
};

FIXTURE_VARIANT(ioctls) {
	const char *name;
	unsigned long cmd;
	uint32_t size;
	uint32_t known_flags;
	size_t reserved[MAX_WORDS];	/* offsets of reserved words, 0 ends */
	uint8_t reserved_width[MAX_WORDS];
	bool needs_target;		/* the session needs a target first */
	int valid_result;		/* errno of a valid call, or ANY_RESULT */
};

#define OFF(type, field)	offsetof(struct type, field)
#define WIDTH(type, field)	sizeof(((struct type *)0)->field)
#define R(type, field)		OFF(type, field)
#define W(type, field)		WIDTH(type, field)

FIXTURE_VARIANT_ADD(ioctls, info) {
	.name = "INFO", .cmd = GOSNAP_IOC_INFO, .size = sizeof(struct gosnap_info),
	.reserved = { R(gosnap_info, reserved[0]), R(gosnap_info, reserved[1]),
		      R(gosnap_info, reserved[2]), R(gosnap_info, reserved[3]) },
	.reserved_width = { 8, 8, 8, 8 },
	.valid_result = 0,
};

FIXTURE_VARIANT_ADD(ioctls, capture) {
	.name = "CAPTURE", .cmd = GOSNAP_IOC_CAPTURE,
	.size = sizeof(struct gosnap_capture), .known_flags = GOSNAP_CAPTURE_FLAGS,
	.reserved = { R(gosnap_capture, reserved[0]), R(gosnap_capture, reserved[1]),
		      R(gosnap_capture, reserved[2]), R(gosnap_capture, reserved[3]) },
	.reserved_width = { 8, 8, 8, 8 },
	.valid_result = 0,
};

FIXTURE_VARIANT_ADD(ioctls, target) {
	.name = "TARGET", .cmd = GOSNAP_IOC_TARGET,
	.size = sizeof(struct gosnap_target), .known_flags = GOSNAP_TARGET_FLAGS,
	.reserved = { R(gosnap_target, reserved[0]), R(gosnap_target, reserved[1]),
		      R(gosnap_target, reserved[2]) },
	.reserved_width = { 8, 8, 8 },
	.valid_result = 0,
};

FIXTURE_VARIANT_ADD(ioctls, probe) {
	.name = "PROBE", .cmd = GOSNAP_IOC_PROBE, .size = sizeof(struct gosnap_probe),
	.known_flags = GOSNAP_PROBE_FLAGS,
	/* body_offset is reserved unless GOSNAP_PROBE_BODY */
	.reserved = { R(gosnap_probe, body_offset), R(gosnap_probe, reserved[0]) },
	.reserved_width = { 8, 8 },
	.needs_target = true,
	.valid_result = 0,
};

FIXTURE_VARIANT_ADD(ioctls, arm) {
	.name = "ARM", .cmd = GOSNAP_IOC_ARM, .size = sizeof(struct gosnap_ctl),
	/* seq is reserved unless RELEASE has GOSNAP_CTL_SEQ */
	.reserved = { R(gosnap_ctl, seq), R(gosnap_ctl, reserved[0]) },
	.reserved_width = { 8, 8 },
	.needs_target = true,
	.valid_result = ENOENT,		/* no probes added: docs/abi.md */
};

FIXTURE_VARIANT_ADD(ioctls, disarm) {
	.name = "DISARM", .cmd = GOSNAP_IOC_DISARM, .size = sizeof(struct gosnap_ctl),
	/* seq is reserved unless RELEASE has GOSNAP_CTL_SEQ */
	.reserved = { R(gosnap_ctl, seq), R(gosnap_ctl, reserved[0]) },
	.reserved_width = { 8, 8 },
	.needs_target = true,
	.valid_result = ANY_RESULT,
};

FIXTURE_VARIANT_ADD(ioctls, release) {
	.name = "RELEASE", .cmd = GOSNAP_IOC_RELEASE, .size = sizeof(struct gosnap_ctl),
	.known_flags = GOSNAP_CTL_SEQ,
	/* seq is reserved unless RELEASE has GOSNAP_CTL_SEQ */
	.reserved = { R(gosnap_ctl, seq), R(gosnap_ctl, reserved[0]) },
	.reserved_width = { 8, 8 },
	.needs_target = true,
	.valid_result = ANY_RESULT,
};

static void put_word(uint8_t *p, uint8_t width, uint64_t v)
{
	if (width == 4) {
		uint32_t v32 = (uint32_t)v;

		memcpy(p, &v32, 4);
	} else {
		memcpy(p, &v, 8);
	}
}

/* A fresh session, with a target set when the variant needs one. */
static int new_session(FIXTURE_DATA(ioctls) *self,
		       const FIXTURE_VARIANT(ioctls) *variant)
{
	struct gosnap_target t = {
		.size = sizeof(t), .pid = self->idle.pid, .mode = GOSNAP_MODE_PAGES,
	};

	if (self->fd >= 0)
		close(self->fd);
	self->fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		return errno;
	if (variant->needs_target && ioctl(self->fd, GOSNAP_IOC_TARGET, &t))
		return errno;
	return 0;
}

/*
 * A valid argument of size bytes (the struct's own size unless told) at
 * the end of the argument area, so that reading past size faults; the
 * bytes past the struct are zero.
 */
static uint8_t *valid_arg(FIXTURE_DATA(ioctls) *self,
			  const FIXTURE_VARIANT(ioctls) *variant, uint32_t size)
{
	uint32_t room = size > variant->size ? size : variant->size;
	uint8_t *p = self->arg + self->arg_room - room;

	memset(p, 0, room);
	memcpy(p, &size, sizeof(size));
	if (variant->cmd == GOSNAP_IOC_CAPTURE) {
		struct gosnap_capture *c = (void *)p;

		c->pid = self->idle.pid;
		c->mode = GOSNAP_MODE_PAGES;
	} else if (variant->cmd == GOSNAP_IOC_TARGET) {
		struct gosnap_target *t = (void *)p;

		t->pid = self->idle.pid;
		t->mode = GOSNAP_MODE_PAGES;
	} else if (variant->cmd == GOSNAP_IOC_PROBE) {
		struct gosnap_probe *pr = (void *)p;

		pr->fd = self->exe_fd;
		pr->id = 1;
		pr->offset = 0;
		snprintf(pr->label, sizeof(pr->label), "badinput");
	}
	return p;
}

/* Issue the variant's ioctl on a fresh session; its errno or 0. */
static int call(FIXTURE_DATA(ioctls) *self, const FIXTURE_VARIANT(ioctls) *variant,
		void *arg)
{
	int err = new_session(self, variant);

	return err ? -err : do_ioctl(self->fd, variant->cmd, arg);
}

FIXTURE_SETUP(ioctls)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *area;

	self->fd = self->exe_fd = -1;
	if (start_idle(&self->idle, self->error, sizeof(self->error)))
		return;
	self->exe_fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	/* Three pages usable (a struct up to two pages fits), a fourth not. */
	area = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || mprotect(area + 3 * page, page, PROT_NONE)) {
		snprintf(self->error, sizeof(self->error), "mmap: %s", strerror(errno));
		return;
	}
	self->arg = area;
	self->arg_room = 3 * page;
	if (access(GOSNAP_DEVICE, F_OK))
		snprintf(self->error, sizeof(self->error),
			 "%s missing: is gosnap.ko loaded?", GOSNAP_DEVICE);
}

FIXTURE_TEARDOWN(ioctls)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->exe_fd >= 0)
		close(self->exe_fd);
	if (self->arg)
		munmap(self->arg, self->arg_room + sysconf(_SC_PAGESIZE));
	child_stop(&self->idle);
}

/* The reference: a correct call works (or fails as documented). */
TEST_F(ioctls, valid_argument)
{
	int err;

	SETUP_DONE(self);
	err = call(self, variant, valid_arg(self, variant, variant->size));
	TH_LOG("%s with a valid argument: %s", variant->name, err ? strerror(err) : "ok");
	if (variant->valid_result != ANY_RESULT)
		EXPECT_EQ(variant->valid_result, err);
	EXPECT_NE(EINVAL, err);
	EXPECT_NE(E2BIG, err);
	EXPECT_NE(EFAULT, err);
}

TEST_F(ioctls, size_too_small)
{
	static const uint32_t sizes[] = { 0, 4, 8 };

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		EXPECT_EQ(EINVAL, call(self, variant, valid_arg(self, variant, sizes[i])))
			TH_LOG("%s size %u", variant->name, sizes[i]);
	}
	/* One word short of the first version of the struct. */
	EXPECT_EQ(EINVAL, call(self, variant, valid_arg(self, variant, variant->size - 8)))
		TH_LOG("%s size %u", variant->name, variant->size - 8);
}

TEST_F(ioctls, larger_size_nonzero_tail)
{
	uint32_t sizes[] = { variant->size + 8, variant->size + 64 };

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		/* A non-zero byte first, then last, in what the kernel does not know. */
		uint8_t *p = valid_arg(self, variant, sizes[i]);

		p[variant->size] = 1;
		EXPECT_EQ(E2BIG, call(self, variant, p))
			TH_LOG("%s size %u, byte %u set", variant->name, sizes[i], variant->size);
		p = valid_arg(self, variant, sizes[i]);
		p[sizes[i] - 1] = 0x80;
		EXPECT_EQ(E2BIG, call(self, variant, p))
			TH_LOG("%s size %u, byte %u set", variant->name, sizes[i], sizes[i] - 1);
	}
}

TEST_F(ioctls, larger_size_zero_tail_accepted)
{
	int valid, err;

	SETUP_DONE(self);
	valid = call(self, variant, valid_arg(self, variant, variant->size));
	err = call(self, variant, valid_arg(self, variant, variant->size + 64));
	EXPECT_EQ(valid, err)
		TH_LOG("%s: exact size gives %s, 64 zero bytes more give %s",
		       variant->name, strerror(valid), strerror(err));
	if (variant->valid_result != ANY_RESULT)
		EXPECT_EQ(variant->valid_result, err);
}

TEST_F(ioctls, size_over_a_page)
{
	long page = sysconf(_SC_PAGESIZE);

	SETUP_DONE(self);
	EXPECT_EQ(E2BIG, call(self, variant, valid_arg(self, variant, page + 8)))
		TH_LOG("%s size %ld (zero tail)", variant->name, page + 8);
}

TEST_F(ioctls, unknown_flags)
{
	size_t tried = 0;

	SETUP_DONE(self);
	for (int bit = 0; bit < 32; bit++) {
		uint32_t flag = 1U << bit;
		uint8_t *p;

		if (variant->known_flags & flag)
			continue;
		p = valid_arg(self, variant, variant->size);
		memcpy(p + sizeof(uint32_t), &flag, sizeof(flag));
		EXPECT_EQ(EINVAL, call(self, variant, p))
			TH_LOG("%s flags %#x", variant->name, flag);
		tried++;
	}
	TH_LOG("%zu unknown flag bits refused", tried);
}

TEST_F(ioctls, reserved_nonzero)
{
	SETUP_DONE(self);
	for (size_t i = 0; i < MAX_WORDS && variant->reserved[i]; i++) {
		uint8_t *p = valid_arg(self, variant, variant->size);

		put_word(p + variant->reserved[i], variant->reserved_width[i], 1);
		EXPECT_EQ(EINVAL, call(self, variant, p))
			TH_LOG("%s reserved word at offset %zu = 1", variant->name,
			       variant->reserved[i]);
		p = valid_arg(self, variant, variant->size);
		put_word(p + variant->reserved[i], variant->reserved_width[i],
			 variant->reserved_width[i] == 4 ? 1ULL << 31 : 1ULL << 63);
		EXPECT_EQ(EINVAL, call(self, variant, p))
			TH_LOG("%s reserved word at offset %zu, top bit", variant->name,
			       variant->reserved[i]);
	}
}

TEST_F(ioctls, bad_pointer)
{
	uint8_t *p;

	SETUP_DONE(self);
	EXPECT_EQ(EFAULT, call(self, variant, NULL));
	EXPECT_EQ(EFAULT, call(self, variant, (void *)1));
	EXPECT_EQ(EFAULT, call(self, variant, (void *)-4096L));
	/* The size word readable, the rest of the struct not. */
	p = self->arg + self->arg_room - sizeof(uint32_t);
	memcpy(p, &variant->size, sizeof(uint32_t));
	EXPECT_EQ(EFAULT, call(self, variant, p));
	/* A valid struct whose claimed size runs into the inaccessible page. */
	p = valid_arg(self, variant, variant->size);
	{
		uint32_t bigger = variant->size + 8;

		memcpy(p, &bigger, sizeof(bigger));
	}
	EXPECT_EQ(EFAULT, call(self, variant, p));
}

/* ---- the device as a whole ------------------------------------------ */

FIXTURE(device) {
	int fd;
	struct child idle;
	char error[512];
};

FIXTURE_SETUP(device)
{
	self->fd = -1;
	if (start_idle(&self->idle, self->error, sizeof(self->error)))
		return;
	self->fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		snprintf(self->error, sizeof(self->error), "open %s: %s",
			 GOSNAP_DEVICE, strerror(errno));
}

FIXTURE_TEARDOWN(device)
{
	if (self->fd >= 0)
		close(self->fd);
	child_stop(&self->idle);
}

/*
 * Output fields must be zero on input. Only INFO has any, so this is a
 * test of its own, not one of every ioctl's (which would skip the six
 * others).
 */
TEST_F(device, info_output_field_nonzero_on_input)
{
	static const struct { size_t off; uint8_t width; } outputs[] = {
		{ R(gosnap_info, abi_version), W(gosnap_info, abi_version) },
		{ R(gosnap_info, page_size), W(gosnap_info, page_size) },
		{ R(gosnap_info, max_bytes), W(gosnap_info, max_bytes) },
		{ R(gosnap_info, hold_timeout_ms), W(gosnap_info, hold_timeout_ms) },
	};
	struct gosnap_info info = { .size = sizeof(info) };

	SETUP_DONE(self);
	/* The reference: all zero is accepted. */
	ASSERT_EQ(0, do_ioctl(self->fd, GOSNAP_IOC_INFO, &info));
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		put_word((uint8_t *)&info + outputs[i].off, outputs[i].width, 1);
		EXPECT_EQ(EINVAL, do_ioctl(self->fd, GOSNAP_IOC_INFO, &info))
			TH_LOG("INFO output field at offset %zu = 1", outputs[i].off);
	}
}

TEST_F(device, unknown_ioctl_number)
{
	uint8_t buf[512] = { 0 };
	const unsigned long cmds[] = {
		_IOWR(GOSNAP_IOC_MAGIC, 0x07, struct gosnap_ctl),
		_IOWR(GOSNAP_IOC_MAGIC, 0x7f, struct gosnap_info),
		_IOW(GOSNAP_IOC_MAGIC, 0xff, struct gosnap_ctl),
		_IOWR(GOSNAP_IOC_MAGIC + 1, 0x00, struct gosnap_info),
		_IO(GOSNAP_IOC_MAGIC, 0x00),
		/* Known numbers with a size no struct of the ABI has. */
		_IOWR(GOSNAP_IOC_MAGIC, 0x01, char[3]),
		_IOW(GOSNAP_IOC_MAGIC, 0x04, char[3]),
		/* ... and with the direction bits wrong. */
		_IOR(GOSNAP_IOC_MAGIC, 0x00, struct gosnap_info),
		_IOR(GOSNAP_IOC_MAGIC, 0x03, struct gosnap_probe),
		0,
	};

	SETUP_DONE(self);
	memcpy(buf, &(uint32_t){ sizeof(struct gosnap_capture) }, sizeof(uint32_t));
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(ENOTTY, do_ioctl(self->fd, cmds[i], buf))
			TH_LOG("ioctl %#lx", cmds[i]);
	}
}

static int capture_pid(int fd, pid_t pid, uint32_t mode)
{
	struct gosnap_capture c = { .size = sizeof(c), .pid = pid, .mode = mode };

	return do_ioctl(fd, GOSNAP_IOC_CAPTURE, &c);
}

/*
 * A newer header whose struct grew encodes a larger size in the ioctl
 * number: the command is still recognised, and the struct's own size field
 * decides, with the usual rule for bytes the module does not know.
 */
TEST_F(device, larger_size_in_ioctl_number)
{
	struct {
		struct gosnap_info info;
		uint64_t newer[2];
	} big;
	const unsigned long cmd = _IOWR(GOSNAP_IOC_MAGIC, 0x00, big);

	SETUP_DONE(self);
	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	ASSERT_EQ(0, do_ioctl(self->fd, cmd, &big));
	EXPECT_EQ(GOSNAP_ABI_VERSION, big.info.abi_version);
	EXPECT_EQ((uint32_t)getpagesize(), big.info.page_size);

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	big.newer[1] = 1;
	EXPECT_EQ(E2BIG, do_ioctl(self->fd, cmd, &big));
}

TEST_F(device, capture_nonexistent_pid)
{
	char buf[32] = "";
	long pid_max = 4194304;
	int fd;

	SETUP_DONE(self);
	fd = open("/proc/sys/kernel/pid_max", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			pid_max = strtol(buf, NULL, 10);
		close(fd);
	}
	/* Past pid_max no process can exist. */
	EXPECT_EQ(ESRCH, capture_pid(self->fd, (pid_t)pid_max + 1, GOSNAP_MODE_PAGES));
	EXPECT_EQ(ESRCH, capture_pid(self->fd, INT_MAX, GOSNAP_MODE_PAGES));
	EXPECT_EQ(ESRCH, capture_pid(self->fd, 0, GOSNAP_MODE_PAGES));
	EXPECT_EQ(ESRCH, capture_pid(self->fd, -1, GOSNAP_MODE_PAGES));
	EXPECT_EQ(ESRCH, capture_pid(self->fd, INT_MIN, GOSNAP_MODE_PAGES));
}

TEST_F(device, capture_zombie)
{
	pid_t pid;

	SETUP_DONE(self);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	/* Not reaped: a zombie, with no mm left. */
	for (int i = 0; i < 1000; i++) {
		char path[64], state = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%*d %*s %c", &state) != 1)
				state = 0;
			fclose(f);
		}
		if (state == 'Z')
			break;
		usleep(10000);
	}
	EXPECT_EQ(ESRCH, capture_pid(self->fd, pid, GOSNAP_MODE_PAGES));
	waitpid(pid, NULL, 0);
}

/* Whether pid is a kernel thread: PF_KTHREAD in /proc/PID/stat's flags. */
static bool is_kthread(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return false;
	/* After "pid (comm)": state is field 3, flags field 9. */
	for (field = 2; field < 9 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return false;
	flags = strtoul(p + 1, NULL, 10);
	return flags & 0x00200000;	/* PF_KTHREAD */
}

TEST_F(device, capture_kernel_thread)
{
	SETUP_DONE(self);
	ASSERT_TRUE(is_kthread(2)) TH_LOG("pid 2 is not a kernel thread here");
	EXPECT_EQ(EINVAL, capture_pid(self->fd, 2, GOSNAP_MODE_PAGES));
}

TEST_F(device, capture_bad_mode)
{
	const uint32_t modes[] = {
		GOSNAP_MODE_META, GOSNAP_MODE_FULL, GOSNAP_MODE_MAX + 1, 0x80000000,
		UINT32_MAX,
	};

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		EXPECT_EQ(EINVAL, capture_pid(self->fd, self->idle.pid, modes[i]))
			TH_LOG("mode %u", modes[i]);
	}
	/* The same call with the right mode works: only the mode was wrong. */
	EXPECT_EQ(0, capture_pid(self->fd, self->idle.pid, GOSNAP_MODE_PAGES));
}

/* TARGET on a fresh session (a target is set once per session). */
static int set_target(pid_t pid, uint32_t flags, uint32_t reg, uint32_t off)
{
	struct gosnap_target t = {
		.size = sizeof(t), .pid = pid, .mode = GOSNAP_MODE_META,
		.flags = flags, .stack_reg = reg, .stack_off = off,
	};
	int fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = do_ioctl(fd, GOSNAP_IOC_TARGET, &t);
	close(fd);
	return err;
}

TEST_F(device, target_bad_stack_bounds)
{
	const uint32_t sb = GOSNAP_TARGET_STACK_BOUNDS;
	const struct { uint32_t flags, reg, off; } bad[] = {
		{ 0, GOSNAP_REG_R14, 0 },	/* fields without the flag */
		{ 0, 0, 8 },
		{ sb, GOSNAP_NR_STACK_REGS, 0 },	/* no such register */
		{ sb, UINT32_MAX, 0 },
		{ sb, GOSNAP_REG_R14, GOSNAP_STACK_OFF_MAX + 1 },
		{ sb, GOSNAP_REG_R14, UINT32_MAX },
	};

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EINVAL, set_target(self->idle.pid, bad[i].flags,
					     bad[i].reg, bad[i].off))
			TH_LOG("flags %#x stack_reg %u stack_off %u", bad[i].flags,
			       bad[i].reg, bad[i].off);
	}
	/* The bounds Go's g gives, and the last register and offset, work. */
	EXPECT_EQ(0, set_target(self->idle.pid, sb, GOSNAP_REG_R14, 0));
	EXPECT_EQ(0, set_target(self->idle.pid, sb, GOSNAP_NR_STACK_REGS - 1,
				GOSNAP_STACK_OFF_MAX));
	EXPECT_EQ(0, set_target(self->idle.pid, 0, 0, 0));
}

/* PROBE of /proc/self/exe with a body probe, on a fresh session. */
static int add_body_probe(pid_t pid, uint32_t target_flags, uint64_t offset,
			  uint64_t body_offset)
{
	struct gosnap_target t = {
		.size = sizeof(t), .pid = pid, .mode = GOSNAP_MODE_PAGES,
		.flags = target_flags,
		.stack_reg = target_flags ? GOSNAP_REG_R14 : 0,
	};
	struct gosnap_probe p = {
		.size = sizeof(p), .flags = GOSNAP_PROBE_BODY, .offset = offset,
		.body_offset = body_offset, .label = "body",
	};
	int fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	p.fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	err = do_ioctl(fd, GOSNAP_IOC_TARGET, &t);
	if (!err)
		err = do_ioctl(fd, GOSNAP_IOC_PROBE, &p);
	close(p.fd);
	close(fd);
	return err;
}

TEST_F(device, probe_bad_body)
{
	const uint32_t sb = GOSNAP_TARGET_STACK_BOUNDS;
	struct stat st;

	SETUP_DONE(self);
	ASSERT_EQ(0, stat("/proc/self/exe", &st));
	/* the body lies past the entry, inside the file */
	EXPECT_EQ(EINVAL, add_body_probe(self->idle.pid, sb, 64, 64));
	EXPECT_EQ(EINVAL, add_body_probe(self->idle.pid, sb, 64, 32));
	EXPECT_EQ(EINVAL, add_body_probe(self->idle.pid, sb, 64, (uint64_t)st.st_size));
	EXPECT_EQ(EINVAL, add_body_probe(self->idle.pid, sb, 64, UINT64_MAX));
	/* the goroutine is told by stack_reg: no body probe without it */
	EXPECT_EQ(EINVAL, add_body_probe(self->idle.pid, 0, 64, 74));
	EXPECT_EQ(0, add_body_probe(self->idle.pid, sb, 64, 74));
	EXPECT_EQ(0, add_body_probe(self->idle.pid, sb, 64, (uint64_t)st.st_size - 1));
}

static int open_device(void *arg)
{
	int fd;

	(void)arg;
	fd = open(GOSNAP_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

TEST_F(device, unprivileged_open_refused)
{
	int ret;

	SETUP_DONE(self);
	ret = as_nobody(open_device, NULL);
	ASSERT_NE(255, ret) TH_LOG("could not drop to uid %d", NOBODY);
	EXPECT_EQ(EACCES, ret);
}

struct held_fd {
	int fd;
	pid_t pid;
};

static int capture_with_held_fd(void *arg)
{
	struct held_fd *h = arg;

	return capture_pid(h->fd, h->pid, GOSNAP_MODE_PAGES);
}

/* A root-opened session handed to a process without privileges. */
TEST_F(device, unprivileged_capture_refused)
{
	struct held_fd h = { .fd = self->fd, .pid = self->idle.pid };
	int ret;

	SETUP_DONE(self);
	ret = as_nobody(capture_with_held_fd, &h);
	ASSERT_NE(255, ret) TH_LOG("could not drop to uid %d", NOBODY);
	EXPECT_EQ(EPERM, ret);
	/* The same call as root works: only the caller's privilege differs. */
	EXPECT_EQ(0, capture_with_held_fd(&h));
}

/* ---- damaged snapshot files and gosnap-cli --------------------------- */

#define SNAPFILE	"/tmp/badinput.gsnap"
#define DAMAGED		"/tmp/badinput-damaged.gsnap"

FIXTURE(snapfile) {
	struct child idle;
	char error[1024];
	uint8_t *data;		/* the intact file */
	size_t size;
};

static int read_whole(const char *path, uint8_t **data, size_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !(*data = malloc(st.st_size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	r = read(fd, *data, st.st_size);
	close(fd);
	if (r != st.st_size)
		return -EIO;
	*size = (size_t)st.st_size;
	return 0;
}

static int write_whole(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, data, size);
	close(fd);
	return w == (ssize_t)size ? 0 : -EIO;
}

FIXTURE_SETUP(snapfile)
{
	char pid[16], out[1024];
	char *argv[] = { "gosnap-cli", "capture", "--pid", pid, "-o", SNAPFILE, NULL };
	int status;

	if (start_idle(&self->idle, self->error, sizeof(self->error)))
		return;
	snprintf(pid, sizeof(pid), "%d", (int)self->idle.pid);
	status = run_capture_output(argv, out, sizeof(out));
	if (status) {
		snprintf(self->error, sizeof(self->error),
			 "gosnap-cli capture --pid %s -o %s: status %#x: %.900s",
			 pid, SNAPFILE, status, out);
		return;
	}
	if (read_whole(SNAPFILE, &self->data, &self->size))
		snprintf(self->error, sizeof(self->error), "reading %s", SNAPFILE);
}

FIXTURE_TEARDOWN(snapfile)
{
	free(self->data);
	unlink(SNAPFILE);
	unlink(DAMAGED);
	child_stop(&self->idle);
}

/* gosnap-cli show FILE: its exit status (or -1), output in out. */
static int show(const char *path, char *out, size_t len)
{
	char *argv[] = { "gosnap-cli", "show", (char *)path, NULL };
	int status = run_capture_output(argv, out, len);

	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool says(const char *out, const char *word)
{
	return strcasestr(out, word) != NULL;
}

/* The reference: the intact file is shown. */
TEST_F(snapfile, intact_file_shown)
{
	char out[8192];

	SETUP_DONE(self);
	EXPECT_EQ(0, show(SNAPFILE, out, sizeof(out))) TH_LOG("%s", out);
}

TEST_F(snapfile, truncated_file_refused)
{
	/* Inside the file header, inside the first chunk's header, in the
	 * middle, and short of the end by a word and by a byte. */
	size_t cuts[] = { 16, 48, self->size / 2, self->size - 8, self->size - 1 };
	char out[8192];

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		int status;

		ASSERT_EQ(0, write_whole(DAMAGED, self->data, cuts[i]));
		status = show(DAMAGED, out, sizeof(out));
		EXPECT_NE(0, status) TH_LOG("%zu of %zu bytes: shown", cuts[i], self->size);
		EXPECT_TRUE(says(out, "truncated"))
			TH_LOG("%zu of %zu bytes: the message does not say truncated: %s",
			       cuts[i], self->size, out);
	}
	/* Too short to even be recognised: refused, whatever the words. */
	ASSERT_EQ(0, write_whole(DAMAGED, self->data, 0));
	EXPECT_NE(0, show(DAMAGED, out, sizeof(out))) TH_LOG("an empty file was shown");
}

TEST_F(snapfile, flipped_byte_refused)
{
	/* In the file header's file_size, the first chunk's header, and two
	 * places in the body (the kernel stream makes up most of the file). */
	size_t at[] = { 28, 48, self->size / 2, self->size * 3 / 4 };
	char out[8192];

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		int status;

		self->data[at[i]] ^= 0x10;
		ASSERT_EQ(0, write_whole(DAMAGED, self->data, self->size));
		self->data[at[i]] ^= 0x10;
		status = show(DAMAGED, out, sizeof(out));
		EXPECT_NE(0, status) TH_LOG("byte %zu of %zu flipped: shown", at[i],
					    self->size);
		EXPECT_TRUE(says(out, "CRC") || says(out, "corrupt"))
			TH_LOG("byte %zu of %zu flipped: the message does not say CRC "
			       "or corrupt: %s", at[i], self->size, out);
	}
}

TEST_HARNESS_MAIN
