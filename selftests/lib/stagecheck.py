#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""stagecheck: cli/'s stage folders against docs/design.md "Source layout".

  stagecheck.py includes CLI_DIR
      every '#include "STAGE/x.h"' against the stage order; prints one line
      per forbidden include, nothing when all are allowed
  stagecheck.py cycles CLI_DIR OBJ_DIR
      the link graph of the tool's objects (an object uses another when it
      needs a symbol the other defines, read with nm): prints every set of
      objects that use each other in a circle, nothing when there is none
  stagecheck.py count CLI_DIR
      the number of includes checked (a floor for the test)
  stagecheck.py asks CLI_DIR
      every place a decoder (decode/*.c) asks the layout for a runtime name
      spelled out in the call instead of taken from its needs table
      (decode/needs.h): such a name is read but not declared, so `layout
      --needs` and layout.t would not see it. Prints one line per call
      (FILE:LINE: call), nothing when every name comes from a table.

A stage may include its own headers, base/, and the stages below it; two
stages of one rank know nothing of each other. The commands (cli/*.c) sit
on top and may include anything.
"""
import os
import re
import subprocess
import sys

# rank of each stage: lower ranks never include higher ones
RANK = {
    "base": 0,      # bytes, errors, JSON writer, reporting
    "snap": 1,      # the snapshot format: records, files, metadata
    "exe": 1,       # the executable: ELF, symbols, pclntab, Go version
    "layout": 2,    # struct layouts from DWARF, type descriptors, tables
    "decode": 3,    # the Go runtime read from a snapshot
    "capture": 4,   # /dev/gosnap and writing snapshot files
    "out": 4,       # text, JSON and SVG printers of decoded models
    ".": 5,         # the commands
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(cli):
    for root, dirs, files in os.walk(cli):
        dirs[:] = [d for d in dirs if d != "tables"]
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(root, f), cli)


def stage_of(rel):
    d = os.path.dirname(rel)
    return d.split(os.sep)[0] if d else "."


def includes(cli):
    bad, count = [], 0
    for rel in sources(cli):
        src = stage_of(rel)
        if src not in RANK:
            bad.append(f"{rel}: folder {src}/ is not a known stage")
            continue
        with open(os.path.join(cli, rel), encoding="utf-8") as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            if inc.startswith("layout/tables/"):
                dst = "layout"
            elif "/" in inc:
                dst = inc.split("/")[0]
            elif os.path.exists(os.path.join(cli, inc)):
                dst = "."
            else:
                continue        # not one of ours (uapi, system)
            if dst not in RANK:
                continue
            count += 1
            if dst == src or dst == "base":
                continue
            if src == "." and dst != ".":
                continue
            # the commands have the top rank: no stage may include them
            if RANK[dst] >= RANK[src]:
                bad.append(f"{rel} ({src}, rank {RANK[src]}) includes "
                           f"{inc} ({dst}, rank {RANK[dst]})")
    return bad, count


def symbols(obj):
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    defs, undefs = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefs.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRVWC":
            defs.add(parts[2])
    return defs, undefs


def cycles(cli, objdir):
    objs = {}
    for rel in sources(cli):
        if rel.endswith(".c"):
            o = os.path.join(objdir, rel[:-2] + ".o")
            if not os.path.exists(o):
                sys.exit(f"stagecheck: {o} missing (build the CLI first)")
            objs[rel] = symbols(o)
    owner = {}
    for rel, (defs, _) in objs.items():
        for s in defs:
            owner[s] = rel
    edges = {rel: sorted({owner[s] for s in u if s in owner and owner[s] != rel})
             for rel, (_, u) in objs.items()}
    # Tarjan's strongly connected components
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    nedges = sum(len(e) for e in edges.values())
    return out, len(objs), nedges


# a layout query whose type or name argument is a string literal
ASK = re.compile(r'\bgs_layout_(?:field|const|global|size|has_field|has_const|has_global)'
                 r'\s*\(\s*[^,()]+,\s*"')


def asks(cli):
    bad = []
    for rel in sources(cli):
        if stage_of(rel) != "decode" or not rel.endswith(".c") or \
                os.path.basename(rel) == "needs.c":
            continue
        with open(os.path.join(cli, rel), encoding="utf-8") as f:
            text = f.read()
        for m in ASK.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            bad.append(f"{rel}:{line}: {m.group(0)}")
    return bad


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, cli = sys.argv[1], sys.argv[2]
    if cmd == "includes":
        for line in includes(cli)[0]:
            print(line)
    elif cmd == "count":
        print(includes(cli)[1])
    elif cmd == "asks":
        for line in asks(cli):
            print(line)
    elif cmd == "cycles" and len(sys.argv) == 4:
        comps, nobj, nedges = cycles(cli, sys.argv[3])
        print(f"# {nobj} objects, {nedges} uses", file=sys.stderr)
        for c in comps:
            print("circle: " + " <-> ".join(c))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
