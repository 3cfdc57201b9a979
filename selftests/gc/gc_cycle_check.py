#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/64-gc-cycle.t (see its header).

gc_cycle_check.py OUT VERSION=GOROOT...: OUT/c1-goVERSION/ (cycle 1 of
each release) and OUT/c2-strip-goNEWEST/ (cycle 2, stripped) hold what
the guest wrote: rc, stdout, log (capture's messages and the target's
stderr, gctrace included), NNN-SYM.gc.json per kept snapshot (`gc -j`),
series.json and series.txt (`gc DIR`). GOROOT is the release's, for its
runtime source. Prints TAP test lines and the plan; exits 1 if any
failed.
"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load, read  # noqa: E402

START, WORKER, DRAIN, DONE, TERM = ("runtime.gcStart", "runtime.gcBgMarkWorker",
                                    "runtime.gcDrain", "runtime.gcMarkDone",
                                    "runtime.gcMarkTermination")
GOMAXPROCS = 2




def func_body(src, name):
    """(first line number, lines) of func name in src, up to the closing brace."""
    lines = src.splitlines()
    for i, ln in enumerate(lines):
        if re.match(r"func %s\(" % re.escape(name), ln):
            for j in range(i + 1, len(lines)):
                if lines[j] == "}":
                    return i + 1, lines[i:j + 1]
    return 0, []


def first_line(first, body, pattern):
    """Line number of the first code line of body matching pattern, or 0."""
    for k, ln in enumerate(body):
        code = ln.split("//")[0]
        if re.search(pattern, code):
            return first + k
    return 0


def source_order(tap, version, goroot):
    """What the runtime's source says each moment shows: {sym: (phase, delta)}."""
    src = read(os.path.join(goroot, "src", "runtime", "mgc.go"))
    s0, start = func_body(src, "gcStart")
    workers = first_line(s0, start, r"^\s*gcBgMarkStartWorkers\(\)")
    counted = first_line(s0, start, r"work\.cycles(\+\+|\.Add\(1\))")
    marking = first_line(s0, start, r"setGCPhase\(_GCmark\)")
    t0, term = func_body(src, "gcMarkTermination")
    setterm = first_line(t0, term, r"setGCPhase\(")
    first_stmt = next((t0 + k for k, ln in enumerate(term[1:], 1)
                       if ln.strip() and not ln.strip().startswith("//")), 0)
    offagain = first_line(t0, term, r"setGCPhase\(_GCoff\)")
    d0, done = func_body(src, "gcMarkDone")
    ok = (0 < workers < counted < marking and setterm and setterm < offagain and
          "_GCmarktermination" in src.splitlines()[setterm - 1] and
          setterm == first_stmt and
          not first_line(d0, done, r"setGCPhase\(") and
          first_line(d0, done, r"gcMarkTermination\(") and
          not first_line(t0, term, r"work\.cycles(\+\+|\.Add)"))
    tap.check(ok, "go%s mgc.go: gcStart starts the workers (line %d), counts the cycle (%d), "
              "sets _GCmark (%d); gcMarkDone sets no phase; gcMarkTermination's first "
              "statement (line %d) sets _GCmarktermination, and it ends in _GCoff (%d)" %
              (version, workers, counted, marking, setterm, offagain),
              "%s: func gcStart at %d, gcMarkTermination at %d, gcMarkDone at %d" %
              (goroot, s0, t0, d0))
    # entry of each symbol: the phase the code set before it, and
    # work.cycles relative to the cycle N (gcStart counts it after the
    # workers started, before marking)
    return {START: ("off", -1), WORKER: ("off", -1), DRAIN: ("mark", 0),
            DONE: ("mark", 0), TERM: ("mark", 0)}


def moments(d):
    """[(file, label)] of the kept snapshots, in file order."""
    out = []
    for p in sorted(glob.glob(os.path.join(d, "*.gc.json"))):
        f = os.path.basename(p)[:-len(".gc.json")]
        m = re.match(r"\d+-(.*)$", f)
        out.append((f, m.group(1) if m else f))
    return out


def check_run(tap, t, d, cycle, want, workers_expected):
    log = read(os.path.join(d, "log"))
    rc = read(os.path.join(d, "rc")).strip()
    kept = moments(d)
    tap.check(rc == "0", "%s: capture --gc-cycle %d exits 0" % (t, cycle), log[-1500:])
    labels = [lab for _, lab in kept]
    order = [START] + [WORKER] * workers_expected + [DRAIN, DONE, TERM]
    tap.check(labels == order, "%s: the series is %s" %
              (t, ", ".join("%s x%d" % (s, labels.count(s)) for s in dict.fromkeys(order))),
              "kept, in file order: %s" % labels)
    bad = []
    singles = {}
    for f, lab in kept:
        gc = load(os.path.join(d, f + ".gc.json"))
        singles[f] = gc
        if "_error" in gc:
            bad.append("%s: %s %s" % (f, gc["_error"], read(os.path.join(d, f + ".gc.err"))))
            continue
        phase, delta = want.get(lab, ("?", 99))
        cyc = gc["cycle"]
        un = [k for k in gc.get("unavailable") or {} if "gcphase" in k or "cycles" in k]
        if gc["phase"] != phase or cyc["cycles"] != cycle + delta or un:
            bad.append("%s: phase %s cycles %s (want %s, %d)%s" %
                       (f, gc["phase"], cyc["cycles"], phase, cycle + delta,
                        " unavailable %s" % un if un else ""))
    tap.check(kept and not bad, "%s: phase and work.cycles at each moment are what the source "
              "sets before it (off, %d before the cycle; mark, %d in it)" %
              (t, cycle - 1, cycle), "\n".join(bad))
    m = re.search(r"^gc %d @\S+ \S+: .*\(forced\)" % cycle, log, re.M)
    tap.check(m, "%s: gctrace printed 'gc %d', forced" % (t, cycle),
              "\n".join(ln for ln in log.splitlines() if ln.startswith("gc "))[:1500])
    m = re.search(r"gc cycle (\d+): kept (\d+) of (\d+) snapshots", log)
    seen = int(m.group(3)) if m else -1
    tap.check(m and int(m.group(1)) == cycle and int(m.group(2)) == len(kept) and
              seen >= len(kept) + (6 if cycle > 1 else 0),
              "%s: capture says it kept %d of %d snapshots%s" %
              (t, len(kept), seen, " (cycle 1's, at least six, dropped)" if cycle > 1 else ""),
              log[-1500:])
    if not workers_expected:
        tap.check("no mark worker started in cycle %d" % cycle in log,
                  "%s: capture says no mark worker started in cycle %d" % (t, cycle), log[-1500:])
    series = load(os.path.join(d, "series.json"))
    got = [(os.path.basename(x["file"]), x["at"], x["phase"], x["cycles"])
           for x in series.get("moments") or []]
    want_rows = [(f + ".gsnap", lab, singles[f].get("phase"),
                  (singles[f].get("cycle") or {}).get("cycles")) for f, lab in kept]
    tap.check(got and got == want_rows,
              "%s: gc DIR: %d moments in file order, each with its snapshot's own phase "
              "and cycle" % (t, len(got)),
              "series %s\nsingles %s\n%s" % (got, want_rows, read(os.path.join(d, "series.err"))))
    rows = [ln for ln in read(os.path.join(d, "series.txt")).splitlines()
            if re.match(r"runtime\.gc\w+ ", ln)]
    tap.check(len(rows) == len(kept) and all(r.split()[0] == lab for r, (_, lab) in
                                             zip(rows, kept)),
              "%s: gc DIR as text: a row per moment, in order" % t,
              read(os.path.join(d, "series.txt"))[:1500])


def main():
    out, args = sys.argv[1], sys.argv[2:]
    tap = Tap()
    roots = dict(a.split("=", 1) for a in args)
    versions = sorted(roots, key=lambda v: tuple(int(x) for x in v.split(".")))
    want = {}
    for v in versions:
        want[v] = source_order(tap, v, roots[v])
        check_run(tap, "go%s cycle 1" % v, os.path.join(out, "c1-go%s" % v), 1, want[v],
                  GOMAXPROCS)
    newest = versions[-1]
    check_run(tap, "go%s stripped, cycle 2" % newest,
              os.path.join(out, "c2-strip-go%s" % newest), 2, want[newest], 0)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
