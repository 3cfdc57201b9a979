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
    big_buf = [g for g in groups(j, False)
               if g["size_class"] == 0 and g["noscan"] and g["slot_bytes"] == BUF_BYTES]
    # the program wrote its first 16 MiB; go1.19 and go1.21 may clear the
    # buffer at allocation, which faults in all or nearly all of it (seen:
    # 65,540,096 and 67,108,864 bytes); later releases left it untouched
    want = present.bytes(buf[0], buf[0] + BUF_BYTES) if buf else -1
    t.check(len(big_buf) == 1 and big_buf[0]["objects"] == 1 and
            big_buf[0]["resident_bytes"] == want and 16 << 20 <= want <= BUF_BYTES,
            "%s: the 64 MiB []byte, large and untyped (noscan), %s resident bytes = pagemap's %d" %
            (p, big_buf[0]["resident_bytes"] if big_buf else "?", want), str(big_buf))

    if release(v) >= (1, 22):
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
        if bg and len(bigs) == N_BIG:
            slot = bg[0]["bytes"] // bg[0]["objects"]
            want = sum(present.bytes(a - 8, a - 8 + slot) for a in bigs)
            t.check(bg[0]["resident_bytes"] == want and 0 < want < bg[0]["bytes"],
                    "%s: main.Big resident %d bytes = pagemap over their %d-byte slots %d" %
                    (p, bg[0]["resident_bytes"], slot, want))
        else:
            t.check(False, "%s: main.Big's residency against pagemap (%d addresses)" %
                    (p, len(bigs)))
    else:
        un = groups(j, False)
        t.check(not j["allocation_headers"] and groups(j, True) == [] and
                all(g["from"] in ("heap-bitmap", "noscan") for g in un),
                "%s: no type kept before go1.22: nothing typed, every group said untyped "
                "(heap bitmap or noscan)" % p,
                str(sorted(set(g["from"] for g in un))))
        cls = [g for g in un if not g["noscan"] and g["slot_bytes"] == 12288]
        t.check(len(cls) == 1 and cls[0]["objects"] >= N_BIG,
                "%s: the 12 KiB scan class holds at least the %d Bigs (%s)" %
                (p, N_BIG, cls[0]["objects"] if cls else "none"))

    strip_rc = read(os.path.join(d, "objects-strip-rc")).strip()
    same = "_error" not in js and strip_rc == "0" and \
        {k: js[k] for k in ("totals", "typed", "untyped")} == \
        {k: j[k] for k in ("totals", "typed", "untyped")}
    t.check(same, "%s: the stripped executable's decode equals the other (rc %s)" %
            (p, strip_rc), read(os.path.join(d, "objects-strip.err")) + js.get("_error", ""))


def check_text(t, out, v):
    txt = read(os.path.join(out, "go" + v, "objects.txt"))
    typed = re.search(r"^ +3000 +\d+ +\d+ header +main\.Big$", txt, re.M)
    untyped = re.search(r"^Untyped .*\n(  .*\n)+", txt, re.M)
    t.check(bool(typed) and bool(untyped),
            "go%s: the text lists main.Big with 3000 objects and the untyped groups apart" % v,
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
