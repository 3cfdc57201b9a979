/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe captures: freeze a process at functions of its executable
 * (`capture --at SYM -- PROG ARGS` or `capture --at SYM --pid PID`), one
 * snapshot file per captured hit.
 */
#ifndef GOSNAP_CAPTURE_PROBE_H
#define GOSNAP_CAPTURE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROBE_MAX_AT	32

struct probe_opts {
	const char	*at[PROBE_MAX_AT];	/* SPEC or SPEC#N */
	unsigned int	nr_at;
	unsigned long	hits;		/* --hits N: default Nth hit (0: every) */
	unsigned long	max_snapshots;	/* 0: no bound */
	const char	*outdir;	/* -o DIR */
	const char	*device;
	uint32_t	mode;
	unsigned long long max_bytes;
	bool		no_pfn;
	bool		pte_facts;	/* GOSNAP_TARGET_PTE_FACTS */
	bool		embed;		/* --embed: an EMBED chunk in every file */
	bool		stop_world;
	bool		every_entry;	/* count prologue re-entries as hits */
	bool		hold;		/* keep the thread parked while ... */
	const char	*while_held;	/* ... this shell command runs */
	unsigned int	hold_ms;
	unsigned long	gc_cycle;	/* --gc-cycle N: keep cycle N's moments */
	pid_t		pid;		/* --pid, or 0 to start argv */
	char		**argv;		/* the program to start, NULL-terminated */
	bool		target_stdout_to_stderr;	/* keep stdout for our JSON */
};

/* PATH lookup as execvp() does it: 0 and the file in out, or -1. */
int capture_find_program(const char *name, char *out, size_t outlen);

/* Run a probe capture. Returns the exit status for main(). */
int capture_probes(const struct probe_opts *o);

#endif /* GOSNAP_CAPTURE_PROBE_H */
