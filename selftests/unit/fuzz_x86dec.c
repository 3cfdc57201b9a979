// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the x86-64 decoder (cli/exe/x86dec.c): the input is
 * decoded as a stream of instructions, stepping by the lengths it reports,
 * resuming one byte further after a refusal. For every instruction:
 *   - its length is 1..15 and within the bytes given;
 *   - decoding a copy of exactly that many bytes (in a heap buffer of that
 *     size, so ASan sees any read past it) gives the same instruction, and
 *     one byte fewer is refused: the length does not depend on what
 *     follows;
 *   - a RIP-relative operand names pc + length + displacement.
 * The split-check reader (cli/exe/splitcheck.c) reads the same input as a
 * function's entry: a check it finds lies within the input, and is found
 * again in a heap copy of exactly its bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exe/splitcheck.h"
#include "exe/x86dec.h"

#define FUZZ_PC	0x401000u

static void check(int cond)
{
	if (!cond)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A split check found is within the input and needs nothing past it. */
static void check_split(const uint8_t *data, size_t size)
{
	size_t n = gs_split_check_len(data, size, 16);
	uint8_t *exact;

	check(n <= size);
	if (!n)
		return;
	exact = malloc(n);
	if (!exact)
		return;
	memcpy(exact, data, n);
	check(gs_split_check_len(exact, n, 16) == n);
	free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;

	check_split(data, size);

	while (pos < size) {
		struct x86_insn in, again;
		uint8_t *exact;
		int len = x86_decode(data + pos, size - pos, FUZZ_PC + pos, &in);

		if (len < 0) {
			pos++;
			continue;
		}
		check(len >= 1 && len <= X86_MAX_INSN_LEN && (size_t)len <= size - pos);
		check(in.len == len && in.pc == FUZZ_PC + pos);
		check(x86_op_name(in.op)[0] != '?');
		if (in.rip_rel)
			check(in.mem == in.pc + in.len + (uint64_t)in.disp);

		exact = malloc(len);
		if (!exact)
			return 0;
		memcpy(exact, data + pos, len);
		check(x86_decode(exact, len, in.pc, &again) == len);
		check(again.op == in.op && again.opcode == in.opcode &&
		      again.mem == in.mem && again.imm == in.imm &&
		      again.branch == in.branch);
		check(x86_decode(exact, len - 1, in.pc, &again) == -1);
		free(exact);
		pos += len;
	}
	return 0;
}
