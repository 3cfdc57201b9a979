#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# exe-once.t: each command reads its executable through one gs_exe
# (cli/exe/exe.h), so the file is opened exactly once, whatever the
# command decodes (issue 11, acceptance 1). The oracle is the kernel:
# `strace -f -e trace=open,openat,openat2` of the command lists every
# open, and exactly one names the executable.
#   - layout, symbols, pcsp and go of the heap program (normal and
#     -ldflags='-s -w' builds): one open each;
#   - heap, stacks, sched, gc and go of a snapshot of it (`mkseed exe`: the
#     program as it starts, its writable segments copied; no module
#     needed): one open each, and the snapshot file is opened too (so
#     strace did see the command's opens).
# Each command must also succeed and print something.
#   - capture --at main.main --embed -- PROGRAM: the probe sites, the
#     layout (g.stack) and the embedded copy come from one open. No
#     module here: --device names a missing file, so the capture must
#     fail at the device, after every read of the executable (the error
#     names the device, and strace saw that open too).
#
# Env: GOSNAP_CLI (default: cli/gosnap-cli, made here).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/exe-once/host"
rm -rf "$B"
mkdir -p "$B"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start

if ! command -v strace >/dev/null; then
	not_ok "strace is installed (Debian package strace: run scripts/install-deps)"
	tap_finish_named exe-once
fi

if [[ -z "${GOSNAP_CLI:-}" ]]; then
	make -s -C "$TOP/cli" >"$B/make.log" 2>&1 || { diag <"$B/make.log"; not_ok "the CLI builds"; tap_finish_named exe-once; }
	GOSNAP_CLI="$TOP/cli/gosnap-cli"
fi
CLI="$GOSNAP_CLI"
MKSEED="$TOP/build/cli/unit/mkseed"
make -s -C "$TOP/cli" "$MKSEED" >"$B/mkseed.log" 2>&1 ||
	{ diag <"$B/mkseed.log"; not_ok "mkseed builds"; tap_finish_named exe-once; }

# The newest toolchain that builds the heap program (Debian 12's 1.19 last).
v=""
for want in 1.26 1.19; do
	v="$("$TOP/selftests/heap/build-targets" "$B" "$want" 2>>"$B/build.err" | head -n 1)"
	[[ -n "$v" ]] && break
done
if [[ -z "$v" ]]; then
	diag <"$B/build.err"
	not_ok "building the heap program with Go 1.26 or 1.19"
	tap_finish_named exe-once
fi
go="$("$TOP/selftests/lib/gotoolchain" "$v")"
bin="$B/heap-$v"
(cd "$TOP/selftests/targets/go/heap" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
	GOCACHE="${GOCACHE:-$TOP/build/go/cache-$v}" GOPATH="$TOP/build/go/path" \
	"$go" build -ldflags='-s -w' -o "$bin.sw" .) >"$B/sw.err" 2>&1 ||
	{ diag <"$B/sw.err"; not_ok "go$v: -ldflags='-s -w' build"; tap_finish_named exe-once; }

# once NAME FILE OPENED... -- CMD...: run CMD under strace; FILE must be
# opened exactly once, each OPENED at least once.
once() {
	local name="$1" file="$2" log="$B/$1.strace" opens extra=()
	shift 2
	while [[ "$1" != "--" ]]; do extra+=("$1"); shift; done
	shift
	if ! strace -f -qq -o "$log" -e trace=open,openat,openat2 "$@" \
		>"$B/$name.out" 2>"$B/$name.err" || [[ ! -s "$B/$name.out" ]]; then
		diag <"$B/$name.err"
		not_ok "$name: runs and prints (under strace)"
		return
	fi
	opens="$(grep -cF "\"$file\"" "$log" || true)"
	for f in "${extra[@]}"; do
		if ! grep -qF "\"$f\"" "$log"; then
			echo "# strace did not see $f opened"
			opens="?"
		fi
	done
	if [[ "$opens" == 1 ]]; then
		ok "$name: $file opened once"
	else
		grep -F "\"$file\"" "$log" | diag || true
		not_ok "$name: $file opened once (opened $opens times)"
	fi
}

for b in "$bin" "$bin.sw"; do
	tag="go$v"
	[[ $b != *.sw ]] || tag="go$v -s -w"
	once "layout-${b##*/}" "$b" -- "$CLI" layout "$b" -j
	once "layout-all-${b##*/}" "$b" -- "$CLI" layout "$b" --all
	once "symbols-${b##*/}" "$b" -- "$CLI" symbols "$b" -j
	once "pcsp-${b##*/}" "$b" -- "$CLI" pcsp "$b" main.main runtime.mallocgc
	once "go-${b##*/}" "$b" -- "$CLI" go "$b"

	snap="$B/${b##*/}.gsnap"
	if ! "$MKSEED" exe "$snap" "$b" 2>"$B/seed.err"; then
		diag <"$B/seed.err"
		not_ok "$tag: mkseed exe makes a snapshot of the program"
		continue
	fi
	for c in heap stacks sched gc go; do
		once "$c-${b##*/}" "$b" "$snap" -- "$CLI" "$c" "$snap"
		once "$c-json-${b##*/}" "$b" "$snap" -- "$CLI" "$c" -j "$snap"
	done

	name="capture-${b##*/}"
	nodev="$B/no-such-device"
	log="$B/$name.strace"
	rc=0
	strace -f -qq -o "$log" -e trace=open,openat,openat2 "$CLI" capture --at main.main \
		--embed --device "$nodev" -o "$B/$name.d" -- "$b" >"$B/$name.out" 2>"$B/$name.err" || rc=$?
	opens="$(grep -cF "\"$b\"" "$log" || true)"
	if [[ $rc == 0 ]] || ! grep -qF "$nodev" "$B/$name.err" || ! grep -qF "\"$nodev\"" "$log"; then
		diag <"$B/$name.err"
		not_ok "$name: fails at the missing device (exit $rc), after reading the executable"
	elif [[ "$opens" == 1 ]]; then
		ok "$name: --embed capture opens $b once"
	else
		grep -F "\"$b\"" "$log" | diag || true
		not_ok "$name: --embed capture opens $b once (opened $opens times)"
	fi
done

tap_finish_named exe-once
