#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/73-objects.t (see its header).

objects_check.py OUT VERSION...: OUT/goVERSION/ holds what the guest wrote:
stdout (the program's: HeapAlloc, HeapObjects read right before the
marker), addrs.txt (its Bigs' and its []byte's addresses), present.txt
(pagemap's present runs, read while held), capture-rc, objects.json and
objects-strip.json (`objects -j`, with the executable and with its
`strip -s` copy) with their -rc files, objects.txt (`objects --top 12`),
and retain.json, retain-strip.json (`retain -j`, checked by
retain_check.py).
Prints TAP test lines and the plan; exits 1 if any failed.
"""
import bisect
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load, read  # noqa: E402
import retain_check  # noqa: E402
import pprof_check  # noqa: E402

N_SMALL, N_BIG, N_RING = 100000, 3000, 10000
BUF_BYTES = 64 << 20


def release(v):
    """"1.26" -> (1, 26)."""
    return tuple(int(x) for x in v.split("."))


class Present:
    """pagemap's present runs ("START END" hex lines, END exclusive)."""

    def __init__(self, text):
        runs = []
        for line in text.splitlines():
            f = line.split()
            if len(f) == 2:
                runs.append((int(f[0], 16), int(f[1], 16)))
        runs.sort()
        self.starts = [r[0] for r in runs]
        self.runs = runs

    def bytes(self, a, b):
        """Bytes of [a, b) on present pages."""
        i = max(bisect.bisect_right(self.starts, a) - 1, 0)
        n = 0
        while i < len(self.runs) and self.runs[i][0] < b:
            s, e = self.runs[i]
            n += max(0, min(e, b) - max(s, a))
            i += 1
        return n


def program(d):
    """{name: int} of what the program printed after the capture."""
    out = {}
    for line in read(os.path.join(d, "stdout")).splitlines():
        f = line.split()
        if len(f) == 2 and f[1].isdigit():
            out[f[0]] = int(f[1])
    return out


def addrs(d):
    bigs, buf = [], None
    for line in read(os.path.join(d, "addrs.txt")).splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "big":
            bigs.append(int(f[1], 16))
        elif len(f) == 3 and f[0] == "buf":
            buf = (int(f[1], 16), int(f[2]))
    return bigs, buf


def runs(d, name):
    """[(start, count)] of the program's "NAME START COUNT" lines."""
    out = []
    for line in read(os.path.join(d, "addrs.txt")).splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == name:
            out.append((int(f[1], 16), int(f[2])))
    return out


def groups(j, typed):
    return j.get("typed" if typed else "untyped", [])


def typed_group(j, name):
    return [g for g in groups(j, True) if g["type"] == name and not g["array"]]


def check_release(t, out, v):
    d = os.path.join(out, "go" + v)
    p = "go" + v
    j = load(os.path.join(d, "objects.json"))
    js = load(os.path.join(d, "objects-strip.json"))
    prog = program(d)
    rc = read(os.path.join(d, "objects-rc")).strip()
    ok = "_error" not in j and rc == "0" and read(os.path.join(d, "capture-rc")).strip() == "0"
    t.check(ok, "%s: captured at main.marker, objects decodes it (rc %s)" % (p, rc),
            read(os.path.join(d, "capture.err")) + read(os.path.join(d, "objects.err")) +
            j.get("_error", ""))
    if not ok:
        return
    tot = j["totals"]
    t.check(j["unavailable"] == [] and j["problems"] == [] and tot["spans_skipped"] == 0 and
            tot["spans_mismatch"] == 0,
            "%s: every span enumerated, nothing unavailable, no problem" % p,
            "\n".join(j["unavailable"] + j["problems"]))
    # Between the readings right before and right after the marker (equal
    # to both when they agree): the runtime may allocate for itself there.
    def between(got, a, b):
        return a is not None and b is not None and min(a, b) <= got <= max(a, b)
    t.check(between(tot["bytes"], prog.get("HeapAlloc"), prog.get("after.HeapAlloc")) and
            between(tot["objects"], prog.get("HeapObjects"), prog.get("after.HeapObjects")) and
            tot["alloc_count_bytes"] == tot["bytes"] and
            tot["objects"] >= N_SMALL + N_BIG + N_RING,
            "%s: %d objects, %d bytes = HeapObjects %s, HeapAlloc %s read before the marker "
            "(after it: %s, %s; floor: the %d the program holds)" %
            (p, tot["objects"], tot["bytes"], prog.get("HeapObjects"), prog.get("HeapAlloc"),
             prog.get("after.HeapObjects"), prog.get("after.HeapAlloc"),
             N_SMALL + N_BIG + N_RING))

    bigs, buf = addrs(d)
    present = Present(read(os.path.join(d, "present.txt")))
    # the program wrote its first 16 MiB; go1.19 and go1.21 may clear the
    # buffer at allocation, which faults in all or nearly all of it (seen:
    # 65,540,096 and 67,108,864 bytes); later releases left it untouched
    want_buf = present.bytes(buf[0], buf[0] + BUF_BYTES) if buf else -1
    check_flow(t, p, j, js, want_buf, d, present)
    big_buf = [g for g in groups(js, False)
               if g["size_class"] == 0 and g["noscan"] and g["slot_bytes"] == BUF_BYTES]
    t.check(len(big_buf) == 1 and big_buf[0]["objects"] == 1 and
            big_buf[0]["resident_bytes"] == want_buf and 16 << 20 <= want_buf <= BUF_BYTES,
            "%s: stripped, the 64 MiB []byte is large and untyped (noscan), %s resident "
            "bytes = pagemap's %d" %
            (p, big_buf[0]["resident_bytes"] if big_buf else "?", want_buf), str(big_buf))

    headers = release(v) >= (1, 22)
    if headers:
        bg = typed_group(j, "main.Big")
        hold = [g for g in groups(j, True) if g["type"] == "*main.Big" and g["array"]]
        t.check(j["allocation_headers"] and len(bg) == 1 and bg[0]["objects"] == N_BIG and
                bg[0]["from"] == "header" and len(hold) == 1 and hold[0]["objects"] == 1,
                "%s: exactly %d main.Big from their allocation headers (%s), their slice "
                "[]*main.Big one (large) array of them" % (p, N_BIG, bg[0]["objects"] if bg else "none"),
                str(bg) + str(hold))
        for what, jj in (("", j), ("stripped: ", js)):
            why = sorted(set(g["from"] for g in groups(jj, False)))
            t.check("_error" not in jj and set(why) <= {"noscan", "span-bits"} and
                    all(g["type"] for g in groups(jj, True)),
                    "%s: %severy object with a header or a largeType is named; the untyped "
                    "are noscan or small (%s)" % (p, what, ", ".join(why)))
    else:
        un = groups(js, False)
        t.check(not js["allocation_headers"] and groups(js, True) == [] and
                all(g["from"] in ("heap-bitmap", "noscan") for g in un),
                "%s: stripped, no type kept before go1.22: nothing typed, every group said "
                "untyped (heap bitmap or noscan)" % p,
                str(sorted(set(g["from"] for g in un))))
        cls = [g for g in un if not g["noscan"] and g["slot_bytes"] == 12288]
        t.check(len(cls) == 1 and cls[0]["objects"] >= N_BIG,
                "%s: stripped, the 12 KiB scan class holds at least the %d Bigs (%s)" %
                (p, N_BIG, cls[0]["objects"] if cls else "none"))
        bg = typed_group(j, "main.Big")
    # residency of the Bigs, wherever their type came from: the slot
    # starts at the header (go1.22+) or at the object
    if len(bg) == 1 and len(bigs) == N_BIG:
        slot = bg[0]["bytes"] // bg[0]["objects"]
        hdr = 8 if bg[0]["from"] == "header" else 0
        want = sum(present.bytes(a - hdr, a - hdr + slot) for a in bigs)
        t.check(bg[0]["resident_bytes"] == want and 0 < want < bg[0]["bytes"],
                "%s: main.Big (%s) resident %d bytes = pagemap over their %d-byte slots %d" %
                (p, bg[0]["from"], bg[0]["resident_bytes"], slot, want))
    else:
        t.check(False, "%s: main.Big's residency against pagemap (%d groups, %d addresses)" %
                (p, len(bg), len(bigs)))

    strip_rc = read(os.path.join(d, "objects-strip-rc")).strip()
    kept = [g for g in groups(j, True) if g["from"] in ("header", "largetype")]
    same = "_error" not in js and strip_rc == "0" and \
        all(js["totals"][k] == j["totals"][k] for k in ("objects", "bytes", "resident_bytes")) and \
        groups(js, True) == kept
    t.check(same, "%s: stripped, the same objects, bytes and residency, and exactly the "
            "header and largeType groups (%d)" % (p, len(kept)),
            read(os.path.join(d, "objects-strip.err")) + js.get("_error", ""))


def check_flow(t, p, j, js, want_buf, d, present):
    """The types DWARF carries along pointers (docs/objects.md)."""
    fl, fls = j.get("dwarf_flow", {}), js.get("dwarf_flow", {})
    t.check(fl.get("ran") and fl.get("globals", 0) > 0 and fl.get("variables", 0) > 0 and
            not fls.get("ran") and "DWARF" in (fls.get("why_not") or ""),
            "%s: the type flow ran from %s globals and %s frame variables; stripped, it "
            "says why not (%s)" % (p, fl.get("globals"), fl.get("variables"),
                                   fls.get("why_not")), str(fl))
    for name, n, slot, why in (("main.Small", N_SMALL, 48, "the global map's"),
                               ("main.ringNode", N_RING, 16, "the ring's")):
        g = typed_group(j, name)
        t.check(len(g) == 1 and g[0]["objects"] == n and g[0]["from"] == "dwarf" and
                g[0]["bytes"] == n * slot,
                "%s: exactly %d %s from DWARF along pointers (%s): %s" %
                (p, n, name, why, g[0]["objects"] if g else "none"), str(g))
        rs = runs(d, "small" if name == "main.Small" else "ring")
        want = sum(present.bytes(a, a + c * slot) for a, c in rs)
        t.check(len(g) == 1 and sum(c for _, c in rs) == n and
                g[0]["resident_bytes"] == want > 0,
                "%s: %s resident %s bytes = pagemap over the program's %d addresses "
                "(%d runs): %d" % (p, name, g[0]["resident_bytes"] if g else "?",
                                   sum(c for _, c in rs), len(rs), want))
    big = typed_group(j, "main.Big")
    t.check(len(big) == 1 and big[0]["objects"] == N_BIG,
            "%s: exactly %d main.Big (%s)" % (p, N_BIG, big[0]["from"] if big else "none"),
            str(big))
    # the []byte is reached only through the interface: its eface's
    # dynamic type ([]uint8) types the slice, the slice its array
    u8 = [g for g in groups(j, True) if g["type"] == "uint8" and g["array"] and
          g["from"] == "dwarf"]
    t.check(len(u8) == 1 and u8[0]["bytes"] >= BUF_BYTES and
            u8[0]["resident_bytes"] >= want_buf > 0,
            "%s: the 64 MiB []byte typed through main.iface's interface: uint8 arrays "
            "of %s bytes, %s resident (the buffer alone: %d)" %
            (p, u8[0]["bytes"] if u8 else "?", u8[0]["resident_bytes"] if u8 else "?",
             want_buf), str(u8))


def check_text(t, out, v):
    txt = read(os.path.join(out, "go" + v, "objects.txt"))
    typed = re.search(r"^ +3000 +\d+ +\d+ header +main\.Big$", txt, re.M)
    small = re.search(r"^ +100000 +\d+ +\d+ dwarf +main\.Small$", txt, re.M)
    flow = re.search(r"^  and from DWARF along pointers: \d+ objects walked", txt, re.M)
    untyped = re.search(r"^Untyped .*\n(  .*\n)+", txt, re.M)
    t.check(bool(typed) and bool(small) and bool(flow) and bool(untyped),
            "go%s: the text lists main.Big (header) with 3000 objects, main.Small (dwarf) "
            "with 100000, says what DWARF typed, and shows the untyped groups apart" % v,
            txt[:1500])


def main():
    out, versions = sys.argv[1], sys.argv[2:]
    t = Tap()
    go = os.environ.get("GOSNAP_PPROF_GO", "go")
    for v in versions:
        check_release(t, out, v)
        retain_check.check(t, out, v, release(v) >= (1, 22))
        d = os.path.join(out, "go" + v)
        pprof_check.check(t, go, os.path.join(d, "objects.pb.gz"),
                          load(os.path.join(d, "objects.json")), "go%s objects --pprof" % v, 5)
        retain_check.check_pprof(t, go, out, v)
    if release(versions[-1]) >= (1, 22):
        check_text(t, out, versions[-1])
    secs = [read(os.path.join(out, "go" + v, "objects-secs")).strip() for v in versions]
    print("# objects took (s, TCG): " + ", ".join("go%s %s" % x for x in zip(versions, secs)))
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
