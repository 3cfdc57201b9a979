#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 66-diff.t: `gosnap-cli diff A B` (issue 14, acceptance 2) in the test VM
# (GOSNAP_KERNEL). The phases target (selftests/targets/go/phases, Go
# 1.19) is captured with --stop-world --mode full at both calls of
# main.marker; between them it maps 1 MiB and writes every page, and
# starts 3 goroutines, and prints their address and ids. It runs twice,
# so that two processes' snapshots are at hand. The checks
# (selftests/diff/diff_check.py), both directions:
#   - the mapping it made shows as added or grown, covering the address
#     it printed, with its 256 pages resident in B;
#   - the goroutines it started are created, with the ids it printed;
#   - every mapping diff lists changed as it says in `show -j` of A and B,
#     and every mapping it does not list is the same in both (start, end,
#     resident bytes); every goroutine it lists as created is live in B's
#     `stacks -j` and not in A's, as ended live in A's and not in B's,
#     and every other goroutine is in both or in neither; threads likewise;
#   - diff of A with itself lists nothing;
#   - snapshots of the two runs are refused (exit 1, naming why) and
#     compared with --force.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/diff/vm-$kernel"

tap_start
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
(cd "$TOP/selftests/targets/go/phases" && go_env "$GO119" build -o "$W/guest/phases" .)

cat >"$W/guest/run.sh" <<'EOS'
insmod /gosnap/gosnap.ko || exit 1
for r in 1 2; do
	mkdir -p /out/run$r
	gosnap-cli capture --stop-world --mode full --at main.marker -o /out/run$r -- \
		/gosnap/diff/phases >/out/run$r/stdout 2>/out/run$r/log
	echo $? >/out/run$r/rc
done
d=/out/run1
for s in $d/001-main.marker.gsnap $d/002-main.marker.gsnap; do
	gosnap-cli -j show "$s" >"${s%.gsnap}.show.json" 2>&1
	gosnap-cli -j stacks "$s" >"${s%.gsnap}.stacks.json" 2>&1
done
gosnap-cli -j diff $d/001-main.marker.gsnap $d/002-main.marker.gsnap >$d/diff.json 2>$d/diff.err
echo $? >$d/diff.rc
gosnap-cli diff $d/001-main.marker.gsnap $d/002-main.marker.gsnap >$d/diff.txt 2>&1
gosnap-cli -j diff $d/001-main.marker.gsnap $d/001-main.marker.gsnap >$d/self.json 2>&1
gosnap-cli diff $d/002-main.marker.gsnap /out/run2/002-main.marker.gsnap >$d/two.out 2>&1
echo $? >$d/two.rc
gosnap-cli -j diff --force $d/002-main.marker.gsnap /out/run2/002-main.marker.gsnap \
	>$d/force.json 2>&1
echo $? >$d/force.rc
rm -f /out/run*/*.gsnap
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout 600 --add "$W/guest:/gosnap/diff" \
	-- sh /gosnap/diff/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

python3 "$TOP/selftests/diff/diff_check.py" "$W/out"
