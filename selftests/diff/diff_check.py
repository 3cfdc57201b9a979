#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/66-diff.t (see its header).

diff_check.py OUT: OUT/run1 holds the guest's outputs for the first run
(rc, stdout, log, NNN-main.marker.show.json and .stacks.json for both
snapshots, diff.json/.txt/.rc/.err, self.json, two.out/.rc, force.json/.rc),
OUT/run2 the second run's rc. Prints TAP test lines and the plan; exits 1
if any failed.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load, read  # noqa: E402

PAGE = 4096


def vmas(show):
    """{start: (end, rss_bytes)} of a `show -j`."""
    s = (show.get("snapshots") or [{}])[0]
    return {int(v["start"], 16): (int(v["end"], 16), v["rss_bytes"]) for v in s.get("vmas", [])}


def threads(show):
    s = (show.get("snapshots") or [{}])[0]
    return {t["tid"] for t in s.get("threads", [])}


def live(stacks):
    """goids of the goroutines that are not dead."""
    return {g["goid"] for g in stacks.get("goroutines") or [] if g["status"] != "dead"}


def main():
    out = sys.argv[1]
    d = os.path.join(out, "run1")
    tap = Tap()
    stdout = read(os.path.join(d, "stdout"))
    rcs = [read(os.path.join(out, r, "rc")).strip() for r in ("run1", "run2")]
    m = re.search(r"^mapped 0x([0-9a-f]+) (\d+)$", stdout, re.M)
    g = re.search(r"^goroutines((?: \d+)+)$", stdout, re.M)
    tap.check(rcs == ["0", "0"] and m and g,
              "both runs captured at the two calls of main.marker, the program said what "
              "it did: %s" % stdout.strip().replace("\n", "; "), read(os.path.join(d, "log")))
    if not (m and g):
        return tap.finish()
    addr, size = int(m.group(1), 16), int(m.group(2))
    goids = {int(x) for x in g.group(1).split()}
    diff = load(os.path.join(d, "diff.json"))
    tap.check(read(os.path.join(d, "diff.rc")).strip() == "0" and "_error" not in diff,
              "diff A B exits 0 with JSON", read(os.path.join(d, "diff.err")))
    if "_error" in diff:
        return tap.finish()
    changes = diff["mappings"]
    mine = [c for c in changes if c["change"] in ("added", "grown") and
            int(c["start"], 16) <= addr and addr + size <= int(c["end_b"], 16)]
    tap.check(mine and mine[0]["resident_b"] - mine[0]["resident_a"] >= size // PAGE,
              "the 1 MiB mapping the program made at %#x is listed (%s), its %d pages "
              "resident in B" % (addr, mine and mine[0]["change"], size // PAGE),
              "\n".join(str(c) for c in changes))
    created = {x["goid"] for x in diff["goroutines"] or [] if x["change"] == "created"}
    ended = {x["goid"] for x in diff["goroutines"] or [] if x["change"] == "ended"}
    tap.check(goids <= created,
              "the goroutines the program started (%s) are listed as created (%s)" %
              (sorted(goids), sorted(created)), diff.get("goroutines_why"))

    sa = load(os.path.join(d, "001-main.marker.show.json"))
    sb = load(os.path.join(d, "002-main.marker.show.json"))
    va, vb = vmas(sa), vmas(sb)
    bad = []
    for c in changes:
        sa_ = int(c["start_a"], 16) if c["start_a"] else None
        sb_ = int(c["start"], 16) if c["end_b"] else None
        a, b = va.get(sa_), vb.get(sb_)
        ok = {"added": not a and b,
              "removed": a and not b,
              "grown": a and b and sb_ <= sa_ and b[0] >= a[0] and (sb_, b[0]) != (sa_, a[0]),
              "shrunk": a and b and sb_ >= sa_ and b[0] <= a[0] and (sb_, b[0]) != (sa_, a[0]),
              "resident": a and b and (sa_, a[0]) == (sb_, b[0]) and a[1] != b[1]}[c["change"]]
        if not ok or (b and c["resident_b"] * PAGE != b[1]) or \
           (a and c["resident_a"] * PAGE != a[1]):
            bad.append("listed %s, show A %s, show B %s" % (c, a, b))
    in_a = {int(c["start_a"], 16) for c in changes if c["start_a"]}
    in_b = {int(c["start"], 16) for c in changes if c["end_b"]}
    for start in set(va) - in_a:
        if vb.get(start) != va[start]:
            bad.append("%#x of A not listed, show A %s, show B %s" % (start, va[start],
                                                                     vb.get(start)))
    for start in set(vb) - in_b:
        if va.get(start) != vb[start]:
            bad.append("%#x of B not listed, show A %s, show B %s" % (start, va.get(start),
                                                                     vb[start]))
    tap.check(len(va) >= 5 and not bad,
              "every mapping listed changed as diff says in show -j of A and B, every other "
              "one is the same in both (%d and %d mappings, %d listed)" %
              (len(va), len(vb), len(changes)), "\n".join(bad))

    ga = live(load(os.path.join(d, "001-main.marker.stacks.json")))
    gb = live(load(os.path.join(d, "002-main.marker.stacks.json")))
    tap.check(len(ga) >= 4 and created == gb - ga and ended == ga - gb,
              "goroutines created are those live in B's stacks -j and not in A's, ended the "
              "reverse (A %d live, B %d live)" % (len(ga), len(gb)),
              "created %s ended %s; B-A %s A-B %s" % (sorted(created), sorted(ended),
                                                     sorted(gb - ga), sorted(ga - gb)))
    ta, tb = threads(sa), threads(sb)
    added = {x["tid"] for x in diff["threads"] if x["change"] == "added"}
    gone = {x["tid"] for x in diff["threads"] if x["change"] == "gone"}
    tap.check(ta and added == tb - ta and gone == ta - tb,
              "threads added and gone are those of show -j (A %d, B %d)" % (len(ta), len(tb)))

    # Regions: they split what show counts as resident; the program's own
    # mapping (anonymous, outside the heap) is runtime-region memory.
    reg = diff.get("resident_by_region") or {}
    ra = sum(v["a"] for v in reg.values())
    rb = sum(v["b"] for v in reg.values())
    tot_a, tot_b = (((x.get("snapshots") or [{}])[0].get("totals") or {}).get("rss_bytes")
                    for x in (sa, sb))
    grew = reg.get("runtime", {}).get("b", 0) - reg.get("runtime", {}).get("a", 0)
    tap.check(len(reg) == 7 and ra == tot_a and rb == tot_b and grew >= size,
              "resident by region adds up to show -j's rss in A (%s) and B (%s); the runtime "
              "region grew by %d KiB, at least the 1 MiB mapped" % (tot_a, tot_b, grew // 1024),
              str(reg))
    heap = diff.get("heap")
    tap.check(heap and heap["arenas_b"] >= heap["arenas_a"] >= 1 and heap["spans_b"] > 0 and
              heap["spans_b"] - heap["spans_a"] == heap["spans_created"] - heap["spans_freed"],
              "the heap of both decoded: arenas %s -> %s, spans %s -> %s (created - freed = "
              "the difference)" % tuple((heap or {}).get(k) for k in
                                        ("arenas_a", "arenas_b", "spans_a", "spans_b")),
              diff.get("heap_why"))

    same = load(os.path.join(d, "self.json"))
    sh = same.get("heap") or {}
    tap.check("_error" not in same and not same["mappings"] and not same["goroutines"] and
              not same["threads"] and not sh.get("arenas_added", 1) and
              sh.get("spans_created", 1) == sh.get("spans_freed", 1) == sh.get("spans_changed", 1) == 0,
              "diff of A with itself lists nothing (mappings, goroutines, threads, arenas, spans)",
              str(same)[:500])
    tap.check(read(os.path.join(d, "two.rc")).strip() == "1" and
              "two processes" in read(os.path.join(d, "two.out")),
              "snapshots of two runs are refused: %s" % read(os.path.join(d, "two.out")).strip())
    force = load(os.path.join(d, "force.json"))
    tap.check(read(os.path.join(d, "force.rc")).strip() == "0" and "_error" not in force and
              force.get("same_process") is False,
              "with --force they are compared, and the JSON says they are not one process")
    txt = read(os.path.join(d, "diff.txt"))
    tap.check(re.search(r"^Mappings: \d+ changed", txt, re.M) and
              all(re.search(r"^  created +%d " % x, txt, re.M) for x in goids),
              "the text output has the mapping table and a row per created goroutine",
              txt[:1500])
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
