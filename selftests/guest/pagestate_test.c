// SPDX-License-Identifier: GPL-2.0
/*
 * The page state gosnap captures, compared with the kernel's own account
 * of the same process: /proc/PID/pagemap, /proc/kpageflags and smaps.
 *
 * The target (targets/c/mappings) holds one of each kind of page state and
 * blocks on a pipe, so nothing changes between the capture and reading
 * pagemap except kernel background work (khugepaged, reclaim, writeback);
 * where a mismatch could come from that, the test captures once more
 * before failing and says so.
 *
 * Run as root in the test VM with gosnap.ko loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "child.h"
#include "pagecmp.h"
#include "pagemap.h"
#include "pgflags.h"
#include "target.h"

#define TIMEOUT_MS	120000
#define MAX_LOGGED	25
#define PMD_PAGES	512

#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"
#define THP_ZERO	"/sys/kernel/mm/transparent_hugepage/use_zero_page"
#define ZRAM_SYS	"/sys/block/zram0"
#define ZRAM_DEV	"/dev/zram0"
#define SWAP_MIB	16

/* ---- small helpers -------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The selected word of a sysfs choice file: "always [madvise] never". */
static int read_choice(const char *path, char *out, size_t len)
{
	char buf[256], *open_b, *close_b;
	int ret = read_file(path, buf, sizeof(buf));

	if (ret)
		return ret;
	open_b = strchr(buf, '[');
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (!close_b)
		return -EINVAL;
	*close_b = '\0';
	snprintf(out, len, "%s", open_b + 1);
	return 0;
}

/* The run covering addr in the snapshot, or NULL. */
static const struct gosnap_page_run *run_at(const struct target *t, uint64_t addr)
{
	return gs_find_run(&t->snap, addr);
}

/* pagemap entries (and kpageflags of present ones, else 0) of a region. */
struct oracle {
	size_t n;
	uint64_t *pme;
	uint64_t *kpf;
};

static int oracle_read(const struct target *t, const struct region *r,
		       struct oracle *o)
{
	uint64_t ps = (uint64_t)getpagesize();
	int pm, kf, ret;

	o->n = (r->end - r->start) / ps;
	o->pme = calloc(o->n, sizeof(uint64_t));
	o->kpf = calloc(o->n, sizeof(uint64_t));
	if (!o->pme || !o->kpf)
		return -ENOMEM;
	pm = pagemap_open(t->child.pid);
	if (pm < 0)
		return pm;
	kf = kpageflags_open();
	if (kf < 0) {
		close(pm);
		return kf;
	}
	ret = pagemap_read(pm, r->start, o->pme, o->n);
	for (size_t i = 0; !ret && i < o->n; i++)
		if ((o->pme[i] & PME_PRESENT) && (o->pme[i] & PME_PFN_MASK))
			ret = kpageflags_read(kf, o->pme[i] & PME_PFN_MASK,
					      &o->kpf[i], 1);
	close(kf);
	close(pm);
	return ret;
}

static void oracle_free(struct oracle *o)
{
	free(o->pme);
	free(o->kpf);
	memset(o, 0, sizeof(*o));
}

static void log_stats(struct __test_metadata *_metadata,
		      const struct pagecmp_stats *st)
{
	TH_LOG("compared %" PRIu64 " pages in %" PRIu64 " VMAs (%" PRIu64
	       " PFN-map VMAs not walked by pagemap): present %" PRIu64
	       " swapped %" PRIu64 " file %" PRIu64 " anon %" PRIu64
	       " zero %" PRIu64 " huge-zero %" PRIu64 " kpf-THP %" PRIu64
	       " PMD-mapped %" PRIu64 " PTE-mapped-large %" PRIu64
	       " soft-dirty %" PRIu64 " (unpopulated %" PRIu64 "); mismatches %" PRIu64,
	       st->pages, st->vmas, st->vmas_pfnmap, st->present, st->swapped,
	       st->file, st->anon, st->zero, st->huge_zero, st->kpf_thp,
	       st->pmd_mapped, st->pte_mapped_large, st->soft_dirty,
	       st->unpopulated_soft_dirty, st->mismatches);
}

/*
 * VMAs there must be to compare, or a comparison could pass on nothing.
 * layout: the static executable (3 or more), stack and vDSO, the 64 GiB
 * reserve opened up at four pages (7), the mprotect split (3), the file
 * mappings (2), and the anonymous regions; swap: the executable, stack,
 * vDSO and the swapped region.
 */
#define LAYOUT_MIN_VMAS	16
#define SWAP_MIN_VMAS	4

/*
 * Compare every page; on a mismatch capture once more (the state may have
 * been changed by the kernel in between) and let the second verdict stand.
 * At least @min_vmas VMAs must have been compared.
 */
static void compare_twice(struct __test_metadata *_metadata, struct target *t,
			  uint32_t flags, struct pagecmp_stats *st, uint64_t min_vmas)
{
	char err[512];
	int ret;

	ret = pagecmp_run(t->child.pid, &t->snap, t->vmas, t->nr_vmas,
			  MAX_LOGGED, st);
	ASSERT_EQ(0, ret) TH_LOG("reading pagemap/kpageflags: %s", strerror(-ret));
	log_stats(_metadata, st);
	if (!st->mismatches)
		goto floor;
	TH_LOG("%" PRIu64 " mismatches; capturing once more in case kernel "
	       "background activity (khugepaged, reclaim, writeback) changed "
	       "the pages between the capture and reading pagemap",
	       st->mismatches);
	ret = target_capture_flags(t, flags, err, sizeof(err));
	ASSERT_EQ(0, ret) TH_LOG("re-capture: %s", err);
	ret = pagecmp_run(t->child.pid, &t->snap, t->vmas, t->nr_vmas,
			  MAX_LOGGED, st);
	ASSERT_EQ(0, ret) TH_LOG("reading pagemap/kpageflags: %s", strerror(-ret));
	log_stats(_metadata, st);
	if (!st->mismatches)
		TH_LOG("second capture matches: the first mismatches came from "
		       "the kernel changing the pages in between");
floor:
	EXPECT_LE(min_vmas, st->vmas)
		TH_LOG("only %" PRIu64 " VMAs compared, fewer than %" PRIu64,
		       st->vmas, min_vmas);
}

/* Setup records what went wrong instead of asserting, so teardown always
 * runs; each test starts with this. */
#define SETUP_DONE(self) do {						\
	if ((self)->skip[0])						\
		SKIP(return, "%s", (self)->skip);			\
	ASSERT_STREQ("", (self)->error);				\
} while (0)

/* ---- the layout fixture: one of each kind of page state ------------- */

FIXTURE(layout) {
	struct target t;
	char skip[256];
	char error[512];
	char thp_restore[32];	/* THP "enabled" to put back, "" if untouched */
	bool thp;		/* THP enabled for MADV_HUGEPAGE regions */
	bool huge_zero;		/* use_zero_page is 1 */
};

/* THP on at least for madvised regions; remember what to restore. */
static void layout_enable_thp(FIXTURE_DATA(layout) *self)
{
	char choice[32], zero[8];

	if (read_choice(THP_ENABLED, choice, sizeof(choice)))
		return;
	if (!strcmp(choice, "never")) {
		if (write_file(THP_ENABLED, "madvise"))
			return;
		snprintf(self->thp_restore, sizeof(self->thp_restore), "%s", choice);
	}
	self->thp = true;
	self->huge_zero = !read_file(THP_ZERO, zero, sizeof(zero)) &&
			  !strcmp(zero, "1");
}

FIXTURE_SETUP(layout)
{
	char prog[4096], path[64];
	char *argv[] = { prog, "layout", "/tmp", NULL };

	if (access(GOSNAP_DEVICE, F_OK)) {
		snprintf(self->error, sizeof(self->error),
			 "%s missing: is gosnap.ko loaded?", GOSNAP_DEVICE);
		return;
	}
	layout_enable_thp(self);
	target_program_path("mappings", prog, sizeof(prog));
	if (target_start(&self->t, argv, "phase1", TIMEOUT_MS, self->error,
			 sizeof(self->error)))
		return;
	/* Clear soft-dirty bits (and VM_SOFTDIRTY) so phase 2 can set some. */
	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)self->t.child.pid);
	if (write_file(path, "4")) {
		snprintf(self->error, sizeof(self->error), "writing 4 to %s: %s",
			 path, strerror(errno));
		return;
	}
	if (target_next(&self->t, "ready", TIMEOUT_MS, self->error,
			sizeof(self->error)))
		return;
	target_capture(&self->t, self->error, sizeof(self->error));
}

FIXTURE_TEARDOWN(layout)
{
	target_release(&self->t);
	if (self->thp_restore[0])
		write_file(THP_ENABLED, self->thp_restore);
}

/* Every VMA of /proc/PID/smaps, with the same bounds and flags. */
TEST_F_TIMEOUT(layout, vmas_match_smaps, 300)
{
	static const struct {
		uint32_t flag;
		const char *mnemonics[3];
	} vmflags[] = {
		{ GOSNAP_VMA_READ,	{ "rd" } },
		{ GOSNAP_VMA_WRITE,	{ "wr" } },
		{ GOSNAP_VMA_EXEC,	{ "ex" } },
		{ GOSNAP_VMA_SHARED,	{ "sh" } },
		{ GOSNAP_VMA_MAYSHARE,	{ "ms" } },
		{ GOSNAP_VMA_GROWSDOWN,	{ "gd" } },
		{ GOSNAP_VMA_HUGEPAGE,	{ "hg" } },
		{ GOSNAP_VMA_NOHUGEPAGE, { "nh" } },
		{ GOSNAP_VMA_PFNMAP,	{ "pf", "io", "mm" } },
		{ GOSNAP_VMA_HUGETLB,	{ "ht" } },
		{ GOSNAP_VMA_LOCKED,	{ "lo" } },
		{ GOSNAP_VMA_SOFTDIRTY,	{ "sd" } },
		{ GOSNAP_VMA_DONTDUMP,	{ "dd" } },
	};
	size_t compared = 0, bad = 0;
	char ours[256];

	SETUP_DONE(self);
	for (size_t i = 0; i < self->t.nr_vmas; i++) {
		const struct proc_vma *v = &self->t.vmas[i];
		const struct gs_vma *gv;
		uint32_t want = 0, got;
		size_t plen;

		if (pagecmp_vma_kind(v) == PAGECMP_VMA_GATE)
			continue;
		compared++;
		gv = gs_find_vma(&self->t.snap, v->start);
		if (!gv || gv->rec->start != v->start || gv->rec->end != v->end) {
			TH_LOG("VMA %#" PRIx64 "-%#" PRIx64 " %s: %s", v->start,
			       v->end, v->path, gv ? "other bounds in the snapshot" :
			       "missing from the snapshot");
			bad++;
			continue;
		}
		for (size_t k = 0; k < sizeof(vmflags) / sizeof(vmflags[0]); k++)
			for (size_t m = 0; m < 3 && vmflags[k].mnemonics[m]; m++)
				if (proc_vma_flag(v, vmflags[k].mnemonics[m]))
					want |= vmflags[k].flag;
		if (v->inode)
			want |= GOSNAP_VMA_FILE;
		got = gv->rec->flags & (GOSNAP_VMA_READ | GOSNAP_VMA_WRITE |
			GOSNAP_VMA_EXEC | GOSNAP_VMA_SHARED | GOSNAP_VMA_MAYSHARE |
			GOSNAP_VMA_GROWSDOWN | GOSNAP_VMA_HUGEPAGE |
			GOSNAP_VMA_NOHUGEPAGE | GOSNAP_VMA_PFNMAP |
			GOSNAP_VMA_HUGETLB | GOSNAP_VMA_LOCKED |
			GOSNAP_VMA_SOFTDIRTY | GOSNAP_VMA_DONTDUMP | GOSNAP_VMA_FILE);
		if (got != want) {
			char w[256];

			TH_LOG("VMA %#" PRIx64 "-%#" PRIx64 " %s: flags %s, smaps "
			       "VmFlags \"%s\" inode %" PRIu64 " mean %s", v->start,
			       v->end, v->path, vma_flags_str(got, ours, sizeof(ours)),
			       v->vmflags, v->inode, vma_flags_str(want, w, sizeof(w)));
			bad++;
		}
		/* smaps shows " (deleted)" after unlinked files; so does d_path. */
		plen = strlen(gv->path);
		if (strcmp(gv->path, v->path) &&
		    !(v->path[0] && !strncmp(gv->path, v->path, plen) &&
		      !strcmp(v->path + plen, " (deleted)"))) {
			TH_LOG("VMA %#" PRIx64 "-%#" PRIx64 ": path \"%s\", smaps \"%s\"",
			       v->start, v->end, gv->path, v->path);
			bad++;
		}
		if (v->inode && (gv->rec->inode != v->inode ||
				 gv->rec->file_offset != v->offset)) {
			TH_LOG("VMA %#" PRIx64 "-%#" PRIx64 " %s: inode %llu offset %#llx, "
			       "smaps inode %" PRIu64 " offset %#" PRIx64, v->start,
			       v->end, v->path, (unsigned long long)gv->rec->inode,
			       (unsigned long long)gv->rec->file_offset, v->inode,
			       v->offset);
			bad++;
		}
	}
	TH_LOG("%zu VMAs compared, %zu in the snapshot, %zu differ", compared,
	       self->t.snap.nr_vmas, bad);
	EXPECT_EQ(compared, self->t.snap.nr_vmas);
	EXPECT_LE(LAYOUT_MIN_VMAS, compared);
	EXPECT_EQ(0, bad);
}

/* The heart of it: every page of every VMA equals pagemap/kpageflags. */
TEST_F_TIMEOUT(layout, every_page_matches_pagemap, 900)
{
	struct pagecmp_stats st;
	const struct region *reserve;

	SETUP_DONE(self);
	ASSERT_TRUE(self->t.snap.hdr->flags & GOSNAP_SF_PFN)
		TH_LOG("captured as root without NO_PFN, yet no PFNs reported");
	compare_twice(_metadata, &self->t, 0, &st, LAYOUT_MIN_VMAS);
	EXPECT_EQ(0, st.mismatches);
	/* The 64 GiB reserve alone is 16 Mi pages: all of it was compared. */
	reserve = target_region(&self->t, "reserve");
	ASSERT_NE(NULL, reserve);
	EXPECT_LE((reserve->end - reserve->start) / getpagesize(), st.pages);
	EXPECT_LT(0, st.present);
	EXPECT_LT(0, st.zero);
	EXPECT_LT(0, st.file);
	EXPECT_LT(0, st.anon);
}

/*
 * GOSNAP_CAPTURE_PTE_FACTS: every page as pagemap tells it, but for its
 * file and exclusive bits (the page's, not the entry's); zero pages and
 * PMD mappings as kpageflags tells them; and no fact of the page at all.
 */
TEST_F_TIMEOUT(layout, pte_facts_match_pagemap, 900)
{
	struct pagecmp_stats st;
	char err[512];

	SETUP_DONE(self);
	ASSERT_EQ(0, target_capture_flags(&self->t, GOSNAP_CAPTURE_PTE_FACTS,
					  err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_TRUE(self->t.snap.hdr->flags & GOSNAP_SF_PTE_FACTS);
	ASSERT_TRUE(self->t.snap.hdr->flags & GOSNAP_SF_PFN);
	compare_twice(_metadata, &self->t, GOSNAP_CAPTURE_PTE_FACTS, &st,
		      LAYOUT_MIN_VMAS);
	EXPECT_EQ(0, st.mismatches);
	EXPECT_LT(0, st.present);
	EXPECT_LT(0, st.zero);
	if (self->thp)
		EXPECT_LT(0, st.pmd_mapped);
}

/*
 * The same without PFNs: a stretch then follows the entries' bits across
 * any frames (one run for many scattered pages), yet still stops at the
 * zero page; every page as pagemap tells it, no frame given.
 */
TEST_F_TIMEOUT(layout, pte_facts_no_pfn_match_pagemap, 900)
{
	const uint32_t flags = GOSNAP_CAPTURE_PTE_FACTS | GOSNAP_CAPTURE_NO_PFN;
	struct pagecmp_stats st;
	char err[512];

	SETUP_DONE(self);
	ASSERT_EQ(0, target_capture_flags(&self->t, flags, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_TRUE(self->t.snap.hdr->flags & GOSNAP_SF_PTE_FACTS);
	ASSERT_FALSE(self->t.snap.hdr->flags & GOSNAP_SF_PFN);
	compare_twice(_metadata, &self->t, flags, &st, LAYOUT_MIN_VMAS);
	EXPECT_EQ(0, st.mismatches);
	EXPECT_LT(0, st.present);
	EXPECT_LT(0, st.zero);
	if (self->thp)
		EXPECT_LT(0, st.pmd_mapped);
}

struct region_expect {
	const char *name;
	const char *what;
	/* Each page of the region must satisfy this (kernel's words only). */
	bool (*page_ok)(uint64_t pme, uint64_t kpf);
};

static bool present_anon(uint64_t pme, uint64_t kpf)
{
	return (pme & PME_PRESENT) && !(pme & PME_FILE) && (kpf & KPF(ANON));
}

static bool zero_page(uint64_t pme, uint64_t kpf)
{
	return (pme & PME_PRESENT) && (kpf & KPF(ZERO_PAGE));
}

static bool present_file(uint64_t pme, uint64_t kpf)
{
	return (pme & PME_PRESENT) && (pme & PME_FILE) && !(kpf & KPF(ANON));
}

static bool unpopulated(uint64_t pme, uint64_t kpf)
{
	(void)kpf;
	return !(pme & (PME_PRESENT | PME_SWAP));
}

/*
 * The layout really holds each kind of state, by the kernel's own account:
 * otherwise the comparison above proves little.
 */
TEST_F_TIMEOUT(layout, layout_has_every_page_state, 300)
{
	static const struct region_expect expects[] = {
		{ "anon_written", "written private anonymous pages", present_anon },
		{ "anon_zero", "read-only anonymous pages on the zero page", zero_page },
		{ "hole", "a MADV_DONTNEED hole among written pages", unpopulated },
		{ "shared_anon", "shared anonymous (shmem) pages", present_file },
		{ "file_priv_read", "file pages of a private mapping", present_file },
		{ "file_priv_cow", "COW'd anonymous pages in a file mapping", present_anon },
		{ "file_shared_written", "written pages of a shared file mapping", present_file },
		{ "split_ro", "an mprotect'ed middle of a written region", present_anon },
		{ "scattered", "written pages with scattered PFNs", present_anon },
		{ "reserve_rw0", "a written page inside the 64 GiB reserve", present_anon },
		{ "reserve_rw2", "a written page inside the 64 GiB reserve", present_anon },
		{ "reserve_rw3", "the last page of the 64 GiB reserve", present_anon },
	};
	const struct region *split, *reserve;
	const struct proc_vma *v;
	uint64_t reserved = 0;

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		const struct region *r = target_region(&self->t, expects[i].name);
		struct oracle o = { 0 };
		char pm[160], kf[96];

		ASSERT_NE(NULL, r) TH_LOG("target announced no region %s",
					  expects[i].name);
		ASSERT_EQ(0, oracle_read(&self->t, r, &o));
		for (size_t p = 0; p < o.n; p++) {
			EXPECT_TRUE(expects[i].page_ok(o.pme[p], o.kpf[p]))
				TH_LOG("%s at %#" PRIx64 " is not %s: pagemap %s kpageflags %s",
				       r->name, r->start + p * getpagesize(),
				       expects[i].what, pme_str(o.pme[p], pm, sizeof(pm)),
				       kpf_str(o.kpf[p], kf, sizeof(kf)));
		}
		oracle_free(&o);
	}
	/* Scattered PFNs: one run per page, thousands of them in one VMA. */
	{
		const struct region *r = target_region(&self->t, "scattered");
		struct oracle o = { 0 };
		size_t breaks = 0;

		ASSERT_NE(NULL, r);
		ASSERT_EQ(0, oracle_read(&self->t, r, &o));
		for (size_t p = 0; p + 1 < o.n; p++)
			breaks += (o.pme[p + 1] & PME_PFN_MASK) !=
				  (o.pme[p] & PME_PFN_MASK) + 1;
		TH_LOG("scattered: %zu PFN discontinuities in %zu pages", breaks,
		       o.n);
		oracle_free(&o);
		EXPECT_LE(2048, breaks)
			TH_LOG("too few: the region does not need thousands of runs");
	}
	/* mprotect split the region into three VMAs. */
	split = target_region(&self->t, "split_ro");
	ASSERT_NE(NULL, split);
	v = target_proc_vma(&self->t, split->start);
	ASSERT_NE(NULL, v);
	EXPECT_EQ(split->start, v->start);
	EXPECT_EQ(split->end, v->end);
	EXPECT_STREQ("r--p", v->perms);
	/* The reserve is 64 GiB of VMAs, PROT_NONE but where opened up. */
	reserve = target_region(&self->t, "reserve");
	ASSERT_NE(NULL, reserve);
	for (size_t i = 0; i < self->t.nr_vmas; i++) {
		v = &self->t.vmas[i];
		if (v->start >= reserve->start && v->end <= reserve->end)
			reserved += v->end - v->start;
	}
	EXPECT_EQ(reserve->end - reserve->start, reserved);
}

/* The entry's dirty bit: set where the program wrote, clear where it read. */
TEST_F_TIMEOUT(layout, pte_dirty_bit, 300)
{
	static const struct {
		const char *name;
		bool dirty;
	} expects[] = {
		{ "anon_written", true },
		{ "shared_anon", true },
		{ "file_priv_cow", true },
		{ "file_shared_written", true },
		{ "split_ro", true },
		{ "reserve_rw1", true },
		{ "sd_written", true },
		/*
		 * Read through a private mapping: mapped read-only, so clean.
		 * (Not file_shared_read: on newer kernels, 7.3 but not 6.12,
		 * a read fault on a writable shared mapping of an already
		 * dirty folio maps it dirty at once, see set_pte_range().)
		 */
		{ "file_priv_read", false },
		{ "anon_zero", false },
	};
	char flags[192];
	size_t checked = 0;

	SETUP_DONE(self);
	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		const struct region *r = target_region(&self->t, expects[i].name);

		ASSERT_NE(NULL, r) TH_LOG("target announced no region %s",
					  expects[i].name);
		for (uint64_t a = r->start; a < r->end; a += getpagesize()) {
			const struct gosnap_page_run *run = run_at(&self->t, a);

			ASSERT_NE(NULL, run) TH_LOG("%s at %#" PRIx64 ": no run for a "
						    "touched page", r->name, a);
			EXPECT_EQ(expects[i].dirty, !!(run->flags & GOSNAP_PG_PTE_DIRTY))
				TH_LOG("%s at %#" PRIx64 " (%s): PTE_DIRTY should be %s",
				       r->name, a, pg_flags_str(run->flags, flags,
								sizeof(flags)),
				       expects[i].dirty ? "set" : "clear");
			checked++;
		}
	}
	TH_LOG("%zu pages checked", checked);
}

/*
 * Soft-dirty after clear_refs: only pages written since are soft-dirty,
 * and a VMA mapped since is VM_SOFTDIRTY, which pagemap reports for its
 * unpopulated pages too.
 */
TEST_F_TIMEOUT(layout, soft_dirty, 300)
{
	const struct region *sd = target_region(&self->t, "sd_written");
	const struct region *clean = target_region(&self->t, "anon_written");
	const struct region *fresh = target_region(&self->t, "fresh");
	const struct gosnap_page_run *run;
	const struct proc_vma *v;
	const struct gs_vma *gv;
	struct oracle o = { 0 };
	char pm[160];

	SETUP_DONE(self);
	ASSERT_NE(NULL, sd);
	ASSERT_NE(NULL, clean);
	ASSERT_NE(NULL, fresh);

	/* The kernel's side first: the state this test needs is there. */
	v = target_proc_vma(&self->t, fresh->start);
	ASSERT_NE(NULL, v);
	if (!proc_vma_flag(v, "sd"))
		SKIP(return, "a new VMA is not VM_SOFTDIRTY: kernel without "
		     "CONFIG_MEM_SOFT_DIRTY");
	v = target_proc_vma(&self->t, sd->start);
	ASSERT_NE(NULL, v);
	ASSERT_FALSE(proc_vma_flag(v, "sd"))
		TH_LOG("clear_refs left VM_SOFTDIRTY on %#" PRIx64, v->start);
	ASSERT_EQ(0, oracle_read(&self->t, sd, &o));
	ASSERT_TRUE(o.pme[0] & PME_SOFT_DIRTY)
		TH_LOG("rewritten page not soft-dirty: %s", pme_str(o.pme[0], pm, sizeof(pm)));
	oracle_free(&o);
	ASSERT_EQ(0, oracle_read(&self->t, clean, &o));
	for (size_t i = 0; i < o.n; i++) {
		ASSERT_FALSE(o.pme[i] & PME_SOFT_DIRTY)
			TH_LOG("page not written since clear_refs is soft-dirty: %s",
			       pme_str(o.pme[i], pm, sizeof(pm)));
	}
	oracle_free(&o);
	ASSERT_EQ(0, oracle_read(&self->t, fresh, &o));
	for (size_t i = 1; i < o.n; i++) {
		ASSERT_EQ(PME_SOFT_DIRTY, o.pme[i])
			TH_LOG("unpopulated page of a fresh VMA: %s",
			       pme_str(o.pme[i], pm, sizeof(pm)));
	}
	oracle_free(&o);

	/* Then ours. */
	run = run_at(&self->t, sd->start);
	ASSERT_NE(NULL, run);
	EXPECT_TRUE(run->flags & GOSNAP_PG_SOFT_DIRTY);
	gv = gs_find_vma(&self->t.snap, sd->start);
	ASSERT_NE(NULL, gv);
	EXPECT_FALSE(gv->rec->flags & GOSNAP_VMA_SOFTDIRTY);
	for (uint64_t a = clean->start; a < clean->end; a += getpagesize()) {
		run = run_at(&self->t, a);
		ASSERT_NE(NULL, run);
		EXPECT_FALSE(run->flags & GOSNAP_PG_SOFT_DIRTY)
			TH_LOG("%#" PRIx64 " soft-dirty, not written since clear_refs", a);
	}
	gv = gs_find_vma(&self->t.snap, fresh->start);
	ASSERT_NE(NULL, gv);
	EXPECT_TRUE(gv->rec->flags & GOSNAP_VMA_SOFTDIRTY);
	for (uint64_t a = fresh->start + getpagesize(); a < fresh->end;
	     a += getpagesize()) {
		EXPECT_EQ(NULL, run_at(&self->t, a))
			TH_LOG("%#" PRIx64 " was never touched, yet has a run", a);
	}
}

/* PMD-mapped THPs: the runs (PMD and THP), kpageflags and smaps agree. */
TEST_F_TIMEOUT(layout, thp_runs, 300)
{
	const struct region *r = target_region(&self->t, "thp");
	const struct proc_vma *v;
	struct oracle o = { 0 };
	uint64_t ps = (uint64_t)getpagesize(), ours = 0;

	SETUP_DONE(self);
	ASSERT_NE(NULL, r);
	if (!self->thp)
		SKIP(return, "THP is not available (%s)", THP_ENABLED);
	v = target_proc_vma(&self->t, r->start);
	ASSERT_NE(NULL, v);
	if (v->anon_huge_kb == 0)
		SKIP(return, "the kernel gave the MADV_HUGEPAGE region no THP "
		     "(AnonHugePages 0 kB): nothing to compare");
	ASSERT_EQ(0, oracle_read(&self->t, r, &o));
	for (uint64_t a = r->start; a < r->end; a += ps) {
		const struct gosnap_page_run *run = run_at(&self->t, a);
		size_t i = (a - r->start) / ps;

		ASSERT_NE(NULL, run);
		if (!(run->flags & GOSNAP_PG_PMD))
			continue;
		ours++;
		/* A PMD maps 512 pages from a PMD-aligned, 512-aligned PFN. */
		EXPECT_EQ((a / ps) % PMD_PAGES,
			  (run->pfn + (a - run->addr) / ps) % PMD_PAGES);
		EXPECT_TRUE(o.kpf[i] & KPF(THP))
			TH_LOG("%#" PRIx64 ": PMD-mapped, kpageflags %#" PRIx64, a, o.kpf[i]);
		EXPECT_TRUE(run->flags & GOSNAP_PG_THP);
		EXPECT_TRUE(run->flags & GOSNAP_PG_ANON);
		EXPECT_FALSE(run->flags & GOSNAP_PG_ZERO);
	}
	oracle_free(&o);
	TH_LOG("%" PRIu64 " pages PMD-mapped in the thp region, smaps "
	       "AnonHugePages %" PRIu64 " kB for its VMA", ours, v->anon_huge_kb);
	EXPECT_LT(0, ours);
	EXPECT_EQ(0, ours % PMD_PAGES);
	/* The region may share its VMA with others: ours is a lower bound. */
	EXPECT_LE(ours * (ps / 1024), v->anon_huge_kb);
}

/* A read fault in a THP region maps the huge zero page. */
TEST_F_TIMEOUT(layout, huge_zero_page, 300)
{
	const struct region *r = target_region(&self->t, "huge_zero");
	struct oracle o = { 0 };
	uint64_t ps = (uint64_t)getpagesize(), first;
	char flags[192];

	SETUP_DONE(self);
	ASSERT_NE(NULL, r);
	if (!self->thp)
		SKIP(return, "THP is not available (%s)", THP_ENABLED);
	if (!self->huge_zero)
		SKIP(return, "%s is not 1", THP_ZERO);
	ASSERT_EQ(0, oracle_read(&self->t, r, &o));
	first = o.kpf[0];
	if ((first & (KPF(ZERO_PAGE) | KPF(THP))) != (KPF(ZERO_PAGE) | KPF(THP))) {
		oracle_free(&o);
		SKIP(return, "the kernel did not map the huge zero page "
		     "(kpageflags %#" PRIx64 ")", first);
	}
	for (uint64_t a = r->start; a < r->end; a += ps) {
		const struct gosnap_page_run *run = run_at(&self->t, a);
		size_t i = (a - r->start) / ps;

		ASSERT_NE(NULL, run);
		/* kpageflags calls the huge zero page THP and ZERO_PAGE. */
		EXPECT_EQ(GOSNAP_PG_PRESENT | GOSNAP_PG_PMD | GOSNAP_PG_THP | GOSNAP_PG_ZERO,
			  run->flags & (GOSNAP_PG_PRESENT | GOSNAP_PG_PMD | GOSNAP_PG_THP |
					GOSNAP_PG_ZERO | GOSNAP_PG_ANON))
			TH_LOG("%#" PRIx64 ": %s", a, pg_flags_str(run->flags, flags,
								  sizeof(flags)));
		EXPECT_EQ(o.pme[i] & PME_PFN_MASK, run->pfn + (a - run->addr) / ps);
		EXPECT_FALSE(run->flags & GOSNAP_PG_PTE_DIRTY)
			TH_LOG("%#" PRIx64 ": only read, yet PTE_DIRTY", a);
	}
	oracle_free(&o);
}

/* ---- the swap fixture: pages paged out to zram ----------------------- */

FIXTURE(swap) {
	struct target t;
	char skip[256];
	char error[512];
	bool zram_sized;	/* disksize set: reset on teardown */
	bool swap_on;
};

static bool zram_in_use(void)
{
	char buf[4096];

	return !read_file("/proc/swaps", buf, sizeof(buf)) && strstr(buf, ZRAM_DEV);
}

/* zram0 as swap. Fills skip when zram cannot be had. */
static void swap_setup_zram(FIXTURE_DATA(swap) *self)
{
	char out[1024], devno[32];
	char *modprobe[] = { "modprobe", "zram", "num_devices=1", NULL };
	char *mkswap[] = { "mkswap", ZRAM_DEV, NULL };
	unsigned int maj, min;
	int status;

	if (access(ZRAM_SYS, F_OK)) {
		status = run_capture_output(modprobe, out, sizeof(out));
		if (access(ZRAM_SYS, F_OK)) {
			snprintf(self->skip, sizeof(self->skip),
				 "no zram: modprobe zram exited %d: %.150s",
				 status, out);
			return;
		}
	}
	if (zram_in_use()) {
		snprintf(self->error, sizeof(self->error),
			 "%s is already swap: left over from an earlier run?", ZRAM_DEV);
		return;
	}
	write_file(ZRAM_SYS "/reset", "1");
	if (write_file(ZRAM_SYS "/disksize", "256M")) {
		snprintf(self->error, sizeof(self->error), "sizing zram0: %s",
			 strerror(errno));
		return;
	}
	self->zram_sized = true;
	/* Without devtmpfs the node may be missing: make it from sysfs. */
	if (access(ZRAM_DEV, F_OK) &&
	    !read_file(ZRAM_SYS "/dev", devno, sizeof(devno)) &&
	    sscanf(devno, "%u:%u", &maj, &min) == 2)
		mknod(ZRAM_DEV, S_IFBLK | 0600, makedev(maj, min));
	status = run_capture_output(mkswap, out, sizeof(out));
	if (status) {
		snprintf(self->error, sizeof(self->error),
			 "mkswap %s exited %d: %.200s", ZRAM_DEV, status, out);
		return;
	}
	if (swapon(ZRAM_DEV, 0)) {
		snprintf(self->error, sizeof(self->error), "swapon %s: %s",
			 ZRAM_DEV, strerror(errno));
		return;
	}
	self->swap_on = true;
}

FIXTURE_SETUP(swap)
{
	char prog[4096], mib[16];
	char *argv[] = { prog, "swap", mib, NULL };

	if (access(GOSNAP_DEVICE, F_OK)) {
		snprintf(self->error, sizeof(self->error),
			 "%s missing: is gosnap.ko loaded?", GOSNAP_DEVICE);
		return;
	}
	swap_setup_zram(self);
	if (self->skip[0] || self->error[0])
		return;
	snprintf(mib, sizeof(mib), "%d", SWAP_MIB);
	target_program_path("mappings", prog, sizeof(prog));
	if (target_start(&self->t, argv, "ready", TIMEOUT_MS, self->error,
			 sizeof(self->error)))
		return;
	target_capture(&self->t, self->error, sizeof(self->error));
}

FIXTURE_TEARDOWN(swap)
{
	/* The target first: swapoff would have to read its pages back. */
	target_release(&self->t);
	if (self->swap_on)
		swapoff(ZRAM_DEV);
	if (self->zram_sized)
		write_file(ZRAM_SYS "/reset", "1");
}

TEST_F_TIMEOUT(swap, swapped_pages_match_pagemap, 900)
{
	const struct region *r = target_region(&self->t, "swapped");
	struct pagecmp_stats st;
	struct oracle o = { 0 };
	uint64_t ps = (uint64_t)getpagesize(), kernel = 0, ours = 0;
	char pm[160], flags[192];

	SETUP_DONE(self);
	ASSERT_NE(NULL, r);
	/* Every page of the process first, the swapped ones among them. */
	compare_twice(_metadata, &self->t, 0, &st, SWAP_MIN_VMAS);
	EXPECT_EQ(0, st.mismatches);

	ASSERT_EQ(0, oracle_read(&self->t, r, &o));
	for (uint64_t a = r->start; a < r->end; a += ps) {
		const struct gosnap_page_run *run = run_at(&self->t, a);
		uint64_t pme = o.pme[(a - r->start) / ps];

		if (!(pme & PME_SWAP))
			continue;
		kernel++;
		if (!run || !(run->flags & GOSNAP_PG_SWAP)) {
			TH_LOG("%#" PRIx64 ": pagemap %s, ours %s", a,
			       pme_str(pme, pm, sizeof(pm)),
			       run ? pg_flags_str(run->flags, flags, sizeof(flags)) :
				     "no run");
			continue;
		}
		ours++;
	}
	oracle_free(&o);
	TH_LOG("%" PRIu64 " of %d pages swapped out per pagemap, %" PRIu64
	       " SWAP pages in the snapshot", kernel, SWAP_MIB * 256, ours);
	/* MADV_PAGEOUT must really have swapped, or this proves nothing. */
	ASSERT_LE((uint64_t)SWAP_MIB * 256 / 2, kernel)
		TH_LOG("too few pages swapped out to test anything");
	EXPECT_EQ(kernel, ours);
}

TEST_HARNESS_MAIN
