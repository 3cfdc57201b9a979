#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write docs/go-startup-memory.md from the captures docs/gen/startup-guide
made (run by `make docs`; see that script for what is captured).

startup_guide.py [--kernel VER] CAP OUT.md VERSION...

CAP/VERSION holds tl/ (timeline.json and each moment's snapshot decoded:
snaps/NNN-*.{show,stacks,sched,heap,gc}.json, gc-series.json), mg/ (the
first runtime.mallocgc, decoded the same way), gc/ (the first GC cycle's
moments and gc-series.json), layout.json (runtime.mheap and runtime.mcache
as the binary's DWARF has them) and nm-workbuf.txt.

Every number written comes from those files. Sizes get a unit only when
it divides them exactly ("64 MiB"), else they are bytes, or marked "≈"
with the bytes beside them; a size computed from two addresses is written
as the difference, "HI − LO = N B", so the check
(selftests/guide/guide_check.py) can recompute it. Verdicts and sentences
that depend on what was captured are chosen from the data, never assumed.
"""
import glob
import json
import os
import sys

STATEMENTS = [
    "g0's stack is 2 MB in the heap arena",
    "`mheap_.arena_start` reserves 64 GB",
    "`mheap_.free[0..66]` is empty after `mallocinit`",
    "a `gcWorkBufPool` sync.Pool is pre-warmed",
    "`mcache.refill` takes a workbuf from `mheap_.sweepBuf`",
]
UNITS = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]


def load(path):
    """The first JSON document of a file ({} when there is none: a
    decoder that failed wrote its error to the .err file)."""
    try:
        with open(path) as f:
            s = f.read()
        return json.JSONDecoder().raw_decode(s)[0] if s.strip() else {}
    except (OSError, ValueError):
        return {}


def size(n, unit=None):
    """Bytes in the largest unit not above them (or in unit), when it
    divides them exactly; else bytes, with the approximate unit beside."""
    if n is None:
        return "-"
    for u, m in UNITS:
        if (u == unit or unit is None) and n >= m:
            if n % m == 0:
                return "%d %s" % (n // m, u)
            return "%d B (≈ %.1f %s)" % (n, n / m, u)
    return "%d B" % n


def h(n):
    """An address: hex, whether the JSON had a number or a string."""
    if n is None:
        return "-"
    return n if isinstance(n, str) else "0x%x" % n


def ival(a):
    return int(a, 16) if isinstance(a, str) else a


def rel(path, cap):
    return os.path.relpath(path, cap)


class Release:
    """One release's captures."""

    def __init__(self, cap, v):
        self.cap, self.v, self.d = cap, v, os.path.join(cap, v)
        self.tl = load(os.path.join(self.d, "tl", "timeline.json"))
        self.moments = self.tl.get("moments", [])
        self.layout = load(os.path.join(self.d, "layout.json"))
        self.gcs_tl = load(os.path.join(self.d, "tl", "gc-series.json")).get("moments", [])
        self.gcs = load(os.path.join(self.d, "gc", "gc-series.json")).get("moments", [])
        mg = sorted(glob.glob(os.path.join(self.d, "mg", "snaps", "*.show.json")))
        self.mg = mg[0][:-len(".show.json")] if mg else None
        try:
            with open(os.path.join(self.d, "nm-workbuf.txt")) as f:
                self.nm = [l.split()[-1] for l in f if l.strip()]
        except OSError:
            self.nm = []

    def base(self, m):
        return os.path.join(self.d, "tl", "snaps", m["file"][:-len(".gsnap")])

    def moment(self, name):
        for m in self.moments:
            if m["moment"] == name or m["moment"].startswith(name + " "):
                return m
        return None

    def dec(self, m, kind):
        """A moment's (or a snapshot base path's) decoder output."""
        b = m if isinstance(m, str) else self.base(m)
        return load(b + "." + kind + ".json")

    def snap(self, m):
        return (self.dec(m, "show").get("snapshots") or [{}])[0]

    def fields(self, typ):
        for t in self.layout.get("types", []):
            if t.get("name") == typ:
                return [f["name"] for f in t.get("fields", [])]
        return []

    def version(self):
        return self.tl.get("moments") and (self.snap(self.moments[0]).get("go") or {}).get("version") or "go" + self.v

    def file(self, m, kind):
        b = m if isinstance(m, str) else self.base(m)
        return "`%s`" % rel(b + "." + kind + ".json", self.cap)


def vma_row(vm):
    return "| %s | %s | %s | %s | %s | %s |" % (vm["start"], vm["end"], vm["perms"], size(vm["size_bytes"]),
                                                size(vm["rss_bytes"]), vm["name"] or "(anonymous)")


VMA_HEAD = ["| start | end | perms | size | resident | name |", "|---|---|---|---|---|---|"]


def containing(vmas, addr):
    for vm in vmas:
        if ival(vm["start"]) <= addr < ival(vm["end"]):
            return vm
    return None


def sec_captures(out, rs, kernel):
    out.append("## The captures\n")
    first = rs[0].snap(rs[0].moments[0]) if rs[0].moments else {}
    out.append("Captured in the test VM (`selftests/vm/run --kernel %s`, kernel `%s`), the first snapshot at %s. "
               "The program is `selftests/targets/go/startup`: its package `cfg` allocates in its init, "
               "so that the first GC cycle starts before `main.main`. Each release's binary ran three times, three "
               "processes:\n" % (kernel, first.get("kernel_release", "?"), first.get("captured_at", "?")))
    out.append("- `tl/`: `gosnap-cli timeline` (docs/timeline.md), one snapshot per start-up moment, every "
               "thread stopped and memory copied;")
    out.append("- `mg/`: `gosnap-cli capture --stop-world --mode full --at runtime.mallocgc#1`, the first heap "
               "allocation's entry;")
    out.append("- `gc/`: `GOMAXPROCS=2 gosnap-cli capture --gc-cycle --stop-world --mode full`, the phases of the "
               "first GC cycle (docs/gc.md).\n")
    out.append("Each snapshot was decoded in the VM by `show`, `stacks`, `sched`, `heap --spans` and `gc` "
               "(`-j`); the files named below are under `build/guide/vm-%s/cap/`. The binaries' runtime "
               "structures come from `gosnap-cli layout` and their symbols from `nm`, on the host.\n" % kernel)
    out.append("| release | timeline moments | first mallocgc | GC cycle snapshots |")
    out.append("|---|---|---|---|")
    for r in rs:
        seqs = "%s to %s" % (r.moments[0]["seq"], r.moments[-1]["seq"]) if r.moments else "-"
        mg = r.snap(r.mg) if r.mg else {}
        out.append("| %s | snapshots %s | snapshot %s | %s |" % (
            r.version(), seqs, mg.get("seq", "-"),
            ", ".join("%s#%s" % (g["at"], g["hit"]) for g in r.gcs) or "-"))
    out.append("")


def sec_moments(out, rs):
    out.append("## The moments\n")
    out.append("Every row is one snapshot of `timeline` (`tl/timeline.json`): the instruction pointer that hit, "
               "the mappings, threads, Ms, goroutines and arenas the decoders found, and the resident memory "
               "by region (docs/timeline.md). `-` is a figure the runtime does not have yet. Package inits "
               "other than the first and the program's own (`cfg`) are left out here; `timeline.json` has "
               "them all.\n")
    for r in rs:
        out.append("### Go %s (%s)\n" % (r.v, r.version()))
        out.append("| moment | ip | VMAs | threads | Ms | goroutines | arenas | RSS | text | data | bss | heap "
                   "| stacks | runtime |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        inits = [m for m in r.moments if m["moment"].startswith("init ")]
        keep = set(id(m) for m in inits[:1] + [m for m in inits if "startup/cfg" in m["moment"]])
        for m in r.moments:
            if m["moment"].startswith("init ") and id(m) not in keep:
                continue
            rb = m["resident_bytes"]

            def f(x):
                return "-" if x is None else str(x)
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m["moment"], m.get("ip") or "-", m["vmas"], m["threads"], f(m.get("ms")), f(m.get("goroutines")),
                f(m.get("arenas")), size(m["rss_bytes"], "KiB"),
                " | ".join(size(rb[k], "KiB") for k in ("text", "data", "bss", "heap", "stacks", "runtime"))))
        out.append("")


def g0_facts(r):
    """(schedinit thread, its [stack] VMA, m0, the other Ms, arena base) or Nones."""
    si = r.moment("schedinit")
    st = r.dec(si, "stacks") if si else {}
    ht = st.get("hit_thread") or {}
    vm = containing(r.snap(si).get("vmas", []), ht["rsp"]) if ht.get("rsp") else None
    mm = r.moment("main.main")
    ms = r.dec(mm, "sched").get("ms", []) if mm else []
    m0 = next((m for m in ms if m["id"] == 0), None)
    heap = r.dec(mm, "heap") if mm else {}
    return si, ht, vm, mm, m0, [m for m in ms if m["id"] != 0], heap


def in_arena(heap, addr):
    for a in heap.get("arenas", []):
        if ival(a["base"]) <= addr < ival(a["base"]) + heap.get("arena_size", 0):
            return a["base"]
    return None


def sec_g0(out, rs):
    out.append("## g0 of m0\n")
    out.append("g0 is the goroutine each M runs its scheduler code on; m0 is the main thread's M. Where its "
               "stack is, from the thread that hit `schedinit` (`stacks -j`: its registers, the g at "
               "`fs_base - 8` and that g's M) and from `sched -j` at `main.main` (every M's g0 stack "
               "bounds).\n")
    for r in rs:
        si, ht, vm, mm, m0, others, heap = g0_facts(r)
        out.append("### Go %s\n" % r.v)
        if not ht or not m0:
            out.append("The captures of this release do not give g0's stack (%s, %s).\n" % (
                r.file(si, "stacks") if si else "no schedinit moment", r.file(mm, "sched") if mm else "no main.main"))
            continue
        out.append("- At `schedinit` the hitting thread %d runs g %s, which `stacks` finds is `%s` of M %s "
                   "(%s). Its rsp %s is in the mapping %s–%s `%s`, %s, %s resident%s." % (
                       ht["tid"], h(ht["g"]), ht["on"], ht["m_id"], r.file(si, "stacks"), h(ht["rsp"]),
                       vm["start"] if vm else "?", vm["end"] if vm else "?", vm["name"] if vm else "?",
                       size(vm["size_bytes"]) if vm else "?", size(vm["rss_bytes"]) if vm else "?",
                       ": the main thread's stack the kernel set up, not a heap arena"
                       if vm and vm["name"] == "[stack]" and not in_arena(heap, ht["rsp"]) else ""))
        lo, hi = m0["g0_stack_lo"], m0["g0_stack_hi"]
        out.append("- m0's g0 stack bounds (`g0.stack`, %s): lo %s, hi %s; hi − lo = %s − %s = %d B%s." % (
            r.file(mm, "sched"), h(lo), h(hi), h(hi), h(lo), hi - lo,
            " (%s)" % size(hi - lo) if size(hi - lo).endswith("iB") else ""))
        frames = ht.get("frames", [])
        rt0 = next((f for f in frames if f["function"] == "runtime.rt0_go"), None)
        if rt0 and rt0["sp"] == hi:
            out.append("- g0.stack.hi is exactly the sp of `rt0_go`'s frame at `schedinit` (%s): rt0_go made "
                       "g0's stack out of the OS stack it was running on." % h(rt0["sp"]))
        elif rt0:
            out.append("- `rt0_go`'s frame at `schedinit` has sp %s, g0.stack.hi is %s." % (h(rt0["sp"]), h(hi)))
        if others:
            out.append("- The other Ms (at `main.main`) have their g0 on stacks of their own:\n")
            out.append("| M | g0 stack lo | g0 stack hi | size | in the heap arena at |")
            out.append("|---|---|---|---|---|")
            for m in sorted(others, key=lambda m: m["id"]):
                lo, hi = m["g0_stack_lo"], m["g0_stack_hi"]
                out.append("| %d | %s | %s | %s − %s = %d B | %s |" % (
                    m["id"], h(lo), h(hi), h(hi), h(lo), hi - lo, in_arena(heap, lo) or "none"))
        out.append("")


def vma_key(vm):
    return (vm["start"], vm["end"], vm["perms"])


def added_vmas(r):
    """The mappings at mallocinit's return that were not at its entry."""
    mi, mr = r.moment("mallocinit"), r.moment("mallocinit returned")
    if not (mi and mr):
        return []
    before = set(vma_key(vm) for vm in r.snap(mi).get("vmas", []))
    return [vm for vm in r.snap(mr).get("vmas", []) if vma_key(vm) not in before]


def span_state(heap, addr):
    for sp in heap.get("spans", []):
        b = ival(sp["base"])
        if b <= addr < b + sp["pages"] * heap.get("page_size", 8192):
            return sp["state"]
    return None


def sec_mapped(out, rs):
    out.append("## What is mapped at rt0_go, and what mallocinit adds\n")
    out.append("The mappings (`show -j`) at the runtime's first instruction, then those present when "
               "`mallocinit` returns that were not at its entry. `[uprobes]` is not the program's: it is the "
               "page the kernel maps for a uprobe's out-of-line step, there from the first probe hit on.\n")
    for r in rs:
        out.append("### Go %s\n" % r.v)
        r0, mi, mr = r.moment("rt0_go"), r.moment("mallocinit"), r.moment("mallocinit returned")
        if not (r0 and mi and mr):
            out.append("No rt0_go, mallocinit and mallocinit-returned moments were captured.\n")
            continue
        s0 = r.snap(r0)
        out.append("At `rt0_go` (%s): %d mappings, %s resident.\n" % (
            r.file(r0, "show"), r0["vmas"], size(s0.get("totals", {}).get("rss_bytes"))))
        out.extend(VMA_HEAD)
        for vm in s0.get("vmas", []):
            out.append(vma_row(vm))
        added = added_vmas(r)
        out.append("\nAdded between `mallocinit`'s entry (%d mappings) and its return (%d mappings, %s):\n" % (
            mi["vmas"], mr["vmas"], r.file(mr, "show")))
        out.extend(VMA_HEAD)
        for vm in added:
            out.append(vma_row(vm))
        big = max(added, key=lambda vm: vm["size_bytes"], default=None)
        heap = r.dec(mr, "heap")
        out.append("\n`heap -j` at that moment decodes %s. The largest new mapping, at "
                   "%s, %s, is reserved `%s`: address space only, %s resident.\n" % (
                       arenas(heap), big["start"] if big else "-",
                       size(big["size_bytes"]) if big else "-", big["perms"] if big else "-",
                       size(big["rss_bytes"]) if big else "-"))


def first_arena(r, base):
    h_ = r.dec(base, "heap")
    a = h_.get("arenas") or []
    return (a[0]["base"] if a else None), h_


def sec_arenas(out, rs):
    out.append("## Arenas\n")
    out.append("`heap -j` gives the arena size (`heapArenaBytes`) and every arena's base; `show -j` the "
               "mappings that cover it. The same binary ran as "
               "three processes: the first arena of the timeline's process and of the GC cycle's are "
               "compared.\n")
    out.append("| release | arena size | first moment with an arena | its base | base in the GC run's "
               "process | heap-base padding (free ranges) |")
    out.append("|---|---|---|---|---|---|")
    notes = []
    for r in rs:
        fm = next((m for m in r.moments if (m.get("arenas") or 0) >= 1), None)
        base, heap = first_arena(r, r.base(fm)) if fm else (None, {})
        gcsnaps = sorted(glob.glob(os.path.join(r.d, "gc", "snaps", "*.heap.json")))
        gbase, _ = first_arena(r, gcsnaps[0][:-len(".heap.json")]) if gcsnaps else (None, {})
        pad = [f for f in heap.get("free_ranges", []) if f.get("padding")]
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            r.version(), size(heap.get("arena_size")), fm["moment"] if fm else "-", base or "-", gbase or "-",
            ", ".join("%s, %d pages" % (f["base"], f["pages"]) for f in pad) or "none"))
        if fm and base:
            ab, asz = ival(base), heap.get("arena_size", 0)
            cover = [vm for vm in r.snap(fm).get("vmas", []) if ival(vm["start"]) < ab + asz and ival(vm["end"]) > ab]
            notes.append((r, fm, base, cover, gbase, pad, heap))
    out.append("")
    for r, fm, base, cover, gbase, pad, heap in notes:
        out.append("### Go %s\n" % r.v)
        out.append("At `%s` (%s) the arena at %s is covered by these mappings: the part the heap "
                   "uses is read-write, the rest of the %s is reserved without access.\n" % (
                       fm["moment"], r.file(fm, "show"), base, size(heap.get("arena_size"))))
        out.extend(VMA_HEAD)
        for vm in cover:
            out.append(vma_row(vm))
        if gbase == base:
            out.append("\nThe GC run's process has its first arena at the same base, %s: the same in "
                       "both processes.\n" % base)
        elif gbase:
            out.append("\nThe GC run's process, the same binary, has its first arena at %s, not %s: the "
                       "heap base is chosen anew in each process.%s\n" % (
                           gbase, base, " The timeline's process also has %s released pages of padding "
                           "before its first heap page (`heap -j` free ranges marked `padding`)." % (
                               ", ".join(str(f["pages"]) for f in pad)) if pad else ""))


def sec_pages(out, rs):
    out.append("## The page allocator before the first mallocgc\n")
    out.append("`heap -j --spans` decodes the page allocator (`mheap_.pages`: its in-use chunk ranges, "
               "each chunk's allocation and scavenged bitmaps; docs/heap.md) into free ranges, next to "
               "the arenas and spans. The `mg/` process was frozen at the entry of its first "
               "`runtime.mallocgc`; the timeline's `newproc` moment is the first after some allocations.\n")
    out.append("| release | first mallocgc called from | arenas | spans | free ranges | HeapSys | "
               "at newproc: arenas | spans | HeapSys |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for r in rs:
        if not r.mg:
            out.append("| %s | not captured | | | | | | |" % r.version())
            continue
        st = r.dec(r.mg, "stacks").get("hit_thread") or {}
        chain = " ← ".join("`%s`" % f["function"] for f in st.get("frames", [])[1:4])
        hp = r.dec(r.mg, "heap")
        np_ = r.moment("newproc")
        hn = r.dec(np_, "heap") if np_ else {}

        def ctr(x):
            return size(((x.get("counters") or {}).get("HeapSys") or {}).get("value"))
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r.version(), chain, arenas(hp), "some" if hp.get("spans") else "none",
            "some" if hp.get("free_ranges") else "none", ctr(hp), arenas(hn), spans(np_), ctr(hn)))
    out.append("")
    for r in rs:
        np_ = r.moment("newproc")
        hn = r.dec(np_, "heap") if np_ else {}
        fr = hn.get("free_ranges", [])
        if fr:
            out.append("Go %s at `newproc` (%s), the free ranges:\n" % (r.v, r.file(np_, "heap")))
            out.append("| base | pages (8 KiB) | released | padding |")
            out.append("|---|---|---|---|")
            for f in fr:
                out.append("| %s | %d | %s | %s |" % (f["base"], f["pages"], "yes" if f["released"] else "no",
                                                     "yes" if f.get("padding") else "no"))
            out.append("")


def arenas(heap):
    """The arenas a heap -j decoded, by base, or "no arena"."""
    a = heap.get("arenas") or []
    return "the arena%s at %s" % ("s" if len(a) > 1 else "", ", ".join(x["base"] for x in a)) if a else "no arena"


def spans(m):
    """A timeline moment's spans, as its JSON counts them."""
    sp = m.get("spans") if m else None
    return "in use %d, manual %d" % (sp["in_use"], sp["manual"]) if sp else "none"


def frames_table(out, rows):
    out.append("| moment | function | pc | sp | frame size |")
    out.append("|---|---|---|---|---|")
    for name, fr in rows:
        for f in fr:
            out.append("| %s | `%s` | %s | %s | %d |" % (name, f["function"], h(f["pc"]), h(f["sp"]),
                                                      f["frame_size"]))


def sec_goroutines(out, rs):
    out.append("## Goroutines at runtime.main, and the PC→SP chain to schedinit\n")
    out.append("`stacks -j` at `runtime.main`'s entry lists every goroutine of `allgs`; at `rt0_go`, "
               "`schedinit` and `mallocinit` it unwinds the hitting thread from its registers "
               "(docs/stacks.md): each frame's pc and sp, innermost first. The sp of a caller is the "
               "callee's sp plus its frame size plus the return address.\n")
    for r in rs:
        out.append("### Go %s\n" % r.v)
        rm = r.moment("runtime.main")
        st = r.dec(rm, "stacks") if rm else {}
        gs = st.get("goroutines") or []
        out.append("At `runtime.main` (%s): `allglen` %s.\n" % (r.file(rm, "stacks") if rm else "-",
                                                               st.get("allglen", "-")))
        out.append("| goid | status | start function | created by | stack lo | stack hi | frames |")
        out.append("|---|---|---|---|---|---|---|")
        for g in gs:
            out.append("| %d | %s | `%s` | `%s` | %s | %s | %s |" % (
                g["goid"], g["status"], g.get("start_function"), g.get("created_by"), h(g["stack_lo"]),
                h(g["stack_hi"]), " ← ".join("`%s`" % f["function"] for f in g.get("frames", []))))
        out.append("")
        rows = []
        for name in ("rt0_go", "schedinit", "mallocinit"):
            m = r.moment(name)
            ht = (r.dec(m, "stacks").get("hit_thread") or {}) if m else {}
            if ht:
                rows.append((name, ht.get("frames", [])))
        frames_table(out, rows)
        out.append("")


def gc_row(g, name=None):
    def f(x):
        return "-" if x is None else str(x)
    return "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        name or "%s#%s" % (g["at"], g["hit"]), f(g["phase"]), f(g["cycles"]), f(g["numgc"]), f(g["working"]),
        f(g["bytes_marked"]), f(g["full"]), f(g["empty"]), f(g["queued_ps"]), f(g["busy_spans"]))


GC_HEAD = ["| moment | phase | cycles | numgc | working | bytes marked | full | empty | queued in Ps | "
           "workbuf spans |", "|---|---|---|---|---|---|---|---|---|---|"]


def sec_gc(out, rs):
    out.append("## GC work buffers\n")
    out.append("`gosnap-cli gc DIR` (docs/gc.md) reads, in every snapshot of a directory, the cycle's "
               "phase and counters, the global workbuf lists `work.full` and `work.empty`, what the Ps' "
               "`gcWork` hold, and the spans that hold workbufs (`work.wbufSpans.busy`). Its output "
               "for the timeline (`tl/gc-series.json`) and for the first cycle's phases "
               "(`gc/gc-series.json`, its text in `gc/gc-series.txt`) is below.\n")
    for r in rs:
        out.append("### Go %s\n" % r.v)
        one = r.dec(r.moments[0], "gc") if r.moments else {}
        wb = one.get("workbuf") or {}
        out.append("A workbuf is %s and holds %s pointers (`gc -j` `workbuf`).\n" % (
            size(wb.get("size")), wb.get("capacity", "-")))
        out.append("At the timeline's moments (`tl/gc-series.json`; the first cycle starts at `first gcStart`; "
                   "inits after the first and snapshots that are no moment are left out):\n")
        out.extend(GC_HEAD)
        names = {m["file"]: m["moment"] for m in r.moments}
        seen_init = False
        for g in r.gcs_tl:
            name = names.get(g["file"])
            if name is None:
                continue
            if name.startswith("init "):
                if seen_init:
                    continue
                seen_init = True
            out.append(gc_row(g, name))
        out.append("\nThe first cycle, phase by phase (`gc/`):\n")
        out.extend(GC_HEAD)
        for g in r.gcs:
            out.append(gc_row(g))
        out.append("")


def facts(r):
    """What the five answers rest on, for one release."""
    si, ht, vm, mm, m0, others, heap = g0_facts(r)
    mr = r.moment("mallocinit returned")
    hmr = r.dec(mr, "heap") if mr else {}
    fm = next((m for m in r.moments if (m.get("arenas") or 0) >= 1), None)
    base, hfirst = first_arena(r, r.base(fm)) if fm else (None, {})
    gstart = r.gcs[0] if r.gcs else None
    withbufs = next((g for g in r.gcs if (g.get("empty") or 0) + (g.get("full") or 0) + (g.get("busy_spans") or 0)), None)
    gsnap = None
    if withbufs:
        gsnap = os.path.join(r.d, "gc", "snaps", withbufs["file"][:-len(".gsnap")])
    return dict(si=si, ht=ht, vm=vm, mm=mm, m0=m0, others=others, heap=heap, mr=mr, hmr=hmr, fm=fm,
                base=base, hfirst=hfirst, gstart=gstart, withbufs=withbufs, gsnap=gsnap,
                mheap=r.fields("runtime.mheap"), mcache=r.fields("runtime.mcache"), added=added_vmas(r))


def sec_statements(out, rs):
    out.append("## Five statements\n")
    out.append("Each statement below is often read about Go's start-up. The verdicts are the captures' "
               "(per release where they differ).\n")
    F = {r.v: facts(r) for r in rs}

    # 1. g0's stack
    out.append("> " + STATEMENTS[0] + "\n")
    m0_in_arena = any(F[r.v]["m0"] and in_arena(F[r.v]["heap"], F[r.v]["m0"]["g0_stack_lo"]) for r in rs)
    out.append("**%s.** " % ("Partly true" if m0_in_arena else "False") +
               "g0 of m0 runs on the main thread's OS stack, not in an arena, and its bounds are far smaller:")
    for r in rs:
        f = F[r.v]
        if not f["m0"]:
            continue
        lo, hi = f["m0"]["g0_stack_lo"], f["m0"]["g0_stack_hi"]
        others = f["others"]
        out.append("- %s: %s − %s = %d B, in `%s` (%s); %s" % (
            r.version(), h(hi), h(lo), hi - lo, f["vm"]["name"] if f["vm"] else "?", r.file(f["mm"], "sched"),
            "the other Ms' g0 stacks are %s, in the heap arena at %s." % (
                " and ".join(sorted(set("%s − %s = %d B" % (h(m["g0_stack_hi"]), h(m["g0_stack_lo"]),
                                                               m["g0_stack_hi"] - m["g0_stack_lo"])
                                        for m in others[:1]))),
                in_arena(f["heap"], others[0]["g0_stack_lo"]) or "none") if others else "no other M yet."))
    manual = all(span_state(F[r.v]["heap"], m["g0_stack_lo"]) == "manual" for r in rs for m in F[r.v]["others"])
    out.append("\nOnly the g0 stacks of the other Ms (the threads the runtime starts) are in the heap arena%s, "
               "and each is the size shown.\n" % (
                   ", each inside a `manual` span of `heap -j --spans` (the spans stacks are cut from)" if manual else ""))

    # 2. arena_start
    out.append("> " + STATEMENTS[1] + "\n")
    has = any("arena_start" in F[r.v]["mheap"] for r in rs)
    out.append("**%s.** " % ("Partly true" if has else "False") +
               "`runtime.mheap` has no field `arena_start` in any of these binaries (`gosnap-cli layout` of "
               "`runtime.mheap`, `layout.json`)%s. An arena is `heapArenaBytes`, and the first arena's "
               "mapping is only partly read-write:" % ("" if not has else ", except where noted"))
    for r in rs:
        f = F[r.v]
        if not f["fm"]:
            continue
        asz = f["hfirst"].get("arena_size")
        ab = ival(f["base"])
        cover = [vm for vm in r.snap(f["fm"]).get("vmas", []) if ival(vm["start"]) < ab + asz and ival(vm["end"]) > ab]
        rw = [vm for vm in cover if vm["perms"].startswith("rw")]
        out.append("- %s: arena size %s, the first at %s; at `%s` %s of it read-write (%s)." % (
            r.version(), size(asz), f["base"], f["fm"]["moment"],
            " + ".join(size(vm["size_bytes"]) for vm in rw) or "none", r.file(f["fm"], "show")))
    out.append("\nWhat `mallocinit` itself maps, before any arena, is in the section \"What is mapped at "
               "rt0_go, and what mallocinit adds\": its largest mapping is address space without access, "
               "and none is 64 GB.\n" if all(not any(vm["size_bytes"] == 64 << 30 for vm in F[r.v]["added"]) for r in rs)
               else "\nSee the section \"What is mapped at rt0_go, and what mallocinit adds\".\n")

    # 3. mheap_.free
    out.append("> " + STATEMENTS[2] + "\n")
    hasfree = any("free" in F[r.v]["mheap"] for r in rs)
    empty = all(F[r.v]["mr"] and not F[r.v]["hmr"].get("arenas") and not F[r.v]["hmr"].get("free_ranges")
                for r in rs)
    out.append("**%s.** " % ("True" if hasfree and empty else "Partly true" if empty else "False") +
               "%s The page allocator that replaced the free lists, `mheap_.pages`, holds no page when "
               "`mallocinit` returns:" % (
                   "There is no `mheap_.free` in these releases (`runtime.mheap`'s fields, `layout.json`)."
                   if not hasfree else ""))
    for r in rs:
        f = F[r.v]
        if f["mr"]:
            out.append("- %s: at `mallocinit returned`, %s and %s (%s)." % (
                r.version(), arenas(f["hmr"]), "free ranges" if f["hmr"].get("free_ranges") else "no free range",
                r.file(f["mr"], "heap")))
    out.append("\nIt is empty because nothing is mapped yet, not because free pages are waiting in a "
               "list: the first arena comes with the first allocation (section \"Arenas\").\n")

    # 4. gcWorkBufPool
    out.append("> " + STATEMENTS[3] + "\n")
    pool = any(any("gcWorkBufPool" in s for s in r.nm) for r in rs)
    none_before = all(F[r.v]["gstart"] and not (F[r.v]["gstart"].get("empty") or F[r.v]["gstart"].get("full")
                                               or F[r.v]["gstart"].get("busy_spans")) for r in rs)
    out.append("**%s.** " % ("Partly true" if pool else "False") +
               "%s No workbuf exists when the first cycle starts:" % (
                   "No symbol of these binaries is named `gcWorkBufPool` (`nm-workbuf.txt`: the symbols "
                   "with \"workbuf\" in their name are %s)." % ", ".join(
                       sorted(set("`%s`" % s for r in rs for s in r.nm))) if not pool else ""))
    for r in rs:
        f = F[r.v]
        g, w = f["gstart"], f["withbufs"]
        if g:
            out.append("- %s: at `%s#%s` `work.empty` %s, `work.full` %s, workbuf spans %s; the first "
                       "moment with any is %s (empty %s, full %s, spans %s)." % (
                           r.version(), g["at"], g["hit"], g["empty"], g["full"], g["busy_spans"],
                           "`%s#%s`, phase %s" % (w["at"], w["hit"], w["phase"]) if w else "none",
                           w and w["empty"], w and w["full"], w and w["busy_spans"]))
    out.append("\nThe first workbufs appear once the phase is mark, as the series show (`gc/gc-series.json`).\n"
               if none_before else "")

    # 5. mcache.refill / sweepBuf
    out.append("> " + STATEMENTS[4] + "\n")
    sweep = any("sweepBuf" in F[r.v]["mheap"] for r in rs)
    out.append("**%s.** " % ("Partly true" if sweep else "False") +
               "%s `runtime.mcache` holds spans by size class (`alloc`) and stack caches, no workbuf "
               "(its fields: %s). Workbufs live in spans of their own:" % (
                   "`runtime.mheap` has no field `sweepBuf` (`layout.json`)." if not sweep else "",
                   ", ".join("`%s`" % x for x in F[rs[-1].v]["mcache"])))
    for r in rs:
        f = F[r.v]
        if not f["gsnap"]:
            continue
        gj = load(f["gsnap"] + ".gc.json")
        busy = ((gj.get("wbuf_spans") or {}).get("busy") or {}).get("spans", [])
        hp = load(f["gsnap"] + ".heap.json")
        kinds = {s["base"]: s["state"] for s in hp.get("spans", [])}
        out.append("- %s at `%s#%s`: %s (%s)." % (
            r.version(), f["withbufs"]["at"], f["withbufs"]["hit"],
            "; ".join("workbuf span %s, %d pages, a `%s` span in `heap`" % (s["base"], s["pages"],
                                                                           kinds.get(s["base"], "?"))
                      for s in busy) or "no workbuf span", "`%s`" % rel(f["gsnap"] + ".gc.json", r.cap)))
    out.append("\n`runtime.mheap` has `central` (the spans an mcache is refilled from, by span class) and "
               "no `sweepBuf`; workbufs are in `manual` heap spans, not in an mcache.\n")


def randomized(rs):
    """The releases whose two runs put their first arena at two bases."""
    out = []
    for r in rs:
        fm = next((m for m in r.moments if (m.get("arenas") or 0) >= 1), None)
        gcsnaps = sorted(glob.glob(os.path.join(r.d, "gc", "snaps", "*.heap.json")))
        if fm and gcsnaps:
            a, _ = first_arena(r, r.base(fm))
            b, _ = first_arena(r, gcsnaps[0][:-len(".heap.json")])
            if a and b and a != b:
                out.append(r.version())
    return out


def main(argv):
    kernel = "6.1"
    if argv[:1] == ["--kernel"]:
        kernel, argv = argv[1], argv[2:]
    cap, md, versions = argv[0], argv[1], argv[2:]
    rs = [Release(cap, v) for v in versions]
    out = ["<!-- Generated by `make docs` (docs/gen/startup-guide, then docs/gen/startup_guide.py) from "
           "captures in the test VM. Do not edit: run `make docs` (KERNELS= picks the kernel). -->\n",
           "# Go's start-up memory, measured\n",
           "What a Go program's memory holds from the runtime's first instruction to `main.main`, for "
           "%s, as gosnap captured it. Every figure, address and table below is copied from a capture "
           "by the generator; none is typed by hand, and `selftests/vm-tests/72-guide.t` checks that "
           "each number here is in the captures it was built from. Addresses change from run to run "
           "(the kernel places the stack and mappings at random%s), so a regenerated guide has the same "
           "sections and tables with other numbers.\n" % (", ".join(r.version() for r in rs), "".join(
               ", and %s put the heap elsewhere in each process" % " and ".join(randomized(rs))
               if randomized(rs) else ""))]
    for sec in (lambda o: sec_captures(o, rs, kernel), lambda o: sec_moments(o, rs), lambda o: sec_g0(o, rs),
                lambda o: sec_mapped(o, rs), lambda o: sec_arenas(o, rs), lambda o: sec_pages(o, rs),
                lambda o: sec_goroutines(o, rs), lambda o: sec_gc(o, rs), lambda o: sec_statements(o, rs)):
        sec(out)
    with open(md, "w") as f:
        f.write("\n".join(out).rstrip("\n") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
