#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Freezing, and everything that can go wrong around it (issue 3,
# acceptance 3 and 4): only the target is stopped when two instances of a
# binary run; a target that never hits; a symbol that does not exist; the
# CLI killed while the target is held; the target killed while held; rmmod
# while armed and held (refused, target released by the hold timeout); two
# CLIs on two targets at once; one symbol hit by several threads at once.
# The bench fails the run on any kernel warning in dmesg.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=../lib/freeze.sh
. "$TOP/selftests/lib/freeze.sh"

ver="${GOSNAP_KERNEL:-6.1}"
tap_start
freeze_build || { plan 1; not_ok "build the Go 1.19 target"; exit 1; }

# shellcheck disable=SC2016
guest='
insmod /gosnap/gosnap.ko || exit 1
F=/gosnap/freeze
show() { echo "=== BEGIN $1 $(basename $2)"; gosnap-cli -j show $2; echo; echo "=== END"; }
state() { if [ -r /proc/$1/stat ]; then cut -d" " -f3 /proc/$1/stat; else echo gone; fi; }
waitfile() { i=0; while [ ! -s $1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; }

# two instances of one binary: only the targeted one is stopped
# long enough to outlive a CLI start on a loaded machine: it is not waited for
$F -calls 500 -sleep 20ms >/tmp/b.out 2>&1 & B=$!
$F -calls 500 -sleep 20ms >/tmp/a.out 2>&1 & A=$!
# --pid reads /proc/PID/exe: wait until the shell child has exec()ed it
i=0; while [ "$(readlink /proc/$A/exe)" != "$F" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
gosnap-cli capture --pid $A --at main.marker --max-snapshots 3 -o /tmp/two >/tmp/two.log 2>&1
echo "two.rc=$?"; echo "two.a=$A"; echo "two.b=$B"; echo "two.log=$(tr "\n" " " </tmp/two.log)"
wait $B; echo "two.b_rc=$?"; echo "two.b_out=$(cat /tmp/b.out)"
wait $A; echo "two.a_rc=$?"
for f in /tmp/two/*.gsnap; do show two $f; done

# the target exits before any probe hits
timeout 60 gosnap-cli capture --at main.marker -o /tmp/nohit -- $F -calls 0 >/tmp/nohit.log 2>&1
echo "nohit.rc=$?"; echo "nohit.files=$(ls /tmp/nohit | wc -l)"
echo "nohit.log=$(tr "\n" " " </tmp/nohit.log)"

# a symbol that does not exist: an error, nothing armed, nothing started
gosnap-cli capture --at main.nosuchfunction -o /tmp/nosym -- $F >/tmp/nosym.log 2>&1
echo "nosym.rc=$?"; echo "nosym.log=$(tr "\n" " " </tmp/nosym.log)"

# the CLI is killed (SIGKILL) while the target is held
gosnap-cli capture --at main.marker --hold --hold-ms 30000 \
	--while-held "echo \$GOSNAP_PID >/tmp/k.pid; sleep 60" -o /tmp/k -- $F >/tmp/k.log 2>&1 & C=$!
waitfile /tmp/k.pid; T=$(cat /tmp/k.pid)
echo "kill.state_held=$(state $T)"
kill -9 $C; t0=$(date +%s)
i=0; while [ "$(state $T)" != gone ] && [ "$(state $T)" != Z ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
echo "kill.resumed_after_ds=$i"; echo "kill.state_after=$(state $T)"
grep -q "marker calls" /tmp/k.log && echo "kill.target_finished=1"

# the target is SIGKILLed while held
gosnap-cli capture --at main.marker --hold --hold-ms 30000 \
	--while-held "kill -9 \$GOSNAP_PID; sleep 1; cut -d\" \" -f3 /proc/\$GOSNAP_PID/stat >/tmp/e.state" \
	-o /tmp/e -- $F >/tmp/e.log 2>&1
echo "tkill.rc=$?"; echo "tkill.state=$(cat /tmp/e.state)"; echo "tkill.log=$(tr "\n" " " </tmp/e.log)"

# rmmod while a probe is armed and a thread held: refused; the hold
# timeout (2 s) lets the target go while the CLI is still busy
gosnap-cli capture --at main.marker --hold \
	--while-held "rmmod gosnap 2>/dev/null; echo \$? >/tmp/r.rc; sleep 4; cut -d\" \" -f3 /proc/\$GOSNAP_PID/stat >/tmp/r.state" \
	-o /tmp/r -- $F >/tmp/r.log 2>&1
echo "rmmod.cli_rc=$?"; echo "rmmod.busy_rc=$(cat /tmp/r.rc)"; echo "rmmod.state_after_4s=$(cat /tmp/r.state)"
rmmod gosnap; echo "rmmod.after_rc=$?"
insmod /gosnap/gosnap.ko; echo "rmmod.reinsmod_rc=$?"

# two CLIs capturing two targets at once
gosnap-cli capture --at main.marker -o /tmp/p1 -- $F -calls 3 -sleep 50ms >/tmp/p1.log 2>&1 & P1=$!
gosnap-cli capture --at main.marker -o /tmp/p2 -- $F -calls 3 -sleep 50ms >/tmp/p2.log 2>&1 & P2=$!
wait $P1; echo "pair.rc1=$?"; wait $P2; echo "pair.rc2=$?"
for f in /tmp/p1/*.gsnap; do show p1 $f; done
for f in /tmp/p2/*.gsnap; do show p2 $f; done

# one symbol hit by many threads at once: every hit captured
GOMAXPROCS=2 gosnap-cli capture --mode pages --at main.marker -o /tmp/conc -- $F -workers 8 -calls 20 >/tmp/conc.log 2>&1
echo "conc.rc=$?"; echo "conc.files=$(ls /tmp/conc | wc -l)"; echo "conc.out=$(grep "marker calls" /tmp/conc.log)"
bad=0; for f in /tmp/conc/*.gsnap; do gosnap-cli show $f >/dev/null 2>&1 || bad=$((bad+1)); done; echo "conc.bad=$bad"
echo "conc.tids=$(for f in /tmp/conc/*.gsnap; do gosnap-cli -j show $f | tr "," "\n" | sed -n "s/.*\"hit_tid\": *\([0-9]*\).*/\1/p"; done | sort -u | wc -l)"
'
out="$(vm_run "$ver" "$guest")" || { vm_fail "$out"; exit 0; }
plan 19
python3 "$TOP/selftests/lib/freeze_check.py" faults "$BUILD" "" <<<"$out"
