// SPDX-License-Identifier: GPL-2.0
/*
 * Captures taken with gosnap-cli (its files read back with the CLI's own
 * parsers), and the pagemap oracle of a region, for the scale tests.
 */
#include "clisnap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "pagemap.h"
#include "pgflags.h"

#define TIMEOUT_MS	300000
#define PMD_PAGES	512

void snap_free(struct snap *sn)
{
	if (sn->parsed)
		gs_snapshot_free(&sn->s);
	gsf_free(&sn->file);
	memset(sn, 0, sizeof(*sn));
}

int snap_load(struct snap *sn, const char *path, char *err, size_t errlen)
{
	const struct gsf_chunk *c;
	char perr[512];
	size_t i = 0;

	if (gsf_read(path, &sn->file, perr, sizeof(perr))) {
		snprintf(err, errlen, "%s: %s", path, perr);
		return -EPROTO;
	}
	c = gsf_next_chunk(&sn->file, GSF_CHUNK_STREAM, &i);
	if (!c) {
		snprintf(err, errlen, "%s: no snapshot in the file", path);
		return -EPROTO;
	}
	if (gs_snapshot_parse(c->data, c->size, &sn->s, perr, sizeof(perr))) {
		snprintf(err, errlen, "%s: the snapshot (%" PRIu64 " bytes) does "
			 "not parse: %s", path, c->size, perr);
		return -EPROTO;
	}
	sn->parsed = true;
	snprintf(sn->path, sizeof(sn->path), "%s", path);
	return 0;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * gosnap-cli capture --pid PID -o FILE --facts page [extra...]; parse what
 * it wrote. Page facts, not the CLI's default: the tests compare them with
 * kpageflags.
 */
int cli_capture_pid(pid_t target, const char *const extra[],
		    struct snap *sn, char *err, size_t errlen)
{
	const char file[] = "/tmp/scale.gsnap";
	char pid[16], out[4096];
	char *argv[18] = { "gosnap-cli", "capture", "--pid", pid, "-o", (char *)file,
			   "--facts", "page" };
	int n = 8, status;
	double t0;

	snprintf(pid, sizeof(pid), "%d", (int)target);
	for (int i = 0; extra && extra[i] && n < 17; i++)
		argv[n++] = (char *)extra[i];
	unlink(file);
	t0 = now_s();
	status = run_capture_output(argv, out, sizeof(out));
	sn->secs = now_s() - t0;
	if (status) {
		snprintf(err, errlen, "gosnap-cli capture --pid exited %#x: %.700s",
			 status, out);
		return -EIO;
	}
	return snap_load(sn, file, err, errlen);
}

/*
 * gosnap-cli capture --at SYM --pid PID --max-snapshots 1 --facts page
 * [extra...]; kick tells the target to start (and then stop) reaching SYM.
 */
int cli_capture_probe(pid_t target, const char *sym,
		      const char *const extra[], cli_kick_fn kick, void *arg,
		      struct snap *sn, char *err, size_t errlen)
{
	const char dir[] = "/tmp/scale-probe";
	char pid[16], path[512], log[4096] = "";
	char *argv[22] = { "gosnap-cli", "capture", "--at", (char *)sym, "--pid", pid,
			   "--max-snapshots", "1", "-o", (char *)dir, "--facts", "page" };
	int n = 12, status = 0, ret, fd;
	double t0, deadline;
	struct dirent *de;
	pid_t cli;
	DIR *d;

	snprintf(pid, sizeof(pid), "%d", (int)target);
	for (int i = 0; extra && extra[i] && n < 21; i++)
		argv[n++] = (char *)extra[i];
	/* A fresh, empty directory. */
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	cli = fork();
	if (cli < 0)
		return -errno;
	if (cli == 0) {
		fd = open("/tmp/scale-probe.log", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	/* The target reaches sym again and again; the first time after arming is hit. */
	t0 = now_s();
	ret = kick ? kick(arg, true) : 0;
	deadline = now_s() + TIMEOUT_MS / 1000;
	while (!ret) {
		pid_t w = waitpid(cli, &status, WNOHANG);

		if (w == cli)
			break;
		if (now_s() > deadline) {
			kill(cli, SIGKILL);
			waitpid(cli, &status, 0);
			ret = -ETIMEDOUT;
			break;
		}
		usleep(20000);
	}
	sn->secs = now_s() - t0;
	if (ret) {
		if (cli > 0 && waitpid(cli, &status, WNOHANG) == 0) {
			kill(cli, SIGKILL);
			waitpid(cli, &status, 0);
		}
		snprintf(err, errlen, "probe capture: %s", strerror(-ret));
		return ret;
	}
	
	ret = kick ? kick(arg, false) : 0;
	fd = open("/tmp/scale-probe.log", O_RDONLY);
	if (fd >= 0) {
		ssize_t r = read(fd, log, sizeof(log) - 1);

		log[r > 0 ? r : 0] = '\0';
		close(fd);
	}
	if (status || ret) {
		snprintf(err, errlen, "gosnap-cli capture --at %s exited %#x "
			 "(target: %s): %.700s", sym, status, ret ? strerror(-ret) : "ok",
			 log);
		return -EIO;
	}
	d = opendir(dir);
	path[0] = '\0';
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".gsnap"))
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
	if (d)
		closedir(d);
	if (!path[0]) {
		snprintf(err, errlen, "no snapshot in %s: %.700s", dir, log);
		return -ENOENT;
	}
	return snap_load(sn, path, err, errlen);
}

/* ---- oracles ----------------------------------------------------------- */

/* kpageflags with a one-table cache: every huge-zero leaf maps the same PFNs. */
struct kpf_cache {
	int fd;
	uint64_t base;		/* first PFN of buf, or UINT64_MAX */
	uint64_t buf[PMD_PAGES];
};

static int kpf_get(struct kpf_cache *kc, uint64_t pfn, uint64_t *out)
{
	uint64_t base = pfn & ~(uint64_t)(PMD_PAGES - 1);
	int ret;

	if (kc->base != base) {
		ret = kpageflags_read(kc->fd, base, kc->buf, PMD_PAGES);
		if (ret) {
			kc->base = UINT64_MAX;
			return kpageflags_read(kc->fd, pfn, out, 1);
		}
		kc->base = base;
	}
	*out = kc->buf[pfn - base];
	return 0;
}

#define KPF_STATE	(KPF(ZERO_PAGE) | KPF(THP) | KPF(ANON) | KPF(DIRTY))
#define PME_STATE	(PME_PRESENT | PME_SWAP | PME_FILE | PME_EXCLUSIVE | \
			 PME_SOFT_DIRTY | PME_UFFD_WP)

int region_oracle(pid_t pid, uint64_t start, uint64_t end, bool pfns,
			 struct region_oracle *o)
{
	const size_t chunk = 65536;
	uint64_t ps = (uint64_t)getpagesize(), prev_pme = 0, prev_kpf = 0;
	struct kpf_cache kc = { .base = UINT64_MAX };
	uint64_t *buf = malloc(chunk * sizeof(*buf));
	int pm, ret = 0;

	memset(o, 0, sizeof(*o));
	if (!buf)
		return -ENOMEM;
	pm = pagemap_open(pid);
	kc.fd = kpageflags_open();
	if (pm < 0 || kc.fd < 0) {
		ret = pm < 0 ? pm : kc.fd;
		goto out;
	}
	for (uint64_t addr = start; addr < end && !ret;) {
		size_t n = (end - addr) / ps < chunk ? (end - addr) / ps : chunk;

		ret = pagemap_read(pm, addr, buf, n);
		for (size_t i = 0; i < n && !ret; i++, addr += ps) {
			uint64_t pme = buf[i], kpf = 0;
			bool cont;

			if (!(pme & PME_PRESENT)) {
				prev_pme = pme;
				continue;
			}
			ret = kpf_get(&kc, pme & PME_PFN_MASK, &kpf);
			o->present++;
			o->huge_zero += (kpf & (KPF(ZERO_PAGE) | KPF(THP))) ==
					(KPF(ZERO_PAGE) | KPF(THP));
			o->thp += (kpf & KPF(THP)) && !(kpf & KPF(ZERO_PAGE));
			cont = (prev_pme & PME_PRESENT) &&
			       (prev_pme & PME_STATE) == (pme & PME_STATE) &&
			       (prev_kpf & KPF_STATE) == (kpf & KPF_STATE) &&
			       (!pfns || (prev_pme & PME_PFN_MASK) + 1 ==
					 (pme & PME_PFN_MASK));
			o->runs += !cont;
			prev_pme = pme;
			prev_kpf = kpf;
		}
	}
out:
	if (pm >= 0)
		close(pm);
	if (kc.fd >= 0)
		close(kc.fd);
	free(buf);
	return ret;
}

/* Every run of every VMA lies inside its VMA and below USER_END. */
uint64_t runs_outside(const struct gs_snapshot *s)
{
	uint64_t bad = 0, ps = s->hdr->page_size;

	for (size_t v = 0; v < s->nr_vmas; v++) {
		const struct gs_vma *gv = &s->vmas[v];

		for (size_t i = 0; i < gv->nr_runs; i++) {
			const struct gosnap_page_run *r = &gv->runs[i];
			uint64_t end = r->addr + (uint64_t)r->npages * ps;

			if (r->addr >= gv->rec->start && end <= gv->rec->end &&
			    end > r->addr && end <= USER_END)
				continue;
			if (bad++ < 5)
				fprintf(stderr, "# VMA %#llx-%#llx: run %zu at "
					"%#llx, %u pages, lies outside it\n", (unsigned long long)gv->rec->start,
				       (unsigned long long)gv->rec->end, i,
				       (unsigned long long)r->addr, r->npages);
		}
	}
	return bad;
}

/* smaps right now, and the entries inside [start, end) (or all). */
int vmas_in(pid_t pid, uint64_t start, uint64_t end,
		   struct proc_vma **all, size_t *nr_all, size_t *first, size_t *n)
{
	int ret = procmaps_read(pid, all, nr_all);

	*first = 0;
	*n = 0;
	if (ret)
		return ret;
	for (size_t i = 0; i < *nr_all; i++) {
		if ((*all)[i].start < start || (*all)[i].end > end)
			continue;
		if (!*n)
			*first = i;
		(*n)++;
	}
	return 0;
}
