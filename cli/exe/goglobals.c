// SPDX-License-Identifier: GPL-2.0
/*
 * Go runtime globals from .symtab and from RIP-relative references in
 * runtime functions found through the pclntab. See goglobals.h.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errbuf.h"
#include "exe/elfsym.h"
#include "exe/goglobals.h"
#include "exe/x86dec.h"

#define MAX_SEGS		16
#define MAX_FUNC_BYTES		(1U << 20)	/* no runtime function is larger */
#define CALL_WINDOW		10		/* insns an argument LEA may precede its CALL by */
#define STRING_HDR_LEN_OFF	8		/* Go string {ptr, len}: len is the 2nd word */
#define ABI0_SUFFIX		".abi0"
#define GOID_CACHE_BATCH	16	/* goids a P takes from sched.goidgen at once */

/* The executable's bytes, mapped, with its PT_LOAD segments. */
struct image {
	const uint8_t	*map;
	size_t		size;
	Elf		*elf;
	struct {
		uint64_t vaddr, memsz, offset, filesz;
		uint32_t flags;
	} segs[MAX_SEGS];
	size_t		nsegs;
	uint64_t	relro_start;	/* PT_GNU_RELRO: writable only while */
	uint64_t	relro_end;	/* relocating (PIE type data), not variables */
	bool		pie;
};

/* One function, decoded from its entry. */
struct code {
	const struct gs_func	*f;
	struct x86_insn		*in;
	size_t			n;
	bool			cut;	/* stopped on an undecodable byte */
};

enum rule_kind {
	RK_LEA_BEFORE_CALL,	/* nearest LEA rip -> reg before CALL callee */
	RK_NTH_LEA,		/* the n-th RIP-relative LEA */
	RK_NTH_QLOAD,		/* the n-th 64-bit RIP-relative load */
	RK_WORD_RUN,		/* n consecutive qword loads at T, T+8…: slice header */
	RK_LEA_XCHG_LAST,	/* last "LEA rip -> r; XCHG [r]" (atomic store) */
	RK_LEA_XADD,		/* "LEA rip -> r; … LOCK XADD [r]" (atomic add) */
	RK_CMP0_STORE_IMM,	/* CMP qword [X], 0 and MOV qword [X], imm: X - 8 */
	RK_PTR_BESIDE_LEN,	/* qword access at A with MOV qword [A+8], imm: A */
	RK_FIRST_RIP,		/* the first RIP-relative memory operand */
	RK_CMP0_BEFORE_CALL,	/* CMP qword [X], 0 before CALL callee */
	RK_DCMP_IMM,		/* the first CMP dword [rip+X], n */
};

struct rule {
	enum rule_kind	kind;
	const char	*func;		/* function to decode (pclntab name) */
	const char	*callee;	/* for *_BEFORE_CALL */
	int		reg;		/* for RK_LEA_BEFORE_CALL */
	int		n;		/* for RK_NTH_*, RK_WORD_RUN */
	int		min_minor;	/* Go 1.N the rule was checked from; 0: any */
};

enum memcheck { MC_NONE, MC_BUILDVERSION, MC_MODULEDATA };

#define MAX_RULES	3

struct global_def {
	const char	*name;
	struct rule	rules[MAX_RULES];	/* tried in order */
	enum memcheck	mc;
};

#define LEA_CALL(f, c, r)	{ RK_LEA_BEFORE_CALL, f, c, r, 0, 0 }
#define RULE(k, f, n)		{ k, f, NULL, 0, n, 0 }
/* memstats.heapStats became mstats' first field by Go 1.19 (checked there) */
#define HEAPSTATS_FIRST_MINOR	19
#define HEAPSTATS_CALL(f)	{ RK_LEA_BEFORE_CALL, f,			\
		"runtime.(*consistentHeapStats).acquire", X86_RAX, 0,	\
		HEAPSTATS_FIRST_MINOR }

/*
 * The rules. Receivers and first arguments travel in RAX (register ABI);
 * a global whose address is passed as a method receiver is found at the
 * LEA into RAX right before the call. Rules of one global use different
 * instructions, mostly in different functions.
 */
static const struct global_def defs[GS_GLOBAL_COUNT] = {
	[GS_GLOBAL_MHEAP] = { "runtime.mheap_", {
		LEA_CALL("runtime.(*mcentral).grow", "runtime.(*mheap).alloc", X86_RAX),
		LEA_CALL("runtime.mallocinit", "runtime.(*mheap).init", X86_RAX),
		LEA_CALL("runtime.(*mcache).allocLarge", "runtime.(*mheap).alloc", X86_RAX),
	}, MC_NONE },
	[GS_GLOBAL_ALLGS] = { "runtime.allgs", {
		RULE(RK_WORD_RUN, "runtime.allgadd", 3),
		RULE(RK_WORD_RUN, "runtime.forEachG", 2),
	}, MC_NONE },
	[GS_GLOBAL_ALLGLEN] = { "runtime.allglen", {
		RULE(RK_NTH_QLOAD, "runtime.forEachGRace", 0),
		RULE(RK_LEA_XCHG_LAST, "runtime.allgadd", 0),
	}, MC_NONE },
	[GS_GLOBAL_ALLGPTR] = { "runtime.allgptr", {
		LEA_CALL("runtime.allgadd", "runtime.atomicwb", X86_RAX),
		RULE(RK_NTH_QLOAD, "runtime.forEachGRace", 1),
	}, MC_NONE },
	[GS_GLOBAL_ALLP] = { "runtime.allp", {
		RULE(RK_WORD_RUN, "runtime.gcMarkTinyAllocs", 2),
		RULE(RK_WORD_RUN, "runtime.preemptall", 2),
	}, MC_NONE },
	[GS_GLOBAL_SCHED] = { "runtime.sched", {	/* sched.goidgen is its first field */
		RULE(RK_LEA_XADD, "runtime.newproc1", GOID_CACHE_BATCH),
		RULE(RK_LEA_XADD, "runtime.oneNewExtraM", 1),
	}, MC_NONE },
	[GS_GLOBAL_WORK] = { "runtime.work", {		/* work.full is its first field */
		LEA_CALL("runtime.putfull", "runtime.(*lfstack).push", X86_RAX),
		RULE(RK_FIRST_RIP, "runtime.trygetfull", 0),
		{ RK_CMP0_BEFORE_CALL, "runtime.gcDrain", "runtime.(*gcWork).balance", 0, 0, 0 },
	}, MC_NONE },
	[GS_GLOBAL_M0] = { "runtime.m0", {
		LEA_CALL("runtime.rt0_go", "runtime.check", X86_RAX),
		LEA_CALL("runtime.mstart1", "runtime.mstartm0", X86_RAX),
	}, MC_NONE },
	[GS_GLOBAL_G0] = { "runtime.g0", {
		RULE(RK_NTH_LEA, "runtime.rt0_go", 0),
		LEA_CALL("runtime.rt0_go", "runtime.check", X86_RCX),
	}, MC_NONE },
	[GS_GLOBAL_BUILDVERSION] = { "runtime.buildVersion", {
		RULE(RK_CMP0_STORE_IMM, "runtime.schedinit", 0),
		RULE(RK_PTR_BESIDE_LEN, "runtime.schedinit", 0),
	}, MC_BUILDVERSION },
	[GS_GLOBAL_FIRSTMODULEDATA] = { "runtime.firstmoduledata", {
		RULE(RK_NTH_LEA, "runtime.findfunc", 0),
		RULE(RK_NTH_LEA, "runtime.modulesinit", 0),
		RULE(RK_NTH_LEA, "runtime.resolveNameOff", 0),
	}, MC_MODULEDATA },
	[GS_GLOBAL_MEMSTATS] = { "runtime.memstats", {	/* memstats.heapStats is first */
		HEAPSTATS_CALL("runtime.(*mcache).refill"),
		HEAPSTATS_CALL("runtime.(*mheap).allocSpan"),
		HEAPSTATS_CALL("runtime.(*mcache).allocLarge"),
	}, MC_NONE },
	[GS_GLOBAL_GCCONTROLLER] = { "runtime.gcController", {
		LEA_CALL("runtime.gcStart", "runtime.(*gcControllerState).startCycle", X86_RAX),
		LEA_CALL("runtime.gcinit", "runtime.(*gcControllerState).init", X86_RAX),
		LEA_CALL("runtime.gcControllerCommit", "runtime.(*gcControllerState).commit", X86_RAX),
	}, MC_NONE },
	/* the first dword compare with _GCmark (1), _GCmarktermination (2) */
	[GS_GLOBAL_GCPHASE] = { "runtime.gcphase", {
		RULE(RK_DCMP_IMM, "runtime.gcMarkDone", 1),
		RULE(RK_DCMP_IMM, "runtime.(*gcWork).balance", 1),
		RULE(RK_DCMP_IMM, "runtime.gcMark", 2),
	}, MC_NONE },
	[GS_GLOBAL_ALLM] = { "runtime.allm", {
		RULE(RK_LEA_XCHG_LAST, "runtime.mcommoninit", 0),
		RULE(RK_NTH_LEA, "runtime.mexit", 2),	/* after m0, sched.lock */
		LEA_CALL("runtime.mcommoninit", "runtime.atomicwb", X86_RAX),
	}, MC_NONE },
};

struct finder {
	struct image		im;
	struct gs_symtab	*st;
	struct gs_globals	*out;
	int			go_minor;	/* N of "go1.N", -1 if unknown */
};

/* ---------------------------------------------------------------------- */
/* The file image                                                          */
/* ---------------------------------------------------------------------- */

/* The executable's image (exe/elfimg.h), borrowed: nothing to close. */
static int image_from(struct image *im, const struct gs_elfimg *src,
		      const char *path, char *err, size_t errlen)
{
	size_t i;

	if (src->machine != EM_X86_64) {
		set_err(err, errlen, "%s: not an x86-64 executable", path);
		return -1;
	}
	im->map = src->map;
	im->size = src->len;
	im->elf = src->elf;
	im->pie = src->pie;
	im->relro_start = src->relro_start;
	im->relro_end = src->relro_end;
	for (i = 0; i < src->nr_seg && im->nsegs < MAX_SEGS; i++, im->nsegs++) {
		im->segs[im->nsegs].vaddr = src->seg[i].vaddr;
		im->segs[im->nsegs].memsz = src->seg[i].memsz;
		im->segs[im->nsegs].offset = src->seg[i].offset;
		im->segs[im->nsegs].filesz = src->seg[i].filesz;
		im->segs[im->nsegs].flags = src->seg[i].flags;
	}
	return 0;
}

/* len bytes of the file at vaddr, or NULL if not all in the file. */
static const uint8_t *image_ptr(const struct image *im, uint64_t vaddr, size_t len)
{
	size_t i;

	for (i = 0; i < im->nsegs; i++) {
		uint64_t rel = vaddr - im->segs[i].vaddr;

		if (vaddr < im->segs[i].vaddr || rel >= im->segs[i].filesz)
			continue;
		if (len > im->segs[i].filesz - rel)
			return NULL;
		return im->map + im->segs[i].offset + rel;
	}
	return NULL;
}

/*
 * Does [vaddr, vaddr+len) lie in one writable segment (data or bss), and
 * outside the RELRO range (read-only after relocation: no variables)?
 */
static bool image_writable(const struct image *im, uint64_t vaddr, uint64_t len)
{
	size_t i;

	if (vaddr < im->relro_end && vaddr + len > im->relro_start)
		return false;
	for (i = 0; i < im->nsegs; i++) {
		uint64_t rel = vaddr - im->segs[i].vaddr;

		if ((im->segs[i].flags & PF_W) && vaddr >= im->segs[i].vaddr &&
		    rel < im->segs[i].memsz && len <= im->segs[i].memsz - rel)
			return true;
	}
	return false;
}

/* Fill in_symtab/symtab_addr of every global from .symtab's objects. */
static void read_symtab(struct finder *fd)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(fd->im.elf, scn))) {
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = data->d_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			int g;

			if (!gelf_getsym(data, i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
				continue;
			name = elf_strptr(fd->im.elf, sh.sh_link, sym.st_name);
			if (!name || strncmp(name, "runtime.", 8))
				continue;
			for (g = 0; g < GS_GLOBAL_COUNT; g++) {
				struct gs_global *gl = &fd->out->g[g];

				if (strcmp(name, gl->name) || gl->in_symtab)
					continue;
				gl->in_symtab = true;
				gl->symtab_addr = sym.st_value;
				gl->symtab_size = sym.st_size;
				fd->out->have_symtab = true;
			}
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Decoding functions                                                      */
/* ---------------------------------------------------------------------- */

static void code_free(struct code *c)
{
	free(c->in);
	memset(c, 0, sizeof(*c));
}

/* Decode f from its entry to its end (the next function's entry). */
static int decode_func(struct finder *fd, const struct gs_func *f, struct code *c)
{
	uint64_t size = f->size < MAX_FUNC_BYTES ? f->size : MAX_FUNC_BYTES;
	const uint8_t *p = image_ptr(&fd->im, f->entry, size);
	size_t pos = 0, cap = 0;

	memset(c, 0, sizeof(*c));
	c->f = f;
	if (!p)
		return -1;
	while (pos < size) {
		struct x86_insn in;
		int len = x86_decode(p + pos, size - pos, f->entry + pos, &in);

		if (len < 0) {
			/* int3 padding never fails; anything else means we lost track */
			c->cut = true;
			fd->out->decode_errors++;
			break;
		}
		if (c->n == cap) {
			struct x86_insn *grown;

			cap = cap ? 2 * cap : 256;
			grown = realloc(c->in, cap * sizeof(*grown));
			if (!grown) {
				code_free(c);
				return -1;
			}
			c->in = grown;
		}
		c->in[c->n++] = in;
		pos += len;
	}
	fd->out->funcs_decoded++;
	fd->out->insns_decoded += c->n;
	return 0;
}

/* "runtime.check" names "runtime.check" and "runtime.check.abi0". */
static bool same_func_name(const char *have, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(have, want, n) &&
	       (have[n] == '\0' || !strcmp(have + n, ABI0_SUFFIX));
}

static bool calls(const struct finder *fd, const struct x86_insn *in,
		  const char *callee)
{
	const struct gs_func *f;

	if (in->op != X86_OP_CALL)
		return false;
	f = gs_symtab_find_addr(fd->st, in->branch);
	return f && f->entry == in->branch && same_func_name(f->name, callee);
}

static bool qword_rip(const struct x86_insn *in, enum x86_op op)
{
	return in->op == op && in->rip_rel && in->opsize == 8;
}

/* ---------------------------------------------------------------------- */
/* Rules: each returns the index of the deciding instruction and the      */
/* address it implies, or -1.                                              */
/* ---------------------------------------------------------------------- */

static long rule_lea_before_call(const struct finder *fd, const struct code *c,
				 const struct rule *r, uint64_t *addr)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		if (!calls(fd, &c->in[i], r->callee))
			continue;
		for (j = i; j-- > 0 && i - j <= CALL_WINDOW;) {
			const struct x86_insn *in = &c->in[j];

			if (in->op == X86_OP_CALL || in->op == X86_OP_CALL_IND)
				break;
			if (in->op == X86_OP_LEA && in->rip_rel && in->reg == r->reg) {
				*addr = in->mem;
				return (long)j;
			}
		}
	}
	return -1;
}

static long rule_cmp0_before_call(const struct finder *fd, const struct code *c,
				  const struct rule *r, uint64_t *addr)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		if (!calls(fd, &c->in[i], r->callee))
			continue;
		for (j = i; j-- > 0 && i - j <= CALL_WINDOW;) {
			const struct x86_insn *in = &c->in[j];

			if (in->op == X86_OP_CALL || in->op == X86_OP_CALL_IND)
				break;
			if (qword_rip(in, X86_OP_CMP_IMM) && in->imm == 0) {
				*addr = in->mem;
				return (long)j;
			}
		}
	}
	return -1;
}

static long rule_nth(const struct finder *fd, const struct code *c,
		     const struct rule *r, uint64_t *addr)
{
	int seen = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct x86_insn *in = &c->in[i];
		bool hit;

		switch (r->kind) {
		case RK_NTH_LEA:	/* of data: type descriptors do not count */
			hit = in->op == X86_OP_LEA && in->rip_rel &&
			      image_writable(&fd->im, in->mem, 1);
			break;
		case RK_NTH_QLOAD:
			hit = qword_rip(in, X86_OP_LOAD);
			break;
		case RK_DCMP_IMM:	/* the first one: n is the immediate */
			hit = in->op == X86_OP_CMP_IMM && in->rip_rel && in->opsize == 4 &&
			      in->imm == r->n;
			if (hit) {
				*addr = in->mem;
				return (long)i;
			}
			break;
		default:	/* RK_FIRST_RIP */
			hit = in->rip_rel && !in->vex;
			break;
		}
		if (hit && seen++ == r->n) {
			*addr = in->mem;
			return (long)i;
		}
	}
	return -1;
}

/* n qword loads in a row (among RIP-relative references) at T, T+8, …. */
static long rule_word_run(const struct code *c, const struct rule *r,
			  uint64_t *addr)
{
	size_t i, k, m;

	for (i = 0; i < c->n; i++) {
		uint64_t lo = UINT64_MAX, seen_mask = 0;
		size_t got = 0;

		if (!qword_rip(&c->in[i], X86_OP_LOAD))
			continue;
		for (k = i; k < c->n && got < (size_t)r->n; k++) {
			if (!c->in[k].rip_rel)
				continue;
			if (!qword_rip(&c->in[k], X86_OP_LOAD))
				break;
			if (c->in[k].mem < lo)
				lo = c->in[k].mem;
			got++;
		}
		if (got != (size_t)r->n)
			continue;
		for (k = i, m = 0; m < got; k++) {
			uint64_t d;

			if (!c->in[k].rip_rel)
				continue;
			m++;
			d = c->in[k].mem - lo;
			if (d % 8 == 0 && d / 8 < (uint64_t)r->n)
				seen_mask |= 1ULL << (d / 8);
		}
		if (seen_mask == (1ULL << r->n) - 1) {
			*addr = lo;
			return (long)i;
		}
	}
	return -1;
}

/* Is in a memory operation through base register reg? */
static bool through(const struct x86_insn *in, enum x86_op op, int reg)
{
	return in->op == op && in->has_mem && !in->rip_rel && in->base == reg &&
	       in->disp == 0;
}

/* Was the source register of the XADD at k set to imm just before? */
static bool addend_is(const struct code *c, size_t k, int64_t imm)
{
	int src = c->in[k].reg;
	size_t j;

	for (j = k; j-- > 0 && k - j <= 4;) {
		const struct x86_insn *in = &c->in[j];
		int dst;

		if (in->opcode >= 0xb8 && in->opcode <= 0xbf && !in->vex)
			dst = (in->opcode & 7) | ((in->rex & 1) << 3);
		else if (in->opcode == 0xc7 && !in->vex && in->mod == 3 &&
			 (in->reg & 7) == 0)
			dst = in->rm;
		else
			continue;
		if (dst == src)
			return in->imm == imm;
	}
	return false;
}

static long rule_lea_atomic(const struct code *c, const struct rule *r,
			    uint64_t *addr)
{
	long found = -1;
	size_t i, k;

	for (i = 0; i + 1 < c->n; i++) {
		const struct x86_insn *in = &c->in[i];

		if (in->op != X86_OP_LEA || !in->rip_rel)
			continue;
		if (r->kind == RK_LEA_XCHG_LAST) {
			if (through(&c->in[i + 1], X86_OP_XCHG, in->reg)) {
				*addr = in->mem;
				found = (long)i;	/* keep the last */
			}
			continue;
		}
		for (k = i + 1; k < c->n && k <= i + 3; k++) {
			if (through(&c->in[k], X86_OP_XADD, in->reg) && c->in[k].lock &&
			    (!r->n || addend_is(c, k, r->n))) {
				*addr = in->mem;
				return (long)i;
			}
		}
	}
	return found;
}

static bool has_len_store(const struct code *c, uint64_t at)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (qword_rip(&c->in[i], X86_OP_STORE_IMM) && c->in[i].mem == at)
			return true;
	return false;
}

/*
 * A string variable tested for "" and then given a constant: CMP qword
 * [len], 0 and MOV qword [len], imm on the same word (its length).
 */
static long rule_string_var(const struct code *c, const struct rule *r,
			    uint64_t *addr)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct x86_insn *in = &c->in[i];

		if (r->kind == RK_CMP0_STORE_IMM) {
			if (qword_rip(in, X86_OP_CMP_IMM) && in->imm == 0 &&
			    has_len_store(c, in->mem)) {
				*addr = in->mem - STRING_HDR_LEN_OFF;
				return (long)i;
			}
			continue;
		}
		/* RK_PTR_BESIDE_LEN: the pointer word next to that length */
		if ((qword_rip(in, X86_OP_STORE) || qword_rip(in, X86_OP_LOAD) ||
		     (in->op == X86_OP_LEA && in->rip_rel)) &&
		    has_len_store(c, in->mem + STRING_HDR_LEN_OFF)) {
			*addr = in->mem;
			return (long)i;
		}
	}
	return -1;
}

static long apply_rule(const struct finder *fd, const struct code *c,
		       const struct rule *r, uint64_t *addr)
{
	switch (r->kind) {
	case RK_LEA_BEFORE_CALL:
		return rule_lea_before_call(fd, c, r, addr);
	case RK_CMP0_BEFORE_CALL:
		return rule_cmp0_before_call(fd, c, r, addr);
	case RK_NTH_LEA:
	case RK_NTH_QLOAD:
	case RK_FIRST_RIP:
	case RK_DCMP_IMM:
		return rule_nth(fd, c, r, addr);
	case RK_WORD_RUN:
		return rule_word_run(c, r, addr);
	case RK_LEA_XCHG_LAST:
	case RK_LEA_XADD:
		return rule_lea_atomic(c, r, addr);
	case RK_CMP0_STORE_IMM:
	case RK_PTR_BESIDE_LEN:
		return rule_string_var(c, r, addr);
	}
	return -1;
}

static void describe_rule(const struct rule *r, char *buf, size_t len)
{
	static const char *const regs[] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	static const char *const ordinals[] = { "first", "second", "third" };
	const char *nth = r->n >= 0 && r->n < 3 ? ordinals[r->n] : "n-th";

	switch (r->kind) {
	case RK_LEA_BEFORE_CALL:
		snprintf(buf, len, "lea %s before call %s", regs[r->reg & 15], r->callee);
		break;
	case RK_CMP0_BEFORE_CALL:
		snprintf(buf, len, "cmp qword, 0 before call %s", r->callee);
		break;
	case RK_NTH_LEA:
		snprintf(buf, len, "%s rip-relative lea of data", nth);
		break;
	case RK_NTH_QLOAD:
		snprintf(buf, len, "%s rip-relative qword load", nth);
		break;
	case RK_FIRST_RIP:
		snprintf(buf, len, "first rip-relative operand");
		break;
	case RK_DCMP_IMM:
		snprintf(buf, len, "first cmp dword, %d", r->n);
		break;
	case RK_WORD_RUN:
		snprintf(buf, len, "%d-word slice header loads", r->n);
		break;
	case RK_LEA_XCHG_LAST:
		snprintf(buf, len, "last lea + xchg (atomic store)");
		break;
	case RK_LEA_XADD:
		if (r->n)
			snprintf(buf, len, "lea + lock xadd of %d (first field)", r->n);
		else
			snprintf(buf, len, "lea + lock xadd (first field)");
		break;
	case RK_CMP0_STORE_IMM:
		snprintf(buf, len, "cmp len, 0 + mov len, imm (string variable)");
		break;
	case RK_PTR_BESIDE_LEN:
		snprintf(buf, len, "pointer word beside the constant length store");
		break;
	}
}

/*
 * Run rule r on every function of that name (a Go function and its ABI
 * wrapper share it). The result must name a writable (data/bss) address.
 */
static bool run_rule(struct finder *fd, const struct rule *r,
		     struct gs_global_ref *ref)
{
	size_t i, n = gs_symtab_count(fd->st);

	/* a rule that assumes a field order is not applied to other releases */
	if (r->min_minor && fd->go_minor < r->min_minor)
		return false;
	for (i = 0; i < n; i++) {
		const struct gs_func *f = gs_symtab_func(fd->st, i);
		struct code c;
		uint64_t addr = 0;
		long at;

		if (!same_func_name(f->name, r->func) || decode_func(fd, f, &c))
			continue;
		at = apply_rule(fd, &c, r, &addr);
		if (at >= 0 && image_writable(&fd->im, addr, 1)) {
			ref->found = true;
			ref->addr = addr;
			ref->pc = c.in[at].pc;
			ref->func = f->name;
			ref->func_off = ref->pc - f->entry;
			describe_rule(r, ref->rule, sizeof(ref->rule));
			code_free(&c);
			return true;
		}
		code_free(&c);
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Memory checks on the file's initial data                                */
/* ---------------------------------------------------------------------- */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void memcheck(struct finder *fd, struct gs_global *gl, enum memcheck mc,
		     uint64_t addr)
{
	const uint8_t *p;

	gl->memcheck_ok = -1;
	if (mc == MC_BUILDVERSION && fd->out->check_version[0]) {
		const char *want = fd->out->check_version;
		const uint8_t *s;

		gl->memcheck = "string = .go.buildinfo version";
		p = image_ptr(&fd->im, addr, 16);
		s = p ? image_ptr(&fd->im, le64(p), le64(p + 8)) : NULL;
		gl->memcheck_ok = s && le64(p + 8) == strlen(want) &&
				  !memcmp(s, want, strlen(want));
	} else if (mc == MC_MODULEDATA && fd->out->pclntab_vaddr) {
		gl->memcheck = "first word = pclntab address";
		p = image_ptr(&fd->im, addr, 8);
		gl->memcheck_ok = p && le64(p) == fd->out->pclntab_vaddr;
	}
}

static void find_global(struct finder *fd, enum gs_global_id id,
			enum gs_globals_src src)
{
	const struct global_def *def = &defs[id];
	struct gs_global *gl = &fd->out->g[id];
	int i = 0;

	for (; i < MAX_RULES && def->rules[i].func; i++)
		if (run_rule(fd, &def->rules[i], &gl->primary))
			break;
	for (i++; i < MAX_RULES && def->rules[i].func; i++)
		if (run_rule(fd, &def->rules[i], &gl->check))
			break;

	if (!gl->primary.found && def->rules[0].min_minor > fd->go_minor) {
		gl->status = GS_GLOBAL_MISSING;
		snprintf(gl->note, sizeof(gl->note),
			 "unavailable for this Go version: the rules rely on a field order checked from go1.%d on",
			 def->rules[0].min_minor);
	} else if (!gl->primary.found) {
		gl->status = GS_GLOBAL_MISSING;
		snprintf(gl->note, sizeof(gl->note),
			 "no reference matched (looked in %s%s%s)", def->rules[0].func,
			 def->rules[1].func ? " and " : "",
			 def->rules[1].func ? def->rules[1].func : "");
	} else if (!gl->check.found) {
		gl->status = GS_GLOBAL_UNCHECKED;
		snprintf(gl->note, sizeof(gl->note), "no second reference found");
	} else if (gl->check.addr != gl->primary.addr) {
		gl->status = GS_GLOBAL_CONFLICT;
		snprintf(gl->note, sizeof(gl->note),
			 "%s+%#llx says %#llx, %s+%#llx says %#llx",
			 gl->primary.func, (unsigned long long)gl->primary.func_off,
			 (unsigned long long)gl->primary.addr, gl->check.func,
			 (unsigned long long)gl->check.func_off,
			 (unsigned long long)gl->check.addr);
	} else {
		gl->status = GS_GLOBAL_OK;
	}
	if (gl->status == GS_GLOBAL_OK || gl->status == GS_GLOBAL_UNCHECKED) {
		memcheck(fd, gl, def->mc, gl->primary.addr);
		if (gl->memcheck_ok == 0) {
			gl->status = GS_GLOBAL_BAD_MEMORY;
			snprintf(gl->note, sizeof(gl->note), "memory check failed: %s",
				 gl->memcheck);
		}
	}

	if (src == GS_GLOBALS_AUTO && gl->in_symtab) {
		gl->have_addr = true;
		gl->addr = gl->symtab_addr;
		gl->source = "symtab";
	} else if (gl->status == GS_GLOBAL_OK || gl->status == GS_GLOBAL_UNCHECKED) {
		gl->have_addr = true;
		gl->addr = gl->primary.addr;
		gl->source = "decoded";
	}
}

int gs_go_globals(const struct gs_elfimg *im, const char *path,
		  struct gs_symtab *st, enum gs_globals_src src,
		  struct gs_globals *out, char *err, size_t errlen)
{
	struct finder fd = { .out = out };
	const struct gs_goversion *gv;
	const char *ver;
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < GS_GLOBAL_COUNT; i++) {
		out->g[i].name = defs[i].name;
		out->g[i].memcheck_ok = -1;
	}
	if (image_from(&fd.im, im, path, err, errlen))
		return -1;
	/* pclntab names: the same functions, stripped or not */
	fd.st = st;
	out->st = fd.st;
	out->pie = fd.im.pie;
	out->pclntab_vaddr = gs_symtab_pclntab_vaddr(fd.st);
	ver = gs_symtab_go_version(fd.st);
	if (ver)
		snprintf(out->go_version, sizeof(out->go_version), "%s", ver);
	gv = gs_symtab_goversion(fd.st);
	out->go_version_from = gv->from;
	snprintf(out->go_version_problem, sizeof(out->go_version_problem), "%s",
		 gv->problem);
	for (i = 0; i < GS_GOVER_NSRC && i < 4; i++)
		snprintf(out->go_version_found[i], sizeof(out->go_version_found[i]),
			 "%s", gv->found[i]);
	/* the decoded string is checked against the build info, never itself */
	for (i = GS_GOVER_SECTION; i <= GS_GOVER_SCAN && !out->check_version[0]; i++)
		snprintf(out->check_version, sizeof(out->check_version), "%s",
			 gv->found[i]);
	fd.go_minor = -1;
	if (sscanf(out->go_version, "go1.%d", &fd.go_minor) != 1)
		fd.go_minor = -1;
	read_symtab(&fd);
	for (i = 0; i < GS_GLOBAL_COUNT; i++)
		find_global(&fd, i, src);
	return 0;
}

int gs_go_buildversion_decoded(const struct gs_elfimg *im,
			       struct gs_symtab *st, uint64_t *addr)
{
	struct gs_globals *out = calloc(1, sizeof(*out));
	struct finder fd = { .st = st, .out = out, .go_minor = -1 };
	struct gs_global *gl;
	char err[256];
	int ret = -1;

	if (!out)
		return -1;
	if (image_from(&fd.im, im, "", err, sizeof(err)))
		goto done;
	gl = &out->g[GS_GLOBAL_BUILDVERSION];
	gl->name = defs[GS_GLOBAL_BUILDVERSION].name;
	/* no version yet: the memory check has nothing to compare with */
	find_global(&fd, GS_GLOBAL_BUILDVERSION, GS_GLOBALS_DECODE);
	if (gl->status == GS_GLOBAL_OK) {
		*addr = gl->primary.addr;
		ret = 0;
	}
done:
	free(out);
	return ret;
}

const char *gs_global_status_name(enum gs_global_status s)
{
	switch (s) {
	case GS_GLOBAL_MISSING:		return "missing";
	case GS_GLOBAL_OK:		return "cross-checked";
	case GS_GLOBAL_UNCHECKED:	return "single-reference";
	case GS_GLOBAL_CONFLICT:	return "conflict";
	case GS_GLOBAL_BAD_MEMORY:	return "memory-check-failed";
	}
	return "?";
}
