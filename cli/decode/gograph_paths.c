// SPDX-License-Identifier: GPL-2.0
/*
 * The field paths of gograph.h: interned by (parent, root, selector) in
 * an open-addressing index, named by walking up to the root.
 */
#include "decode/gograph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t path_hash(uint32_t parent, uint32_t rootent, const char *sel)
{
	uint64_t h = 1469598103934665603ULL ^ ((uint64_t)parent << 32 | rootent);

	for (; *sel; sel++)
		h = (h ^ (uint8_t)*sel) * 1099511628211ULL;
	return h ^ h >> 29;
}

static bool reindex(struct gograph *g, size_t cap)
{
	uint32_t *v = calloc(cap, sizeof(*v));
	size_t i, k;

	if (!v)
		return false;
	for (i = 0; i < g->nr_paths; i++) {
		const struct gg_path *p = &g->paths[i];

		for (k = path_hash(p->parent, p->rootent, p->sel) & (cap - 1); v[k];
		     k = (k + 1) & (cap - 1))
			;
		v[k] = (uint32_t)i + 1;
	}
	free(g->path_index);
	g->path_index = v;
	g->path_icap = cap;
	return true;
}

uint32_t gg_path_intern(struct gograph *g, uint32_t parent, uint32_t rootent,
			const char *sel)
{
	struct gg_path *p;
	size_t k;

	if (g->path_icap) {
		for (k = path_hash(parent, rootent, sel) & (g->path_icap - 1);
		     g->path_index[k]; k = (k + 1) & (g->path_icap - 1)) {
			p = &g->paths[g->path_index[k] - 1];
			if (p->parent == parent && p->rootent == rootent && !strcmp(p->sel, sel))
				return g->path_index[k];
		}
	}
	if (g->nr_paths >= GG_MAX_PATHS)
		return 0;
	if (g->nr_paths == g->cap_paths) {
		size_t cap = g->cap_paths ? 2 * g->cap_paths : 256;

		p = realloc(g->paths, cap * sizeof(*p));
		if (!p)
			return 0;
		g->paths = p;
		g->cap_paths = cap;
	}
	if (2 * (g->nr_paths + 1) > g->path_icap &&
	    !reindex(g, g->path_icap ? 2 * g->path_icap : 1024))
		return 0;
	p = &g->paths[g->nr_paths++];
	memset(p, 0, sizeof(*p));
	p->parent = parent;
	p->rootent = rootent;
	p->depth = (uint16_t)(parent ? g->paths[parent - 1].depth + 1 : 1);
	snprintf(p->sel, sizeof(p->sel), "%s", sel);
	for (k = path_hash(parent, rootent, sel) & (g->path_icap - 1); g->path_index[k];
	     k = (k + 1) & (g->path_icap - 1))
		;
	g->path_index[k] = (uint32_t)g->nr_paths;
	return (uint32_t)g->nr_paths;
}

void gograph_path_name(const struct gograph *g, uint32_t i, char *buf, size_t len)
{
	uint32_t ids[64], k = i + 1;
	size_t n = 0, at;
	int w;

	while (k && n < 64) {
		ids[n++] = k - 1;
		k = g->paths[k - 1].parent;
	}
	w = snprintf(buf, len, "%s", g->rootents[g->paths[i].rootent - 1].name);
	at = w > 0 ? (size_t)w : 0;
	while (n && at < len) {
		n--;
		w = snprintf(buf + at, len - at, "%s", g->paths[ids[n]].sel);
		at += w > 0 ? (size_t)w : 0;
	}
}

bool gg_map_internal(const char *name)
{
	/* the linker's own (hash<K,V>, map<K,V>...), the runtime's map types
	 * headers name (runtime.hmap and bmap before go1.24, the swiss
	 * tables and groups since) */
	static const char *const pre[] = { "hash<", "bucket<", "map<", "table<",
					   "groupReference<", "noalg.map.", "map.",
					   "runtime.hmap", "runtime.bmap", "runtime.mapextra",
					   "internal/runtime/maps." };
	size_t i;

	while (*name == '*' || (name[0] == '[' && name[1] == ']'))
		name += *name == '*' ? 1 : 2;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (!strncmp(name, pre[i], strlen(pre[i])))
			return true;
	return false;
}
