#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of selftests/vm-tests/61-sched.t (see its header).

sched_check.py OUT TARGET...: OUT/TARGET/{quiet,busy}/ hold what the guest
wrote: stdout and log (the target's stdout and stderr), and per snapshot
NNN-SYM.stacks.json, NNN-SYM.sched.json (gosnap-cli -j) and held.sh's
NNN-SYM.tasks, .logstart, .logend, .tasks-after. Prints TAP test lines
and the plan; exits 1 if any failed.
"""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from taplib import Tap, held_tasks as tasks, read  # noqa: E402

P_STATUS = ["idle", "running", "syscall", "gcstop", "dead"]
SYSCALL_FRAMES = ["runtime.systemstack_switch", "runtime.gcStart", "runtime.GC"]
# Ms every Go program on Linux has once runtime.main has run: m0 and
# sysmon's. Fewer means the Ms were not found, and every check over them
# would pass on nothing.
MIN_MS = 2
# per target: did the report equal the snapshot exactly (a floor below)
EXACT = []


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None



def snapshot(d, sym):
    """Base path of the last snapshot taken at sym in d, or None."""
    found = sorted(glob.glob(os.path.join(d, "*-%s.stacks.json" % sym)))
    return found[-1][: -len(".stacks.json")] if found else None



def kv(text):
    """key=value pairs of a schedtrace line (values may be empty)."""
    return dict(re.findall(r"(\w+)=(\S*)", text))


def num(v):
    """A schedtrace value as a number: -1 and "nil" (go1.26) are none."""
    if v in ("nil", "-1", None):
        return -1
    if v in ("true", "false"):
        return int(v == "true")
    return int(v)


def sched_reports(base, log):
    """The scheddetail reports printed while the snapshot base was held:
    [(SCHED fields, {P index: fields}, {M id: fields})]."""
    try:
        start = int(read(base + ".logstart").strip())
        end = int(read(base + ".logend").strip())
    except ValueError:
        return []
    with open(log, "rb") as f:
        f.seek(start)
        text = f.read(max(0, end - start)).decode(errors="replace")
    reports, cur = [], None
    for line in text.splitlines():
        m = re.match(r"SCHED \d+ms: (.*)", line)
        if m:
            cur = (kv(m.group(1)), {}, {})
            reports.append(cur)
            continue
        m = re.match(r"  ([PM])(\d+): (.*)", line)
        if cur and m:
            cur[1 if m.group(1) == "P" else 2][int(m.group(2))] = kv(m.group(3))
    # the last one may have been cut by the end of the wait
    return reports[:-1] if len(reports) > 1 else reports


# An M that spun, found nothing and is going idle, caught on the way
# (proc.go findRunnable: releasep, then pidleput: npidle + 1; then
# m.spinning = false: nmspinning - 1; then stopm -> mput: nmidle + 1).
# The report, printed later, shows the steps still to come; the snapshot
# is right, the process was not yet still. (idleprocs, spinningthreads,
# idlethreads), runtime less snapshot, for each point it can be caught at.
# An M that was not spinning (woken for sched.needspinning, and finding
# nothing) goes the same way without the spinning step: (1, 0, 1), and
# the needspinning it answered is 0 by the report.
SETTLING = {(1, -1, 1), (0, -1, 1), (0, 0, 1), (1, 0, 1)}


def settling(rep, sj):
    """Whether rep differs from sj only by one M going idle (SETTLING):
    the counters' steps, needspinning dropping to 0, and that M's P let
    go (the M reads p -1 in the report). The capture held only the
    hitting thread: the others may be between two such steps."""
    top, s = rep[0], sj["sched"]
    try:
        d = (num(top["idleprocs"]) - s["idle_ps"],
             num(top["spinningthreads"]) - s["spinning_ms"],
             num(top["idlethreads"]) - s["idle_ms"])
    except (KeyError, TypeError, ValueError):
        return None
    if d not in SETTLING:
        return None
    moved_s = dict(s, idle_ps=s["idle_ps"] + d[0], spinning_ms=s["spinning_ms"] + d[1],
                   idle_ms=s["idle_ms"] + d[2])
    if "needspinning" in top and num(top["needspinning"]) == 0:
        moved_s["need_spinning"] = 0
    moved = dict(sj, sched=moved_s)
    # the one M whose P the report shows let go
    idle = [m for m in sj["ms"] if m["p_id"] is not None and
            num(rep[2].get(m["id"], {}).get("p")) == -1]
    if len(idle) > 1:
        return None
    if idle:
        moved["ms"] = [dict(m, p_id=None) if m is idle[0] else m for m in sj["ms"]]
    return d if not compare_report(rep, moved) else None


def compare_report(rep, sj):
    """Differences between one schedtrace report and sched -j."""
    top, ps, ms = rep
    s = sj["sched"]
    diffs = []
    pairs = [("gomaxprocs", len(sj["ps"])), ("idleprocs", s["idle_ps"]),
             ("threads", s["threads"]), ("threads", len(sj["ms"])),
             ("spinningthreads", s["spinning_ms"]), ("idlethreads", s["idle_ms"]),
             ("runqueue", s["global_runq"]), ("nmidlelocked", s["idle_locked_ms"]),
             ("gcwaiting", s["gc_waiting"]), ("stopwait", s["stop_wait"]),
             ("sysmonwait", s["sysmon_waiting"])]
    if "needspinning" in top:
        pairs.append(("needspinning", s["need_spinning"]))
    for k, ours in pairs:
        if k not in top or num(top[k]) != ours:
            diffs.append("%s: runtime %s, sched %s" % (k, top.get(k), ours))
    m_id = {m["m"]: m["id"] for m in sj["ms"]}
    if sorted(ps) != list(range(len(sj["ps"]))):
        diffs.append("Ps: runtime %s, sched %d" % (sorted(ps), len(sj["ps"])))
    for i, p in enumerate(sj["ps"]):
        rp = ps.get(i, {})
        want = (P_STATUS[num(rp["status"])] if "status" in rp else None,
                num(rp.get("m")), num(rp.get("runqsize")))
        got = (p["status"], m_id.get(p["m"], -1) if p["m"] else -1, p["runq"])
        if want != got:
            diffs.append("P%d (status, m, runq): runtime %s, sched %s" % (i, want, got))
    ours = {m["id"]: m for m in sj["ms"]}
    if len(ms) < MIN_MS or len(ours) < MIN_MS:
        diffs.append("Ms: runtime %d, sched %d, fewer than %d" % (len(ms), len(ours), MIN_MS))
    if sorted(ms) != sorted(ours):
        diffs.append("M ids: runtime %s, sched %s" % (sorted(ms), sorted(ours)))
    for i, rm in ms.items():
        m = ours.get(i)
        if not m:
            continue
        want = (num(rm.get("p")), num(rm.get("curg")))
        got = (m["p_id"] if m["p_id"] is not None else -1,
               m["curg_goid"] if m["curg_goid"] is not None else -1)
        if want != got:
            diffs.append("M%d (p, curg): runtime %s, sched %s" % (i, want, got))
    return diffs


def thread_regs(stj):
    """{tid: thread object} of every thread stacks -j walked."""
    out = {}
    for t in ([stj["hit_thread"]] if stj.get("hit_thread") else []) + stj.get("threads", []):
        out[t["tid"]] = t
    return out


def names(frames):
    return [f["function"] for f in frames]


def check_common(tap, t, base, what, gomaxprocs):
    """Ps against GOMAXPROCS, Ms against the target's threads."""
    sj = load_json(base + ".sched.json")
    tk = tasks(base)
    ok = sj is not None and len(sj["ps"]) == gomaxprocs
    tap.check(ok, "%s %s: sched lists %s Ps, GOMAXPROCS is %d" %
              (t, what, len(sj["ps"]) if sj else "no", gomaxprocs),
              read(base + ".sched.err"))
    ms = sorted(m["tid"] for m in sj["ms"]) if sj else []
    after = sorted(int(x) for x in read(base + ".tasks-after").split())
    tap.check(len(ms) >= MIN_MS and ms == sorted(tk) and after == sorted(tk),
              "%s %s: the Ms' thread ids are the %d threads of /proc/PID/task "
              "(at least %d)" % (t, what, len(tk), MIN_MS),
              "Ms %s\n/proc %s (after the hold: %s)" % (ms, sorted(tk), after))
    return sj, tk


def check_quiet(tap, out, t):
    d = os.path.join(out, t, "quiet")
    stdout = read(os.path.join(d, "stdout"))
    m = re.search(r"^gomaxprocs (\d+)$", stdout, re.M)
    gmp = int(m.group(1)) if m else -1
    base = snapshot(d, "main.marker")
    if not base:
        tap.check(False, "%s quiet: captured at main.marker" % t,
                  read(os.path.join(d, "log"))[-2000:])
        return
    sj, _ = check_common(tap, t, base, "at main.marker", gmp)
    reps = sched_reports(base, os.path.join(d, "log"))
    if not reps or not sj:
        tap.check(False, "%s at main.marker: a schedtrace report printed while held" % t,
                  read(os.path.join(d, "log"))[-1500:])
    else:
        diffs = compare_report(reps[0], sj)
        settled = diffs and settling(reps[0], sj)
        EXACT.append(not diffs)
        tap.check(not diffs or settled, "%s at main.marker: counters, Ps and Ms equal the "
                  "scheddetail report printed while held (%d reports)%s" %
                  (t, len(reps), " but for an M going idle when captured "
                   "(idleprocs, spinning, idle Ms %+d %+d %+d)" % settled if settled else ""),
                  "\n".join(diffs))
    stj = load_json(base + ".stacks.json")
    m = re.search(r"^goroutines (\d+)$", stdout, re.M)
    if stj and sj and m:
        live = [g for g in stj["goroutines"] if g["status"] != "dead"]
        nsys = sj["sched"]["system_goroutines"]
        user = [g for g in live if not (g.get("start_function") or "").startswith("runtime.")
                or g.get("start_function") == "runtime.main"]
        ok = len(live) - nsys == int(m.group(1)) == len(user)
        tap.check(ok, "%s at main.marker: %d live goroutines less %s system ones "
                  "= runtime.NumGoroutine %s" % (t, len(live), nsys, m.group(1)),
                  "not started in runtime.*: %d" % len(user))
    else:
        tap.check(False, "%s at main.marker: goroutines against runtime.NumGoroutine" % t)
    check_gc(tap, d, t, stdout, gmp)


def check_gc(tap, d, t, stdout, gmp):
    base = snapshot(d, "runtime.gcResetMarkState")
    if not base:
        tap.check(False, "%s: captured at runtime.gcResetMarkState" % t,
                  read(os.path.join(d, "log"))[-2000:])
        return
    sj, _ = check_common(tap, t, base, "at runtime.gcResetMarkState", gmp)
    stj = load_json(base + ".stacks.json")
    m = re.search(r"^gc((?: [0-9a-f]+)+)$", stdout, re.M)
    h = stj.get("hit_thread") if stj else None
    if not (h and sj and m):
        tap.check(False, "%s at runtime.gcResetMarkState: hit thread walk and the "
                  "program's callers" % t, read(base + ".stacks.err"))
        return
    callers = [int(x, 16) for x in m.group(1).split()]
    fr, sw = h["frames"], h.get("switch")
    k = sw["frame"] if sw else 0
    mine = [x for x in sj["ms"] if x["tid"] == h["tid"]]
    lo, hi = (mine[0]["g0_stack_lo"], mine[0]["g0_stack_hi"]) if mine else (0, 0)
    g0_ok = k > 0 and all(lo <= f["sp"] < hi for f in fr[:k])
    want = SYSCALL_FRAMES + ["main.gcNow", "main.main", "runtime.main", "runtime.goexit"]
    after = fr[k:] if k else []
    pcs_ok = [f["pc"] for f in after[4:]] == callers[1:]
    ok = (h["on"] == "g0" and h["goid"] == 1 and fr and
          fr[0]["function"] == "runtime.gcResetMarkState" and
          k > 0 and fr[k - 1]["function"] == "runtime.systemstack" and
          fr[k]["after_switch"] and g0_ok and names(after) == want and pcs_ok and
          h["stop"]["reason"] == "goexit")
    tap.check(ok, "%s at runtime.gcResetMarkState: g0 frames up to runtime.systemstack "
              "inside M's g0 stack, then goroutine 1's from g.sched to goexit, "
              "return addresses as runtime.Callers" % t,
              "on %s goid %s switch %s\nframes %s\ng0 [%#x, %#x) sps %s\nwant after "
              "switch %s\ncallers %s, ours %s\nstop %s" %
              (h["on"], h["goid"], sw, names(fr), lo, hi, [hex(f["sp"]) for f in fr[:k]],
               want, [hex(x) for x in callers[1:]], [hex(f["pc"]) for f in after[4:]],
               h["stop"]))
    text = read(base + ".txt")
    tap.check(read(base + ".txt-rc").strip() == "0" and
              "== runtime.systemstack switched stacks: continued at goroutine 1's g.sched"
              in text, "%s at runtime.gcResetMarkState: stacks as text says where the "
              "walk switched stacks" % t, text[:1500])
    g1 = [g for g in stj["goroutines"] if g["goid"] == 1]
    ok = bool(g1) and g1[0]["unwound"] and g1[0]["thread"] == h["tid"] and \
        g1[0]["via_system_stack"] and names(g1[0]["frames"]) == names(fr)
    tap.check(ok, "%s at runtime.gcResetMarkState: goroutine 1 is unwound from the "
              "hitting thread, through its system stack" % t,
              json.dumps({k2: g1[0].get(k2) for k2 in ("status", "thread", "via_system_stack",
                                                       "not_unwound")} if g1 else "no goroutine 1"))


def check_busy(tap, out, t):
    d = os.path.join(out, t, "busy")
    stdout = read(os.path.join(d, "stdout"))
    m = re.search(r"^gomaxprocs (\d+)$", stdout, re.M)
    gmp = int(m.group(1)) if m else -1
    base = snapshot(d, "main.marker")
    if not base:
        tap.check(False, "%s --stop-world: captured at main.marker" % t,
                  read(os.path.join(d, "log"))[-2000:])
        return
    sj, tk = check_common(tap, t, base, "--stop-world at main.marker", gmp)
    stj = load_json(base + ".stacks.json")
    regs = thread_regs(stj) if stj else {}
    bad = []
    for tid, spc in sorted(tk.items()):
        r = regs.get(tid)
        if not r or not spc or (r["rsp"], r["rip"]) != spc:
            bad.append("tid %d: snapshot %s, /proc syscall %s" %
                       (tid, (hex(r["rsp"]), hex(r["rip"])) if r else None,
                        tuple(hex(x) for x in spc) if spc else "running"))
    tap.check(bool(tk) and not bad, "%s --stop-world: every thread's rsp and rip equal "
              "/proc/PID/task/TID/syscall (%d threads)" % (t, len(tk)), "\n".join(bad))
    noregs = [x["id"] for x in sj["ms"] if not x["regs"]] if sj else ["no sched"]
    nms = len(sj["ms"]) if sj else 0
    tap.check(nms >= MIN_MS and not noregs,
              "%s --stop-world: every M (%d, at least %d) has its thread's registers" %
              (t, nms, MIN_MS), "Ms without: %s" % noregs)
    busy = re.findall(r"^busy (\d+)((?: [0-9a-f]+)+)$", stdout, re.M)
    gs = {g["goid"]: g for g in stj["goroutines"]} if stj else {}
    bad = []
    for goid, pcs in busy:
        g = gs.get(int(goid))
        pcs = [int(x, 16) for x in pcs.split()]
        if not g or not g["unwound"] or not g["thread"]:
            bad.append("goroutine %s: %s" % (goid, g and g.get("not_unwound")))
            continue
        fr = g["frames"]
        if names(fr) != ["main.spin", "main.busy", "runtime.goexit"] or \
                [f["pc"] for f in fr[1:]] != pcs[1:] or g["stop"]["reason"] != "goexit":
            bad.append("goroutine %s on thread %s: %s pcs %s, runtime.Callers %s" %
                       (goid, g["thread"], names(fr), [hex(f["pc"]) for f in fr[1:]],
                        [hex(x) for x in pcs[1:]]))
    tap.check(len(busy) == 3 and not bad, "%s --stop-world: %d busy goroutines unwound from "
              "their threads: main.spin <- main.busy <- runtime.goexit, return addresses "
              "as runtime.Callers" % (t, len(busy)), "\n".join(bad))


def main():
    out, targets = sys.argv[1], sys.argv[2:]
    tap = Tap()
    for t in targets:
        check_quiet(tap, out, t)
        check_busy(tap, out, t)
    # a floor: the settling allowance must not be what every target passes by
    tap.check(any(EXACT), "the scheddetail report equalled the snapshot exactly for %d of %d "
              "targets (at least one)" % (sum(EXACT), len(EXACT)))
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
