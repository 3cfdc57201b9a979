#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Review H1, in the test VM (GOSNAP_KERNEL): a probe on a binary in an
# overlayfs, copied up (chmod) between ARM and DISARM, must leave no kernel
# report and no consumer behind, and arming again must work. The checks
# are selftests/guest/overlay_test.c. overlay.ko comes from the test
# kernel's modules (none to add when it is built in).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"
ver="${GOSNAP_KERNEL:-6.1}"

# No overlay.ko to add (built in, or modules not at hand): the test then
# fails naming what it needs if the filesystem is missing.
moddir="$("$TOP/selftests/vm/kernels" modules "$ver" 2>/dev/null)" || moddir=""
ko=""
[[ -n "$moddir" ]] && ko="$(find "$moddir" -name 'overlay.ko' 2>/dev/null | head -n 1)"
add=()
[[ -n "$ko" ]] && add=(--add "$ko:/gosnap/overlay.ko")

exec "$TOP/selftests/guest/run-in-vm" --timeout 900 "${add[@]}" \
	--add "$B/overlay_test" --add "$B/hitloop" -- \
	'grep -qw overlay /proc/filesystems || insmod /gosnap/overlay.ko; /gosnap/overlay_test'
