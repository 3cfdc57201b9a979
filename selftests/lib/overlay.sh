# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by VM tests that mount overlayfs: overlay_add (an array) holds
# the run-in-vm arguments that put the test kernel's overlay.ko in the
# guest, where the kernel has one (Debian builds overlayfs as a module);
# OVERLAY_LOAD is the guest command that loads it unless it is built in.
# shellcheck disable=SC2034 # used by the sourcing test
overlay_add=()
_ver="${GOSNAP_KERNEL:-6.1}"
_moddir="$("$TOP/selftests/vm/kernels" modules "$_ver" 2>/dev/null)" || _moddir=""
if [[ -n "$_moddir" ]]; then
	_ko="$(find "$_moddir" -name 'overlay.ko' 2>/dev/null | head -n 1)"
	# shellcheck disable=SC2034
	[[ -n "$_ko" ]] && overlay_add=(--add "$_ko:/gosnap/overlay.ko")
fi
# shellcheck disable=SC2034 # used by the sourcing test
readonly OVERLAY_LOAD='grep -qw overlay /proc/filesystems || insmod /gosnap/overlay.ko'
