#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the guest output of the freeze tests against their oracles.

The guest prints `key=value` lines and JSON documents of `gosnap-cli show`
between `=== BEGIN BINARY FILE` and `=== END`; `=== GO BINARY FILE VERSION`
lines carry the version `gosnap-cli go` read from a snapshot's memory.
Prints TAP test lines (the caller prints the plan).
"""
import json
import sys

GO_ARENA_LO, GO_ARENA_HI = 0xC000000000, 0x7FC000000000 + (1 << 40)


class Tap:
    def __init__(self):
        self.n = 0

    def check(self, ok, desc, diag=None):
        self.n += 1
        print(("ok" if ok else "not ok"), self.n, desc)
        if not ok and diag:
            for line in str(diag).splitlines()[:20]:
                print("#", line)


def parse(text):
    docs, kv, gover, cur, buf = {}, {}, {}, None, []
    for line in text.splitlines():
        if line.startswith("=== BEGIN "):
            cur, buf = tuple(line.split()[2:4]), []
        elif line.startswith("=== END") and cur:
            try:
                docs[cur] = json.loads("\n".join(buf))
            except ValueError as e:
                docs[cur] = {"error": "bad JSON: %s" % e}
            cur = None
        elif line.startswith("=== GO "):
            parts = line.split(None, 4)
            gover[(parts[2], parts[3])] = parts[4].strip() if len(parts) > 4 else ""
        elif cur:
            buf.append(line)
        elif "=" in line:
            k, v = line.split("=", 1)
            kv[k.strip()] = v.strip()
    return docs, kv, gover


def nm_table(build):
    addrs = {}
    with open(build + "/nm.txt") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                addrs.setdefault(parts[2], int(parts[0], 16))
    return addrs


def snap_of(docs, binary, label):
    for (b, _), doc in sorted(docs.items()):
        if b != binary or "snapshots" not in doc:
            continue
        for s in doc["snapshots"]:
            if (s.get("capture") or {}).get("label") == label:
                return s
    return None


def hit_thread(s):
    for t in s.get("threads", []):
        if t.get("hit") and "rip" in t:
            return t
    return None


def vma_of(s, addr):
    for v in s.get("vmas", []):
        if int(v["start"], 16) <= addr < int(v["end"], 16):
            return v
    return None


def check_start(tap, docs, kv, gover, build, syms):
    nm = nm_table(build)
    with open(build + "/version.txt") as f:
        version = f.read().strip()
    for binary in ("freeze", "freeze-stripped"):
        for sym in syms:
            s = snap_of(docs, binary, sym)
            tap.check(s is not None and kv.get("rc." + binary) == "0",
                      "%s: a snapshot at %s" % (binary, sym),
                      "rc=%s, files: %s" % (kv.get("rc." + binary),
                                            [k for k in docs if k[0] == binary]))
            t = hit_thread(s) if s else None
            rip = int(t["rip"], 16) if t else None
            tap.check(rip is not None and rip == nm.get(sym),
                      "%s at %s: ip 0x%x is the symbol's address (go tool nm)"
                      % (binary, sym, rip or 0),
                      "go tool nm: %s" % hex(nm.get(sym, 0)))
            rsp = int(t["rsp"], 16) if t else 0
            v = vma_of(s, rsp) if s else None
            if sym in ("runtime.mallocinit", "runtime.schedinit"):
                ok, where = v is not None and v.get("name") == "[stack]", "[stack]"
            else:
                ok = v is not None and GO_ARENA_LO <= int(v["start"], 16) < GO_ARENA_HI
                where = "a Go heap arena (goroutine stack)"
            tap.check(ok, "%s at %s: sp 0x%x lies in %s" % (binary, sym, rsp, where),
                      "VMA: %r" % ((v["start"], v["end"], v["name"]) if v else None,))
    for binary in ("freeze", "freeze-stripped"):
        got = {k[1]: v for k, v in gover.items() if k[0] == binary}
        tap.check(len(got) == len(syms) and all(v == version for v in got.values()),
                  "%s: runtime.buildVersion read from every snapshot is %s (go version)"
                  % (binary, version), "read: %s" % got)

    s = None
    for (b, _), doc in docs.items():
        if b == "big" and doc.get("snapshots"):
            s = doc["snapshots"][0]
    cap = (s or {}).get("capture") or {}
    rss = ((s or {}).get("totals") or {}).get("rss_bytes", 0)
    tap.check(kv.get("rc.big") == "0" and cap.get("mode") == "pages" and
              rss >= 256 << 20,
              "pages-mode capture of a 256 MiB heap (resident %d MiB)" % (rss >> 20),
              "rc=%s capture=%s" % (kv.get("rc.big"), cap))
    hold = cap.get("hold_ns", 0)
    size = int(kv.get("big.size", "0"))
    tap.check(hold > 0 and size > 0,
              "held %.3f ms (walk %.3f ms), snapshot %d KiB"
              % (hold / 1e6, cap.get("walk_ns", 0) / 1e6, size >> 10))
    print("# 256 MiB heap, pages mode: held %.3f ms, walk %.3f ms, snapshot file %d bytes"
          % (hold / 1e6, cap.get("walk_ns", 0) / 1e6, size))


def pids_of(docs, group):
    out = []
    for (b, _), doc in sorted(docs.items()):
        if b == group:
            for snap in doc.get("snapshots", []):
                out.append((snap.get("task") or {}).get("pid"))
    return out


def check_faults(tap, docs, kv):
    g = kv.get
    a, b = int(g("two.a", "-1")), int(g("two.b", "-2"))
    two = pids_of(docs, "two")
    tap.check(g("two.rc") == "0" and len(two) == 3,
              "--pid with --max-snapshots 3: three snapshots",
              "rc=%s pids=%s log=%s" % (g("two.rc"), two, g("two.log")))
    tap.check(two and all(p == a for p in two),
              "every snapshot is of the targeted pid %d, none of %d" % (a, b), two)
    tap.check(g("two.b_rc") == "0" and "500 marker calls" in g("two.b_out", ""),
              "the other instance of the binary ran to completion", g("two.b_out"))
    tap.check(g("two.a_rc") == "0", "the target ran to completion after the captures")
    tap.check(g("nohit.rc") == "0" and g("nohit.files") == "0",
              "a target that exits before any hit: clean exit, no snapshot",
              "rc=%s files=%s" % (g("nohit.rc"), g("nohit.files")))
    tap.check("no probe was hit" in g("nohit.log", ""), "... and the CLI says so", g("nohit.log"))
    tap.check(g("nosym.rc") not in (None, "0") and "nosuchfunction" in g("nosym.log", ""),
              "a symbol that does not exist is a clear error", g("nosym.log"))
    tap.check("marker calls" not in g("nosym.log", ""),
              "... and the program was not started", g("nosym.log"))
    ds = int(g("kill.resumed_after_ds", "999"))
    tap.check(ds <= 15, "CLI SIGKILLed while the target is held: target resumed in %.1f s "
              "(before the 2 s hold timeout)" % (ds / 10.0))
    tap.check(g("kill.target_finished") == "1", "... and ran to completion")
    tap.check(g("tkill.state") in ("Z", "gone") and "status 137" in g("tkill.log", ""),
              "target SIGKILLed while held dies at once (state %s)" % g("tkill.state"),
              g("tkill.log"))
    tap.check(g("tkill.rc") == "0", "... and the CLI ends cleanly", g("tkill.log"))
    tap.check(g("rmmod.busy_rc") not in (None, "0"),
              "rmmod while armed and holding is refused (module in use)",
              "rmmod rc=%s" % g("rmmod.busy_rc"))
    tap.check(g("rmmod.state_after_4s") in ("Z", "gone"),
              "the hold timeout released the target while the CLI was busy",
              "state=%s" % g("rmmod.state_after_4s"))
    tap.check(g("rmmod.after_rc") == "0" and g("rmmod.reinsmod_rc") == "0",
              "rmmod succeeds once the capture has ended")
    p1, p2 = pids_of(docs, "p1"), pids_of(docs, "p2")
    tap.check(g("pair.rc1") == "0" and g("pair.rc2") == "0" and len(p1) == 3 and len(p2) == 3,
              "two CLIs on two targets at once: three snapshots each",
              "rc=%s,%s p1=%s p2=%s" % (g("pair.rc1"), g("pair.rc2"), p1, p2))
    tap.check(p1 and p2 and len(set(p1)) == 1 and len(set(p2)) == 1 and p1[0] != p2[0],
              "... each of its own target", "p1=%s p2=%s" % (p1, p2))
    tap.check(g("conc.rc") == "0" and g("conc.files") == "160" and g("conc.bad") == "0" and
              "160 marker calls" in g("conc.out", ""),
              "8 goroutines on GOMAXPROCS=2 hitting main.marker: all 160 hits captured",
              "rc=%s files=%s bad=%s out=%s" % (g("conc.rc"), g("conc.files"),
                                                g("conc.bad"), g("conc.out")))
    tap.check(int(g("conc.tids", "0")) >= 2,
              "... by %s different threads" % g("conc.tids"))


def check_stopworld(tap, docs, text):
    kv = {}
    tasks = {}
    for line in text.splitlines():
        if line.startswith("task="):
            tid, state = line[5:].split()
            tasks[int(tid)] = state
        elif "=" in line and not line.startswith("{"):
            k, v = line.split("=", 1)
            kv[k] = v
    snaps = [sn for (b, _), d in docs.items() if b == "sw" for sn in d.get("snapshots", [])]
    s = snaps[0] if snaps else {}
    threads = s.get("threads", [])
    others = [t for t in threads if not t.get("hit")]
    tap.check(kv.get("sw.rc") == "0" and len(snaps) == 1 and "stop_world" in s.get("flags", []),
              "a stop-world snapshot at the 3rd hit of main.marker",
              "rc=%s flags=%s" % (kv.get("sw.rc"), s.get("flags")))
    tap.check(len(others) >= 2 and all(t.get("state") == "stopped" for t in others),
              "every other thread (%d) was stopped during the capture" % len(others),
              [(t.get("tid"), t.get("state")) for t in threads])
    tap.check(others and all("rip" in t and "rsp" in t for t in others),
              "... and its registers are in the snapshot",
              [(t.get("tid"), t.get("rip")) for t in others])
    held = [t["tid"] for t in threads if t.get("hit")]
    stopped_in_proc = [tid for tid, st in tasks.items() if tid not in held]
    tap.check(tasks and all(tasks[t] == "T" for t in stopped_in_proc) and
              all(tasks.get(t) in ("D", "S") for t in held),
              "while held, /proc shows the other threads stopped (T) and the held one asleep",
              tasks)
    tap.check("20 marker calls" in kv.get("sw.out", ""),
              "the program ran to completion afterwards", kv.get("sw.out"))


def main():
    mode, build = sys.argv[1], sys.argv[2]
    text = sys.stdin.read()
    docs, kv, gover = parse(text)
    tap = Tap()
    if mode == "start":
        check_start(tap, docs, kv, gover, build, sys.argv[3].split())
    elif mode == "faults":
        check_faults(tap, docs, kv)
    elif mode == "stopworld":
        check_stopworld(tap, docs, text)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
