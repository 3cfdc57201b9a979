#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A target in a container (its own pid and mount namespaces, pivoted into
# an overlayfs root), captured from the host by pid and at a probe, and
# from inside: ids and paths as each capturer's own /proc gives them, the
# executable recognised on overlayfs, meta mode's data equal to
# /proc/PID/mem. The checks are selftests/guest/container_test.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"
ver="${GOSNAP_KERNEL:-6.1}"

moddir="$("$TOP/selftests/vm/kernels" modules "$ver" 2>/dev/null)" || moddir=""
ko=""
[[ -n "$moddir" ]] && ko="$(find "$moddir" -name 'overlay.ko' 2>/dev/null | head -n 1)"
add=()
[[ -n "$ko" ]] && add=(--add "$ko:/gosnap/overlay.ko")

exec "$TOP/selftests/guest/run-in-vm" --timeout 600 "${add[@]}" \
	--add "$B/container_test" --add "$B/secrets" -- \
	'grep -qw overlay /proc/filesystems || insmod /gosnap/overlay.ko; /gosnap/container_test'
