#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The forms --at takes, interrupting a capture and forked children
# (issue 3): NAME+0xOFF and a raw address stop there (oracle: go tool nm),
# an offset inside an instruction is refused; SIGINT to the CLI
# disarms every probe and leaves the target running (it completes, and no
# snapshot is taken after the interruption); a child the target forks is
# never stopped or captured, though it runs the same code at the same
# address (the probes sit in pages the fork copied).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=../lib/freeze.sh
. "$TOP/selftests/lib/freeze.sh"

ver="${GOSNAP_KERNEL:-6.1}"
tap_start
freeze_build || { plan 1; not_ok "build the targets"; exit 1; }
marker="$(awk '$3 == "main.marker" { print $1 }' "$BUILD/nm.txt")"
raw="$(printf '0x%x' $((0x$marker + 6)))"

# shellcheck disable=SC2016
guest='
insmod /gosnap/gosnap.ko || exit 1
gosnap-cli capture --at main.marker+0x4 --at '"$raw"' -o /tmp/off -- /gosnap/freeze >/tmp/off.log 2>&1
echo "off.rc=$?"
for f in /tmp/off/*.gsnap; do
	echo "off.snap=$(gosnap-cli -j show $f | tr "," "\n" | grep -E "\"(label|rip)\"" | tr -d "\" " | tr "\n" " ")"
done
gosnap-cli capture --at main.marker+0x2 -o /tmp/mid -- /gosnap/freeze >/tmp/mid.log 2>&1
echo "mid.rc=$?"; echo "mid.log=$(cat /tmp/mid.log)"
/gosnap/freeze -calls 150 -sleep 20ms >/tmp/t.out 2>&1 & T=$!
# --pid reads /proc/PID/exe: wait until the shell child has exec()ed it
i=0; while [ "$(readlink /proc/$T/exe)" != /gosnap/freeze ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
gosnap-cli capture --pid $T --at main.marker -o /tmp/int >/tmp/int.log 2>&1 & C=$!
i=0; while [ $(ls /tmp/int 2>/dev/null | wc -l) -lt 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
kill -INT $C; wait $C; echo "int.rc=$?"
n1=$(ls /tmp/int | wc -l); sleep 1; n2=$(ls /tmp/int | wc -l)
echo "int.before=$n1"; echo "int.after=$n2"
echo "int.log=$(tr "\n" " " </tmp/int.log)"
wait $T; echo "int.target_rc=$?"; echo "int.target_out=$(cat /tmp/t.out)"
gosnap-cli capture --at marker -o /tmp/fork -- /gosnap/forker >/tmp/fork.log 2>&1
echo "fork.rc=$?"; echo "fork.files=$(ls /tmp/fork | wc -l)"
echo "fork.parent=$(sed -n "s/^parent \([0-9]*\):.*/\1/p" /tmp/fork.log)"
echo "fork.child_out=$(grep "^child" /tmp/fork.log)"
echo "fork.pids=$(for f in /tmp/fork/*.gsnap; do gosnap-cli -j show $f | tr "," "\n" | sed -n "s/.*\"task\":{\"pid\":\([0-9]*\).*/\1/p"; done | sort -u | tr "\n" " ")"
'
out="$(vm_run "$ver" "$guest")" || { vm_fail "$out"; exit 0; }
field() { sed -n "s/^$1=//p" <<<"$out" | head -n 1; }
# result R DESC [DIAG]: ok DESC when R is 1, else not_ok DESC and DIAG.
result() {
	if [[ "$1" == 1 ]]; then
		ok "$2"
	else
		not_ok "$2"
		diag <<<"${3:-}"
	fi
}
plan 9
snap_rip() { sed -n "s/^off.snap=.*label:$1 .*rip:\(0x[0-9a-f]*\).*/\1/p" <<<"$out" | head -n 1; }
r1="$(snap_rip 'main.marker+0x4')"
[[ "$(field off.rc)" == 0 && -n "$r1" && $((r1)) -eq $((0x$marker + 4)) ]] && r=1 || r=0
result "$r" "--at main.marker+0x4 stops at 0x$marker+4 (go tool nm): $r1" "$(grep '^off' <<<"$out")"
r2="$(snap_rip "$raw")"
[[ -n "$r2" && $((r2)) -eq $((raw)) ]] && r=1 || r=0
result "$r" "--at $raw (a raw address) stops there: $r2" "$(grep '^off' <<<"$out")"
[[ "$(field mid.rc)" != 0 && "$(field mid.log)" == *"inside the instruction"* ]] && r=1 || r=0
result "$r" "an offset inside an instruction is refused before anything is armed" "$(field mid.log)"
[[ "$(field int.rc)" == 0 && "$(field int.log)" == *interrupted* ]] && r=1 || r=0
result "$r" "SIGINT: the CLI disarms and exits cleanly" "rc=$(field int.rc) log=$(field int.log)"
b="$(field int.before)"; a="$(field int.after)"
[[ "$b" -ge 2 && "$a" == "$b" ]] && r=1 || r=0
result "$r" "no snapshot after the interruption ($b before, $a a second later)"
[[ "$(field int.target_rc)" == 0 && "$(field int.target_out)" == *"150 marker calls"* ]] && r=1 || r=0
result "$r" "the target ran on to completion" "$(field int.target_out)"
[[ "$(field fork.rc)" == 0 && "$(field fork.files)" == 3 ]] && r=1 || r=0
result "$r" "forked target: three snapshots, the parent's three calls" "rc=$(field fork.rc) files=$(field fork.files)"
p="$(field fork.parent)"
[[ -n "$p" && "$(field fork.pids | xargs)" == "$p" ]] && r=1 || r=0
result "$r" "every snapshot is of the parent ($p), none of the child" "pids: $(field fork.pids)"
[[ "$(field fork.child_out)" == *"3 marker calls"* ]] && r=1 || r=0
result "$r" "the child ran its calls unhindered" "$(field fork.child_out)"
