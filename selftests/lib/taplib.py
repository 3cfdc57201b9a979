# SPDX-License-Identifier: GPL-2.0
"""kselftest TAP for the Python checkers of the VM tests: test lines as
they are checked, the plan at the end (selftests/lib/tap.sh does the same
for shell)."""


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
