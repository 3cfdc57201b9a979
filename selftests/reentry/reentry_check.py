#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/49-reentry.t (see its header).

reentry_check.py OUT VERSION...: OUT/VERSION/RUN/ holds what the guest
wrote for each capture run (calls, held, every, nth): rc, stdout (the
target's "reentry: same N grow M goX" line), log (the CLI's messages), and
NNN-LABEL.json, `show -j` of each snapshot. Prints TAP test lines and the
plan; exits 1 if any failed.
"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load, read  # noqa: E402


def run_of(d):
    """(rc, {"same": n, "grow": m} the target printed or None, {label: [hits]}, log)."""
    rc = read(os.path.join(d, "rc")).strip()
    m = re.search(r"^reentry: same (\d+) grow (\d+) (\S+)", read(os.path.join(d, "stdout")) +
                  read(os.path.join(d, "log")), re.M)
    calls = {"main.same": int(m.group(1)), "main.grow": int(m.group(2))} if m else None
    hits = {}
    for p in sorted(glob.glob(os.path.join(d, "*.json"))):
        for snap in load(p).get("snapshots") or [{}]:
            c = snap.get("capture") or {}
            hits.setdefault(c.get("label", "?"), []).append(c.get("hit"))
    return rc, calls, hits, read(os.path.join(d, "log"))


def main():
    out, versions = sys.argv[1], sys.argv[2:]
    tap = Tap()
    for v in versions:
        for run, how in (("calls", "pages mode"), ("held", "--stop-world --mode meta")):
            rc, calls, hits, log = run_of(os.path.join(out, v, run))
            tap.check(rc == "0" and calls and calls["main.same"] == 6 and calls["main.grow"] == 4,
                      "go%s %s: capture exits 0; the target made 6 calls of same, 4 of grow" %
                      (v, how), "rc %s calls %s\n%s" % (rc, calls, log[-1500:]))
            for sym in ("main.same", "main.grow"):
                n = calls[sym] if calls else -1
                got = hits.get(sym, [])
                tap.check(n > 0 and got == list(range(1, n + 1)),
                          "go%s %s: %s: one snapshot per call, hits 1..%d" % (v, how, sym, n),
                          "hits %s" % got)
        rc, calls, hits, log = run_of(os.path.join(out, v, "every"))
        got = hits.get("main.grow", [])
        n = calls["main.grow"] if calls else -1
        tap.check(rc == "0" and n == 4 and len(got) >= 2 * n and got == list(range(1, len(got) + 1)),
                  "go%s --every-entry (control): grow entered %d times for %d calls, at least "
                  "twice each: the stack grew in its prologue, and the entries above were "
                  "re-entries" % (v, len(got), n), "rc %s calls %s hits %s\n%s" %
                  (rc, calls, got, log[-1000:]))
        rc, calls, hits, log = run_of(os.path.join(out, v, "nth"))
        tap.check(rc == "0" and calls and calls["main.same"] == 6 and
                  hits == {"main.same": [5]},
                  "go%s --at main.same#5: one snapshot, of the fifth call" % v,
                  "rc %s calls %s hits %s\n%s" % (rc, calls, hits, log[-1000:]))
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
