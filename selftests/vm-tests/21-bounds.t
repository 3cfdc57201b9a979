#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's bounds and rules against the kernel's own account of them:
# bounded module parameters, the session queue (ENOBUFS), who may do what
# with a session, what a CAP_SYS_PTRACE-only opener sees, a probe set's end
# after max_snapshots (the target's text in /proc/PID/mem), the hold
# deadline, and which memory cgroup pays for a probe snapshot. The checks
# are selftests/guest/bounds_test.c, on targets/c/ticker.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 600 \
	--add "$B/bounds_test" --add "$B/ticker" -- /gosnap/bounds_test
