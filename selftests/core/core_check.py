#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/65-export-core.t (see its header).

core_check.py OUT BINARY IDLE CLI: OUT/busy holds the guest's snapshot
(NNN-main.marker.gsnap), its .tasks and .mem-ADDR files (held.sh), rc,
stdout and log; OUT/pid/pages.gsnap a capture --pid snapshot of the idle
target. BINARY is the sched target as built, IDLE the idle target, CLI
the gosnap-cli to export with. Prints TAP test
lines and the plan; exits 1 if any failed.
"""
import glob
import json
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, held_tasks as tasks, read  # noqa: E402

MIN_THREADS = 2
ABSENT = 0x10  # page zero: never mapped, so never in a snapshot



def gdb(binary, core, cmds):
    """{name: output} of gdb -batch running each (name, command) on the core."""
    args = ["gdb", "-batch", "-nx", "-iex", "set auto-load safe-path /",
            "-iex", "set pagination off", "-iex", "set width 0"]
    for name, c in cmds:
        args += ["-ex", "echo @@%s\\n" % name, "-ex", c]
    r = subprocess.run(["timeout", "300"] + args + [binary, core], capture_output=True,
                       text=True)
    parts, cur = {"": ""}, ""
    for line in (r.stdout + r.stderr).splitlines(keepends=True):
        m = re.match(r"^@@(\S+)$", line.strip())
        if m:
            cur = m.group(1)
            parts[cur] = ""
        else:
            parts[cur] = parts.get(cur, "") + line
    return parts


def check_delve(tap, snap, binary, core, cli):
    """dlv core's goroutines: gosnap-cli stacks' ids, each at a frame of its."""
    r = subprocess.run([cli, "-j", "stacks", snap, "--exe", binary], capture_output=True,
                       text=True)
    try:
        gs = {g["goid"]: [f["function"] for f in g.get("frames") or []]
              for g in json.loads(r.stdout)["goroutines"] if g["status"] != "dead"}
    except (ValueError, KeyError):
        gs = {}
    init = core + ".dlv-init"
    with open(init, "w") as f:
        f.write("goroutines\nexit\n")
    d = subprocess.run(["timeout", "300", "dlv", "core", binary, core, "--init", init,
                        "--allow-non-terminal-interactive=true"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    dl = {int(m.group(1)): m.group(2) for m in
          re.finditer(r"Goroutine (\d+) - User: \S+ (\S+) \(0x[0-9a-f]+\)", d.stdout)}
    bad = ["goroutine %d: dlv at %s, not among gosnap's frames %s" % (g, fn, gs.get(g))
           for g, fn in sorted(dl.items()) if fn not in (gs.get(g) or [])]
    v = re.search(r"Version: (\S+)", subprocess.run(["dlv", "version"], capture_output=True,
                                                    text=True).stdout)
    tap.check(len(dl) >= 5 and sorted(dl) == sorted(gs) and not bad,
              "dlv core (Delve %s, Go 1.19): the %d goroutines gosnap-cli stacks lists, "
              "each at a function of its stack" % (v and v.group(1), len(dl)),
              "\n".join(bad) or "dlv %s, gosnap %s\n%s" % (sorted(dl), sorted(gs),
                                                        (d.stdout + d.stderr)[-1500:]))


def main():
    out, binary, idle, cli = sys.argv[1:5]
    tap = Tap()
    d = os.path.join(out, "busy")
    snaps = sorted(glob.glob(os.path.join(d, "*-main.marker.gsnap")))
    tap.check(read(os.path.join(d, "rc")).strip() == "0" and len(snaps) == 1,
              "captured at main.marker with --stop-world --mode full (%d snapshot)" % len(snaps),
              read(os.path.join(d, "log"))[-1500:])
    if not snaps:
        return tap.finish()
    base = snaps[0][:-len(".gsnap")]
    core = base + ".core"
    r = subprocess.run([cli, "-j", "export-core", snaps[0], "-o", core, "--exe", binary],
                       capture_output=True, text=True)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = {}
    tk = tasks(base)
    with_regs = [t["tid"] for t in rep.get("threads", []) if t["registers"]]
    hit = [t["tid"] for t in rep.get("threads", []) if t["hit"]]
    tap.check(r.returncode == 0 and sorted(with_regs) == sorted(tk) and len(tk) >= MIN_THREADS
              and len(hit) == 1,
              "export-core writes the core: %d threads with registers, the threads of "
              "/proc/PID/task %s" % (len(with_regs), sorted(tk)), r.stderr + r.stdout[:1000])
    if r.returncode:
        return tap.finish()
    mems = sorted(glob.glob(base + ".mem-*"))
    cmds = [("threads", "info threads"), ("regs", "thread apply all info registers rip rsp"),
            ("t1", "thread 1"), ("bt", "bt 3")]
    res = gdb(binary, core, cmds)
    # a gdb of its own for each read that may fail, its error in order
    for m in mems:
        k = "x-" + m.rsplit("-", 1)[1]
        res[k] = "".join(gdb(binary, core, [(k, "x/8gx 0x%s" % m.rsplit("-", 1)[1])]).values())
    res["absent"] = "".join(gdb(binary, core, [("absent", "x/1gx %#x" % ABSENT)]).values())
    text = res.get("threads", "")

    threads = re.findall(r"^(\*?)\s+(\d+)\s+LWP (\d+)\s+(.*)$", text, re.M)
    lwps = [int(t[2]) for t in threads]
    first = threads[0] if threads else None
    tap.check(sorted(lwps) == sorted(tk) and first and int(first[2]) == hit[0] and
              first[0] == "*" and "main.marker" in first[3],
              "gdb info threads: one LWP per thread of /proc/PID/task (%d), the hitting "
              "thread %s first, at main.marker" % (len(lwps), hit and hit[0]), text[-2500:])

    text = res.get("regs", "")
    regs = {}
    for m in re.finditer(r"^Thread \d+ \(LWP (\d+)\):\s*rip\s+(0x[0-9a-f]+)[^\n]*\nrsp\s+"
                         r"(0x[0-9a-f]+)", text, re.M):
        regs[int(m.group(1))] = (int(m.group(3), 16), int(m.group(2), 16))
    bad = ["tid %d: gdb %s, /proc %s" % (t, regs.get(t) and tuple(map(hex, regs[t])),
                                         spc and tuple(map(hex, spc)))
           for t, spc in sorted(tk.items()) if not spc or regs.get(t) != spc]
    tap.check(len(tk) >= MIN_THREADS and not bad,
              "gdb info registers rip rsp of every thread (%d) equal /proc/PID/task/TID/syscall "
              "while held" % len(tk), "\n".join(bad) or text[-2000:])

    text = res.get("bt", "")
    bt = re.findall(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?([\w.]+)", text, re.M)
    names = [b[1] for b in bt]
    tap.check(names[:2] == ["main.marker", "main.main"],
              "gdb bt of the hitting thread: main.marker <- main.main (%s)" % names[:3],
              text[-2000:])

    # A page the target never touched reads as zeros through /proc/PID/mem
    # but is not resident, so the snapshot has no copy: gdb must then say
    # it cannot read it (absent), never show zeros it was not given.
    bad, compared, absent = [], 0, 0
    for m in mems:
        addr = int(m.rsplit("-", 1)[1], 16)
        data = open(m, "rb").read()
        if len(data) != 64:
            continue
        want = struct.unpack("<8Q", data)
        text = res.get("x-" + m.rsplit("-", 1)[1], "")
        if "Cannot access memory at address %#x" % addr in text:
            absent += 1
            if any(want):
                bad.append("%#x: gdb cannot read it, /proc/PID/mem has %s" %
                           (addr, [hex(w) for w in want]))
            continue
        words = []
        for line in re.findall(r"^0x[0-9a-f]+(?:\s+<[^>]*>)?:((?:\s+0x[0-9a-f]+)+)\s*$", text,
                               re.M):
            words += [int(x, 16) for x in line.split()]
        compared += 1
        if tuple(words) != want:
            bad.append("%#x: gdb %s, /proc/PID/mem %s" % (addr, [hex(w) for w in words],
                                                          [hex(w) for w in want]))
    tap.check(compared >= 1 and not bad,
              "gdb x/8gx at %d heap addresses prints the bytes /proc/PID/mem read while held "
              "(%d more untouched: absent from the core, zeros in /proc)" % (compared, absent),
              "\n".join(bad) or res.get("", "")[-1500:])

    text = res.get("absent", "")
    tap.check(re.search(r"Cannot access memory at address %#x" % ABSENT, text),
              "memory no snapshot range holds is absent from the core, not zero-filled",
              text[-800:])

    check_delve(tap, snaps[0], binary, core, cli)

    pages = os.path.join(out, "pid", "pages.gsnap")
    bad_core = os.path.join(out, "pid", "pages.core")
    r = subprocess.run([cli, "export-core", pages, "-o", bad_core, "--exe", idle],
                       capture_output=True, text=True)
    tap.check(r.returncode == 1 and "no thread has registers" in r.stderr and
              not os.path.exists(bad_core) and
              not glob.glob(bad_core + ".tmp*"),
              "export-core of a capture --pid snapshot (no registers) fails, says why, "
              "writes nothing: %s" % r.stderr.strip()[:200],
              read(os.path.join(out, "pid", "log")))
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
