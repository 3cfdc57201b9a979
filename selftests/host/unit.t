#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# unit.t: the host unit tests (selftests/unit/test_*.c and golden.sh),
# built and run under ASan/UBSan by `make -C cli unit`.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
if ! log=$(make -s --no-print-directory -C "$TOP/cli" unit-build 2>&1); then
	plan 1
	tail -n 40 <<<"$log" | diag
	not_ok "build the unit tests"
	exit 1
fi
make -s --no-print-directory -C "$TOP/cli" unit 2>&1 | grep -v '^TAP version'
exit "${PIPESTATUS[0]}"
