#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the VM bench and the module's device: boot the test kernel
# (GOSNAP_KERNEL, default 6.1), check it is the kernel we asked for, load
# gosnap.ko, check /dev/gosnap (a root-only character device), unload it,
# and check the kernel logged no warning or bug meanwhile.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
ver="${GOSNAP_KERNEL:-6.1}"
ko="$TOP/build/mod-$ver/gosnap.ko"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
tap_start
plan 6

# The oracle for the release is the kernel package we booted.
want_krel="$("$TOP/selftests/vm/kernels" kver "$ver")"

module_opt=(--module none)
if [[ -n "${GOSNAP_MODULE:-}" ]]; then
	ko="$GOSNAP_MODULE"	# vm/run uses it (selftests/vm/README.md)
elif [[ -z "${GOSNAP_PREBUILT:-}" ]]; then
	ko="$("$TOP/selftests/vm/build-module" "$ver" 2>/dev/null)" || ko=""
fi
[[ -n "$ko" && -e "$ko" ]] && module_opt=(--module "$ko")

# shellcheck disable=SC2016
guest_cmd='
echo "uname=$(uname -r)"
if [ -e /gosnap/gosnap.ko ]; then
	insmod /gosnap/gosnap.ko; echo "insmod=$?"
else
	echo "insmod=no-module"
fi
if [ -c /dev/gosnap ]; then echo "dev=char $(stat -c "%a %u" /dev/gosnap)"; else echo "dev=none"; fi
if grep -q "^gosnap " /proc/modules; then
	rmmod gosnap; echo "rmmod=$?"
	if [ -e /dev/gosnap ]; then echo "after=present"; else echo "after=gone"; fi
fi
'
set +e
out="$("$TOP/selftests/vm/run" --kernel "$ver" "${module_opt[@]}" --timeout 240 -- "$guest_cmd" 2>"${TMPDIR:-/tmp}/00-boot.$$.err")"
rc=$?
set -e
err="$(cat "${TMPDIR:-/tmp}/00-boot.$$.err")"
rm -f "${TMPDIR:-/tmp}/00-boot.$$.err"

field() { sed -n "s/^$1=//p" <<<"$out" | tail -n 1; }

# tap PASSED(1 or empty) DESCRIPTION [DIAGNOSTIC]
tap() {
	if [[ "$1" == 1 ]]; then
		ok "$2"
	else
		[[ -z "${3:-}" ]] || diag <<<"$3"
		not_ok "$2"
	fi
}

got="$(field uname)"
tap "$([[ -n "$got" ]] && echo 1)" "the $ver VM boots and runs a command" "$err"
tap "$([[ "$got" == "$want_krel" ]] && echo 1)" "uname -r is $want_krel" "got '$got'"
tap "$([[ "$(field insmod)" == 0 ]] && echo 1)" "insmod gosnap.ko" \
	"insmod: $(field insmod)${ko:+ ($ko)}"
tap "$([[ "$(field dev)" == "char 600 0" ]] && echo 1)" "/dev/gosnap is a char device, mode 0600, owner root" \
	"got '$(field dev)'"
tap "$([[ "$(field rmmod)" == 0 && "$(field after)" == gone ]] && echo 1)" \
	"rmmod gosnap removes /dev/gosnap" "rmmod=$(field rmmod) after=$(field after)"
tap "$([[ $rc -ne 125 && $rc -ne 124 ]] && echo 1)" "no kernel warning, oops or hang (vm/run exit $rc)" "$err"
[[ $failed -eq 0 ]]
