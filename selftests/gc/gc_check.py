#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/63-gc.t (see its header).

gc_check.py OUT VERSION...: OUT/gcgraph-goVERSION/ holds what the guest
wrote: stdout and log (the target's stdout and stderr, gctrace
included), rc, and per snapshot NNN-SYM.gc.json and NNN-SYM.gc-strip.json
(`gc -j --objects`, with the executable and with its `strip -s` copy),
NNN-SYM.heap.json (`heap -j --spans`), for the newest release
NNN-SYM.gc-strip.txt. Prints TAP test lines and the plan; exits 1 if any
failed.
"""
import bisect
import glob
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load, read, screenshot  # noqa: E402

SYMBOLS = ["runtime.gcDrain", "runtime.gcMarkDone"]
# per gcMarkDone snapshot: did the rule hold exactly (see check_snapshot)
STRICT_RULE = []
# runtime/mgcwork.go: workbufhdr is an lfnode (next uint64, pushcnt
# uintptr) and nobj int, then obj [(_WorkbufSize - header) / PtrSize].
WORKBUF_HEADER = 24
WORKBUF_SIZE = 2048  # _WorkbufSize, runtime/mgcwork.go (go1.19-1.27)



def release(v):
    """"1.26" -> (1, 26)."""
    return tuple(int(x) for x in v.split("."))


def addr(x):
    """An address of the JSON: a "0x..." string (docs/json.md)."""
    return int(x, 16)


def workbufs(gc):
    """Every workbuf the model reached: (where, workbuf object)."""
    out = []
    for name in ("full", "empty"):
        lst = gc["lists"][name]
        for w in (lst or {}).get("workbufs", []):
            out.append((name, w))
    for p in gc["ps"] or []:
        for k in ("wbuf1", "wbuf2"):
            if p[k]:
                out.append(("P%d.%s" % (p["id"], k), p[k]))
    return out


class Spans:
    """Spans sorted by base, for 'which span holds this address'."""

    def __init__(self, spans):
        self.spans = sorted(spans, key=lambda s: s["base"])
        self.bases = [s["base"] for s in self.spans]

    def holding(self, addr, length=1):
        i = bisect.bisect_right(self.bases, addr) - 1
        if i < 0:
            return None
        s = self.spans[i]
        return s if addr + length <= s["base"] + s["bytes"] else None


# mgcmark_greenteagc.go, newSpanSPMC: a ring's capacity is a power of two,
# at least a physical page of pointers (4096 / 8 on amd64's 4 KiB pages).
SPMC_MIN_CAP = 4096 // 8
# rings listed in work.spanSPMCs, per Green Tea snapshot (a floor)
LISTED_RINGS = []


def check_span_rings(tap, where, gc, green_tea):
    """Green Tea's spanSPMC rings: work.spanSPMCs, each P's chain, the mask."""
    rings = gc.get("span_rings")
    if not green_tea:
        tap.check(rings is None and gc.get("span_rings_why"),
                  "%s: no span rings before Green Tea, and why: %s" %
                  (where, gc.get("span_rings_why")))
        return
    bad = []
    if not rings or not rings["complete"] or not rings["mask_read"]:
        bad.append("span_rings %s (%s)" % (rings and {k: rings[k] for k in rings if k != "rings"},
                                           gc.get("span_rings_why")))
        rings = {"rings": [], "spans": 0}
    ids = {p["id"] for p in gc["ps"] or []}
    live = 0
    for r in rings["rings"]:
        if r["dead"]:
            if r["p"] is not None:
                bad.append("dead ring %s on P%s's chain" % (r["addr"], r["p"]))
            continue
        n = (r["tail"] - r["head"]) % (1 << 32)
        live += n
        if r["cap"] < SPMC_MIN_CAP or r["cap"] & (r["cap"] - 1) or n > r["cap"]:
            bad.append("ring %s: %d spans, capacity %d" % (r["addr"], n, r["cap"]))
        if r["p"] is not None and r["p"] not in ids:
            bad.append("ring %s on the chain of P%s, not a P" % (r["addr"], r["p"]))
    chained = 0
    for p in gc["ps"] or []:
        c = p.get("spanq_chain")
        if c is None or p.get("in_spanq_mask") is None:
            bad.append("P%d: chain %s, mask bit %s" % (p["id"], c, p.get("in_spanq_mask")))
            continue
        mine = [r for r in rings["rings"] if r["p"] == p["id"]]
        if c["rings"] != len(mine):
            bad.append("P%d: %d rings on its chain, %d rings name it" %
                       (p["id"], c["rings"], len(mine)))
        chained += c["spans"]
    if chained != gc["totals"]["spans_chained"] or live != rings["spans"]:
        bad.append("spans chained %d, totals %d; live rings %d, span_rings %d" %
                   (chained, gc["totals"]["spans_chained"], live, rings["spans"]))
    LISTED_RINGS.append(len(rings["rings"]))
    tap.check(not bad and not gc["problems"],
              "%s: Green Tea's span rings: %d listed, every live one a power of two >= %d "
              "holding at most its capacity; every P's chain and mask bit read, its rings "
              "named for it; %d spans chained" %
              (where, len(rings["rings"]), SPMC_MIN_CAP, chained), "\n".join(bad))


def check_snapshot(tap, t, sym, gc, heap, log, green_tea):
    where = "%s at %s" % (t, sym)
    cyc = gc["cycle"]
    page = heap["page_size"]
    for s in heap.get("spans", []):
        s["base"] = addr(s["base"])
        s["bytes"] = s["pages"] * page
    for s in (gc["wbuf_spans"]["busy"] or {}).get("spans", []):
        s["base"] = addr(s["base"])
    busy = Spans((gc["wbuf_spans"]["busy"] or {}).get("spans", []))
    manual = Spans([s for s in heap.get("spans", []) if s["state"] == "manual"])
    inuse = Spans([s for s in heap.get("spans", []) if s["state"] == "in-use"])
    wbs = workbufs(gc)
    for _, w in wbs:
        w["addr"] = addr(w["addr"])
        if w.get("objects") is not None:
            w["objects"] = [addr(p) for p in w["objects"]]
    size, cap = gc["workbuf"]["size"], gc["workbuf"]["capacity"]

    tap.check(size == WORKBUF_SIZE and cap == (WORKBUF_SIZE - WORKBUF_HEADER) // 8,
              "%s: workbuf %d bytes, %d pointers (_WorkbufSize, header 24)" %
              (where, size, cap))
    bad = []
    for name, w in wbs:
        s = busy.holding(w["addr"], size)
        if not s:
            bad.append("%s %#x in no busy span" % (name, w["addr"]))
        elif (w["addr"] - s["base"]) % WORKBUF_SIZE:
            bad.append("%s %#x at %d from its span's base" % (name, w["addr"], w["addr"] - s["base"]))
    for s in busy.spans:
        if not manual.holding(s["base"], s["bytes"]):
            bad.append("busy span %#x (%d pages) is not a manual span of heap --spans" %
                       (s["base"], s["pages"]))
    tap.check(not bad,
              "%s: %d workbufs inside %d busy workbuf spans, at multiples of %d; "
              "each span a manual heap span" % (where, len(wbs), len(busy.spans), WORKBUF_SIZE),
              "\n".join(bad))
    bad = ["%s %#x nobj %s" % (n, w["addr"], w["nobj"]) for n, w in wbs
           if w["nobj"] is None or not 0 <= w["nobj"] <= cap]
    bad += ["work.empty %#x holds %d" % (w["addr"], w["nobj"]) for n, w in wbs
            if n == "empty" and w["nobj"] != 0]
    tap.check(not bad, "%s: 0 <= nobj <= %d in every workbuf, 0 on work.empty" % (where, cap),
              "\n".join(bad))
    bad, queued = [], 0
    for name, w in wbs:
        objs = w.get("objects")
        if objs is None or len(objs) != (w["nobj"] or 0):
            bad.append("%s %#x: %s pointers for nobj %s" % (name, w["addr"],
                       None if objs is None else len(objs), w["nobj"]))
            continue
        queued += len(objs)
        for p in objs:
            if not inuse.holding(p):
                bad.append("%s %#x: %#x outside every in-use span" % (name, w["addr"], p))
    tap.check(not bad and inuse.spans,
              "%s: %d queued pointers, each inside an in-use span of heap --spans (%d)" %
              (where, queued, len(inuse.spans)), "\n".join(bad))
    # The lists are lock-free stacks: a node is on one at a time.
    listed = [w["addr"] for n, w in wbs if n in ("full", "empty")]
    dups = sorted({a for a in listed if listed.count(a) > 1})
    tap.check(not dups, "%s: no workbuf twice on work.full and work.empty (%d listed)" %
              (where, len(listed)), ", ".join("%#x" % a for a in dups))
    # mgcwork.go: put() puts a full buffer on work.full before it replaces
    # wbuf1, and tryGet() puts the old one on work.empty before it does:
    # a worker stopped between the two holds a buffer that is also listed
    # (or that another P took). The hitting thread is not inside either;
    # at gcDrain it is itself one worker off nwait.
    nproc, nwait = cyc["nproc"], cyc["nwait"]
    others = nproc is None or nwait is None or \
        (nproc - nwait) > (1 if sym == "runtime.gcDrain" else 0)
    addrs = [w["addr"] for _, w in wbs]
    dups = sorted({a for a in addrs if addrs.count(a) > 1})
    if not others:
        tap.check(not dups, "%s: no workbuf reached twice, lists and Ps (%d reached; "
                  "no other worker working)" % (where, len(addrs)),
                  ", ".join("%#x" % a for a in dups))
    else:
        tap.check(len(dups) <= 2 * (nproc - nwait),
                  "%s: workbufs reached twice (%d) only as buffers in transit, at most "
                  "two per working worker (%d working)" % (where, len(dups), nproc - nwait),
                  ", ".join("%#x" % a for a in dups))
    tap.check(gc["phase"] == "mark" and cyc["phase_raw"] == 1,
              "%s: gcphase is mark (setGCPhase(_GCmark) in gcStart precedes it)" % where,
              "phase %s raw %s, unavailable %s" % (gc["phase"], cyc["phase_raw"],
                                                   gc["unavailable"]))
    tap.check(not gc["unavailable"] and not gc["problems"],
              "%s: nothing unavailable, no problem" % where,
              "unavailable %s, problems %s" % (gc["unavailable"], gc["problems"]))
    if sym == "runtime.gcDrain":
        tap.check(nproc is not None and nwait is not None and nwait < nproc,
                  "%s: the draining worker is off nwait: nwait %s < nproc %s" % (where, nwait, nproc))
    else:
        # The caller checked the rule just before the call; by the probe's
        # hit another P's idle worker may have started on local work it
        # held (findRunnableGCWorker): then nwait < nproc and it may have
        # pushed to work.full. Root jobs only ever run out.
        full = gc["lists"]["full"]
        roots = (cyc["markroot_next"] is not None and
                 cyc["markroot_next"] >= cyc["markroot_jobs"])
        strict = (nproc is not None and nproc == nwait and full is not None and
                  full["count"] == 0)
        STRICT_RULE.append(strict)
        late = nproc is not None and nwait is not None and nwait < nproc
        tap.check(roots and (strict or late),
                  "%s: mgc.go gcMarkDone: \"work.nwait == work.nproc && "
                  "!gcMarkWorkAvailable\": nwait %s == nproc %s, work.full %s workbufs, "
                  "markrootNext %s >= markrootJobs %s%s" %
                  (where, nwait, nproc, full and full["count"], cyc["markroot_next"],
                   cyc["markroot_jobs"],
                   "" if strict else " (a worker started after the caller's check)"))
    # Green Tea (go1.26+, mgcmark_greenteagc.go): each P's spanQueue has a
    # local ring of 256 spans (tail - head), and spanSPMC rings beyond it.
    bad = []
    for p in gc["ps"] or []:
        if p["spanq_len"] is not None and not 0 <= p["spanq_len"] <= 256:
            bad.append("P%d: spanq_len %d" % (p["id"], p["spanq_len"]))
        if green_tea and p["spanq_len"] is None:
            bad.append("P%d: spanq_len not decoded" % p["id"])
    spans = gc["totals"]["spans_queued"]
    tap.check(not bad and spans == sum(p["spanq_len"] or 0 for p in gc["ps"] or []),
              "%s: span queues%s: %d spans queued, each local ring within its 256" %
              (where, " (Green Tea: every P's ring decoded)" if green_tea else "", spans),
              "\n".join(bad))
    check_span_rings(tap, where, gc, green_tea)
    tap.check(len(busy.spans) >= 1 and len(wbs) >= 1,
              "%s: floors: %d busy spans >= 1, %d workbufs >= 1" %
              (where, len(busy.spans), len(wbs)))
    n = cyc["cycles"]
    trace = re.search(r"^gc %s @.*\(forced\)$" % n, log, re.M) if n is not None else None
    tap.check(n is not None and cyc["numgc"] is not None and n == cyc["numgc"] + 1 and
              trace is not None,
              "%s: cycle %s = numgc %s + 1 while marking; gctrace printed \"gc %s\", forced" %
              (where, n, cyc["numgc"], n))
    return queued


# gc_svg.c's colours: the workbuf boxes, their fill by objects (solid
# areas: a stroke's pixels are blended, never exactly its colour).
SVG_BOX, SVG_FILL, SVG_SPANS = "eef3f8", "e6781e", "2ca02c"
PNG_COLOURS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "heap", "png-colours")


def check_pictures(tap, where, base, gc):
    dot = base + ".dot"
    if not shutil.which("dot"):
        tap.check(False, "%s: dot renders gc --dot (no dot: run scripts/install-deps)" % where)
    else:
        r = subprocess.run(["dot", "-Tsvg", dot, "-o", dot + ".svg"], capture_output=True,
                           text=True)
        nodes = len(re.findall(r'<g id="node', read(dot + ".svg")))
        want = gc["totals"]["workbufs"] + len(gc["ps"] or []) + 2
        tap.check(r.returncode == 0 and not r.stderr and nodes == want,
                  "%s: dot -Tsvg renders gc --dot: %d nodes, one per workbuf (%d), P and "
                  "list" % (where, nodes, gc["totals"]["workbufs"]),
                  r.stderr + read(base + ".pictures.err"))
    svg, png = base + ".svg", base + ".png"
    m = re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', read(svg))
    if not shutil.which("chromium") or not m:
        tap.check(False, "%s: chromium renders gc --svg (chromium %s, svg size %s)" %
                  (where, shutil.which("chromium"), m and m.groups()), read(base + ".pictures.err"))
        return
    w, h = m.groups()
    screenshot(svg, png, w, h, base + ".chromium")
    r = subprocess.run([PNG_COLOURS, png, SVG_BOX, SVG_FILL, SVG_SPANS], capture_output=True,
                       text=True)
    f = r.stdout.split()
    ok = r.returncode == 0 and len(f) == 7
    pw, ph, colours, dominant, boxes, fill, spanpx = (int(x) for x in f) if ok else (0,) * 7
    queued = gc["totals"]["queued"]
    spans = gc["totals"]["spans_queued"] + gc["totals"]["spans_chained"]
    tap.check(ok and (pw, ph) == (int(w), int(h)) and dominant < 100 and
              (boxes > 0) == (gc["totals"]["workbufs"] > 0) and (fill > 0) == (queued > 0) and
              (spanpx > 0) == (spans > 0),
              "%s: chromium renders gc --svg: %dx%d, %d colours, workbuf boxes %d px for %d "
              "workbufs, object fill %d px for %d queued, Green Tea spans bars %d px for %d "
              "spans" % (where, pw, ph, colours, boxes, gc["totals"]["workbufs"], fill, queued,
                         spanpx, spans), r.stderr)


def check_series(tap, t, d, singles):
    """gc DIR against each snapshot's own decode (singles: sym -> gc -j)."""
    series = load(os.path.join(d, "series.json"))
    moments = series.get("moments") or []
    got = [(m["file"], m["at"], m["hit"]) for m in moments]
    # which hit came first depends on how many drains the first cycle had
    tap.check(sorted(got) == got and
              sorted((a, h) for _, a, h in got) == [("runtime.gcDrain", 8),
                                                    ("runtime.gcMarkDone", 1)],
              "%s: gc DIR: one moment per snapshot, in file (hit) order: %s" % (t, got),
              series.get("_error") or read(os.path.join(d, "series.err")))
    bad = []
    for m in moments:
        one = singles.get(m["at"])
        if not one:
            bad.append("%s: no single decode" % m["at"])
            continue
        want = (one["phase"], one["cycle"]["cycles"], one["cycle"]["numgc"],
                one["lists"]["full"]["count"], one["lists"]["empty"]["count"],
                one["totals"]["queued_ps"], len(one["wbuf_spans"]["busy"]["spans"]))
        have = (m["phase"], m["cycles"], m["numgc"], m["full"], m["empty"], m["queued_ps"],
                m["busy_spans"])
        if want != have:
            bad.append("%s: series %s, single %s" % (m["at"], have, want))
    tap.check(moments and not bad, "%s: gc DIR: each moment's phase, cycle, lists, P queues "
              "and spans equal the snapshot's own gc -j" % t, "\n".join(bad))
    rows = [ln for ln in read(os.path.join(d, "series.txt")).splitlines()
            if re.match(r"runtime\.gc(Drain|MarkDone) ", ln)]
    tap.check(len(rows) == 2 and all(" mark " in r for r in rows),
              "%s: gc DIR as text: two rows, both in phase mark" % t,
              read(os.path.join(d, "series.txt"))[:1500])


def without_exe(gc):
    g = dict(gc)
    g.pop("exe", None)
    return g



def check_target(tap, out, v, oldest, newest, queued):
    t = "gcgraph-go%s" % v
    d = os.path.join(out, t)
    rc = read(os.path.join(d, "rc"), "?").strip()
    log = read(os.path.join(d, "log"))
    tap.check(rc == "0", "%s: captured and ran to its end (rc %s)" % (t, rc), log[-2000:])
    singles = {}
    for sym in SYMBOLS:
        found = sorted(glob.glob(os.path.join(d, "*-%s*.gc.json" % sym)))
        if not found:
            tap.check(False, "%s: a snapshot at %s" % (t, sym),
                      "files: %s" % (os.listdir(d) if os.path.isdir(d) else "none"))
            continue
        base = found[0][:-len(".gc.json")]
        heap = load(base + ".heap.json")
        models = {}
        for kind, suffix in (("as built", ""), ("strip -s", "-strip")):
            gc = load(base + ".gc%s.json" % suffix)
            grc = read(base + ".gc%s-rc" % suffix, "?").strip()
            ok = "_error" not in gc and "_error" not in heap and grc == "0"
            tap.check(ok, "%s at %s, %s: gc -j and heap -j decoded (rc %s)" %
                      (t, sym, kind, grc),
                      gc.get("_error") or heap.get("_error") or read(base + ".gc%s.err" % suffix))
            if ok:
                models[kind] = gc
                if kind == "as built":
                    singles[sym] = gc
                n = check_snapshot(tap, "%s (%s)" % (t, kind), sym,
                                   json.loads(json.dumps(gc)), json.loads(json.dumps(heap)),
                                   log, release(v) >= (1, 26))
                if kind == "as built":
                    queued[v] = queued.get(v, 0) + n
        if len(models) == 2:
            a, b = without_exe(models["as built"]), without_exe(models["strip -s"])
            tap.check(a == b, "%s at %s: the strip -s decode (no .symtab, no DWARF) equals "
                      "the other" % (t, sym), "\n".join(difflines(a, b)))
        if v in (oldest, newest) and "as built" in models:
            check_pictures(tap, "%s at %s" % (t, sym), base, models["as built"])
        if v == newest:
            txt = read(base + ".gc-strip.txt")
            rows = re.findall(r"^  (full|empty|P\d+\.w[12]) +0x[0-9a-f]+ +\d+  busy-span$",
                              txt, re.M)
            want = len(workbufs(models.get("strip -s", {"lists": {"full": None, "empty": None},
                                                        "ps": None})))
            tap.check(re.search(r"^phase +mark$", txt, re.M) and len(rows) == want,
                      "%s at %s, strip -s: the text says phase mark and lists the %d "
                      "workbufs, each in a busy span" % (t, sym, want), txt[:1500])
    if v == newest:
        check_series(tap, t, d, singles)


def difflines(a, b, path=""):
    """Where two JSON values differ, at most 20 lines."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            out += difflines(a.get(k), b.get(k), path + "." + k)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            out += difflines(x, y, "%s[%d]" % (path, i))
    elif a != b:
        out.append("%s: %r != %r" % (path, a, b))
    return out[:20]


def main():
    out, versions = sys.argv[1], sys.argv[2:]
    tap = Tap()
    queued = {}
    for v in versions:
        check_target(tap, out, v, versions[0], versions[-1], queued)
    # Before Green Tea (go1.26) every grey object goes through workbufs:
    # a floor, so that the pointer check did not pass on nothing.
    old = {v: n for v, n in queued.items() if release(v) < (1, 26)}
    tap.check(not old or sum(old.values()) > 0,
              "queued pointers checked before Green Tea: %s" % old)
    # 16 MiB of small objects spill every worker's local ring of 256 spans
    # (spanQueue.put drains half of it to a new spanSPMC): a floor, so
    # that the ring checks did not pass on nothing
    tap.check(not any(release(v) >= (1, 26) for v in versions) or sum(LISTED_RINGS) > 0,
              "Green Tea: span rings listed in the snapshots: %s" % LISTED_RINGS)
    # a floor: the gcMarkDone rule held exactly in most snapshots
    tap.check(2 * sum(STRICT_RULE) > len(STRICT_RULE),
              "the gcMarkDone rule held exactly in %d of %d snapshots" %
              (sum(STRICT_RULE), len(STRICT_RULE)))
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
