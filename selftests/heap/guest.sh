#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh VERSION...: the heap tests inside the test VM (busybox sh).
# For every Go release: the heap program captured at main.marker and
# checked by check.sh; for the first (and last) release also the
# debug.FreeOSMemory variant (captured --mode full) and a 512 MiB heap
# whose meta snapshot, decode time and SVG size are measured (the SVG must
# stay under 5 MB; the host renders the last one). Prints TAP with the plan
# at the end.
set -eu

export TAP_COUNTER=/tmp/tap.count
echo 0 >"$TAP_COUNTER"
# the --while-held pagemap read may take seconds on a loaded machine: the CLI
# releases the target as soon as it is done
insmod /gosnap/gosnap.ko hold_timeout_ms=60000 2>/dev/null || echo "# insmod gosnap.ko failed"

first="$1"
last=""
for v in "$@"; do
	sh /gosnap/check.sh "/gosnap/heap-$v" "go$v"
	last="$v"
done
sh /gosnap/check.sh "/gosnap/heap-$first" "go$first-freeos" -freeos
[ "$last" = "$first" ] || sh /gosnap/check.sh "/gosnap/heap-$last" "go$last-freeos" -freeos

# A 512 MiB heap, for the first and the last release: decoded in full,
# and its SVG heat map under 5 MB (the last one's is sent to the host).
svgtap() {	# svgtap "ok"|"not ok" VERSION description
	n=$(($(cat "$TAP_COUNTER") + 1))
	echo "$n" >"$TAP_COUNTER"
	echo "$1 $n go$2-512M: $3"
}
big() {	# big VERSION send-svg(yes|no)
	v="$1"
	sh /gosnap/check.sh "/gosnap/heap-$v" "go$v-512M" -mb 512
	snap="$(find "/tmp/heap-go$v-512M/snap" -name '*.gsnap' | sort | head -n 1)"
	bytes=$(wc -c <"$snap")
	gosnap-cli show "$snap" | grep -E '^  (hold|records) ' | sed 's/^/# /'
	if gosnap-cli show "$snap" | grep -q '^  truncated    no$'; then
		svgtap ok "$v" "the meta snapshot of a 512 MiB heap is complete ($bytes bytes)"
	else
		svgtap "not ok" "$v" "the meta snapshot of a 512 MiB heap is complete"
	fi
	# A meta snapshot leaves the arenas out (the module skips runs of
	# anonymous mappings that start and end on 64 MiB boundaries) but
	# keeps the hitting goroutine's stack, which lives in one: copied from
	# sp to g.stack.hi (GOSNAP_TARGET_STACK_BOUNDS), not to the end of the
	# arena's mapping. So the snapshot is small next to the heap (runtime
	# metadata, up to 1/32 of it for go1.19's heap bitmaps, is copied),
	# and the held goroutine still unwinds from main.marker to goexit.
	sys=$(awk '/^  HeapSys / { print $2 }' "/tmp/heap-go$v-512M/heap.txt")
	gosnap-cli stacks "$snap" >/tmp/stacks512.txt 2>&1 || true
	if [ -n "$sys" ] && [ "$bytes" -lt $((sys / 16)) ] &&
	   awk '/hit the probe/ { t = 1; next } t && /^  [A-Za-z_][^ ]*$/ { f[++n] = $1 } t && /^$/ { exit }
		END { exit !(f[1] == "main.marker" && f[2] == "main.main" &&
			     f[n] == "runtime.goexit") }' /tmp/stacks512.txt &&
	   grep -q 'a meta snapshot leaves the Go heap out: capture with --mode full' /tmp/stacks512.txt; then
		svgtap ok "$v" "the meta snapshot leaves the arenas out ($bytes bytes, HeapSys $sys) and keeps the held goroutine's whole stack; stacks says why the others are missing"
	else
		sed -n '1,16p' /tmp/stacks512.txt | sed 's/^/# /'
		svgtap "not ok" "$v" "the meta snapshot leaves the arenas out ($bytes bytes, HeapSys ${sys:-?}) and keeps the held goroutine's whole stack; stacks says why the others are missing"
	fi
	start=$(cut -d' ' -f1 /proc/uptime)
	if gosnap-cli heap "$snap" --svg /tmp/heap.svg >/tmp/heap512.txt 2>&1; then
		took=$(awk -v s="$start" '{ printf "%.2f", $1 - s }' /proc/uptime)
		size=$(wc -c </tmp/heap.svg)
		echo "# go$v 512 MiB heap: heap --svg took $took s (TCG), SVG $size bytes, snapshot $bytes bytes"
		grep -E '^  (HeapInuse|HeapSys) ' /tmp/heap512.txt | sed 's/^/# /'
		if [ "$size" -lt 5000000 ] && tail -n 1 /tmp/heap.svg | grep -q '^</svg>$'; then
			svgtap ok "$v" "SVG of a 512 MiB heap is complete and under 5 MB"
		else
			svgtap "not ok" "$v" "SVG of a 512 MiB heap is complete and under 5 MB ($size bytes)"
		fi
		# The host renders it (headless Chromium) when it can.
		if [ "$2" = yes ]; then
			echo "# SVG-BEGIN"
			gzip -c /tmp/heap.svg | base64 | sed 's/^/# svg:/'
			echo "# SVG-END"
		fi
	else
		sed 's/^/# /' /tmp/heap512.txt
		svgtap "not ok" "$v" "gosnap-cli heap --svg of a 512 MiB heap"
	fi
}
if [ "$last" = "$first" ]; then
	big "$first" yes
else
	big "$first" no
	big "$last" yes
fi
echo "1..$(cat "$TAP_COUNTER")"
