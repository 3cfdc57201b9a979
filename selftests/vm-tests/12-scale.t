#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale and hostile targets (issue 10, item 2; docs/security.md), in the
# test VM (GOSNAP_KERNEL), two boots:
#
#  1. selftests/guest/scale_test (target selftests/targets/c/scale.c),
#     --mem 3G, hugepages=16 at boot: 16,384 PMD leaves with holes (review
#     C1) captured --pid and at a probe in every mode, with and without
#     PFNs, and with a thread timing mmap() during the walk; 64 GiB
#     PROT_NONE; 20,000 VMAs; 2,000 threads with --stop-world; hugetlbfs;
#     max_bytes reached.
#  2. selftests/guest/goheap_test (target selftests/targets/go/bigheap,
#     built with selftests/lib/gotoolchain, Go $GOSNAP_BIGHEAP_GO, default
#     1.19), --mem 6G --thp always: a 4 GiB Go heap of real huge pages.
#
# Oracles: pagemap, kpageflags, smaps, /proc/PID/task, the Go runtime's
# MemStats. A kernel report in dmesg fails the boot (vm/run).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"
work="$(mktemp -d "${TMPDIR:-/tmp}/gosnap-scale.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

# Run one boot; its TAP numbered after the previous boots'. A boot that
# exits non-zero fails the test even if all its points passed.
boot_failed=0
boot() {
	local out="$work/out" rc=0
	"$TOP/selftests/guest/run-in-vm" "$@" >"$out" 2>&1 || rc=$?
	replay < <(grep -v -e '^TAP version' -e '^1\.\.' "$out" || true)
	[[ $rc -eq 0 ]] || boot_failed=1
}

tap_start
start=$SECONDS
# 3G: 256 written THPs (512 MiB) beside the 64 GiB of huge-zero leaves.
boot --timeout 1500 --mem 3G --append hugepages=16 \
	--add "$B/scale_test" --add "$B/scale" -- /gosnap/scale_test
echo "# scale_test boot: $((SECONDS - start)) s"

start=$SECONDS
go_ver="${GOSNAP_BIGHEAP_GO:-1.19}"
if ! go="$("$TOP/selftests/lib/gotoolchain" "$go_ver" 2>"$work/go.err")" ||
   ! (cd "$TOP/selftests/targets/go/bigheap" &&
	CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
	GOCACHE="${GOCACHE:-$TOP/build/go/cache-$go_ver}" GOPATH="$TOP/build/go/path" \
	"$go" build -o "$B/bigheap" .) >>"$work/go.err" 2>&1; then
	not_ok "building selftests/targets/go/bigheap with Go $go_ver"
	diag <"$work/go.err"
else
	# 4 GiB of huge pages resident, and room for the guest around them.
	boot --timeout 1800 --mem 6G --thp always \
		--add "$B/goheap_test" --add "$B/bigheap" -- /gosnap/goheap_test
	echo "# goheap_test boot (Go $go_ver): $((SECONDS - start)) s"
fi
tap_finish || exit 1
exit "$boot_failed"
