#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel's detectors are live and vm/run fails on their reports:
# on 6.1-debug only (other kernels skip, they have no detectors), boot the
# VM with selftests/vm/bugmod loaded once per deliberate bug and check that
# vm/run exits 125 and shows the detector's own report:
#
#   none   exit 0 (the control: a clean module, then kmemleak's scans,
#          report nothing on this kernel)
#   leak   kmemleak "unreferenced object"
#   oob    "BUG: KASAN: slab-out-of-bounds"
#   sleep  "BUG: sleeping function called from invalid context"
#   ubsan  "UBSAN: array-index-out-of-bounds"
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
ver="${GOSNAP_KERNEL:-6.1}"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
if [[ "$ver" != 6.1-debug ]]; then
	plan 1
	ok "# SKIP the detectors (KASAN, kmemleak, ...) are only in 6.1-debug, not $ver"
	exit 0
fi

bugs=(none leak oob sleep ubsan)
declare -A want=(
	[leak]="unreferenced object"
	[oob]="BUG: KASAN: slab-out-of-bounds"
	[sleep]="BUG: sleeping function called from invalid context"
	[ubsan]="UBSAN: array-index-out-of-bounds"
)
plan $((1 + ${#bugs[@]}))

work="$(mktemp -d "${TMPDIR:-/tmp}/gosnap-detectors.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if ! ko="$(GOSNAP_MODULE_SRC="$TOP/selftests/vm/bugmod" \
	"$TOP/selftests/vm/build-module" "$ver" 2>"$work/build.log")"; then
	not_ok "build bugmod.ko for $ver (W=1, no warnings)"
	diag <"$work/build.log"
	for b in "${bugs[@]}"; do
		not_ok "bug=$b: no bugmod.ko"
	done
	exit 1
fi
ok "build bugmod.ko for $ver (W=1, no warnings)"

for b in "${bugs[@]}"; do
	set +e
	out="$("$TOP/selftests/vm/run" --kernel "$ver" --module none --timeout 300 \
		--add "$ko:/gosnap/bugmod.ko" -- "insmod /gosnap/bugmod.ko bug=$b && echo loaded" \
		2>"$work/err")"
	rc=$?
	set -e
	if [[ $b == none ]]; then
		if [[ $rc -eq 0 && "$out" == *loaded* ]]; then
			ok "bug=$b: the module loads and vm/run exits 0"
			continue
		fi
	elif [[ $rc -eq 125 ]] && grep -qF "${want[$b]}" "$work/err"; then
		ok "bug=$b: vm/run exits 125 with \"${want[$b]}\""
		continue
	fi
	not_ok "bug=$b: want exit ${want[$b]:+125 with \"${want[$b]}\"}${want[$b]:-0}, got $rc"
	{ echo "$out"; head -n 40 "$work/err"; } | diag
done
exit $((failed > 0))
