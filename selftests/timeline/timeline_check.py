#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/71-timeline.t (see its header).

timeline_check.py OUT VERSION...: OUT/VERSION holds timeline.json, rc,
stderr (the target's inittrace and gctrace lines), chart.svg and
snaps/NNN-*.show.json; OUT holds text.out/.rc (the table) and
pid.out/.rc. Prints TAP test lines and the plan; exits 1 if any failed.
"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, load, read, screenshot  # noqa: E402

PNG_COLOURS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "heap", "png-colours")
TEXT_COLOUR, HEAP_COLOUR = "1f77b4", "2ca02c"   # cli/out/timeline_svg.c

ORDER = ["rt0_go", "schedinit", "mallocinit", "mallocinit returned", "newproc",
         "mstart", "runtime.main"]


def kind(moment):
    """The moment's name up to its first space, "init" for inits."""
    for k in sorted(ORDER, key=len, reverse=True):
        if moment == k or moment.startswith(k + " "):
            return k
    return moment.split(" ")[0] if moment.startswith("init ") else moment


def symbols(d, v):
    """{name: address} from go tool nm, and the address after schedinit's
    call of mallocinit from go tool objdump (the oracles of the ips)."""
    go, exe = read(os.path.join(d, "go")).strip(), os.path.join(d, "startup-" + v)
    env = dict(os.environ, GOTOOLCHAIN="local", GOENV="off", GOTELEMETRY="off",
               GOFLAGS="-buildvcs=false", GOCACHE=os.environ.get("GOCACHE") or os.path.join(d, "gocache"))
    nm = subprocess.run([go, "tool", "nm", exe], capture_output=True, text=True, env=env).stdout
    addr = {f[2]: int(f[0], 16) for f in (l.split() for l in nm.splitlines()) if len(f) >= 3}
    dis = subprocess.run([go, "tool", "objdump", "-s", "^runtime.schedinit$", exe],
                         capture_output=True, text=True, env=env).stdout.splitlines()
    for a, b in zip(dis, dis[1:]):
        if re.search(r"CALL runtime\.mallocinit\(SB\)", a):
            addr["mallocinit returned"] = int(b.split()[1], 16)
    return addr


def check_chart(t, d, v, ms):
    svg, png = os.path.join(d, "chart.svg"), os.path.join(d, "chart.png")
    m = re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', read(svg))
    if not shutil.which("chromium") or not m:
        t.check(False, "go%s: chromium renders the chart (chromium %s)" % (v, shutil.which("chromium")))
        return
    w, h = m.groups()
    screenshot(svg, png, w, h, d + "/.chromium")
    r = subprocess.run([PNG_COLOURS, png, TEXT_COLOUR, HEAP_COLOUR], capture_output=True, text=True)
    f = r.stdout.split()
    ok = r.returncode == 0 and len(f) == 6
    pw, ph, colours, dominant, text_px, heap_px = (int(x) for x in f) if ok else (0,) * 6
    t.check(ok and (pw, ph) == (int(w), int(h)) and colours > 8 and dominant < 95 and
            text_px > 0 and heap_px > 0,
            "go%s: chromium renders the chart, not blank: %dx%d, %d colours, text bars %d px, "
            "heap bars %d px" % (v, pw, ph, colours, text_px, heap_px), r.stderr)


def fns_known(inits):
    """Every first init moment says how many functions its task runs."""
    return [m.get("init_functions") is not None for m in inits if m.get("init_done") is False]


def check_version(t, out, v):
    d = os.path.join(out, v)
    tl = load(os.path.join(d, "timeline.json"))
    err = read(os.path.join(d, "stderr"))
    ms = tl.get("moments", [])
    t.check(read(os.path.join(d, "rc")).strip() == "0" and len(ms) >= 10,
            "go%s: timeline exits 0 with %d moments" % (v, len(ms)), err[-1500:] + str(tl.get("_error", "")))
    if not ms:
        return
    names = [m["moment"] for m in ms]
    kinds = [kind(n) for n in names]

    # Order: as the runtime's source calls them.
    pos = []
    for k in ORDER + ["init", "main.main"]:
        pos.append(kinds.index(k) if k in kinds else -1)
    t.check(all(p >= 0 for p in pos) and pos == sorted(pos),
            "go%s: every start-up moment, in the runtime's order (%s)" % (v, ", ".join(ORDER + ["inits", "main.main"])),
            "\n".join(names))
    seqs = [m["seq"] for m in ms]
    t.check(seqs == sorted(seqs) and all(b["time_ns"] >= a["time_ns"] for a, b in zip(ms, ms[1:])),
            "go%s: rows ordered by snapshot sequence and time" % v)

    # Package inits against inittrace.
    traced = re.findall(r"^init (\S+) @", err, re.M)
    inits = [m for i, m in enumerate(ms) if kinds[i] == "init"]
    first = [m.get("package") for m in inits if m.get("init_done") is False]
    missing = [p for p in traced if p not in first]
    twice = sorted({p for p in first if first.count(p) > 1})
    t.check(len(traced) >= 10 and not missing and not twice,
            "go%s: each of the %d packages inittrace names has one first init moment, by name "
            "(%d init moments, %d of them on a task already done)"
            % (v, len(traced), len(inits), sum(1 for m in inits if m.get("init_done"))),
            "missing: %s\ntwice: %s\nfirst inits: %s" % (missing, twice, first))
    if int(v.split(".")[1]) >= 21:
        # from go1.21 each task runs in list order, and inittrace prints as it runs
        order = [p for p in first if p in traced]
    else:
        # before, a task initialises its deps first, recursively: the
        # order its functions run in is the walk's post-order, from the
        # deps each task's moment decoded, the calls taken in hit order
        deps = {m["package"]: m.get("init_deps") for m in inits if m.get("init_done") is False}
        fns = {m["package"]: m.get("init_functions") for m in inits if m.get("init_done") is False}
        order, seen = [], set()

        def visit(p):
            if p in seen or p not in deps:
                return
            seen.add(p)
            for q in deps[p] or []:
                visit(q)
            if fns.get(p):
                order.append(p)
        for p in first:
            visit(p)
    t.check(order == traced and all(fns_known(inits)),
            "go%s: the packages whose functions run, in the order they run, are inittrace's (%d)"
            % (v, len(order)), "inittrace: %s\ndecoded: %s" % (traced, order))
    t.check("gosnap.test/startup/cfg" in first and all(m.get("package") for m in inits),
            "go%s: the target's own package is among them, and every init moment is named" % v)

    # The first GC, as gctrace saw it.
    gc1 = re.search(r"^gc 1 @", err, re.M)
    gcs = [i for i, k in enumerate(kinds) if k == "first gcStart"]
    main_i = kinds.index("main.main") if "main.main" in kinds else -1
    t.check(bool(gc1) and len(gcs) == 1 and 0 <= gcs[0] < main_i,
            "go%s: gctrace's gc 1 has its moment, before main.main (the target's init allocates 8 MiB)" % v,
            "gctrace gc 1: %s; gcStart moments at %s; main.main at %d" % (bool(gc1), gcs, main_i))

    # Each hit where its symbol is (go tool nm, objdump for the return site).
    addr = symbols(d, v)
    wrong = []
    for m in ms:
        # assembly functions are "NAME.abi0" in the symbol table
        want = (addr.get("mallocinit returned") if m["moment"] == "mallocinit returned"
                else addr.get(m["probe"], addr.get(m["probe"] + ".abi0")))
        if want is None or m.get("ip") is None or int(m["ip"], 16) != want:
            wrong.append("%s: ip %s, symbol at %s" % (m["moment"], m.get("ip"), want and hex(want)))
    t.check(not wrong, "go%s: each moment's ip is its symbol's address (go tool nm; objdump for "
            "mallocinit's return)" % v, "\n".join(wrong))

    # Threads, goroutines, arenas at known moments.
    by = {kinds[i]: m for i, m in reversed(list(enumerate(ms)))}
    early = [by[k]["threads"] for k in ORDER if k in by]
    t.check(early and all(n == 1 for n in early),
            "go%s: one thread from rt0_go to runtime.main's entry (%s)" % (v, early))
    rm = by.get("runtime.main", {})
    t.check(rm.get("goroutines") == 1,
            "go%s: one goroutine (main) at runtime.main's entry: %s" % (v, rm.get("goroutines")),
            str(rm.get("unavailable")))
    r0 = by.get("rt0_go", {})
    t.check(r0.get("arenas") in (0, None) and r0.get("resident_bytes", {}).get("heap", 1) == 0,
            "go%s: no arena and no heap page at rt0_go (arenas %s)" % (v, r0.get("arenas")),
            str(r0.get("unavailable")))
    mm = by.get("main.main", {})
    t.check((mm.get("arenas") or 0) >= 1 and mm.get("resident_bytes", {}).get("heap", 0) >= 8 << 20
            and (mm.get("goroutines") or 0) >= 2,
            "go%s: at main.main an arena, the 8 MiB init made in the heap region, %s goroutines"
            % (v, mm.get("goroutines")), str(mm))

    # Regions against RSS, and RSS against show -j of the same snapshot.
    bad = []
    for m in ms:
        reg = m["resident_bytes"]
        if sum(reg.values()) != m["rss_bytes"]:
            bad.append("%s: regions sum to %d, rss %d" % (m["moment"], sum(reg.values()), m["rss_bytes"]))
        if reg["text"] <= 0:
            bad.append("%s: no text resident" % m["moment"])
        show = load(os.path.join(d, "snaps", m["file"][:-len(".gsnap")] + ".show.json"))
        total = ((show.get("snapshots") or [{}])[0].get("totals") or {}).get("rss_bytes")
        if total != m["rss_bytes"]:
            bad.append("%s: rss %d, show -j says %s" % (m["moment"], m["rss_bytes"], total))
    t.check(not bad, "go%s: each moment's regions add up to its RSS, = show -j's total, text never empty" % v,
            "\n".join(bad))
    held = [m["held_ns"] for m in ms]
    t.check(all(h > 0 for h in held), "go%s: every moment has its held time" % v)

    # The chart: a bar label per moment.
    try:
        root = ET.parse(os.path.join(d, "chart.svg")).getroot()
        labels = [e.text for e in root.iter("{http://www.w3.org/2000/svg}text")
                  if (e.get("transform") or "").startswith("translate")]
    except (OSError, ET.ParseError) as e:
        labels = ["error: %s" % e]
    t.check(labels == names, "go%s: the chart is SVG with one labelled bar per moment (%d)" % (v, len(labels)),
            "%s\n%s" % (labels[:5], names[:5]))
    check_chart(t, d, v, ms)


def main(out, versions):
    t = Tap()
    for v in versions:
        check_version(t, out, v)
    text = read(os.path.join(out, "text.out"))
    rows = [l for l in text.splitlines() if re.match(r"^(rt0_go|schedinit|init |main\.main|runtime\.main)", l)]
    t.check(read(os.path.join(out, "text.rc")).strip() == "0" and len(rows) >= 10 and "MOMENT" in text,
            "the table: a header and a row per moment (%d rows)" % len(rows), text[:1500])
    pid = read(os.path.join(out, "pid.out"))
    t.check(read(os.path.join(out, "pid.rc")).strip() == "2" and "started already" in pid,
            "timeline --pid is refused (exit 2): %s" % pid.strip()[:100])
    return t.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
