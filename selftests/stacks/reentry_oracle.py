#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""reentry_oracle.py OBJDUMP PCSP_JSON: `pcsp -j`'s `reentry` and `body`
of each function it lists, against `go tool objdump` of the same binary
(the oracle: the Go toolchain's own disassembler):
  - never: objdump shows no CALL or JMP to runtime.morestack or
    morestack_noctxt in it (morestackc throws: it never comes back);
  - body: the first instructions are a stack check (CMPQ SP or R12 with
    0x10(R14), after LEAQ or MOVQ SP + SUBQ + JB when the frame is big),
    then JBE, and `body` is the address of the instruction after the JBE;
  - guess: the others, such as assembly that loads g from TLS into R14
    first (at its entry R14 is not g yet) or morestack_noctxt itself (no
    check, a jump to morestack); ours must say guess too.
Prints "checks failures never body" and the failures on stderr."""
import json
import re
import sys


def functions(path):
    """{entry: [(addr, insn)]} from go tool objdump's text."""
    out, cur = {}, None
    for ln in open(path, errors="replace"):
        if ln.startswith("TEXT "):
            cur = None
            continue
        f = re.split(r"\t+", ln.rstrip("\n"))
        if len(f) >= 4 and f[1].startswith("0x"):
            addr = int(f[1], 16)
            if cur is None:
                cur = addr
                out[cur] = []
            out[cur].append((addr, f[3].strip()))
    return out


def expected(insns):
    """("never"|"body"|"guess", body address or None) from objdump."""
    # morestackc (a system-stack function's check of stackguard1) throws
    if not any(re.match(r"(CALL|JMP) runtime\.morestack(_noctxt)?(\.abi0)?\(SB\)", i)
               for _, i in insns):
        return "never", None
    ops = [i for _, i in insns[:6]]
    # ABI0 assembly loads g from TLS into R14 first: at the entry R14 is
    # not yet g, so the module cannot tell goroutines apart: it guesses
    if ops and re.match(r"MOVQ FS:0xfffffff8, R14$", ops[0]):
        return "guess", None
    k = 0
    # objdump writes the negative displacement as its 32-bit two's complement
    if ops and re.match(r"LEAQ (-0x[0-9a-f]+|0xf[0-9a-f]{7})\(SP\), R12$", ops[0]):
        k = 1
    elif ops[:3] and re.match(r"MOVQ SP, R12$", ops[0]) and \
            re.match(r"SUBQ \$0x[0-9a-f]+, R12$", ops[1]) and ops[2].startswith("JB "):
        k = 3
    reg = "R12" if k else "SP"
    # objdump's operand order changed between releases
    if len(ops) > k + 1 and ops[k] in ("CMPQ %s, 0x10(R14)" % reg, "CMPQ 0x10(R14), %s" % reg) and \
            ops[k + 1].startswith("JBE "):
        return "body", insns[k + 2][0]
    return "guess", None


def main():
    objdump, ours = functions(sys.argv[1]), json.load(open(sys.argv[2]))["functions"]
    checks = bad = nev = body = 0
    for f in ours:
        insns = objdump.get(f["entry"])
        if not insns:
            continue
        want, addr = expected(insns)
        checks += 1
        nev += want == "never"
        body += want == "body"
        if (f["reentry"], f["body"]) != (want, addr):
            bad += 1
            if bad <= 10:
                print("%s: ours %s %s, objdump %s %s: %s" %
                      (f["function"], f["reentry"], f["body"], want, addr,
                       "; ".join(i for _, i in insns[:5])), file=sys.stderr)
    print(checks, bad, nev, body)


if __name__ == "__main__":
    main()
