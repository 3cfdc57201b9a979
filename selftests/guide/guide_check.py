#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/72-guide.t (see its header).

guide_check.py CAP GUIDE COMMITTED VERSION...: CAP is the directory of
captures docs/gen/startup-guide wrote (CAP/VERSION/...), GUIDE the guide
docs/gen/startup_guide.py wrote from them, COMMITTED the guide in the tree
(docs/go-startup-memory.md). Prints TAP test lines and the plan; exits 1
if any failed.

`guide_check.py --figures CAP GUIDE` prints the guide's figures that are
not in the captures, one a line, and exits 1 if there is any: the check
alone, for a hand run or for the test's own can-it-fail case.

A figure is every number token of the guide (decimal, or hex with 0x),
outside the five statements the guide quotes (the issue's words, matched
exactly), outside release names ("Go 1.22", "go1.22") and outside the
names of files that exist (`a/b-1.c` in backquotes, in the tree or in
CAP; a name that names no file is checked like the rest). It is found
when its value is:
  - a value of the captures: a JSON number, a hex string, or a number
    inside a string (kernel release, time stamp), anywhere in CAP;
  - followed by B, KiB, MiB, GiB or TiB: that many bytes is such a value
    (exactly: the generator writes a unit only when it divides exactly);
  - "N B (≈ X U)": N is found, and X is N in unit U rounded to one
    decimal (the generator's approximate sizes);
  - the result of a difference written out in the guide, "A − B = C":
    A and B are found, and C is A − B (C may carry a unit as above); C
    then counts as found wherever it is written.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, read  # noqa: E402

# The five statements, quoted by the guide as blockquotes: their
# numbers are the claims under test, not figures.
STATEMENTS = [
    "g0's stack is 2 MB in the heap arena",
    "`mheap_.arena_start` reserves 64 GB",
    "`mheap_.free[0..66]` is empty after `mallocinit`",
    "a `gcWorkBufPool` sync.Pool is pre-warmed",
    "`mcache.refill` takes a workbuf from `mheap_.sweepBuf`",
]
SECTIONS = [
    "The captures",
    "The moments",
    "g0 of m0",
    "What is mapped at rt0_go, and what mallocinit adds",
    "Arenas",
    "The page allocator before the first mallocgc",
    "Goroutines at runtime.main, and the PC→SP chain to schedinit",
    "GC work buffers",
    "Five statements",
]
UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
NUM = r"0x[0-9a-fA-F]+|\d+(?:\.\d+)?"
TOKEN = re.compile(r"(?<![\w.#-])(" + NUM + r")(?![\w])(?:\s?(B|KiB|MiB|GiB|TiB)\b)?")
VERSION = re.compile(r"(?:\bGo |\bgo)1\.\d+(?:\.\d+)?")
APPROX = re.compile(r"(?<![\w.])(\d+) B \(≈ (\d+\.\d) (KiB|MiB|GiB|TiB)\)")
DIFF = re.compile(r"(?<![\w.])(" + NUM + r")\s*−\s*(" + NUM + r")\s*=\s*(" + NUM +
                  r")(?:\s?(B|KiB|MiB|GiB|TiB)\b)?")


def value(tok):
    if tok.lower().startswith("0x"):
        return int(tok, 16)
    return float(tok) if "." in tok else int(tok)


def capture_values(cap):
    """Every number of every file under CAP: JSON numbers, hex strings and
    the numbers inside strings; text files' number tokens."""
    vals = set()

    def walk(o):
        if isinstance(o, bool) or o is None:
            return
        if isinstance(o, (int, float)):
            vals.add(o)
        elif isinstance(o, str):
            for t in re.findall(NUM, o):
                vals.add(value(t))
        elif isinstance(o, list):
            for x in o:
                walk(x)
        elif isinstance(o, dict):
            for k, x in o.items():
                walk(x)
    for root, _, files in os.walk(cap):
        for f in files:
            p = os.path.join(root, f)
            if f.endswith(".json"):
                try:
                    with open(p) as fh:
                        walk(json.load(fh))
                except (OSError, ValueError):
                    pass
            elif f.endswith((".txt", "stderr", "stdout")):
                walk(read(p))
    return vals


TOP = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CODE_PATH = re.compile(r"`([\w.+-]*/[\w./+-]*)`")


def prose(md, cap):
    """The guide without its quoted statements, release names and the
    names of files that exist."""
    def path(m):
        p = m.group(1)
        return "`FILE`" if os.path.exists(os.path.join(TOP, p)) or os.path.exists(os.path.join(cap, p)) else m.group(0)
    md = CODE_PATH.sub(path, md)
    lines = []
    for line in md.splitlines():
        q = line.lstrip("> ").strip().strip('"“”')
        if line.startswith(">") and any(s in q for s in STATEMENTS):
            continue
        lines.append(VERSION.sub("go", line))
    return "\n".join(lines)


def unfound(cap, md, vals=None):
    """(figures checked, [figures not found in the captures])."""
    vals = capture_values(cap) if vals is None else vals
    text = prose(md, cap)
    found = set(vals)
    bad = []
    for m in DIFF.finditer(text):
        a, b, c = value(m.group(1)), value(m.group(2)), value(m.group(3))
        if a in vals and b in vals and a - b == c:
            found.add(c)
            found.add(c * UNITS[m.group(4) or "B"])
        else:
            bad.append("%s (a difference: %s in the captures %s, %s %s, = %s)" % (
                m.group(0), m.group(1), a in vals, m.group(2), b in vals, a - b))
    for m in APPROX.finditer(text):
        b, x, u = int(m.group(1)), m.group(2), m.group(3)
        if b not in vals or "%.1f" % (b / UNITS[u]) != x:
            bad.append("%s (%d B in the captures %s, = %.1f %s)" % (m.group(0), b, b in vals, b / UNITS[u], u))
    # the approximate figures are checked: the tokens left are exact
    text = APPROX.sub(lambda m: m.group(1) + " B", text)
    n = 0
    for m in TOKEN.finditer(text):
        n += 1
        v = value(m.group(1))
        if m.group(2):
            v = v * UNITS[m.group(2)]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
        if v not in found:
            line = text.count("\n", 0, m.start()) + 1
            bad.append("line %d: %s" % (line, m.group(0)))
    return n, bad


def structure(md):
    """Headings and table header rows: what a fresh guide and the
    committed one share (the figures differ between runs)."""
    out, prev = [], ""
    for line in md.splitlines():
        if line.startswith("#"):
            out.append(line)
        elif re.match(r"^\|[-| ]+\|$", line):
            out.append(re.sub(NUM, "N", prev))
        prev = line
    return out


def main(cap, guide, committed, versions):
    t = Tap()
    md = read(guide)
    vals = capture_values(cap)
    n, bad = unfound(cap, md, vals)
    t.check(n >= 200 and not bad,
            "every figure of the guide is in the captures it was built from (%d figures, %d not found)"
            % (n, len(bad)), "\n".join(bad[:40]))
    heads = [l[3:].strip() for l in md.splitlines() if l.startswith("## ")]
    missing = [s for s in SECTIONS if s not in heads]
    t.check(not missing, "the guide has its %d sections" % len(SECTIONS), "missing: %s" % missing)
    quoted = [s for s in STATEMENTS if not re.search(r"^> .*" + re.escape(s), md, re.M)]
    verdicts = re.findall(r"^\*\*(True|False|Partly true)\.\*\*", md, re.M)
    t.check(not quoted and len(verdicts) == len(STATEMENTS),
            "the five statements are quoted, each with a verdict (%s)" % ", ".join(verdicts),
            "not quoted: %s" % quoted)
    nover = [v for v in versions if not re.search(r"^### Go %s\b" % re.escape(v), md, re.M)]
    moments = {}
    for v in versions:
        # the table under "### Go V" of "## The moments": a row per moment
        sec = re.search(r"^## The moments$(.*?)^## ", md, re.M | re.S)
        sub = re.search(r"^### Go %s\b.*?$(.*?)(?=^###|\Z)" % re.escape(v), sec.group(1) if sec else "",
                        re.M | re.S)
        moments[v] = len(re.findall(r"^\| (?!moment |---)", sub.group(1), re.M)) if sub else 0
    t.check(not nover and all(k >= 10 for k in moments.values()),
            "each release has its sections and its moments (%s)" %
            ", ".join("go%s: %d" % kv for kv in moments.items()), "no section: %s" % nover)
    # The test's own can-it-fail case: a figure changed is caught.
    m = re.search(r"\| (0x[0-9a-f]{6,}) \|", md)
    if m:
        # an address the captures do not have, so the change must be caught
        k = 1
        while int(m.group(1), 16) + k * 0x1000 in vals:
            k += 1
        wrong = "0x%x" % (int(m.group(1), 16) + k * 0x1000)
        _, bad2 = unfound(cap, md.replace(m.group(1), wrong, 1), vals)
        t.check(any(wrong in b for b in bad2),
                "the check fails a guide with one address changed (%s -> %s)" % (m.group(1), wrong))
    else:
        t.check(False, "the guide has an address in a table to change")
    old = read(committed)
    a, b = structure(old), structure(md)
    diff = [x for x in a if x not in b] + [x for x in b if x not in a]
    t.check(bool(a) and a == b,
            "the committed guide has the fresh one's structure (%d headings and tables)" % len(b),
            "\n".join(diff[:20]) or "same items, another order")
    t.check(old.startswith("<!-- Generated by `make docs`") and md.startswith("<!-- Generated by `make docs`"),
            "both guides say they are generated, and by what")
    return t.finish()


if __name__ == "__main__":
    if sys.argv[1] == "--figures":
        n, bad = unfound(sys.argv[2], read(sys.argv[3]))
        print("\n".join(bad))
        print("%d figures, %d not found" % (n, len(bad)), file=sys.stderr)
        sys.exit(1 if bad else 0)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
