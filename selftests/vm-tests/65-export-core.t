#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 65-export-core.t: `gosnap-cli export-core` opened by gdb (issue 16,
# acceptance 1). The sched target (selftests/targets/go/sched), built by
# Go 1.19 with its DWARF, runs in the test VM (GOSNAP_KERNEL) with
# GOMAXPROCS=4 and 3 goroutines spinning, and is captured with
# --stop-world --hold --mode full at main.marker. While it is held,
# selftests/core/held.sh records each thread's /proc/PID/task/TID/syscall
# and reads a few addresses of the Go heap through /proc/PID/mem (the
# guest is a test VM: root may). On the host the snapshot is exported and
# `gdb -batch BINARY CORE` must show (selftests/core/core_check.py):
#   - `info threads`: one LWP per thread of the target (/proc), the
#     hitting thread first, at main.marker;
#   - `info registers rip rsp` of every thread: what /proc/PID/task/TID/
#     syscall said while held (threads in the kernel), at least 2;
#   - `x/8gx` at each heap address /proc/PID/mem read: the same bytes
#     (at least one address);
#   - `bt` of the hitting thread: main.marker, called by main.main;
#   - an address no snapshot range holds reads as "Cannot access memory"
#     (absent, not zero-filled);
#   - `dlv core BINARY CORE` (Debian's delve, 1.20 in bookworm, which
#     reads Go 1.19) lists the goroutines `gosnap-cli stacks` lists, by
#     id, each at a function of its stack (at least 5);
# and export-core of a snapshot without thread registers (capture --pid)
# fails, naming the reason, and leaves no file.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/core/vm-$kernel"

tap_start
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
(cd "$TOP/selftests/targets/go/sched" && go_env "$GO119" build -o "$W/guest/sched" .)
(cd "$TOP/selftests/targets/go/idle" && go_env "$GO119" build -o "$W/guest/idle" .)
cp "$TOP/selftests/core/held.sh" "$W/guest/held.sh"

cat >"$W/guest/run.sh" <<'EOS'
insmod /gosnap/gosnap.ko hold_timeout_ms=30000 || exit 1
mkdir -p /out/busy /out/pid
GOMAXPROCS=4 GOGC=off GODEBUG=asyncpreemptoff=1 \
	gosnap-cli capture --stop-world --hold --hold-ms 20000 \
	--while-held "sh /gosnap/core/held.sh /out/busy" \
	--at main.marker --mode full -o /out/busy -- \
	/gosnap/core/sched -busy 3 >/out/busy/stdout 2>/out/busy/log
echo $? >/out/busy/rc
# idle reads its stdin to the end: a pipe whose writer sleeps
sleep 60 | /gosnap/core/idle -mib 1 -objects 1 &
sleep 2
gosnap-cli capture --pid "$(pidof idle)" -o /out/pid/pages.gsnap >/out/pid/log 2>&1
kill "$(pidof idle)"
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout 600 --add "$W/guest:/gosnap/core" \
	-- sh /gosnap/core/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

python3 "$TOP/selftests/core/core_check.py" "$W/out" "$W/guest/sched" "$W/guest/idle" \
	"$TOP/cli/gosnap-cli"
