// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF core writer (cli/out/core_elf.c), read back with libelf: a
 * snapshot of three threads (one without registers) and two memory
 * ranges becomes an ET_CORE with a PT_NOTE (NT_PRSTATUS of the two threads
 * with registers, the hitting one first, its registers where
 * user_regs_struct has them; NT_PRPSINFO; NT_FILE) and one PT_LOAD per
 * range holding its bytes, nothing for memory not captured; a snapshot
 * with no registers is refused (issue 16).
 */
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder.h"
#include "out/core_elf.h"
#include "tap.h"

static size_t build(struct sb *sb, bool regs)
{
	static const uint8_t heap[32] = "heap bytes, 32 of them.........";
	static const uint8_t stack[16] = "stack, sixteen.";
	struct gosnap_rec_thread *t;

	sb_init(sb, 0, 0);
	sb_task(sb, 700, "target", "/opt/target");
	sb_vma(sb, 0x400000, 0x401000, GOSNAP_VMA_READ | GOSNAP_VMA_EXEC | GOSNAP_VMA_FILE,
	       "/opt/target");
	sb_vma(sb, 0xc000000000, 0xc000400000, GOSNAP_VMA_READ | GOSNAP_VMA_WRITE |
	       GOSNAP_VMA_ANON, "");
	sb_thread(sb, 701, 0, 0x401100, 0xc000002000);
	sb_thread(sb, 700, GOSNAP_THR_HIT | GOSNAP_THR_LEADER, 0x400123, 0xc000001000);
	t = sb_at(sb, sb->nr_records - 1);
	t->regs.rax = 0x1234;
	t->regs.fs_base = 0x5678;
	sb_thread(sb, 702, 0, 0, 0);
	t = sb_at(sb, sb->nr_records - 1);
	t->flags &= ~GOSNAP_THR_REGS;
	if (!regs) {
		for (size_t i = 0; i < 3; i++) {
			t = sb_at(sb, sb->nr_records - 1 - i);
			t->flags &= ~GOSNAP_THR_REGS;
		}
	}
	sb_mem(sb, 0xc000000000, heap, sizeof(heap), GOSNAP_MEM_ANON);
	sb_mem(sb, 0xc000001000, stack, sizeof(stack), GOSNAP_MEM_STACK);
	return sb_end(sb);
}

/* The notes of the core: their types, and the pid of each NT_PRSTATUS. */
static int notes(Elf *e, const GElf_Phdr *ph, uint32_t *types, int32_t *pids,
		 uint64_t *rax, size_t max)
{
	Elf_Data *d = elf_getdata_rawchunk(e, (off_t)ph->p_offset, ph->p_filesz, ELF_T_NHDR);
	size_t off = 0, name, desc, n = 0, np = 0;
	GElf_Nhdr nh;

	while (d && n < max && (off = gelf_getnote(d, off, &nh, &name, &desc)) > 0) {
		types[n++] = nh.n_type;
		if (nh.n_type == NT_PRSTATUS && np < max) {
			const uint8_t *p = (const uint8_t *)d->d_buf + desc;

			memcpy(&pids[np], p + 32, 4);
			memcpy(&rax[np], p + 112 + 10 * 8, 8);	/* user_regs_struct.rax */
			np++;
		}
	}
	return (int)n;
}

int main(void)
{
	uint32_t types[8] = { 0 };
	int32_t pids[8] = { 0 };
	uint64_t rax[8] = { 0 };
	struct core_summary sum;
	struct gs_snapshot s;
	struct sb sb;
	char err[256], path[] = "/tmp/gosnap-core-XXXXXX";
	size_t len, nph = 0, i;
	GElf_Ehdr eh;
	FILE *f;
	Elf *e;
	int fd, nnotes = 0, loads = 0, bytes_ok = 0, ok_hdr;

	elf_version(EV_CURRENT);
	len = build(&sb, true);
	if (gs_snapshot_parse(sb.buf, len, &s, err, sizeof(err)))
		return diag("%s", err), 1;
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
	if (!f)
		return 1;
	ok(!core_write(&s, NULL, f, &sum, err, sizeof(err)) && sum.threads == 2 &&
	   sum.no_regs == 1 && sum.loads == 2 && sum.files == 1 && sum.mem_bytes == 48,
	   "written: 2 threads with registers, 1 without, 2 segments, 1 file (%s)", err);
	fflush(f);
	e = elf_begin(fd, ELF_C_READ, NULL);
	ok_hdr = e && gelf_getehdr(e, &eh) && eh.e_type == ET_CORE &&
		 eh.e_machine == EM_X86_64 && !elf_getphdrnum(e, &nph) && nph == 3;
	ok(ok_hdr, "libelf reads an x86-64 ET_CORE with 3 program headers (%zu)", nph);
	for (i = 0; ok_hdr && i < nph; i++) {
		GElf_Phdr ph;
		char buf[64];

		if (!gelf_getphdr(e, (int)i, &ph))
			continue;
		if (ph.p_type == PT_NOTE) {
			nnotes = notes(e, &ph, types, pids, rax, 8);
			continue;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		loads++;
		if (ph.p_filesz == ph.p_memsz && ph.p_filesz <= sizeof(buf) &&
		    pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) == (ssize_t)ph.p_filesz &&
		    ((ph.p_vaddr == 0xc000000000 && ph.p_filesz == 32 && !memcmp(buf, "heap", 4)) ||
		     (ph.p_vaddr == 0xc000001000 && ph.p_filesz == 16 && !memcmp(buf, "stack", 5))))
			bytes_ok++;
	}
	ok(nnotes == 4 && types[0] == NT_PRSTATUS && types[1] == NT_PRSTATUS &&
	   types[2] == NT_PRPSINFO && types[3] == NT_FILE,
	   "notes: NT_PRSTATUS x2, NT_PRPSINFO, NT_FILE (%d notes)", nnotes);
	ok(pids[0] == 700 && pids[1] == 701 && rax[0] == 0x1234,
	   "the hitting thread's NT_PRSTATUS comes first, its rax where user_regs_struct has it");
	ok(loads == 2 && bytes_ok == 2,
	   "a PT_LOAD per captured range, holding its bytes, none for the rest (%d of %d)",
	   bytes_ok, loads);
	if (e)
		elf_end(e);
	fclose(f);
	unlink(path);
	gs_snapshot_free(&s);
	sb_free(&sb);

	len = build(&sb, false);
	f = tmpfile();
	ok(f && !gs_snapshot_parse(sb.buf, len, &s, err, sizeof(err)) &&
	   core_write(&s, NULL, f, &sum, err, sizeof(err)) == -1 &&
	   strstr(err, "no thread has registers"),
	   "a snapshot with no registers is refused: %s", err);
	if (f)
		fclose(f);
	gs_snapshot_free(&s);
	sb_free(&sb);
	return tap_done();
}
