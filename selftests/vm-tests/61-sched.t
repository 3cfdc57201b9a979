#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 61-sched.t: `gosnap-cli sched` and the thread walks of `gosnap-cli
# stacks` on snapshots taken in the test VM (GOSNAP_KERNEL), against what
# the kernel and the Go runtime report while the target is held.
#
# The sched target (selftests/targets/go/sched) is built by Go 1.19
# (normal and -ldflags=-s -w), by Go 1.26, and by the newest release
# selftests/lib/gotoolchain knows (the last of --list: 1.27; normal and
# -s -w); a failed fetch fails the test. Two runs each:
#
#   quiet   GOMAXPROCS=2 GOGC=off GODEBUG=schedtrace=1000,scheddetail=1,
#           held (--hold) at main.marker and at runtime.gcResetMarkState
#           (the first GC's work on the system stack, called by main
#           through runtime.GC -> gcStart -> systemstack).
#   busy    GOMAXPROCS=4 GODEBUG=asyncpreemptoff=1 --stop-world, held at
#           main.marker while 3 goroutines spin in main.spin on the
#           other Ps.
#
# While held, selftests/stacks/held.sh reads /proc/PID/task (thread ids,
# and each thread's user sp and pc from /proc/PID/task/TID/syscall) and
# lets the runtime print its schedtrace reports. The checks
# (selftests/stacks/sched_check.py):
#   - the Ps are as many as the GOMAXPROCS the program prints;
#   - the Ms' thread ids (m.procid) are the target's threads;
#   - at main.marker (quiet), a scheddetail report printed while held
#     equals sched's counters (gomaxprocs, idleprocs, threads,
#     spinningthreads, idlethreads, runqueue, nmidlelocked, gcwaiting,
#     stopwait, sysmonwait), each P (status, M id, run queue length) and
#     each M (P id, curg's goid, spinning), but for one race the capture
#     (only the hitting thread held) does not rule out: one M that found
#     nothing, spinning or woken for sched.needspinning, caught going idle
#     (findRunnable: releasep, pidleput, nmspinning - 1, stopm), which the
#     later report shows done (only idleprocs, spinningthreads,
#     idlethreads, needspinning dropping to 0 and that M's P differ, by
#     the steps still to come); at least one target equals its report
#     exactly; the goroutines counted by
#     stacks that are not system goroutines equal runtime.NumGoroutine;
#   - with --stop-world, every thread's registers are in the snapshot and
#     its rsp and rip equal what /proc/PID/task/TID/syscall says; every M
#     has registers; each busy goroutine (goid printed by the program) is
#     unwound from its thread: main.spin <- main.busy <- runtime.goexit,
#     the return addresses equal the runtime.Callers pcs it recorded;
#   - at runtime.gcResetMarkState, the hitting thread is on g0 working
#     for goroutine 1: its frames run gcResetMarkState ... runtime.systemstack
#     on the M's g0 stack (sp inside the g0 bounds sched reports), then,
#     after the followed switch, runtime.systemstack_switch,
#     runtime.gcStart, runtime.GC and main.gcNow's callers with the pcs
#     runtime.Callers gave, ending at runtime.goexit; goroutine 1 is
#     unwound from that thread, via its system stack; the text form of
#     stacks says where the walk switched stacks.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/stacks/lib.sh
source "$TOP/selftests/stacks/lib.sh"
SYM_BUILD="$TOP/build/sched"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$SYM_BUILD/vm-$kernel"

tap_start
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
declare -A GO_OF=([go1.19]="$GO119")
targets=(sched-go1.19 sched-go1.19.stripped)
# Required: a failed fetch bails out (ERR trap) after gotoolchain's message.
NEWEST="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
for v in $(printf '%s\n' 1.26 "$NEWEST" | sort -uV); do
	go="$("$TOP/selftests/lib/gotoolchain" "$v")"
	GO_OF[go$v]="$go"
	targets+=("sched-go$v")
	[[ "$v" != "$NEWEST" ]] || targets+=("sched-go$v.stripped")
done
for t in "${targets[@]}"; do
	v="${t#sched-}"
	flags=()
	[[ "$t" != *.stripped ]] || flags=(-ldflags='-s -w')
	(cd "$TOP/selftests/targets/go/sched" &&
		go_env "${GO_OF[${v%.stripped}]}" build "${flags[@]}" -o "$W/guest/$t" .)
done
cp "$TOP/selftests/stacks/held.sh" "$W/guest/held.sh"

cat >"$W/guest/run.sh" <<EOS
# a hold lasts as long as held.sh needs (the module's default is 2 s)
insmod /gosnap/gosnap.ko hold_timeout_ms=30000 || exit 1
for t in ${targets[*]}; do
	mkdir -p /out/\$t/quiet /out/\$t/busy
	GOMAXPROCS=2 GOGC=off GODEBUG=schedtrace=1000,scheddetail=1 \\
		gosnap-cli capture --hold --hold-ms 20000 \\
		--while-held "sh /gosnap/st/held.sh /out/\$t/quiet /out/\$t/quiet/log" \\
		--at main.marker --at runtime.gcResetMarkState --mode full -o /out/\$t/quiet -- \\
		/gosnap/st/\$t -gc >/out/\$t/quiet/stdout 2>/out/\$t/quiet/log
	GOMAXPROCS=4 GOGC=off GODEBUG=asyncpreemptoff=1 \\
		gosnap-cli capture --stop-world --hold --hold-ms 20000 \\
		--while-held "sh /gosnap/st/held.sh /out/\$t/busy /out/\$t/busy/log" \\
		--at main.marker --mode full -o /out/\$t/busy -- \\
		/gosnap/st/\$t -busy 3 >/out/\$t/busy/stdout 2>/out/\$t/busy/log
	for s in /out/\$t/*/*.gsnap; do
		gosnap-cli -j stacks "\$s" >"\${s%.gsnap}.stacks.json" 2>"\${s%.gsnap}.stacks.err"
		gosnap-cli -j sched "\$s" >"\${s%.gsnap}.sched.json" 2>"\${s%.gsnap}.sched.err"
		{ gosnap-cli stacks "\$s" && gosnap-cli sched "\$s"; } >"\${s%.gsnap}.txt" 2>&1
		echo \$? >"\${s%.gsnap}.txt-rc"
		rm -f "\$s"
	done
done
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

# about 300 s a target under TCG (900 s for the three there were)
"$TOP/selftests/vm/run" --kernel "$kernel" --timeout $((300 * ${#targets[@]})) --add "$W/guest:/gosnap/st" \
	-- sh /gosnap/st/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

python3 "$TOP/selftests/stacks/sched_check.py" "$W/out" "${targets[@]}"
