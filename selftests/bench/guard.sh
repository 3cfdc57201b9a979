#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guard.sh RUNS MIB: the walk guard's guest half (walk-guard.t): a Go
# heap of MIB MiB, one process, measured RUNS times over by measure.sh's
# pagestate (bare walk, capture --pid with the module's walk_ns, pagemap
# scan, interleaved) after one warm-up round that is not counted.
set -eu

runs="$1" mib="$2"
insmod /gosnap/gosnap.ko
insmod /gosnap/barewalk.ko
# shellcheck source=selftests/bench/measure.sh
. /gosnap/measure.sh

mkfifo /tmp/in
exec 3<>/tmp/in
/gosnap/idle -mib "$mib" <&3 >/tmp/idle.out 2>&1 &
bg=$!
wait_line /tmp/idle.out '^pid '
pid=$(awk '/^pid / { print $2 }' /tmp/idle.out)
pagestate warmup "$pid" 1 >/dev/null
pagestate "go$mib" "$pid" "$runs"
kill "$pid"
wait "$bg" 2>/dev/null || true
echo "RESULT vm done 1"
