#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/14-thp.t (see its header).

thp_check.py OUT: OUT holds what the guest wrote: target.out (the
regions), smaps.before/.after, capture.rc/.log, show.json (show -j
--pages), pmd.json/.rc/.err (show -j --flags pmd) and pmd.txt. Prints TAP
test lines and the plan; exits 1 if any failed.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load, read  # noqa: E402

MIB = 1 << 20


def smaps(text):
    """{(start, end): AnonHugePages bytes} of a /proc/PID/smaps."""
    out, key = {}, None
    for line in text.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) ", line)
        if m:
            key = (int(m.group(1), 16), int(m.group(2), 16))
            out[key] = 0
        elif key and line.startswith("AnonHugePages:"):
            out[key] = int(line.split()[1]) * 1024
    return out


def regions(text):
    """{name: (start, end)} of the target's "region" lines."""
    return {f[1]: (int(f[2], 16), int(f[3], 16))
            for f in (l.split() for l in text.splitlines()) if len(f) == 4 and f[0] == "region"}


def runs(show):
    """[(addr, bytes, flags)] of every run of a show -j --pages."""
    s = (show.get("snapshots") or [{}])[0]
    ps = s.get("page_size", 4096)
    return [(int(r["addr"], 16), r["npages"] * ps, set(r["flags"]))
            for v in s.get("vmas", []) for r in v.get("runs", [])]


def inside(addr, reg):
    return reg[0] <= addr < reg[1]


def main(out):
    t = Tap()
    before = smaps(read(os.path.join(out, "smaps.before")))
    after = smaps(read(os.path.join(out, "smaps.after")))
    reg = regions(read(os.path.join(out, "target.out")))
    show = load(os.path.join(out, "show.json"))
    snap = (show.get("snapshots") or [{}])[0]
    vmas = {(int(v["start"], 16), int(v["end"], 16)): v["thp_bytes"] for v in snap.get("vmas", [])}

    t.check(read(os.path.join(out, "capture.rc")).strip() == "0" and vmas,
            "the target is captured by pid (%d mappings)" % len(vmas),
            read(os.path.join(out, "capture.log")) + str(show.get("_error", "")))
    t.check(before == after and sum(before.values()) > 0,
            "smaps' AnonHugePages did not move during the capture (%d MiB)"
            % (sum(after.values()) // MIB))

    # The oracle, mapping by mapping.
    wrong = ["%#x-%#x: thp_bytes %d, AnonHugePages %d" % (k[0], k[1], vmas.get(k, -1), v)
             for k, v in after.items() if vmas.get(k) != v]
    wrong += ["%#x-%#x: not in smaps" % k for k in vmas if k not in after]
    t.check(not wrong and len(vmas) == len(after),
            "thp_bytes = smaps AnonHugePages for each of the %d mappings" % len(after), "\n".join(wrong))
    want_thp = sum(v for k, v in after.items() if "thp" in reg and inside(k[0], reg["thp"]))
    t.check(want_thp == 4 * MIB,
            "the written THP region is two PMD-mapped huge pages in smaps (%d MiB)" % (want_thp // MIB))

    # The split THP: huge page, PTE-mapped, not counted.
    all_runs = runs(show)
    split = reg.get("split", (0, 0))
    pte_thp = sum(b for a, b, f in all_runs if inside(a, split) and "thp" in f and "pmd" not in f)
    split_anon_huge = sum(v for k, v in after.items() if split[0] <= k[0] < split[1])
    t.check(pte_thp >= 2 * MIB - 4096 and split_anon_huge == 2 * MIB,
            "the split THP: %d KiB of THP pages mapped by PTEs, not counted (its half still "
            "PMD-mapped: AnonHugePages %d KiB)" % (pte_thp // 1024, split_anon_huge // 1024))

    # --flags pmd
    pmd = load(os.path.join(out, "pmd.json"))
    pmd_runs = runs(pmd)
    rc = read(os.path.join(out, "pmd.rc")).strip()
    t.check(rc == "0" and pmd_runs and all("pmd" in f for _, _, f in pmd_runs),
            "show --flags pmd is accepted and lists only runs flagged pmd (%d runs)" % len(pmd_runs),
            read(os.path.join(out, "pmd.err")))
    anon_pmd = sum(b for _, b, f in pmd_runs if "anon" in f and "zero" not in f)
    t.check(anon_pmd == sum(after.values()),
            "its anonymous, non-zero runs sum to AnonHugePages (%d KiB against %d KiB)"
            % (anon_pmd // 1024, sum(after.values()) // 1024))
    every_pmd = sum(b for _, b, f in all_runs if "pmd" in f)
    t.check(every_pmd == sum(b for _, b, _ in pmd_runs),
            "it lists every PMD-mapped page of show --pages (%d KiB)" % (every_pmd // 1024))
    zero = reg.get("zero", (0, 0))
    huge_zero = sum(b for a, b, f in pmd_runs if inside(a, zero) and "zero" in f)
    t.check(huge_zero == 4 * MIB,
            "the huge zero page is listed as pmd and zero (%d KiB of the 4 MiB read-only region)"
            % (huge_zero // 1024))
    text = read(os.path.join(out, "pmd.txt"))
    t.check("pmd" in text and "bit19" not in text,
            "the text output names the flag pmd, not bit19", text[:800])
    return t.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
