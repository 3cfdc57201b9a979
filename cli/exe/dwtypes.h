/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program's own types, globals and frame variables from its DWARF
 * (libdw), for typing heap objects along pointers (decode/gotypeflow.h),
 * the way viewcore does. What Go's linker writes (cmd/link, dwarf.go):
 *
 *   - every type at the top level of a compile unit, with its reflect
 *     kind (DW_AT_go_kind) and its runtime type descriptor as an offset
 *     from moduledata.types (DW_AT_go_runtime_type);
 *   - slices and strings as structs of a kind of their own, interfaces
 *     as typedefs of runtime.eface or runtime.iface;
 *   - maps and channels as typedefs of pointers to structs it makes up:
 *     hash<K,V> (buckets: *bucket<K,V>) before go1.24, map<K,V> (dirPtr:
 *     **table<K,V>, a group itself while dirLen is 0) since; hchan<T>;
 *   - globals as variables whose location is one DW_OP_addr;
 *   - a function's variables with locations, often location lists of
 *     pieces (DW_OP_fbreg off: the frame's CFA + off; a register; or
 *     nothing), in lexical blocks and inlined calls under it.
 *
 * Types are built on first use and kept, by DIE; a type reached through
 * a pointer is built only when the pointer is followed, so building one
 * recurses only through what a value contains (bounded).
 */
#ifndef GOSNAP_DWTYPES_H
#define GOSNAP_DWTYPES_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dwt_kind {
	DWT_OTHER,		/* no pointer to follow: scalars, funcs */
	DWT_PTR,		/* elem: the pointee (maps and chans: their struct) */
	DWT_UNSAFE,		/* unsafe.Pointer: no type to give */
	DWT_STRUCT,
	DWT_ARRAY,		/* count elems */
	DWT_SLICE,		/* word 0 points to elem's array */
	DWT_STRING,		/* word 0 points to elem (uint8) bytes */
	DWT_EFACE,		/* word 0: *_type, word 1: data */
	DWT_IFACE,		/* word 0: *itab (its type at itab_type), word 1 */
};

#define DWT_NONE	0U		/* index of no type */
#define DWT_MAX_TYPES	(1U << 22)
#define DWT_MAX_PIECES	8

struct dwt_field {
	const char	*name;
	uint64_t	off;
	uint32_t	type;
};

struct dwt {
	enum dwt_kind	kind;
	int		go_kind;	/* reflect.Kind, 0 if not given */
	bool		hasptr;		/* holds a pointer the flow follows */
	bool		ptrdata;	/* holds any pointer word (the runtime's
					 * view: unsafe.Pointer, funcs too) */
	bool		swiss_map;	/* map<K,V>: dirPtr's target by dirLen */
	uint64_t	size;
	uint64_t	count;		/* ARRAY */
	Dwarf_Off	elem_die;	/* PTR, SLICE, STRING, ARRAY: 0 none */
	uint32_t	elem;		/* elem_die's type, once built */
	uint32_t	fields, nfields;	/* STRUCT: into the field table */
	uint64_t	itab_type;	/* IFACE: offset of itab's type word */
	uint64_t	rtype_off;	/* from moduledata.types; 0 none */
	/* the leaves (dwt_leaves), once built: 0 not yet, 1 built, 2 too many */
	uint8_t		leaves_state;
	uint32_t	leaves, nleaves;
	Dwarf_Off	die;
	const char	*name;
};

struct dwt_global {
	uint64_t	addr;		/* unrelocated */
	Dwarf_Off	type_die;
	const char	*name;
};

/* Where one piece of a variable's bytes [lo, hi) is at a pc. */
struct dwt_piece {
	uint64_t	lo, hi;
	bool		in_frame;	/* at the frame's CFA + cfa_off */
	int64_t		cfa_off;
};

struct dwt_var {
	const char	*name;
	uint32_t	type;
	size_t		npieces;	/* 1 with lo 0, hi size: one place */
	struct dwt_piece p[DWT_MAX_PIECES];
};

struct dwtypes;

/* Read d's index (globals, functions, runtime types); NULL: err says. */
struct dwtypes *dwtypes_open(Dwarf *d, char *err, size_t errlen);
void dwtypes_close(struct dwtypes *t);

/* The type of DIE off, built on first use; DWT_NONE if it is none. */
uint32_t dwt_of_die(struct dwtypes *t, Dwarf_Off off);
/* The type whose descriptor is at moduledata.types + off; DWT_NONE. */
uint32_t dwt_of_rtype(struct dwtypes *t, uint64_t off);
/* Valid until the next call that may build a type. */
const struct dwt *dwt_get(const struct dwtypes *t, uint32_t ty);
const struct dwt_field *dwt_field(const struct dwtypes *t, uint32_t ty, uint32_t i);
/* A struct's field by name, or NULL. */
const struct dwt_field *dwt_field_named(const struct dwtypes *t, uint32_t ty,
					const char *name);
/* elem of a PTR, SLICE, STRING or ARRAY, built on first use. */
uint32_t dwt_elem(struct dwtypes *t, uint32_t ty);

const struct dwt_global *dwt_globals(const struct dwtypes *t, size_t *n);

/*
 * (exe/dwframe.c) The variables of the function at pc (unrelocated) that have a place
 * there, for each: cb(ctx, var). Returns how many variables the function
 * declares in scope at pc (0: no function, or none), or -1 when the
 * function's frame base is not its CFA (not Go's DWARF).
 */
typedef void (*dwt_var_cb)(void *ctx, const struct dwt_var *v);
long dwt_frame_vars(struct dwtypes *t, uint64_t pc, dwt_var_cb cb, void *ctx);

/*
 * One word (or pair: interfaces, slices, strings) a value of a type holds
 * that the flow acts on, at off: a PTR, SLICE, STRING, EFACE or IFACE
 * type, or a swiss map<K,V> struct, found through structs and arrays.
 */
struct dwt_leaf {
	uint64_t	off;
	uint32_t	type;
};

#define DWT_MAX_LEAVES	256

/*
 * (exe/dwleaves.c) ty's leaves, flattened once and kept: *n of them;
 * NULL when ty holds more than DWT_MAX_LEAVES (walk it field by field).
 * Valid until the next call that may build a type or leaves.
 */
const struct dwt_leaf *dwt_leaves(struct dwtypes *t, uint32_t ty, size_t *n);

/*
 * (exe/dwpath.c) The field path of offset off in a value of ty, into buf:
 * ".buf", "[*].elems[*]", "" at a pointer itself; "+0x18" where no field
 * covers it. Builds nothing.
 */
void dwt_field_path(const struct dwtypes *t, uint32_t ty, uint64_t off, char *buf,
		    size_t len);

/* For dwleaves.c: the type ty, writable. */
struct dwt *dwt_mut(struct dwtypes *t, uint32_t ty);

/*
 * For dwleaves.c: the leaf table with add more entries taken from *at
 * on (add 0: the table as it is); NULL when out of memory.
 */
struct dwt_leaf *dwt_leaf_table(struct dwtypes *t, size_t add, size_t *at);

/* For dwframe.c: the DWARF, and the function DIE whose range holds pc. */
Dwarf *dwt_dwarf(const struct dwtypes *t);
bool dwt_func_at(const struct dwtypes *t, uint64_t pc, Dwarf_Off *die);

#endif /* GOSNAP_DWTYPES_H */
