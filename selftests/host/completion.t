#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# completion.t: completions/gosnap-cli.bash in a real interactive bash on a
# pty (issue 16, acceptance 7). Readline itself completes, after a TAB:
#   - `gosnap-cli cap` to `capture` (a command, from `gosnap-cli --help`);
#   - `gosnap-cli capture --mo` to `--mode` (an option, from its --help);
#   - `gosnap-cli capture --mode f` to `full` (the modes), `--facts pt` to `pte`;
#   - `gosnap-cli capture --pid PID --at main.ma` to `main.main`, a
#     function of the running Go program (the idle target, built by Go
#     1.19), from `gosnap-cli symbols /proc/PID/exe`;
#   - and a word that is no command completes to nothing.
# What readline inserts after the TAB is read back from the pty.
import os
import pty
import select
import subprocess
import sys
import time

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "selftests", "lib"))
from taplib import Tap  # noqa: E402

GO = "/usr/lib/go-1.19/bin/go"
B = os.path.join(TOP, "build", "completion")


def read_for(fd, seconds, quiet=None):
    """What the pty prints for seconds; with quiet, stop that long after
    the first bytes stop coming (a loaded machine completes slowly)."""
    out, end, last = b"", time.time() + seconds, None
    while time.time() < end:
        if quiet and last and time.time() - last > quiet:
            break
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
            last = time.time()
    return out.decode(errors="replace")


def main():
    tap = Tap()
    cli = os.path.join(TOP, "cli", "gosnap-cli")
    if subprocess.run(["make", "-s", "-C", os.path.join(TOP, "cli")]).returncode:
        tap.check(False, "the CLI builds")
        return tap.finish()
    os.makedirs(B, exist_ok=True)
    idle = os.path.join(B, "idle")
    env = dict(os.environ, CGO_ENABLED="0", GOTOOLCHAIN="local", GOPROXY="off",
               GOFLAGS="-buildvcs=false", GOCACHE=os.environ.get("GOCACHE") or os.path.join(B, "gocache"),
               GOPATH=os.path.join(B, "gopath"), GOENV="off")
    r = subprocess.run([GO, "build", "-o", idle, "."], env=env, capture_output=True, text=True,
                       cwd=os.path.join(TOP, "selftests", "targets", "go", "idle"))
    if r.returncode:
        tap.check(False, "the idle target builds", r.stderr)
        return tap.finish()
    target = subprocess.Popen([idle, "-mib", "1", "-objects", "1"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(PS1="$ ", TERM="dumb", INPUTRC="/dev/null", HISTFILE="/dev/null",
                          PATH=os.path.dirname(cli) + ":" + os.environ["PATH"])
        os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
    try:
        read_for(fd, 1.0)
        os.write(fd, b"source %s/completions/gosnap-cli.bash\n" % TOP.encode())
        read_for(fd, 1.0)
        cases = [
            ("gosnap-cli cap", "ture", "a command: cap<TAB> -> capture"),
            ("gosnap-cli capture --mo", "de", "an option: --mo<TAB> -> --mode"),
            ("gosnap-cli capture --mode f", "ull", "a mode: --mode f<TAB> -> full"),
            ("gosnap-cli capture --facts pt", "e", "a fact level: --facts pt<TAB> -> pte"),
            ("gosnap-cli capture --pid %d --at main.ma" % target.pid, "in",
             "a function of the running program: --at main.ma<TAB> -> main.main"),
            ("gosnap-cli zzz", None, "no command: zzz<TAB> inserts nothing"),
        ]
        for typed, want, what in cases:
            os.write(fd, typed.encode())
            read_for(fd, 0.5)
            os.write(fd, b"\t")
            got = read_for(fd, 15.0 if want else 3.0, quiet=0.5)
            # clear the line: C-u, then a fresh prompt
            os.write(fd, b"\x15")
            read_for(fd, 0.3)
            inserted = got.replace("\x07", "").strip()
            if want is None:
                tap.check(inserted == "", "%s (inserted %r)" % (what, inserted))
            else:
                tap.check(inserted.startswith(want), "%s (inserted %r)" % (what, inserted))
        os.write(fd, b"exit\n")
        read_for(fd, 0.5)
    finally:
        target.stdin.close()
        target.wait(timeout=10)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
