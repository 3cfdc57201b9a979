#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh VERSION...: the heap tests inside the test VM (busybox sh).
# For every Go release: the heap program captured at main.marker and
# checked by check.sh; for the first (and last) release also the
# debug.FreeOSMemory variant (captured --mode full); for the first, a
# 512 MiB heap whose decode time and SVG size are measured (the SVG must
# stay under 5 MB; the host renders it). Prints TAP with the plan at the end.
set -eu

export TAP_COUNTER=/tmp/tap.count
echo 0 >"$TAP_COUNTER"
insmod /gosnap/gosnap.ko 2>/dev/null || echo "# insmod gosnap.ko failed"

first="$1"
last=""
for v in "$@"; do
	sh /gosnap/check.sh "/gosnap/heap-$v" "go$v"
	last="$v"
done
sh /gosnap/check.sh "/gosnap/heap-$first" "go$first-freeos" -freeos
[ "$last" = "$first" ] || sh /gosnap/check.sh "/gosnap/heap-$last" "go$last-freeos" -freeos

# A 512 MiB heap: decoded in full, and its SVG heat map under 5 MB.
svgtap() {
	n=$(($(cat "$TAP_COUNTER") + 1))
	echo "$n" >"$TAP_COUNTER"
	echo "$1 $n go$first-512M: $2"
}
# A meta snapshot leaves the arenas out (the module skips runs of anonymous
# mappings that start and end on 64 MiB boundaries): the snapshot stays
# small and whole, and the heap's runtime metadata is in it.
sh /gosnap/check.sh "/gosnap/heap-$first" "go$first-512M" -mb 512
snap="$(find "/tmp/heap-go$first-512M/snap" -name '*.gsnap' | sort | head -n 1)"
if gosnap-cli show "$snap" | grep -q '^  truncated    no$'; then
	svgtap ok "the meta snapshot of a 512 MiB heap is complete ($(wc -c <"$snap") bytes)"
else
	svgtap "not ok" "the meta snapshot of a 512 MiB heap is complete"
fi
start=$(cut -d' ' -f1 /proc/uptime)
if gosnap-cli heap "$snap" --svg /tmp/heap.svg >/tmp/heap512.txt 2>&1; then
	took=$(awk -v s="$start" '{ printf "%.2f", $1 - s }' /proc/uptime)
	size=$(wc -c </tmp/heap.svg)
	echo "# 512 MiB heap: heap --svg took $took s (TCG), SVG $size bytes, snapshot $(wc -c <"$snap") bytes"
	grep -E '^  (HeapInuse|HeapSys) ' /tmp/heap512.txt | sed 's/^/# /'
	if [ "$size" -lt 5000000 ] && tail -n 1 /tmp/heap.svg | grep -q '^</svg>$'; then
		svgtap ok "SVG of a 512 MiB heap is complete and under 5 MB"
	else
		svgtap "not ok" "SVG of a 512 MiB heap is complete and under 5 MB ($size bytes)"
	fi
	# The host renders it (headless Chromium) when it can.
	echo "# SVG-BEGIN"
	gzip -c /tmp/heap.svg | base64 | sed 's/^/# svg:/'
	echo "# SVG-END"
else
	sed 's/^/# /' /tmp/heap512.txt
	svgtap "not ok" "gosnap-cli heap --svg of a 512 MiB heap"
fi
echo "1..$(cat "$TAP_COUNTER")"
