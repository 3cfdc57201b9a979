/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a snapshot's process loaded its executable. A PIE (ET_DYN) is
 * linked at one address and mapped at another: every address the
 * executable names (symbols, instruction-decoded globals, the pclntab's
 * PCs, pointers in its file bytes) is link-time, every address in the
 * snapshot is the process's. The difference, the load bias, is found
 * once per snapshot here, from the mappings of the executable's file
 * against its PT_LOAD program headers. ET_EXEC: 0.
 *
 * It is applied in one place per direction: link-time to runtime in
 * the layout's globals (gs_layout_set_bias) and in the file reads of
 * decode/gomem.c; runtime to link-time in the PC lookups of
 * decode/funcinfo.c.
 */
#ifndef GOSNAP_LOADBIAS_H
#define GOSNAP_LOADBIAS_H

#include <stddef.h>
#include <stdint.h>

#include "exe/elfimg.h"
#include "snap/snapshot.h"

/*
 * The load bias of im in snapshot s: 0 for ET_EXEC. For ET_DYN, the one
 * placement of the executable's mappings (path s->exe) that every
 * file-backed PT_LOAD agrees with: bias = mapping start - page of
 * p_vaddr, the mapping's file offset the page of p_offset. No such
 * placement, or more than one, is an error (-1 with err): a wrong bias
 * would decode garbage, so none is guessed.
 */
int gs_load_bias(const struct gs_snapshot *s, const struct gs_elfimg *im,
		 uint64_t *bias, char *err, size_t errlen);

#endif /* GOSNAP_LOADBIAS_H */
