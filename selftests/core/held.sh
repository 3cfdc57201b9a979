#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# held.sh DIR: the --while-held command of selftests/vm-tests/65-export-core.t
# (runs in the guest, busybox sh). While the whole target is stopped and
# held it records, next to the snapshot's name (DIR/NNN-SYM.*):
#   .tasks      one line per thread: its id, then the kernel's
#               /proc/PID/task/TID/syscall ("NR ARGS... SP PC", "-1 SP PC"
#               outside a system call, "running")
#   .mem-ADDR   64 bytes of /proc/PID/mem at ADDR, for a few addresses of
#               the Go heap's first arena (those the kernel could read)
set -eu

d="$1"
n="$(basename "$GOSNAP_SNAPSHOT" .gsnap)"
pid="$GOSNAP_PID"

for t in /proc/"$pid"/task/*; do
	echo "$(basename "$t") $(cat "$t/syscall")"
done >"$d/$n.tasks"
for a in c000000000 c000010000 c000020000 c000030000 c000040000; do
	dd if=/proc/"$pid"/mem of="$d/$n.mem-$a" bs=64 count=1 iflag=skip_bytes \
		skip=$((0x$a)) 2>/dev/null || rm -f "$d/$n.mem-$a"
done
