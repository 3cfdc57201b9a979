// SPDX-License-Identifier: GPL-2.0
/* Resolving a decoder's declared needs through the layout; see needs.h. */
#include <string.h>

#include "decode/needs.h"

const char *gs_need_kind_name(enum gs_need_kind k)
{
	switch (k) {
	case GS_NEED_FIELD:	return "field";
	case GS_NEED_SIZE:	return "size";
	case GS_NEED_CONST:	return "constant";
	case GS_NEED_GLOBAL:	return "global";
	}
	return "?";
}

/* One spelling; record says whether a miss goes to the unavailable list. */
static bool ask(struct gs_layout *l, const struct gs_need *n, const char *name,
		bool record, struct gs_need_ans *a)
{
	struct gs_field f;
	int64_t v;

	switch (n->kind) {
	case GS_NEED_FIELD:
		if (!(record ? gs_layout_field(l, n->type, name, &f) :
			       gs_layout_has_field(l, n->type, name, &f)))
			return false;
		a->value = f.offset;
		a->size = f.size;
		a->src = f.src;
		memcpy(a->type, f.type, sizeof(a->type));
		return true;
	case GS_NEED_SIZE:
		if (!record)
			return false;	/* sizes have one spelling */
		return gs_layout_size(l, n->type, &a->value, &a->src);
	case GS_NEED_CONST:
		if (record ? !gs_layout_const(l, name, &v, &a->src) :
			     !gs_layout_has_const(l, name, &v))
			return false;
		a->value = (uint64_t)v;
		return true;
	case GS_NEED_GLOBAL:
		return record ? gs_layout_global(l, name, &a->value, a->type,
						 sizeof(a->type), &a->src) :
				gs_layout_has_global(l, name, &a->value, a->type,
						     sizeof(a->type));
	}
	return false;
}

void gs_needs_resolve(struct gs_layout *l, const struct gs_needs *t,
		      struct gs_need_ans *ans)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct gs_need *n = &t->v[i];
		struct gs_need_ans *a = &ans[i];

		memset(a, 0, sizeof(*a));
		if (!l)
			continue;
		/* a probe that hits is asked again for its source */
		if (n->alt && ask(l, n, n->alt, false, a) &&
		    ask(l, n, n->alt, true, a))
			a->name = n->alt;
		else if (n->optional ? ask(l, n, n->name, false, a) &&
				       ask(l, n, n->name, true, a) :
				       ask(l, n, n->name, true, a))
			a->name = n->name;
		else
			continue;
		a->ok = true;
	}
}
