/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one interface through which decoders learn the Go runtime's layouts:
 * type sizes, field offsets by name, constants and the addresses of
 * globals, each answer tagged with the source it came from. Sources are
 * tried in the order they were added (DWARF first; the runtime's type
 * descriptors and built-in per-version tables come next, see docs/heap.md).
 * A question no source can answer is remembered by name, so a decoder can
 * say exactly what was unavailable instead of assuming.
 *
 * Type names are spelled the Go way, as the binary's DWARF and type
 * descriptors spell them: "runtime.mspan", "*runtime.mspan",
 * "[8192]*runtime.mspan", "[]*runtime.mspan".
 */
#ifndef GOSNAP_LAYOUT_H
#define GOSNAP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gs_layout_src {
	GS_LAYOUT_NONE = 0,
	GS_LAYOUT_DWARF,	/* the binary's DWARF (layout_dwarf.c) */
	GS_LAYOUT_TYPEDESC,	/* the runtime's type descriptors */
	GS_LAYOUT_TABLE,	/* built-in per-version tables */
	GS_LAYOUT_DECODED,	/* globals from instruction decoding */
};

#define GS_TYPE_NAME_MAX	160

struct gs_field {
	uint64_t	offset;		/* from the start of the outer type */
	uint64_t	size;		/* of the field's type */
	char		type[GS_TYPE_NAME_MAX];	/* the field's type name */
	enum gs_layout_src src;
};

/*
 * One source of layout facts. Every callback returns 0 when it answered,
 * 1 when it does not know (the next source is asked), -1 on a malformed
 * input (reported as unavailable, the next source is asked too).
 */
struct gs_layout_ops {
	const char *name;
	enum gs_layout_src src;
	int (*type_size)(void *priv, const char *type, uint64_t *size);
	int (*field)(void *priv, const char *type, const char *field,
		     struct gs_field *out);
	int (*constant)(void *priv, const char *name, int64_t *value);
	/* Address of a global and its type name (may be left empty). */
	int (*global)(void *priv, const char *name, uint64_t *addr,
		      char *type, size_t typelen);
	/*
	 * The runtime type descriptor at link-time address addr (a heap
	 * object's allocation header points at one): its name and size.
	 */
	int (*type_at)(void *priv, uint64_t addr, char *name, size_t namelen,
		       uint64_t *size);
	void (*close)(void *priv);
};

struct gs_layout;

/* An empty layout: add sources with gs_layout_add(). */
struct gs_layout *gs_layout_new(void);
void gs_layout_free(struct gs_layout *l);
/* Takes ownership of priv (ops->close frees it). Returns 0 or -1. */
int gs_layout_add(struct gs_layout *l, const struct gs_layout_ops *ops,
		  void *priv);

struct gs_exe;

/*
 * Every source this executable offers, in order. Returns the layout (with
 * at least zero sources: every question then reads unavailable) and puts
 * a note about sources that could not be opened in note ("" if none).
 * The sources borrow exe (exe/exe.h): it must outlive the layout.
 */
struct gs_layout *gs_layout_open(struct gs_exe *exe, char *note,
				 size_t notelen);

/* The DWARF source (layout_dwarf.c): 0, 1 if there is no DWARF, -1. */
int gs_layout_add_dwarf(struct gs_layout *l, struct gs_exe *exe,
			char *err, size_t errlen);
/*
 * The globals found by instruction decoding (layout_globals.c), asked
 * last: 0, 1 if none could be decoded, -1.
 */
int gs_layout_add_decoded(struct gs_layout *l, struct gs_exe *exe,
			  char *err, size_t errlen);

const char *gs_layout_src_name(enum gs_layout_src src);

/*
 * Questions. Each returns true with the answer and its source in *src (may
 * be NULL), or false after recording the name as unavailable.
 */
bool gs_layout_size(struct gs_layout *l, const char *type, uint64_t *size,
		    enum gs_layout_src *src);
/* path: one field, or a dotted path through nested structs ("pages.inUse"). */
bool gs_layout_field(struct gs_layout *l, const char *type, const char *path,
		     struct gs_field *out);
bool gs_layout_const(struct gs_layout *l, const char *name, int64_t *value,
		     enum gs_layout_src *src);
bool gs_layout_global(struct gs_layout *l, const char *name, uint64_t *addr,
		      char *type, size_t typelen, enum gs_layout_src *src);

/*
 * The type whose runtime descriptor is at addr, an address of the process
 * (an allocation header's or a span's largeType): its name, spelled as
 * DWARF spells it, and its size. False when no source knows a descriptor
 * there; nothing is recorded as unavailable (the address is data).
 */
bool gs_layout_type_at(struct gs_layout *l, uint64_t addr, char *name,
		       size_t namelen, uint64_t *size, enum gs_layout_src *src);

/*
 * The load bias of the process the layout decodes (decode/loadbias.h):
 * from then on every global's address is the link-time one plus bias,
 * the process's. 0 (the default) for an executable read alone.
 */
void gs_layout_set_bias(struct gs_layout *l, uint64_t bias);

/* Probes: like the above, but a miss is not recorded (optional fields). */
bool gs_layout_has_field(struct gs_layout *l, const char *type,
			 const char *path, struct gs_field *out);
bool gs_layout_has_const(struct gs_layout *l, const char *name,
			 int64_t *value);
bool gs_layout_has_global(struct gs_layout *l, const char *name, uint64_t *addr,
			  char *type, size_t typelen);

/*
 * Element type of an array or slice type name ("[8]uint64" -> "uint64",
 * "[]*runtime.mspan" -> "*runtime.mspan"), and for arrays the length
 * (0 for slices). False if type is neither.
 */
bool gs_type_elem(const char *type, char *elem, size_t elemlen,
		  uint64_t *count);

/* Every name asked for and not found, in the order first asked. */
size_t gs_layout_nr_missing(const struct gs_layout *l);
const char *gs_layout_missing(const struct gs_layout *l, size_t i);

/* Which sources answered at least one question (bit 1 << src). */
unsigned int gs_layout_sources_used(const struct gs_layout *l);

#endif /* GOSNAP_LAYOUT_H */
