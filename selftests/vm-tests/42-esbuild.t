#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A real stripped Go binary built by others (issue 3, acceptance 2):
# esbuild 0.22.0 (Go 1.22.4) from the npm registry, frozen at runtime.main
# and at its first runtime.gcStart while it bundles a generated input with
# GODEBUG=gctrace=1. esbuild turns the collector off (SetGCPercent(-1)),
# so a memory limit (GOMEMLIMIT) is what makes it collect. Oracle for the addresses: `gosnap-cli symbols` (whose
# whole table selftests/host/symbols.t checks against Go's debug/gosym);
# for the GC having run: the runtime's own gctrace lines.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=../symbols/lib.sh
. "$TOP/selftests/symbols/lib.sh"

ver="${GOSNAP_KERNEL:-6.1}"
cli="${GOSNAP_CLI:-$TOP/cli/gosnap-cli}"
work="$TOP/build/esbuild"
mkdir -p "$work"

tap_start
# A fetch failure fails the test, with npm's own message (on stderr).
esb="$(npm_esbuild @esbuild/linux-x64 0.22.0)" ||
	{ plan 1; not_ok "fetch @esbuild/linux-x64@0.22.0 (npm pack failed)"; exit 1; }
[[ -s "$work/in.js" ]] || python3 "$TOP/selftests/esbuild/gen-input.py" "$work/in.js" 20000

addr_of() { "$cli" symbols "$esb" "$1" | awk -v n="$1" '$4 == n { print $1 }' | head -n 1; }
main_addr="$(addr_of runtime.main)"
gc_addr="$(addr_of runtime.gcStart)"

# shellcheck disable=SC2016
guest='
insmod /gosnap/gosnap.ko || exit 1
cd /tmp
GOMEMLIMIT=16MiB GODEBUG=gctrace=1 gosnap-cli capture --mode pages --at runtime.main --at "runtime.gcStart#1" \
	-o /tmp/esb -- /gosnap/esbuild /gosnap/in.js --bundle --minify --outfile=/tmp/out.js >/tmp/esb.log 2>&1
echo "esb.rc=$?"
echo "esb.gctrace=$(grep -c "^gc [0-9]" /tmp/esb.log)"
echo "esb.out=$(stat -c %s /tmp/out.js 2>/dev/null)"
echo "esb.exit=$(sed -n "s/.*exited with status \([0-9]*\).*/\1/p" /tmp/esb.log)"
for f in /tmp/esb/*.gsnap; do
	echo "esb.snap=$(basename $f) $(gosnap-cli -j show $f | tr "," "\n" | grep -E "\"(label|rip)\"" | tr -d "\" " | tr "\n" " ")"
done
'
f="$(mktemp)"
printf '%s\n' "$guest" >"$f"
set +e
out="$("$TOP/selftests/vm/run" --kernel "$ver" --timeout 420 --add "$esb:/gosnap/esbuild" \
	--add "$work/in.js:/gosnap/in.js" --add "$f:/gosnap/test.sh" -- sh /gosnap/test.sh 2>/dev/null)"
rc=$?
set -e
rm -f "$f"
if [[ $rc -ne 0 ]]; then
	plan 1
	not_ok "the VM run failed (status $rc)"
	tail -n 20 <<<"$out" | diag
	exit 0
fi

field() { sed -n "s/^$1=//p" <<<"$out" | head -n 1; }
snap_rip() { sed -n "s/^esb.snap=.*label:$1 .*rip:\(0x[0-9a-f]*\).*/\1/p" <<<"$out" | head -n 1; }
# result R DESC [DIAG]: ok DESC when R is 1, else not_ok DESC and DIAG if any.
result() {
	if [[ "$1" == 1 ]]; then
		ok "$2"
	else
		not_ok "$2"
		[[ -z "${3:-}" ]] || diag <<<"$3"
	fi
}
plan 5
[[ "$(field esb.rc)" == 0 && "$(field esb.exit)" == 0 && "$(field esb.out)" -gt 0 ]] && r=1 || r=0
result "$r" "esbuild 0.22.0 bundled under capture (exit $(field esb.exit), output $(field esb.out) bytes)" "$(grep -v '^esb.snap' <<<"$out" | tail -n 5)"
[[ "$(field esb.gctrace)" -ge 1 ]] && r=1 || r=0
result "$r" "the runtime collected garbage meanwhile ($(field esb.gctrace) gctrace lines)"
m="$(snap_rip runtime.main)"; [[ -n "$m" && $((m)) -eq $((0x${main_addr#0x})) ]] && r=1 || r=0
result "$r" "at runtime.main: ip $m is the address gosnap-cli symbols gives ($main_addr)"
g="$(snap_rip runtime.gcStart)"; [[ -n "$g" && $((g)) -eq $((0x${gc_addr#0x})) ]] && r=1 || r=0
result "$r" "at runtime.gcStart: ip $g is the address gosnap-cli symbols gives ($gc_addr)"
[[ "$(grep -c '^esb.snap=' <<<"$out")" -eq 2 ]] && r=1 || r=0
result "$r" "exactly two snapshots (runtime.main, the first runtime.gcStart)" "$(grep '^esb.snap=' <<<"$out")"
