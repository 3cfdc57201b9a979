#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.t: the libFuzzer harnesses (selftests/unit/fuzz_*.c), each run for
# GOSNAP_FUZZ_SECONDS (default 10; make fuzz runs 300) seconds. Required:
# without clang-14 and its libFuzzer runtime (libclang-rt-14-dev) it fails.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
secs="${GOSNAP_FUZZ_SECONDS:-10}"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
missing=()
command -v clang-14 >/dev/null || missing+=("clang-14 (package clang-14)")
compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null ||
	missing+=("libFuzzer's runtime libclang_rt.fuzzer-x86_64.a (package libclang-rt-14-dev)")
if [[ ${#missing[@]} -gt 0 ]]; then
	plan 1
	{ printf 'missing: %s\n' "${missing[@]}"
	  echo "install it with: scripts/install-deps (as root)"; } | diag
	not_ok "build the fuzz harnesses: ${missing[*]} not installed"
	exit 1
fi
if ! log=$(make -s --no-print-directory -C "$TOP/cli" fuzz 2>&1); then
	plan 1
	tail -n 40 <<<"$log" | diag
	not_ok "build the fuzz harnesses"
	exit 1
fi
make -s --no-print-directory -C "$TOP/cli" fuzz-run FUZZ_SECONDS="$secs"
