#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# capture --embed (docs/format.md, EMBED): the heap program captured in the
# test VM (GOSNAP_KERNEL) with and without --embed by selftests/heap/
# embed-guest.sh; here, on the host, where the executable's recorded path
# does not exist, `heap`, `stacks`, `go` and `show` decode the embedded
# snapshot exactly as the guest did with the executable in place, and a
# build-ID mismatch (--exe with another build) is refused naming both IDs
# as `go tool buildid` prints them.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/embed"
CLI="$TOP/cli/gosnap-cli"
work="$(mktemp -d "${TMPDIR:-/tmp}/gosnap-embed.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
# setup_fail DESC [FILE]: the test's only point, failed, FILE as diagnostics.
setup_fail() {
	not_ok "$1"
	[[ -z "${2:-}" ]] || diag <"$2"
	plan 1
	exit 1
}

built="$("$TOP/selftests/heap/build-targets" "$B" 1.19 2>"$work/build.err")" || true
[[ "$built" == 1.19 ]] || setup_fail "building the heap program with Go 1.19" "$work/build.err"
# Another build of the same program: a different Go build ID.
go="$("$TOP/selftests/lib/gotoolchain" 1.19)"
(cd "$TOP/selftests/targets/go/heap" &&
	CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE="${GOCACHE:-$TOP/build/go/cache-1.19}" \
	GOPATH="$TOP/build/go/path" "$go" build -trimpath -o "$B/heap-other" .) >"$work/build.err" 2>&1 ||
	setup_fail "building a second heap program" "$work/build.err"
id_run="$("$go" tool buildid "$B/heap-1.19")"
id_other="$("$go" tool buildid "$B/heap-other")"
[[ "$id_run" != "$id_other" ]] || setup_fail "the two builds have different build IDs"
[[ -n "${GOSNAP_PREBUILT:-}" ]] || make -s -C "$TOP/cli" >/dev/null

module_opt=()
if [[ -z "${GOSNAP_PREBUILT:-}" ]]; then
	ko="$("$TOP/selftests/vm/build-module" "${GOSNAP_KERNEL:-6.1}" 2>"$work/module.log")" ||
		setup_fail "building gosnap.ko" "$work/module.log"
	module_opt=(--module "$ko")
fi

set +e
"$TOP/selftests/vm/run" --kernel "${GOSNAP_KERNEL:-6.1}" "${module_opt[@]}" --timeout 600 \
	--add "$B/heap-1.19" --add "$B/heap-other" --add "$TOP/selftests/heap/embed-guest.sh" \
	-- "sh /gosnap/embed-guest.sh" >"$work/out" 2>"$work/err"
rc=$?
set -e
# The guest's output but its files (base64) and its plan; its results
# (numbered from 1) counted here, so that ours follow on.
replay < <(grep -vE '^# [a-z.-]+:[A-Za-z0-9+/=]*$' "$work/out" | grep -v '^# plan-guest' || true)
sed 's/^/vm: /' "$work/err" | diag
planned="$(sed -n 's/^# plan-guest \([0-9]*\)$/\1/p' "$work/out")"
if [[ $rc -ne 0 || -z "$planned" || "$planned" -ne "$n" ]]; then
	not_ok "the VM run finished (vm/run exit $rc, $n results of ${planned:-?})"
fi

# result OK|FAIL DESC [FILE]: ok DESC, or not_ok DESC with FILE's first lines.
result() {
	if [[ "$1" == OK ]]; then
		ok "$2"
	else
		not_ok "$2"
		[[ -z "${3:-}" ]] || diag <"$3" | head -n 20
	fi
}
for f in snapshot mismatch ref-heap.txt ref-stacks.txt ref-go.txt ref-show.json; do
	sed -n "s/^# $f://p" "$work/out" | base64 -d 2>/dev/null | gunzip >"$work/$f" 2>/dev/null || true
done
snap="$work/snapshot"
recorded="$("$CLI" show -j "$snap" 2>/dev/null | jq -r '.snapshots[0].task.exe' || true)"
if [[ ! -s "$snap" || -z "$recorded" || -e "$recorded" ]]; then
	result FAIL "the embedded snapshot reached the host, its executable's path (${recorded:-?}) absent here"
	plan "$n"
	exit 1
fi
result OK "the embedded snapshot reached the host ($(wc -c <"$snap") bytes), $recorded absent here"

# Decoded here, without the executable: what the guest printed with it.
same() {	# same WHAT REF OURS SED-FILTER
	sed "$4" "$2" >"$work/a"
	sed "$4" "$3" >"$work/b"
	if [[ -s "$work/a" ]] && diff "$work/a" "$work/b" >"$work/diff"; then
		result OK "$1 from the embedded executable equals the guest's with the executable ($(wc -l <"$work/b") lines)"
	else
		result FAIL "$1 from the embedded executable equals the guest's with the executable" "$work/diff"
	fi
}
"$CLI" heap "$snap" --spans >"$work/heap.txt" 2>"$work/heap.err" || cat "$work/heap.err" >>"$work/heap.txt"
same "heap --spans" "$work/ref-heap.txt" "$work/heap.txt" '1d;/^  executable /d'
grep -q 'using the executable embedded' "$work/heap.err" && r=OK || r=FAIL
result "$r" "heap says it uses the embedded executable" "$work/heap.err"
"$CLI" stacks "$snap" >"$work/stacks.txt" 2>"$work/stacks.err" || cat "$work/stacks.err" >>"$work/stacks.txt"
same "stacks" "$work/ref-stacks.txt" "$work/stacks.txt" '1d'
"$CLI" go "$snap" >"$work/go.txt" 2>"$work/go.err" || cat "$work/go.err" >>"$work/go.txt"
same "go" "$work/ref-go.txt" "$work/go.txt" '/^file: /d;/^executable: /d'

# show: the Go section, the same figures as in the guest.
"$CLI" show -j "$snap" 2>"$work/show.err" | jq '.snapshots[0].go' >"$work/show-go.json" || true
jq '.snapshots[0].go' "$work/ref-show.json" >"$work/ref-show-go.json" 2>/dev/null || true
if jq -e --slurpfile ref "$work/ref-show-go.json" \
	'.embedded == true and $ref[0].embedded == false and .heap.inuse_bytes > 0 and
	 (.version | startswith("go1.19")) and del(.embedded) == ($ref[0] | del(.embedded))' \
	"$work/show-go.json" >/dev/null 2>&1; then
	result OK "show -j: the go section ($(jq -c '{version, heap: .heap.inuse_bytes, resident: .heap.inuse_resident_bytes}' "$work/show-go.json")) equals the guest's"
else
	cat "$work/ref-show-go.json" >>"$work/show-go.json"
	result FAIL "show -j: the go section equals the guest's" "$work/show-go.json"
fi
"$CLI" show "$snap" 2>/dev/null | grep -E '^  go' >"$work/show-go.txt" || true
grep -q '^  go heap      in use ' "$work/show-go.txt" && r=OK || r=FAIL
result "$r" "show: the go section ($(head -n 1 "$work/show-go.txt" | tr -s ' '))" "$work/show-go.txt"

# A build-ID mismatch names both IDs, here (--exe) and in the guest (the
# recorded path holding another build).
names_both() { grep -qF -- "$id_run" "$1" && grep -qF -- "$id_other" "$1"; }
if "$CLI" heap "$snap" --exe "$B/heap-other" >"$work/m.txt" 2>&1; then
	result FAIL "heap --exe ANOTHER-BUILD is refused" "$work/m.txt"
else
	names_both "$work/m.txt" && r=OK || r=FAIL
	result "$r" "heap --exe ANOTHER-BUILD is refused naming both build IDs" "$work/m.txt"
fi
names_both "$work/mismatch" && r=OK || r=FAIL
result "$r" "in the guest, the rebuilt executable was refused naming both build IDs" "$work/mismatch"
tap_finish
