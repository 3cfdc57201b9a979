#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A profile of `gosnap-cli objects --pprof` read back by `go tool pprof`,
the format's own reader, against `objects -j` of the same decode.

pprof_check.py GO PROFILE JSON [--name NAME] [--min-groups N] [--folded JSON2]

  GO          a go command (its `go tool pprof` reads PROFILE)
  PROFILE     the gzipped profile
  JSON        `objects -j` of the same model: every group (no --top)
  NAME        prefix of the test lines (default: PROFILE's file name)
  N           the floor: fewer groups than N fail (an empty heap must not
              pass)
  JSON2       `objects -j --top K` of the same model: its tables fold some
              groups away, which the profile must still hold

Checks, from `go tool pprof -raw` (every sample, its values, its frame
and labels): the sample types objects/count, bytes/bytes, resident/bytes,
bytes the default; one sample per group, at least N; each group's frame
(its type, "[]T" for an array, or "untyped class C (S B, SHAPE, WHY)"),
objects, bytes, resident bytes and labels exactly as JSON has them; the
sums equal JSON's totals. From `go tool pprof -top -sample_index=X` for
each of the three: every frame with the sum of its groups' values.

Prints TAP test lines without a plan (the caller's selftests/lib/tap.sh
`replay`s them); exits 1 if any failed.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load  # noqa: E402

TYPES = [("objects", "count"), ("bytes", "bytes"), ("resident", "bytes")]
JSON_VALUES = ("objects", "bytes", "resident_bytes")


def pprof(go, *args):
    """go tool pprof ARGS: (exit status, stdout, stderr). -symbolize=none:
    the frames are names already, and the executable need not be here."""
    r = subprocess.run([go, "tool", "pprof", "-symbolize=none", *args],
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def frame(g):
    """The frame objects_pprof.c names group g (a JSON group) with."""
    if g["typed"]:
        return ("[]" if g["array"] else "") + g["type"]
    return "untyped class %d (%d B, %s, %s)" % (
        g["size_class"], g["slot_bytes"], "noscan" if g["noscan"] else "scan", g["from"])


def labels(g):
    if g["typed"]:
        # a type only DWARF has (hash<K,V>) has no descriptor, nor the label
        if g["type_descriptor"] is None:
            return {"from": g["from"]}
        return {"from": g["from"], "type_descriptor": g["type_descriptor"]}
    return {"why": g["from"], "shape": "noscan" if g["noscan"] else "scan",
            "size_class": str(g["size_class"]), "slot_bytes": "%d bytes" % g["slot_bytes"]}


SAMPLE = re.compile(r"^\s*(-?\d+(?:\s+-?\d+)*): ((?:\d+ ?)*)$")
LABEL = re.compile(r"(\w+):\[([^\]]*)\]")
LOCATION = re.compile(r"^\s*(\d+): 0x[0-9a-f]+ (?:M=\d+ )?(.*) \S*:-?\d+ s=-?\d+$")


def parse_raw(text):
    """-raw's dump: (sample type header, [(frame, values, labels)])."""
    header, samples, locs, part = "", [], {}, None
    for line in text.splitlines():
        if line in ("Samples:", "Locations", "Mappings"):
            part = line
            continue
        if part == "Samples:":
            m = SAMPLE.match(line)
            if not header:
                header = line.strip()
            elif m:
                values = tuple(int(v) for v in m.group(1).split())
                samples.append([[int(x) for x in m.group(2).split()], values, {}])
            elif samples and line.startswith(" " * 16):
                samples[-1][2].update(LABEL.findall(line))
        elif part == "Locations":
            m = LOCATION.match(line)
            if m:
                locs[int(m.group(1))] = m.group(2)
    out = []
    for ids, values, lb in samples:
        name = locs.get(ids[0], "?") if len(ids) == 1 else "stack of %d" % len(ids)
        out.append((name, values, lb))
    return header, out


TOP = re.compile(r"^\s*(-?\d+)B?\s+\S+%\s+\S+%\s+(-?\d+)B?\s+\S+%\s+(.*)$")


def parse_top(text):
    """-top's rows: {frame: flat value}."""
    return {m.group(3): int(m.group(1)) for m in map(TOP.match, text.splitlines()) if m}


def parse_top_cum(text):
    """-top's rows: {frame: cumulative value}."""
    return {m.group(3): int(m.group(2)) for m in map(TOP.match, text.splitlines()) if m}


def diff(want, got):
    """Lines for what is in one multiset and not in the other."""
    w, g = collections.Counter(want), collections.Counter(got)
    return (["missing: %s" % (x,) for x in sorted(w - g, key=str)] +
            ["unexpected: %s" % (x,) for x in sorted(g - w, key=str)])


def check(tap, go, profile, objects, name, min_groups, folded=None):
    groups = objects.get("typed", []) + objects.get("untyped", [])
    totals = objects.get("totals", {})
    rc, out, err = pprof(go, "-raw", profile)
    tap.check(rc == 0, "%s: go tool pprof -raw reads the profile" % name, err)
    header, samples = parse_raw(out)
    want_header = " ".join("%s/%s%s" % (t, u, "[dflt]" if t == "bytes" else "") for t, u in TYPES)
    tap.check(header == want_header, "%s: sample types %s, default bytes" %
              (name, ", ".join("%s/%s" % t for t in TYPES)), "got %r" % header)
    tap.check(len(samples) == len(groups) == totals.get("groups") and len(groups) >= min_groups,
              "%s: %d samples, one per group of objects -j (%s groups; floor %d)" %
              (name, len(samples), totals.get("groups"), min_groups),
              "%d groups in the JSON" % len(groups))
    want = [(frame(g), tuple(g[k] for k in JSON_VALUES)) for g in groups]
    got = [(s[0], s[1]) for s in samples]
    tap.check(not diff(want, got) and want,
              "%s: every group's frame, objects, bytes and resident bytes, exactly" % name,
              "\n".join(diff(want, got)))
    want = [(frame(g), tuple(sorted(labels(g).items()))) for g in groups]
    got = [(s[0], tuple(sorted(s[2].items()))) for s in samples]
    tap.check(not diff(want, got) and want, "%s: every group's labels" % name,
              "\n".join(diff(want, got)))
    sums = [sum(s[1][i] for s in samples) for i in range(len(TYPES))]
    want = [totals.get(k) for k in JSON_VALUES]
    tap.check(sums == want, "%s: the samples sum to the totals %s" % (name, want),
              "sums %s" % sums)
    for i, (t, unit) in enumerate(TYPES):
        args = ["-top", "-sample_index=" + t, "-nodefraction=0", "-nodecount=1000000"]
        rc, out, err = pprof(go, *args, *(["-unit=B"] if unit == "bytes" else []), profile)
        want = collections.Counter()
        for g in groups:
            want[frame(g)] += g[JSON_VALUES[i]]
        want = {k: v for k, v in want.items() if v}	# -top leaves out zeros
        got = parse_top(out)
        tap.check(rc == 0 and got == want and (want or not groups),
                  "%s: -top -sample_index=%s lists %d frames with their groups' %s" %
                  (name, t, len(got), t),
                  err + "\n".join(diff(want.items(), got.items())))
    if folded is not None:
        shown = len(folded.get("typed", []) + folded.get("untyped", []))
        tap.check(shown < len(groups) == len(samples),
                  "%s: --top folds %d of the %d groups away; the profile holds all %d" %
                  (name, len(groups) - shown, len(groups), len(samples)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("go")
    ap.add_argument("profile")
    ap.add_argument("json")
    ap.add_argument("--name")
    ap.add_argument("--min-groups", type=int, default=1)
    ap.add_argument("--folded")
    a = ap.parse_args()
    tap = Tap()
    objects = load(a.json)
    name = a.name or os.path.basename(a.profile)
    tap.check("_error" not in objects, "%s: %s read" % (name, os.path.basename(a.json)),
              objects.get("_error"))
    check(tap, a.go, a.profile, objects, name, a.min_groups,
          load(a.folded) if a.folded else None)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
