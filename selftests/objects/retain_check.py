# SPDX-License-Identifier: GPL-2.0
"""The `retain` checks of selftests/vm-tests/73-objects.t, per release.

OUT/goVERSION/retain.json and retain-strip.json are `retain -j` of the
snapshot with the executable and with its `strip -s` copy; objects.json
is `objects -j` of the same snapshot (the enumeration the graph must
cover). The oracle is the program (objects_check.py's constants: what it
holds, and from where) and the runtime: the program collected twice
with nothing allocated since, so every allocated object was reachable
at that collection and must be reached again from the same roots.
"""
import collections
import os

import pprof_check
from taplib import load, read

N_SMALL, N_BIG, N_RING = 100000, 3000, 10000
BUF_BYTES = 64 << 20


def roots(j, kind=None):
    return [r for r in j.get("retained", []) if kind is None or r["kind"] == kind]


def root(j, name):
    m = [r for r in roots(j) if r["root"] == name]
    return m[0] if len(m) == 1 else None


def big_bytes(objects):
    """objects' bytes of main.Big and of []*main.Big (type *main.Big, an array)."""
    return sum(g["bytes"] for g in objects.get("typed", [])
               if (g["type"], g["array"]) in (("main.Big", False), ("*main.Big", True)))


def check(t, out, v, headers):
    d = os.path.join(out, "go" + v)
    p = "go" + v
    j = load(os.path.join(d, "retain.json"))
    js = load(os.path.join(d, "retain-strip.json"))
    o = load(os.path.join(d, "objects.json"))
    rc = read(os.path.join(d, "retain-rc")).strip()
    err = read(os.path.join(d, "retain.err")) + j.get("_error", "")
    tot, ot = j.get("totals", {}), o.get("totals", {})
    rs = j.get("roots", {})

    t.check(rc == "0" and all(rs.get(k, {}).get("scanned")
                              for k in ("data", "bss", "stacks", "registers")),
            "%s: retain decodes it; data, bss, stacks and registers scanned (rc %s)" % (p, rc),
            err + str({k: rs.get(k, {}).get("why") for k in rs}))
    # floor: the program's own objects, so an empty graph cannot pass
    t.check(tot.get("objects") == ot.get("objects") and tot.get("bytes") == ot.get("bytes") and
            tot.get("reached_objects") == tot.get("objects") and
            tot.get("reached_bytes") == tot.get("bytes") and
            tot.get("objects", 0) > N_SMALL + N_BIG + N_RING and
            not any(x["objects"] for x in tot.get("not_scanned", {}).values()),
            "%s: every allocated object is reached from the roots: %s of %s objects, %s of %s "
            "bytes (objects enumerated %s); every reached object's pointers read" %
            (p, tot.get("reached_objects"), tot.get("objects"), tot.get("reached_bytes"),
             tot.get("bytes"), ot.get("objects")), str(tot))

    threads = rs.get("registers", {}).get("words", 0) // 15
    fp, fc = tot.get("frames_precise", 0), tot.get("frames_conservative", 0)
    # floor: the program's 8 goroutines have at least 2 frames each
    t.check(fp >= 16 and fc <= threads,
            "%s: goroutine frames scanned by their stack maps: %d; conservatively only "
            "the %d a thread stopped anywhere (at most the %d threads with registers)" %
            (p, fp, fc, threads), str(tot))

    smalls = root(j, "main.smalls") or {}
    t.check(N_SMALL <= smalls.get("objects", 0) <= N_SMALL + 2000 and
            smalls.get("bytes", 0) >= N_SMALL * 48 and smalls.get("kind") == "bss",
            "%s: main.smalls (bss) retains the %d *main.Small and the map's own arrays "
            "(%s objects, %s bytes)" % (p, N_SMALL, smalls.get("objects"), smalls.get("bytes")),
            str(roots(j)[:6]))

    ring = root(j, "main.ring") or {}
    buf = root(j, "main.iface") or {}
    t.check(ring.get("objects") == N_RING and ring.get("bytes") == N_RING * 16 and
            buf.get("objects") == 2 and BUF_BYTES < buf.get("bytes", 0) <= BUF_BYTES + 32,
            "%s: main.ring retains exactly its %d nodes, a cycle (%s bytes); main.iface the "
            "64 MiB []byte and its boxed header (%s bytes)" %
            (p, N_RING, ring.get("bytes"), buf.get("bytes")), str(roots(j)[:6]))

    owner = [r for r in roots(j, "stacks") if "main.owner" in r["root"]]
    want = big_bytes(o) if headers else None
    got = owner[0] if len(owner) == 1 else {}
    t.check(got.get("objects") == N_BIG + 1 and (want is None or got.get("bytes") == want),
            "%s: the blocked goroutine's frame (%s) retains the %d main.Big and their slice "
            "(%s objects, %s bytes%s)" %
            (p, got.get("root"), N_BIG, got.get("objects"), got.get("bytes"),
             "" if want is None else "; objects' main.Big and []*main.Big: %d" % want),
            str(roots(j, "stacks")[:6]))

    check_paths(t, p, j, js, owner[0]["root"] if len(owner) == 1 else None)

    sr = read(os.path.join(d, "retain-strip-rc")).strip()
    same = sr == "0" and js.get("totals") == tot and \
        {k: {x: js.get("roots", {}).get(k, {}).get(x) for x in ("objects", "bytes")}
         for k in rs} == {k: {x: rs[k].get(x) for x in ("objects", "bytes")} for k in rs}
    named = [r["root"] for r in roots(js, "bss")[:3]]
    t.check(same and all(n.startswith("bss+0x") for n in named),
            "%s: stripped: the same totals per root kind, globals named by section offset (%s)" %
            (p, ", ".join(named)),
            read(os.path.join(d, "retain-strip.err")) + js.get("_error", ""))


def check_paths(t, p, j, js, owner):
    """Field paths (types from DWARF): where each of the program's own is."""
    paths = {x["path"]: x for x in (j.get("paths") or [])}
    sm = paths.get("main.smalls[*]", {})
    t.check(sm.get("objects") == N_SMALL and sm.get("bytes") == N_SMALL * 48,
            "%s: path main.smalls[*] (the map's values; its buckets or groups fold into "
            "it): exactly the %d main.Small, %s bytes" % (p, N_SMALL, sm.get("bytes")),
            str(list(paths)[:12]))
    bg = paths.get((owner or "?") + "[*]", {})
    t.check(bg.get("objects") == N_BIG,
            "%s: path %s[*] (the local slice's elements): exactly the %d main.Big (%s)" %
            (p, owner, N_BIG, bg.get("objects")), str(list(paths)[:12]))
    iv = paths.get("main.iface.v", {})
    t.check(iv.get("objects") == 2 and iv.get("bytes", 0) >= BUF_BYTES and
            js.get("paths", "missing") is None,
            "%s: path main.iface.v: the 64 MiB []byte and its boxed header (%s objects, "
            "%s bytes); stripped, no paths (null)" % (p, iv.get("objects"), iv.get("bytes")))


def check_pprof(t, go, out, v):
    """retain --pprof read back by go tool pprof: per root and field path, per sample type."""
    d = os.path.join(out, "go" + v)
    j = load(os.path.join(d, "retain.json"))
    prof = os.path.join(d, "retain.pb.gz")
    for kind, key in (("objects", "objects"), ("bytes", "bytes")):
        args = ["-top", "-sample_index=" + kind, "-nodefraction=0", "-nodecount=1000000"]
        rc, txt, err = pprof_check.pprof(go, *args, *(["-unit=B"] if kind == "bytes" else []), prof)
        total, flat = collections.Counter(), collections.Counter()
        for r in roots(j):
            total[r["root"]] += r[key]
            flat[r["root"]] += r[key]
        # a root holds itself what none of its paths took; a path what it took
        for p in j.get("paths") or []:
            flat[p["path"]] += p[key]
            flat[p["root"]] -= p[key]
        total = {k: n for k, n in total.items() if n}
        flat = {k: n for k, n in flat.items() if n}
        # the kinds are callers only: flat 0, listed with -nodefraction=0
        got = {k: n for k, n in pprof_check.parse_top(txt).items() if n}
        cum = pprof_check.parse_top_cum(txt)
        want = N_SMALL * (48 if kind == "bytes" else 1)
        t.check(rc == 0 and got.get("main.smalls[*]") == want,
                "go%s: retain --pprof: -top lists the path main.smalls[*] with the program's "
                "%d main.Small, %s %s" % (v, N_SMALL, got.get("main.smalls[*]"), kind),
                err)
        t.check(rc == 0 and got == flat and len(total) >= 4,
                "go%s: retain --pprof: -top -sample_index=%s lists %d roots and field paths "
                "with the %s each holds itself, as retain -j gives them" % (v, kind, len(got), kind),
                err + "\n".join(pprof_check.diff(flat.items(), got.items())[:20]))
        t.check(rc == 0 and all(cum.get(k) == n for k, n in total.items()),
                "go%s: retain --pprof: each of the %d roots' cumulative %s (its paths under "
                "it) is what retain -j says it retains" % (v, len(total), kind),
                "\n".join("%s: %s, want %d" % (k, cum.get(k), n)
                          for k, n in total.items() if cum.get(k) != n)[:2000])