#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# report.py --kernel VER --runs N --svg FILE OUT:THP...: the benchmark's
# table (stdout) and curves (FILE, SVG) from guest.sh outputs, one per
# boot (OUT, booted with transparent_hugepage=THP). Medians of every
# "RESULT TARGET NAME VALUE" over the runs; every time also as a ratio to
# the bare walk of the same process (barewalk.ko).
import argparse
import math
import sys
from collections import defaultdict


def median(xs):
    xs = sorted(xs)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def load(path):
    v = defaultdict(lambda: defaultdict(list))
    for line in open(path, errors="replace"):
        # a progress line on the console (\r, ESC[K) may run into it
        f = line[line.rfind("RESULT "):].split() if "RESULT " in line else []
        if len(f) == 4 and f[0] == "RESULT":
            try:
                v[f[1]][f[2]].append(float(f[3]))
            except ValueError:
                v[f[1]][f[2]].append(f[3])
    return v


def order(t):
    """go64 < go512 < ... < c1 < c1-bare < c64 ..."""
    kind = 0 if t.startswith("go") else 1
    num = int("".join(ch for ch in t[2 if kind == 0 else 1:] if ch.isdigit()) or 0)
    return (kind, num, t.endswith("-bare"))


def label(t, thp):
    if t.startswith("go"):
        return "Go heap %s MiB" % t[2:]
    n = t[1:].split("-")[0]
    what = "C %s MiB touched, no reservation" if t.endswith("-bare") else \
        "C %s MiB touched in 64 GiB PROT_NONE"
    return (what % n) + ", THP " + thp


def ms(us):
    return "-" if us is None else ("%.2f" % (us / 1000) if us < 10000 else "%.1f" % (us / 1000))


def ratio(x, base):
    if x is None or not base:
        return "-"
    r = x / base
    return "%.2fx" % r if r < 0.995 else "%.1fx" % r if r < 99.95 else "%.0fx" % r


def rows(boots):
    """[(thp, target, medians dict)] in table order."""
    out = []
    for thp, v in boots:
        for t in sorted((t for t in v if t not in ("vm", "hits")), key=order):
            m = {k: median([x for x in xs if isinstance(x, float)]) for k, xs in v[t].items()}
            out.append((thp, t, m))
    return out


def table(kernel, runs, boots, w):
    w("gosnap benchmark: Linux %s test VM (TCG), medians of %d runs on one process each;\n"
      % (kernel, runs))
    w("times in ms, and in brackets as a ratio to the bare walk of the same process\n"
      "(barewalk.ko: every page table read, present pages counted, nothing else)\n\n")
    w("module walk: page facts (as pagemap + kpageflags tell); pte: --facts pte;\n"
      "pagemap scan: its own time, from opening the maps to the last read;\n"
      "end to end: a program's start to its exit (capture --pid: open, walk, read,\n"
      "write the file), with each fact level, and the scan;\n"
      "scan/: the scan's time over the page-facts walk's, and end to end over each capture's\n\n")
    hdr = "%-50s %9s %9s %17s %17s %17s %17s %17s %17s %17s %7s %7s %7s %9s %9s\n"
    w(hdr % ("target", "resident", "bare", "module walk", "walk, pte facts", "pte, no PFNs",
             "pagemap scan", "capture, page", "capture, pte", "scan", "scan/", "scan/",
             "scan/", "snapshot", "no PFNs"))
    w(hdr % ("", "MiB", "ms", "ms (x bare)", "ms (x bare)", "ms (x bare)", "ms (x bare)",
             "end to end", "end to end", "end to end", "walk", "cap pg", "cap pte",
             "B/page", "B/page"))
    for thp, t, m in rows(boots):
        bare = m.get("bare_ns")
        bare_us = bare / 1000 if bare is not None else None
        walk = m.get("pages_walk_ns")
        walk_us = walk / 1000 if walk is not None else None
        cli, scan = m.get("pages_cli_us"), m.get("pagemap_us")
        cli_pte, scan_e2e = m.get("pte_cli_us"), m.get("pagemap_cli_us")
        pte = m.get("pte_walk_ns")
        pte_us = pte / 1000 if pte is not None else None
        np_ = m.get("ptenp_walk_ns")
        np_us = np_ / 1000 if np_ is not None else None
        res_kb = m.get("bare_present_kb")
        bpp = nopfn = "-"
        if res_kb and m.get("pages_bytes") is not None:
            bpp = "%.3f" % (m["pages_bytes"] / (res_kb / 4))
        if res_kb and m.get("nopfn_bytes") is not None:
            nopfn = "%.3f" % (m["nopfn_bytes"] / (res_kb / 4))

        def cell(us):
            return "%s (%s)" % (ms(us), ratio(us, bare_us))
        w(hdr % (label(t, thp), "%.1f" % (res_kb / 1024) if res_kb else "-", ms(bare_us),
                 cell(walk_us), cell(pte_us), cell(np_us), cell(scan), ms(cli), ms(cli_pte),
                 ms(scan_e2e), ratio(scan, walk_us), ratio(scan_e2e, cli),
                 ratio(scan_e2e, cli_pte), bpp, nopfn))
    go = [(thp, t, m) for thp, t, m in rows(boots) if t.startswith("go")]
    if go:
        w("\nGo heaps, frozen at main.tick, every thread stopped (held time), and decoding\n")
        w("(* a snapshot that ended early at the module's max_bytes: held for less than "
          "the mode's work)\n")
        hdr2 = "%-50s %18s %18s %18s %18s %17s %10s\n"
        w(hdr2 % ("target", "pages held", "meta held", "full held", "gcore", "heap --json",
                  "heap peak"))
        w(hdr2 % ("", "ms (x bare)", "ms (x bare)", "ms (x bare)", "ms (x bare)",
                  "ms (x bare)", "MiB"))
        for thp, t, m in go:
            bare_us = m["bare_ns"] / 1000 if m.get("bare_ns") else None

            def cell(k):
                return "%s (%s)" % (ms(m.get(k)), ratio(m.get(k), bare_us))

            def held(mode):
                k = "hold_%s_us" % mode
                if m.get(k) is None:
                    return "- (not run)"
                return cell(k) + ("*" if m.get("hold_%s_truncated" % mode) else "")
            peak = m.get("heap_maxrss_kb")
            w(hdr2 % (label(t, thp), held("pages"), held("meta"), held("full"),
                      cell("gcore_us") if m.get("gcore_us") else "- (not run)",
                      cell("heap_us"), "%.1f" % (peak / 1024) if peak else "-"))

        def mb(m, k):
            return "-" if m.get(k) is None else "%.*f" % (1 if m[k] >= 1e6 else 3, m[k] / 1e6)
        w("\nsnapshot sizes (MB): " + ", ".join(
            "%s pages %s meta %s full %s gcore %s" % (
                t, mb(m, "hold_pages_bytes"), mb(m, "hold_meta_bytes"),
                mb(m, "hold_full_bytes"), mb(m, "gcore_bytes"))
            for _, t, m in go) + "\n")
        w("left behind in the target (pagemap: present MiB, of which zero page): " + ", ".join(
            "%s after gosnap %.1f (%.1f)%s" % (
                t, (m.get("after_gosnap_present_kb") or 0) / 1024,
                (m.get("after_gosnap_zero_kb") or 0) / 1024,
                " after gcore %.1f (%.1f)" % (m["after_gcore_present_kb"] / 1024,
                                              (m.get("after_gcore_zero_kb") or 0) / 1024)
                if m.get("after_gcore_present_kb") else "")
            for _, t, m in go) + "\n")
        bad = [t for _, t, m in go if m.get("heap_status")]
        if bad:
            w("heap --json exited non-zero on: %s\n" % " ".join(bad))
    for thp, v in boots:
        h = v.get("hits")
        if not h or not h.get("calls") or not h.get("no_probe_us") or not h.get("yes_probe_us"):
            continue
        calls = median(h["calls"])
        plain, armed = median(h["no_probe_us"]), median(h["yes_probe_us"])
        w("\nan armed probe that never captures (hitloop calling lc_probe %d times; "
          "--hits past the last):\n  alone %s ms, armed %s ms: %.2f us per call more "
          "(%.2f us per call alone)\n" % (calls, ms(plain), ms(armed),
                                          (armed - plain) / calls, plain / calls))


METHODS = [("bare_ns", 1e-6, "bare walk (barewalk.ko)", "#222222"),
           ("pages_walk_ns", 1e-6, "module walk, page facts", "#1f77b4"),
           ("pte_walk_ns", 1e-6, "module walk, pte facts", "#9467bd"),
           ("pages_cli_us", 1e-3, "capture --pid --facts page", "#2ca02c"),
           ("pte_cli_us", 1e-3, "capture --pid (pte facts)", "#8c564b"),
           ("pagemap_us", 1e-3, "pagemap + kpageflags scan", "#d62728"),
           ("pagemap_cli_us", 1e-3, "the scan, end to end", "#ff9896")]
FAMILIES = [("go", "never", "Go heaps", "", "circle"),
            ("c", "never", "C, 64 GiB PROT_NONE, THP never", "6,4", "square"),
            ("c", "always", "C, 64 GiB PROT_NONE, THP always", "2,3", "triangle")]


def svg(kernel, boots, path):
    W, H, L, R, T, B = 900, 560, 80, 300, 50, 60
    pts = []  # (family index, method index, x MiB, y ms)
    for thp, t, m in rows(boots):
        if t.endswith("-bare") or not m.get("bare_present_kb"):
            continue
        fam = [i for i, f in enumerate(FAMILIES) if t.startswith(f[0]) and
               (f[0] == "go" or f[1] == thp)]
        if not fam:
            continue
        x = m["bare_present_kb"] / 1024
        for j, (k, scale, _, _) in enumerate(METHODS):
            if m.get(k):
                pts.append((fam[0], j, x, m[k] * scale))
    xs = [p[2] for p in pts] or [1, 1000]
    ys = [p[3] for p in pts] or [0.01, 100]
    x0, x1 = 10 ** math.floor(math.log10(min(xs))), 10 ** math.ceil(math.log10(max(xs)))
    y0, y1 = 10 ** math.floor(math.log10(min(ys))), 10 ** math.ceil(math.log10(max(ys)))
    x1 = max(x1, x0 * 10)
    y1 = max(y1, y0 * 10)

    def px(x):
        return L + (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0)) * (W - L - R)

    def py(y):
        return H - B - (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)) * (H - T - B)

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">' % (W, H, W, H),
         '<rect width="100%" height="100%" fill="#ffffff"/>',
         '<text x="%d" y="28" font-size="16" font-weight="bold">Page state of every page: '
         'time against resident size (Linux %s VM, TCG)</text>' % (L, kernel)]
    d = x0
    while d <= x1 * 1.0001:
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#dddddd"/>' % (px(d), T, px(d), H - B))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (px(d), H - B + 18, "%g" % d))
        d *= 10
    d = y0
    while d <= y1 * 1.0001:
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd"/>' % (L, py(d), W - R, py(d)))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (L - 6, py(d) + 4, "%g" % d))
        d *= 10
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#000000"/>'
             % (L, T, W - L - R, H - T - B))
    o.append('<text x="%d" y="%d" text-anchor="middle">resident size (MiB, log)</text>'
             % ((L + W - R) // 2, H - 18))
    o.append('<text transform="translate(20,%d) rotate(-90)" text-anchor="middle">'
             'time (ms, log)</text>' % ((T + H - B) // 2))

    def marker(shape, x, y, colour):
        if shape == "circle":
            return '<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>' % (x, y, colour)
        if shape == "square":
            return '<rect x="%.1f" y="%.1f" width="8" height="8" fill="%s"/>' % (x - 4, y - 4, colour)
        return '<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>' % (
            x, y - 5, x - 5, y + 4, x + 5, y + 4, colour)

    for fi, fam in enumerate(FAMILIES):
        for j, (_, _, _, colour) in enumerate(METHODS):
            line = sorted((p[2], p[3]) for p in pts if p[0] == fi and p[1] == j)
            if len(line) > 1:
                o.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>' % (
                    colour, ' stroke-dasharray="%s"' % fam[3] if fam[3] else "",
                    " ".join("%.1f,%.1f" % (px(x), py(y)) for x, y in line)))
            for x, y in line:
                o.append(marker(fam[4], px(x), py(y), colour))
    lx, ly = W - R + 20, T + 10
    o.append('<text x="%d" y="%d" font-weight="bold">method</text>' % (lx, ly))
    for j, (_, _, name, colour) in enumerate(METHODS):
        y = ly + 22 * (j + 1)
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>'
                 % (lx, y - 4, lx + 24, y - 4, colour))
        o.append('<text x="%d" y="%d">%s</text>' % (lx + 30, y, name))
    ly += 22 * (len(METHODS) + 2)
    o.append('<text x="%d" y="%d" font-weight="bold">target</text>' % (lx, ly))
    for fi, fam in enumerate(FAMILIES):
        y = ly + 22 * (fi + 1)
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555555" stroke-width="2"%s/>'
                 % (lx, y - 4, lx + 24, y - 4,
                    ' stroke-dasharray="%s"' % fam[3] if fam[3] else ""))
        o.append(marker(fam[4], lx + 12, y - 4, "#555555"))
        o.append('<text x="%d" y="%d">%s</text>' % (lx + 30, y, fam[2]))
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--svg")
    ap.add_argument("outs", nargs="+", help="OUT:THP")
    a = ap.parse_args()
    boots = []
    for arg in a.outs:
        path, _, thp = arg.rpartition(":")
        v = load(path)
        if "done" not in v.get("vm", {}):
            sys.exit("report: %s is incomplete (no RESULT vm done)" % path)
        boots.append((thp, v))
    table(a.kernel, a.runs, boots, sys.stdout.write)
    if a.svg:
        svg(a.kernel, boots, a.svg)


if __name__ == "__main__":
    main()
