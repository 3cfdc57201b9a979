#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# unavailable.t: heap, stacks and sched say what they could not decode,
# the same way in text ("unavailable: NAME") and JSON ("unavailable"),
# when the executable's layout lacks a field (issue 11, acceptance 3).
# The field is hidden with the test-only GOSNAP_TEST_HIDE_FIELD
# (docs/layout.md); the snapshot is the heap program as it starts
# (`mkseed exe`, no module needed), built with -ldflags='-s -w' so every
# answer comes from the type descriptors and the release table.
#   - without the knob: nothing is unavailable, goroutines decode
#     (goroutines_problem null) and sched's idle_ms is a number;
#   - stacks with runtime.g.goid hidden: text and JSON name
#     "field runtime.g.goid", and the goroutines problem says why;
#   - sched with runtime.m.procid and runtime.schedt.nmidle hidden: the
#     counter is null with its reason, and both names are listed in text
#     and JSON;
#   - heap with runtime.mheap.sweepgen hidden: named in text and JSON;
#   - gc with runtime.workType.nwait hidden: nwait is null with its
#     reason, in text and JSON, and the field is listed.
#
# Env: GOSNAP_CLI (default: cli/gosnap-cli, made here).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/unavailable"
rm -rf "$B"
mkdir -p "$B"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
command -v jq >/dev/null || { not_ok "jq is installed (Debian package jq)"; tap_finish_named unavailable; }

if [[ -z "${GOSNAP_CLI:-}" ]]; then
	make -s -C "$TOP/cli" >"$B/make.log" 2>&1 || { diag <"$B/make.log"; not_ok "the CLI builds"; tap_finish_named unavailable; }
	GOSNAP_CLI="$TOP/cli/gosnap-cli"
fi
CLI="$GOSNAP_CLI"
MKSEED="$TOP/build/cli/unit/mkseed"
make -s -C "$TOP/cli" "$MKSEED" >"$B/mkseed.log" 2>&1 ||
	{ diag <"$B/mkseed.log"; not_ok "mkseed builds"; tap_finish_named unavailable; }

v=""
for want in 1.26 1.19; do
	go="$("$TOP/selftests/lib/gotoolchain" "$want" 2>>"$B/build.err")" || continue
	if (cd "$TOP/selftests/targets/go/heap" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		GOCACHE="${GOCACHE:-$TOP/build/go/cache-$want}" GOPATH="$TOP/build/go/path" \
		"$go" build -ldflags='-s -w' -o "$B/heap.sw" .) >>"$B/build.err" 2>&1; then
		v="$want"
		break
	fi
done
if [[ -z "$v" ]]; then
	diag <"$B/build.err"
	not_ok "building the heap program with Go 1.26 or 1.19"
	tap_finish_named unavailable
fi
snap="$B/heap.gsnap"
"$MKSEED" exe "$snap" "$B/heap.sw" 2>"$B/seed.err" || { diag <"$B/seed.err"; not_ok "mkseed exe"; tap_finish_named unavailable; }

# run NAME HIDE CMD: text and JSON of CMD on the snapshot, with HIDE.
run() {
	GOSNAP_TEST_HIDE_FIELD="$2" "$CLI" "$3" "$snap" >"$B/$1.txt" 2>"$B/$1.err" || true
	GOSNAP_TEST_HIDE_FIELD="$2" "$CLI" "$3" -j "$snap" >"$B/$1.json" 2>>"$B/$1.err" || true
}
# jqtest NAME FILTER: the JSON of run NAME passes FILTER (true/false).
jqtest() { [[ "$(jq -e "$2" "$B/$1.json" 2>>"$B/$1.err")" == true ]]; }
intext() { grep -qxF -- "$2" "$B/$1.txt"; }

for c in heap stacks sched gc; do
	run "$c-plain" "" "$c"
done
check "go$v: without hidden fields, stacks lists nothing unavailable and reads allgs" \
	jqtest stacks-plain '.unavailable == [] and .goroutines_problem == null and .allgs > 0'
check "go$v: without hidden fields, sched lists nothing unavailable and counts idle Ms" \
	jqtest sched-plain '.unavailable == {} and (.sched.idle_ms | type) == "number" and .problem == null'
check "go$v: without hidden fields, heap lists nothing unavailable" \
	jqtest heap-plain '.unavailable == []'
check "go$v: without hidden fields, gc lists nothing unavailable and reads the phase" \
	jqtest gc-plain '.unavailable == {} and .phase == "off" and .problems == []'

run stacks-goid "runtime.g:goid" stacks
check "stacks -j names the hidden runtime.g.goid in unavailable" \
	jqtest stacks-goid '.unavailable == ["field runtime.g.goid"] and (.goroutines_problem | test("goid"))'
check "stacks names the hidden runtime.g.goid under Not decoded" \
	intext stacks-goid "  unavailable: field runtime.g.goid"

run sched-m "runtime.m:procid,runtime.schedt:nmidle" sched
check "sched -j: idle_ms null with its reason, runtime.m.procid listed" \
	jqtest sched-m '.sched.idle_ms == null and (.unavailable.nmidle | test("no layout source")) and .unavailable["field runtime.m.procid"] == "no layout source has it" and (.unavailable | length) == 2'
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
check "sched names both hidden fields in its text" \
	bash -c 'grep -qx "unavailable: runtime.schedt.nmidle: no layout source knows runtime.schedt.nmidle" "$1" &&
		grep -qx "unavailable: field runtime.m.procid: no layout source has it" "$1"' _ "$B/sched-m.txt"

run heap-sweepgen "runtime.mheap:sweepgen" heap
check "heap -j names the hidden runtime.mheap.sweepgen in unavailable" \
	jqtest heap-sweepgen '.unavailable == ["field runtime.mheap.sweepgen"]'
check "heap names the hidden runtime.mheap.sweepgen under Not decoded" \
	intext heap-sweepgen "  unavailable: field runtime.mheap.sweepgen"

run gc-nwait "runtime.workType:nwait" gc
check "gc -j: nwait null, its reason under runtime.work.nwait, the field listed" \
	jqtest gc-nwait '.cycle.nwait == null and (.unavailable["runtime.work.nwait"] | test("no layout source")) and .unavailable["field runtime.workType.nwait"] == "no layout source has it" and (.unavailable | length) == 2'
check "gc says nwait is unavailable, and why, in its text" \
	intext gc-nwait "  nwait                               unavailable  runtime.work.nwait: no layout source knows runtime.work.nwait"

for f in "$B"/*.err; do [[ -s "$f" ]] && { echo "# ${f##*/}:"; diag <"$f"; }; done
tap_finish_named unavailable
