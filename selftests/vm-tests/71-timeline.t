#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 71-timeline.t: `gosnap-cli timeline` (issue 14, acceptance 1) in the
# test VM (GOSNAP_KERNEL), for Go 1.19 and the newest release
# selftests/lib/gotoolchain knows. The startup target
# (selftests/targets/go/startup) allocates 8 MiB in its own package's
# init, so its first GC starts before main.main. It runs under timeline
# with GODEBUG=inittrace=1,gctrace=1: the runtime's own account of the
# same start-up is the oracle (selftests/timeline/timeline_check.py):
#   - every package inittrace names has its init moment, with its name;
#   - gctrace's "gc 1" comes with a "first gcStart" moment, among the
#     init moments;
#   - the moments come in the order the runtime's source calls them
#     (rt0_go, schedinit, mallocinit, its return, newproc, mstart,
#     runtime.main, the inits, main.main), with one thread until
#     runtime.main, one goroutine at runtime.main's entry, no arena at
#     rt0_go and at least one from main.main on;
#   - each moment's regions add up to its RSS, which equals `show -j`'s
#     total for that snapshot, and the text region is never empty;
#   - the table and the chart have a row and a bar per moment;
#   - --pid is refused (exit 2) with a message.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/timeline/vm-$kernel"

tap_start
bail_on_error
rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
NEWEST="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
newest_go="$("$TOP/selftests/lib/gotoolchain" "$NEWEST")"
versions="1.19 $NEWEST"
for v in $versions; do
	go="$GO119"
	[[ "$v" == 1.19 ]] || go="$newest_go"
	(cd "$TOP/selftests/targets/go/startup" && go_env "$go" build -o "$W/guest/startup-$v" .)
	# the checker's oracles: go tool nm and objdump of the same binary
	mkdir -p "$W/out/$v"
	cp "$W/guest/startup-$v" "$W/out/$v/"
	echo "$go" >"$W/out/$v/go"
done

cat >"$W/guest/run.sh" <<EOS
insmod /gosnap/gosnap.ko || exit 1
for v in $versions; do
	d=/out/\$v
	mkdir -p \$d
	GODEBUG=inittrace=1,gctrace=1 gosnap-cli -j timeline -o \$d/snaps --svg \$d/chart.svg -- \\
		/gosnap/tl/startup-\$v >\$d/timeline.json 2>\$d/stderr
	echo \$? >\$d/rc
	for s in \$d/snaps/*.gsnap; do
		gosnap-cli -j show "\$s" >"\${s%.gsnap}.show.json" 2>/dev/null
	done
	rm -f \$d/snaps/*.gsnap
done
gosnap-cli timeline -o /tmp/text -- /gosnap/tl/startup-1.19 >/out/text.out 2>/out/text.err
echo \$? >/out/text.rc
gosnap-cli timeline -o /tmp/pid --pid 1 >/out/pid.out 2>&1
echo \$? >/out/pid.rc
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout 900 --add "$W/guest:/gosnap/tl" \
	-- sh /gosnap/tl/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR
# shellcheck disable=SC2086 # one argument per release
python3 "$TOP/selftests/timeline/timeline_check.py" "$W/out" $versions
