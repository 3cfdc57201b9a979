# SPDX-License-Identifier: GPL-2.0
"""kselftest TAP for the Python checkers of the VM tests: test lines as
they are checked, the plan at the end (selftests/lib/tap.sh does the same
for shell); and the two readers every checker uses on what a guest
wrote."""
import json


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
