/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stacks model printed by `gosnap-cli stacks`: the hitting thread's
 * frames and every goroutine. stacks_plain.c and stacks_json.c print it.
 */
#ifndef GOSNAP_STACKS_OUT_H
#define GOSNAP_STACKS_OUT_H

#include "goroutines.h"
#include "snapctx.h"

struct stacks_model {
	const char *snap_path;
	struct gs_snapctx *ctx;
	const struct gosnap_rec_thread *hit;	/* NULL if none */
	uint64_t hit_g;
	const struct gs_goroutine *hit_goroutine; /* NULL: g0 or unknown */
	bool have_hit_unwind;
	struct gs_unwind hit_unwind;
	struct gs_goroutines gr;
};

void stacks_print_plain(const struct stacks_model *sm);
void stacks_print_json(const struct stacks_model *sm);

#endif /* GOSNAP_STACKS_OUT_H */
