#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 64-gc-cycle.t: `capture --gc-cycle [N]` and `gc DIR` in the test VM
# (GOSNAP_KERNEL): one GC cycle's moments as one series (issue 13).
#
# The gcgraph target (8 MiB of lists and trees, then three runtime.GC
# with GOGC=off: only main starts cycles, one at a time) is built by Go
# 1.19, 1.22, 1.25 and the newest release selftests/lib/gotoolchain
# knows; a failed fetch fails the test. Each runs with GOMAXPROCS=2
# GODEBUG=gctrace=1 under `capture --gc-cycle --stop-world --mode full`
# (cycle 1), and the newest release's `strip -s` copy under
# `--gc-cycle 2` (probes, layout and the cycle read with no .symtab and no
# DWARF). The checks (selftests/gc/gc_cycle_check.py):
#   - the runtime's own source, of each release (mgc.go): gcStart calls
#     gcBgMarkStartWorkers, then counts the cycle (work.cycles), then
#     sets _GCmark; gcMarkTermination sets _GCmarktermination first; so
#     the phase and cycle each moment must show are read from the source,
#     with its line numbers;
#   - the series, in file order: gcStart, GOMAXPROCS gcBgMarkWorker starts
#     (cycle 1 only: the runtime starts its workers once), gcDrain,
#     gcMarkDone, gcMarkTermination; nothing else;
#   - each snapshot's `gc -j`: phase off and work.cycles N-1 at gcStart
#     and the worker starts, phase mark and cycles N at gcDrain,
#     gcMarkDone and gcMarkTermination (whose first line sets mark
#     termination), nothing unavailable about the cycle;
#   - N equals the "gc N" line gctrace printed, forced; at cycle 2 the
#     capture saw and dropped cycle 1's moments (at least six), and said
#     that no worker started;
#   - `gc DIR` (JSON and text): one row per snapshot in file order, each
#     equal to that snapshot's own `gc -j`.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
# shellcheck source=selftests/gc/lib.sh
source "$TOP/selftests/gc/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/gc-cycle/vm-$kernel"

tap_start
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
gc_build_gcgraph "$W/guest" 1.22 1.25
roots=()
for v in "${versions[@]}"; do
	roots+=("$v=${GOROOT_OF[$v]}")
done

cat >"$W/guest/run.sh" <<EOS
insmod /gosnap/gosnap.ko || exit 1
series() {
	d=\$1
	for s in \$d/*.gsnap; do
		gosnap-cli -j gc "\$s" >\${s%.gsnap}.gc.json 2>\${s%.gsnap}.gc.err
	done
	gosnap-cli -j gc \$d >\$d/series.json 2>\$d/series.err
	gosnap-cli gc \$d >\$d/series.txt 2>&1
	rm -f \$d/*.gsnap
}
for v in ${versions[*]}; do
	d=/out/c1-go\$v; mkdir -p \$d
	GOMAXPROCS=2 GOGC=off GODEBUG=gctrace=1 \\
		gosnap-cli capture --gc-cycle --stop-world --mode full -o \$d -- \\
		/gosnap/gc/gcgraph-go\$v -mb 8 >/tmp/stdout 2>/tmp/log
	echo \$? >\$d/rc
	mv /tmp/stdout /tmp/log \$d/
	series \$d
done
d=/out/c2-strip-go$NEWEST; mkdir -p \$d
GOMAXPROCS=2 GOGC=off GODEBUG=gctrace=1 \\
	gosnap-cli capture --gc-cycle 2 --stop-world --mode full -o \$d -- \\
	/gosnap/gc/gcgraph-go$NEWEST.strip -mb 8 >/tmp/stdout 2>/tmp/log
echo \$? >\$d/rc
mv /tmp/stdout /tmp/log \$d/
series \$d
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout $((240 * ${#versions[@]} + 240)) \
	--add "$W/guest:/gosnap/gc" -- sh /gosnap/gc/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

python3 "$TOP/selftests/gc/gc_cycle_check.py" "$W/out" "${roots[@]}"
