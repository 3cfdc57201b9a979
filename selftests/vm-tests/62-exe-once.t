#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 62-exe-once.t: `heap`, `stacks`, `sched` and `layout` open the
# executable exactly once (issue 11, acceptance 1), on snapshots the
# module took in the test VM (GOSNAP_KERNEL). selftests/host/exe-once.t
# does the same on hand-built snapshots; this one decodes real ones.
#
# The sched target (selftests/targets/go/sched) is built by Go 1.19,
# normal and -ldflags='-s -w', and captured at main.marker (--mode full,
# GOMAXPROCS=2, 8 goroutines blocked on a channel). On the host, each
# command runs under `strace -f -e trace=open,openat,openat2` with --exe
# the binary (the snapshot names its path in the guest):
#   - the binary is opened exactly once, and the snapshot file too (so
#     strace saw the command's opens);
#   - each command succeeds and decodes something: heap at least one
#     arena, stacks at least 9 goroutines (main and the 8 blocked), sched
#     at least 2 Ps; layout answers runtime.g.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/stacks/lib.sh
source "$TOP/selftests/stacks/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/exe-once/vm-$kernel"
CLI="${GOSNAP_CLI:-$TOP/cli/gosnap-cli}"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
command -v strace >/dev/null || { not_ok "strace is installed (Debian package strace: run scripts/install-deps)"; tap_finish_named 62-exe-once; }
command -v jq >/dev/null || { not_ok "jq is installed (Debian package jq)"; tap_finish_named 62-exe-once; }
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
make -s -C "$TOP/cli" >&2
targets=(sched-go1.19 sched-go1.19.sw)
(cd "$TOP/selftests/targets/go/sched" && go_env "$GO119" build -o "$W/guest/sched-go1.19" . &&
	go_env "$GO119" build -ldflags='-s -w' -o "$W/guest/sched-go1.19.sw" .)

cat >"$W/guest/run.sh" <<EOS
insmod /gosnap/gosnap.ko || exit 1
for t in ${targets[*]}; do
	mkdir -p /out/\$t
	GOMAXPROCS=2 GOGC=off gosnap-cli capture --at main.marker --mode full \\
		-o /out/\$t -- /gosnap/st/\$t >/out/\$t/stdout 2>/out/\$t/log
done
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout 600 --add "$W/guest:/gosnap/st" \
	-- sh /gosnap/st/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | sed 's/^/# /'
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

# once NAME FILE SNAP -- CMD...: FILE opened exactly once, SNAP at least once.
once() {
	local name="$1" file="$2" snap="$3" log="$W/$1.strace" opens
	shift 4
	if ! strace -f -qq -o "$log" -e trace=open,openat,openat2 "$@" \
		>"$W/$name.out" 2>"$W/$name.err"; then
		diag <"$W/$name.err"
		not_ok "$name: runs (under strace)"
		return 1
	fi
	opens="$(grep -cF "\"$file\"" "$log" || true)"
	if [[ -n "$snap" ]] && ! grep -qF "\"$snap\"" "$log"; then
		not_ok "$name: strace saw $snap opened"
	elif [[ "$opens" == 1 ]]; then
		ok "$name: $file opened once"
	else
		grep -F "\"$file\"" "$log" | diag || true
		not_ok "$name: $file opened once (opened $opens times)"
	fi
}

for t in "${targets[@]}"; do
	bin="$W/guest/$t"
	snap="$(find "$W/out/$t" -name '*.gsnap' | head -n 1)"
	if [[ -z "$snap" ]]; then
		diag <"$W/out/$t/log" || true
		not_ok "$t: a snapshot at main.marker"
		continue
	fi
	if once "heap-$t" "$bin" "$snap" -- "$CLI" heap -j --exe "$bin" "$snap"; then
		if jq -e '(.arenas | length) >= 1' "$W/heap-$t.out" >/dev/null; then
			ok "$t: heap decodes at least one arena"
		else
			not_ok "$t: heap decodes at least one arena"
		fi
	fi
	if once "stacks-$t" "$bin" "$snap" -- "$CLI" stacks -j --exe "$bin" "$snap"; then
		if jq -e '(.goroutines | length) >= 9' "$W/stacks-$t.out" >/dev/null; then
			ok "$t: stacks decodes at least 9 goroutines"
		else
			not_ok "$t: stacks decodes at least 9 goroutines"
		fi
	fi
	if once "sched-$t" "$bin" "$snap" -- "$CLI" sched -j --exe "$bin" "$snap"; then
		if jq -e '(.ps | length) >= 2' "$W/sched-$t.out" >/dev/null; then
			ok "$t: sched decodes at least 2 Ps"
		else
			not_ok "$t: sched decodes at least 2 Ps"
		fi
	fi
	if once "layout-$t" "$bin" "" -- "$CLI" layout -j "$bin" runtime.g; then
		if jq -e '.types[0].size > 0' "$W/layout-$t.out" >/dev/null; then
			ok "$t: layout answers runtime.g"
		else
			not_ok "$t: layout answers runtime.g"
		fi
	fi
done
tap_finish_named 62-exe-once
