#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Freezing a Go program at chosen functions (issue 3, acceptance 1 and 5):
# the Go 1.19 freeze target, built with symbols and stripped, captured at
# runtime.mallocinit, runtime.schedinit, runtime.main and main.main.
# Oracles: `go tool nm` (addresses), `go version` (version string), the
# snapshot's own VMA list ([stack]). Then a 256 MiB heap captured in pages
# mode: the held time and snapshot size are reported.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=../lib/freeze.sh
. "$TOP/selftests/lib/freeze.sh"

ver="${GOSNAP_KERNEL:-6.1}"
syms=(runtime.mallocinit runtime.schedinit runtime.main main.main)

tap_start
freeze_build || { plan 1; not_ok "build the Go 1.19 target"; exit 1; }

# shellcheck disable=SC2016
guest='
insmod /gosnap/gosnap.ko || exit 1
for b in freeze freeze-stripped; do
	gosnap-cli capture --at runtime.mallocinit --at runtime.schedinit \
		--at runtime.main --at main.main -o /tmp/$b -- /gosnap/$b >/tmp/$b.log 2>&1
	echo "rc.$b=$?"
	for f in /tmp/$b/*.gsnap; do
		echo "=== BEGIN $b $(basename $f)"
		gosnap-cli -j show $f
		echo
		echo "=== END"
	done
	for f in /tmp/$b/*.gsnap; do
		echo "=== GO $b $(basename $f) $(gosnap-cli go $f 2>/dev/null | sed -n "s/^ *runtime.buildVersion *//p" | head -n 1)"
	done
done
gosnap-cli capture --mode pages --at main.marker -o /tmp/big -- /gosnap/freeze -heap 256 >/tmp/big.log 2>&1
echo "rc.big=$?"
f=$(ls /tmp/big/*.gsnap | head -n 1)
echo "=== BEGIN big $(basename $f)"
gosnap-cli -j show $f
echo
echo "=== END"
echo "big.size=$(stat -c %s $f)"
'
out="$(vm_run "$ver" "$guest")" || { vm_fail "$out"; exit 0; }

points=$(( ${#syms[@]} * 2 * 3 + 2 + 2 ))
plan "$points"
python3 "$TOP/selftests/lib/freeze_check.py" start "$BUILD" "${syms[*]}" <<<"$out"
