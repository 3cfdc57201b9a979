#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 49-reentry.t: a probe counts each call of a Go function once, in the
# test VM (GOSNAP_KERNEL), for Go 1.19 and the newest release
# selftests/lib/gotoolchain knows. A Go prologue that finds the stack
# short, or the goroutine asked to yield (a capture gives the scheduler
# time to ask), calls morestack, which enters the function again; the
# module must not count that entry, and must count every real call. The
# target (selftests/targets/go/reentry) prints how many calls it made:
#   - main.same: no arguments, called back to back from one call site at
#     one depth (the module's old guess by stack pointer, return address
#     and arguments dropped every call after the first);
#   - main.grow: a 64 KiB frame entered first thing on a fresh goroutine,
#     so morestack copies the stack and enters it again at another stack
#     pointer (the old guess counted both entries).
# The checks (selftests/reentry/reentry_check.py):
#   - one snapshot per call, hits numbered 1..N, in pages mode and under
#     --stop-world --mode meta (long captures: the goroutine is asked to
#     yield at its next prologue);
#   - the control, --every-entry, sees grow entered at least twice per
#     call: the re-entries happened, and were not counted above;
#   - --at main.same#5 captures one snapshot, hit 5.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/reentry/vm-$kernel"

tap_start
bail_on_error
rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
versions="1.19 $("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
for v in $versions; do
	go="$("$TOP/selftests/lib/gotoolchain" "$v")"
	(cd "$TOP/selftests/targets/go/reentry" && go_env "$go" build -o "$W/guest/reentry-$v" .)
done

cat >"$W/guest/run.sh" <<EOS
insmod /gosnap/gosnap.ko || exit 1
# initial goroutine stacks of 8 KiB, whatever the average usage was
export GODEBUG=adaptivestackstart=0
run() {
	d=/out/\$1/\$2; shift 2
	mkdir -p \$d
	gosnap-cli capture "\$@" >\$d/stdout 2>\$d/log
	echo \$? >\$d/rc
	for s in \$d/*.gsnap; do
		[ -e "\$s" ] || continue
		gosnap-cli -j show "\$s" >"\${s%.gsnap}.json" 2>/dev/null
		rm -f "\$s"
	done
}
for v in $versions; do
	p=/gosnap/re/reentry-\$v
	run \$v calls --at main.same --at main.grow --mode pages -o /out/\$v/calls -- \$p -same 6 -grow 4
	run \$v held --stop-world --mode meta --at main.same --at main.grow -o /out/\$v/held -- \$p -same 6 -grow 4
	run \$v every --every-entry --at main.grow --mode pages -o /out/\$v/every -- \$p -same 0 -grow 4
	run \$v nth --at 'main.same#5' --mode pages -o /out/\$v/nth -- \$p -same 6 -grow 0
done
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout 600 \
	--add "$W/guest:/gosnap/re" -- sh /gosnap/re/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

# shellcheck disable=SC2086
python3 "$TOP/selftests/reentry/reentry_check.py" "$W/out" $versions
