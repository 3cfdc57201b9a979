#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 69-demo.t: `make demo` (issue 16, acceptance 6) on GOSNAP_KERNEL. The
# demo freezes the idle target (Go 1.19, 64 MiB) at its first
# runtime.gcStart with GODEBUG=gctrace=1 and prints heap, stacks and the
# runtime's trace line of that cycle; it copies the snapshot and the heat
# map to build/demo/. Checked:
#   - it ends with status 0 in under two minutes (times GOSNAP_SLOW);
#   - its heap table is decoded: HeapInuse and HeapSys are numbers above
#     zero, and equal to what `heap -j` of the snapshot it wrote says;
#   - the runtime is the oracle for that moment: gctrace's "gc 1" line
#     gives the heap at the cycle's start and its goal, in MB; the
#     snapshot's decoded heapLive is within 1 MB of the first (the
#     runtime reads it a few steps after gcStart's entry) and its goal is
#     equal to the second;
#   - at least one goroutine stack is shown, and the goroutine that hit
#     runs main.main below runtime.gcStart, as the target's code says;
#   - the heat map it names is an SVG document.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
CLI="$TOP/cli/gosnap-cli"
D="$TOP/build/demo"
LOG="$TOP/build/demo.out"
SNAP="$D/001-runtime.gcStart.gsnap"

tap_start
mkdir -p "$TOP/build"
start=$(date +%s)
set +e
make -s --no-print-directory -C "$TOP" demo KERNELS="$kernel" >"$LOG" 2>&1
rc=$?
set -e
secs=$(($(date +%s) - start))
# Two minutes on the stock kernels; the debug kernel runs GOSNAP_SLOW
# times slower.
limit=$((120 * $("$TOP/selftests/vm/kernels" slow "$kernel")))
if [[ $rc -eq 0 && $secs -lt $limit ]]; then
	ok "make demo ends with status 0 in under $limit s ($secs s)"
else
	tail -n 20 "$LOG" | diag
	not_ok "make demo ends with status 0 in under $limit s (status $rc, $secs s)"
fi

# The text table: "  HeapInuse   RUNTIME   PAGES   RESIDENT".
memstat() { awk -v k="$1" '$1 == k && NF == 4 { print $2; exit }' "$LOG"; }
heap_json="$("$CLI" -j heap "$SNAP" 2>/dev/null || true)"
problems=""
for k in HeapInuse HeapSys; do
	shown="$(memstat "$k")"
	want="$(jq -r --arg k "$k" '.counters[$k].value // empty' <<<"$heap_json" 2>/dev/null || true)"
	if ! [[ "$shown" =~ ^[1-9][0-9]*$ ]]; then
		problems+="$k: the demo shows '${shown:-nothing}', not a decoded number"$'\n'
	elif [[ "$shown" != "$want" ]]; then
		problems+="$k: the demo shows $shown, heap -j of its snapshot says '${want:-nothing}'"$'\n'
	fi
done
verdict "the demo's heap table is decoded (HeapInuse $(memstat HeapInuse), HeapSys $(memstat HeapSys)) and matches heap -j" <<<"${problems%$'\n'}"

# gctrace: "gc 1 @0.5s 9%: ... ms cpu, 3->4->4 MB, 4 MB goal, ..."
trace="$(grep -m1 '^gc 1 ' "$LOG" || true)"
trace_start="$(sed -nE 's/.* ([0-9]+)->[0-9]+->[0-9]+ MB, .*/\1/p' <<<"$trace")"
trace_goal="$(sed -nE 's/.* ([0-9]+) MB goal.*/\1/p' <<<"$trace")"
gc_json="$("$CLI" -j gc "$SNAP" 2>/dev/null || true)"
live="$(jq -r '.cycle.heap_live // empty' <<<"$gc_json" 2>/dev/null || true)"
goal="$(jq -r '.cycle.gc_percent_heap_goal // empty' <<<"$gc_json" 2>/dev/null || true)"
if [[ -n "$trace_start" && -n "$trace_goal" && -n "$live" && -n "$goal" ]]; then
	live_mb=$((live >> 20)) goal_mb=$((goal >> 20))
	d=$((live_mb - trace_start))
	if [[ ${d#-} -le 1 && $goal_mb -eq $trace_goal ]]; then
		ok "gctrace's gc 1 ($trace_start MB at start, $trace_goal MB goal) = the snapshot's heapLive $live B, goal $goal B"
	else
		diag <<<"$trace"
		not_ok "gctrace's gc 1 ($trace_start MB at start, $trace_goal MB goal) = the snapshot's heapLive $live B ($live_mb MB), goal $goal B ($goal_mb MB)"
	fi
else
	diag <<<"gctrace line: '${trace:-none}'; gc -j heap_live '${live:-none}', goal '${goal:-none}'"
	not_ok "gctrace's gc 1 line and the snapshot's pacer figures are both there"
fi

# Stacks: "goroutine N [...]" blocks; the hitting goroutine's frames.
n_g="$(grep -c '^goroutine [0-9]' "$LOG" || true)"
hit="$(awk '/^goroutine [0-9]/ { g = $0 } /unwound from the hitting thread/ { p = 1 }
	p && /^  [a-z]/ { print $1 } p && /^  --/ { exit }' "$LOG" | tr '\n' ' ')"
if [[ "$n_g" -ge 1 && "$hit" == "runtime.gcStart "*"main.main runtime.main runtime.goexit " ]]; then
	ok "$n_g goroutine stacks shown; the hitting one: $hit"
else
	diag <<<"goroutines: $n_g; hitting goroutine's frames: '$hit'"
	not_ok "goroutine stacks shown, the hitting one runtime.gcStart ... main.main runtime.main"
fi

svg_line="$(grep -m1 'heat map' "$LOG" || true)"
if [[ "$svg_line" == *build/demo/heap.svg* ]] &&
	python3 -c 'import sys, xml.etree.ElementTree as E; sys.exit(E.parse(sys.argv[1]).getroot().tag != "{http://www.w3.org/2000/svg}svg")' "$D/heap.svg"; then
	ok "the demo names its heat map, build/demo/heap.svg, an SVG document"
else
	diag <<<"${svg_line:-no heat map line}"
	not_ok "the demo names its heat map, build/demo/heap.svg, an SVG document"
fi
tap_finish
