#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.t: the libFuzzer harnesses (selftests/unit/fuzz_*.c), each run for
# GOSNAP_FUZZ_SECONDS (default 10; make fuzz runs 300) seconds. Skipped only when clang-14's
# libFuzzer runtime is missing.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
secs="${GOSNAP_FUZZ_SECONDS:-10}"

echo "TAP version 13"
if ! command -v clang-14 >/dev/null ||
	! compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
	echo "1..0 # SKIP clang-14 with libFuzzer is not installed"
	exit 0
fi
if ! log=$(make -s --no-print-directory -C "$TOP/cli" fuzz 2>&1); then
	echo "1..1"
	tail -n 40 <<<"$log" | sed 's/^/# /'
	echo "not ok 1 build the fuzz harnesses"
	exit 1
fi
make -s --no-print-directory -C "$TOP/cli" fuzz-run FUZZ_SECONDS="$secs"
