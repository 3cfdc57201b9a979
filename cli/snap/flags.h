/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the ABI's flag bits (page runs, VMAs, snapshot header), one
 * table per set, used both to print flags and to parse --flags filters.
 */
#ifndef GOSNAP_FLAGS_H
#define GOSNAP_FLAGS_H

#include <stddef.h>
#include <stdint.h>

struct gs_flag_names {
	const char *const *names;	/* indexed by bit number; NULL = unnamed */
	size_t nr;
};

extern const struct gs_flag_names gs_page_flags;	/* GOSNAP_PG_* */
extern const struct gs_flag_names gs_vma_flags;		/* GOSNAP_VMA_* */
extern const struct gs_flag_names gs_stream_flags;	/* GOSNAP_SF_* */

/* The bits of t that have a name. */
uint32_t gs_flags_known(const struct gs_flag_names *t);
/* "present,anon,thp" (unnamed bits as "bit23"); "" for 0. Returns buf. */
char *gs_flags_str(const struct gs_flag_names *t, uint32_t flags, char *buf,
		   size_t len);

/*
 * Parse "present,thp,!zero": *set gets the bits that must be set, *clear
 * those that must not. Returns 0, or -1 with err naming the unknown name.
 */
int gs_flags_parse(const struct gs_flag_names *t, const char *s,
		   uint32_t *set, uint32_t *clear, char *err, size_t errlen);

const char *gs_trigger_name(uint32_t trigger);
const char *gs_mode_name(uint32_t mode);
const char *gs_thread_state_name(uint32_t state);
const char *gs_mem_why_name(uint32_t why);
const char *gs_build_id_type_name(uint32_t type);
const char *gs_arch_name(uint32_t arch);

#endif /* GOSNAP_FLAGS_H */
