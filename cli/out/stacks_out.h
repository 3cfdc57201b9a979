/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stacks model printed by `gosnap-cli stacks`: the hitting thread's
 * frames, every other thread's whose registers were captured, and every
 * goroutine. stacks_plain.c and stacks_json.c print it.
 */
#ifndef GOSNAP_STACKS_OUT_H
#define GOSNAP_STACKS_OUT_H

#include "decode/goroutines.h"
#include "decode/snapctx.h"
#include "decode/threadwalk.h"

struct stacks_model {
	const char *snap_path;
	struct gs_snapctx *ctx;
	struct gs_thread_walks tw;		/* threads with registers */
	const struct gs_thread_walk *hit;	/* the hitting thread's, or NULL */
	const struct gs_goroutine *hit_goroutine; /* NULL: g0 or unknown */
	struct gs_goroutines gr;
};

void stacks_print_plain(const struct stacks_model *sm);
void stacks_print_json(const struct stacks_model *sm);

#endif /* GOSNAP_STACKS_OUT_H */
