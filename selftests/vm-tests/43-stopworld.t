#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# --stop-world: while the hitting thread captures, every other thread of
# the process is stopped, and the snapshot records each one's registers.
# Oracles: the snapshot's thread states against /proc/PID/task/*/stat read
# while the target is held, and the program's own result afterwards (it
# must run to completion, unaware).
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
insmod /gosnap/gosnap.ko hold_timeout_ms=30000 || exit 1	# a loaded host: see heap/guest.sh
GOMAXPROCS=2 gosnap-cli capture --stop-world --hold --max-snapshots 1 --at "main.marker#3" \
	--while-held "for t in /proc/\$GOSNAP_PID/task/*; do echo \"task=\$(basename \$t) \$(cut -d\" \" -f3 \$t/stat)\"; done >/tmp/tasks" \
	-o /tmp/sw -- /gosnap/freeze -workers 4 -calls 5 -sleep 10ms >/tmp/sw.log 2>&1
echo "sw.rc=$?"
cat /tmp/tasks
echo "sw.out=$(grep "marker calls" /tmp/sw.log)"
for f in /tmp/sw/*.gsnap; do echo "=== BEGIN sw $(basename $f)"; gosnap-cli -j show $f; echo; echo "=== END"; done
'
out="$(vm_run "$ver" "$guest")" || { vm_fail "$out"; exit 0; }
plan 5
python3 "$TOP/selftests/lib/freeze_check.py" stopworld "$BUILD" "" <<<"$out"
