#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# held.sh DIR LOG: the --while-held command of selftests/vm-tests/61-sched.t
# (runs in the guest, busybox sh). While the target is held it records,
# next to the snapshot's name (DIR/NNN-SYM.*):
#   .tasks      one line per thread of the target: its id, then the
#               kernel's /proc/PID/task/TID/syscall ("NR ARGS... SP PC",
#               "-1 SP PC" outside a system call, "running")
#   .logstart   the size of the target's stderr LOG before waiting
#   .logend     its size after waiting 2.5 s: the GODEBUG=schedtrace=1000
#               reports between the two were printed while it was held
#   .tasks-after  the thread ids again, after the wait
set -eu

d="$1"
log="$2"
n="$(basename "$GOSNAP_SNAPSHOT" .gsnap)"
pid="$GOSNAP_PID"

wc -c <"$log" >"$d/$n.logstart"
for t in /proc/"$pid"/task/*; do
	echo "$(basename "$t") $(cat "$t/syscall")"
done >"$d/$n.tasks"
sleep 2.5
wc -c <"$log" >"$d/$n.logend"
ls /proc/"$pid"/task >"$d/$n.tasks-after"
