# SPDX-License-Identifier: GPL-2.0
"""kselftest TAP for the Python checkers of the VM tests: test lines as
they are checked, the plan at the end (selftests/lib/tap.sh does the same
for shell); and the two readers every checker uses on what a guest
wrote."""
import json
import subprocess


def read(path, default=""):
    """A text file's content, or default when it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def load(path):
    """A JSON file's value, or {"_error": why} when it cannot be read."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"_error": str(e)}



class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, desc, diag=None):
        """One test line; on failure, up to 20 lines of diag as comments."""
        self.n += 1
        if not ok:
            self.failed += 1
        print(("ok" if ok else "not ok"), self.n, desc)
        if not ok and diag:
            for line in str(diag).splitlines()[:20]:
                print("#", line)

    def finish(self):
        """Print the plan; the exit status (1 if any test failed)."""
        print("1..%d" % self.n)
        return 1 if self.failed else 0


def held_tasks(base):
    """{tid: (sp, pc), or None when running} from the .tasks file a
    --while-held script wrote (selftests/stacks/held.sh, core/held.sh): a
    thread id, then its /proc/PID/task/TID/syscall line."""
    out = {}
    for line in read(base + ".tasks").splitlines():
        f = line.split()
        if len(f) >= 4 and f[1] != "running":
            out[int(f[0])] = (int(f[-2], 16), int(f[-1], 16))
        elif len(f) >= 2:
            out[int(f[0])] = None
    return out


def screenshot(svg, png, width, height, profile):
    """Render svg with headless Chromium into png, width x height pixels
    (profile: a directory for its user data)."""
    subprocess.run(["timeout", "120", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
                    "--screenshot=" + png, "--window-size=%s,%s" % (width, height),
                    "file://" + svg], capture_output=True)
