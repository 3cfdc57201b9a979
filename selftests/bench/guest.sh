#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh RUNS "GO_MIBS" "C_MIBS" GCORE_MAX FULL_MAX: the benchmark inside the
# test VM (busybox sh). Prints "RESULT TARGET NAME VALUE" lines for
# selftests/bench/run; TARGET is goN (a Go heap of N MiB), cN (the sparse
# C target, N MiB touched in a 64 GiB PROT_NONE reservation) or cN-bare
# (the same N MiB, no reservation).
#
# For each target, one process, measured RUNS times over (measure.sh):
#   page state  the bare walk (barewalk.ko: the limit), gosnap-cli capture
#               --pid end to end and the module's own walk_ns, and
#               pagemap_scan (pagemap + kpageflags from user space);
#               snapshot bytes;
# and for the Go heaps, on the same process:
#   freeze      frozen at main.tick with every thread stopped
#               (--stop-world), in each mode (pages, meta, full): how long
#               the target was held, as the module measured it; full only
#               for heaps of at most FULL_MAX MiB (its snapshot is the
#               heap's size three times in the guest's RAM: the module's
#               copy, the CLI's and the file in /tmp; max_bytes is raised to its
#               ceiling, 4 GiB, so that none ends early);
#   decode      gosnap-cli heap --json on the meta snapshot: wall time and
#               peak memory (/gosnap/rusage);
#   gcore       gdb-minimal attach, gcore, detach, once, last (it maps the
#               zero page into every page it reads), for heaps of at most
#               GCORE_MAX MiB (its core, about 3 times the heap, goes to
#               the guest's /tmp, in RAM).
set -eu

runs="$1" go_mibs="$2" c_mibs="$3" gcore_max="$4" full_max="$5"
insmod /gosnap/gosnap.ko max_bytes=$((4 << 30))
insmod /gosnap/barewalk.ko
# shellcheck source=selftests/bench/measure.sh
. /gosnap/measure.sh
echo "RESULT vm thp $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)"

# Each target's stdin is a FIFO this shell holds open: it blocks reading it.
mkfifo /tmp/in
exec 3<>/tmp/in


freeze() {
	t="$1" pid="$2" modes="pages meta"
	[ "$3" -gt "$full_max" ] || modes="$modes full"
	for mode in $modes; do
		rm -rf /tmp/f
		timeout 300 gosnap-cli capture --pid "$pid" --at main.tick --max-snapshots 1 \
			--stop-world --mode "$mode" -o /tmp/f >/dev/null 2>/tmp/cap.err
		snap=$(find /tmp/f -name '*.gsnap' | head -n 1)
		# "hold X ms (walk Y ms, copy Z ms)", in us; and a snapshot that
		# ended early, held for less than the mode's work
		gosnap-cli show "$snap" | awk -v r="RESULT $t hold_$mode" '
			$1 == "hold" { printf "%s_us %d\n", r, $2 * 1000 }
			$1 == "truncated" && $2 == "yes" { print r "_truncated 1" }'
		echo "RESULT $t hold_${mode}_bytes $(wc -c <"$snap")"
		if [ "$mode" = meta ]; then
			/gosnap/rusage gosnap-cli heap "$snap" --json 2>/tmp/ru ||
				true
			awk -v t="$t" '$1 == "rusage" {
				print "RESULT " t " heap_us " $3
				print "RESULT " t " heap_maxrss_kb " $5
				print "RESULT " t " heap_status " $7 }' /tmp/ru
		fi
		rm -rf /tmp/f	# /tmp is RAM: room for the next
	done
}

gcore() {
	t="$1" pid="$2"
	rm -f /tmp/core /tmp/g0 /tmp/g1
	/gosnap/gdb -nx -batch -ex "shell /gosnap/stamp >/tmp/g0" -ex "attach $pid" \
		-ex "gcore /tmp/core" -ex "detach" -ex "shell /gosnap/stamp >/tmp/g1" \
		>/tmp/gdb.out 2>&1 </dev/null || true
	if [ ! -s /tmp/core ] || [ ! -s /tmp/g0 ] || [ ! -s /tmp/g1 ]; then
		cat /tmp/gdb.out
		echo "bench: gcore did not run through"
		exit 1
	fi
	echo "RESULT $t gcore_us $(($(cat /tmp/g1) - $(cat /tmp/g0)))"
	echo "RESULT $t gcore_bytes $(wc -c </tmp/core)"
	rm -f /tmp/core
}

for mib in $go_mibs; do
	t="go$mib"
	out="/tmp/idle-$mib.out"
	/gosnap/idle -mib "$mib" -tick 10 <&3 >"$out" 2>&1 &
	bg=$!
	wait_line "$out" '^pid '
	pid=$(awk '/^pid / { print $2 }' "$out")
	pagestate warmup "$pid" 1 >/dev/null	# first runs pay for cold caches
	pagestate "$t" "$pid" "$runs"
	r=0
	while [ "$r" -lt "$runs" ]; do
		r=$((r + 1))
		freeze "$t" "$pid" "$mib"
	done
	scan "$t" "$pid" after_gosnap
	if [ "$mib" -le "$gcore_max" ]; then
		gcore "$t" "$pid"
		scan "$t" "$pid" after_gcore
	fi
	kill "$pid"
	wait "$bg" 2>/dev/null || true
done

# The sparse target: the same process grows from one size to the next;
# then its control, the same sizes with no reservation.
for kind in reserve bare; do
	flag=""
	[ "$kind" = reserve ] || flag=-n
	# a file of its own: the last target's "pid" line must not be read
	out=/tmp/res-$kind.out
	/gosnap/reserve $flag <&3 >"$out" 2>&1 &
	bg=$!
	wait_line "$out" '^pid '
	pid=$(awk '/^pid / { print $2 }' "$out")
	for mib in $c_mibs; do
		echo "$mib" >&3
		wait_line "$out" "^touched $mib\$"
		t="c$mib"
		[ "$kind" = reserve ] || t="c$mib-bare"
		pagestate warmup "$pid" 1 >/dev/null
		pagestate "$t" "$pid" "$runs"
	done
	kill "$pid"
	wait "$bg" 2>/dev/null || true
done

# perhit N: hitloop calls lc_probe N times, first alone, then with a probe
# armed there that never captures (--hits past N): what an armed probe
# costs each call it sees. Armed once lc_probe's first byte reads int3.
perhit() {
	n="$1"
	for armed in no yes; do
		out=/tmp/hl-$armed.out
		/gosnap/hitloop loop "$n" 0 <&3 >"$out" 2>&1 &
		bg=$!
		wait_line "$out" '^ready'
		if [ "$armed" = yes ]; then
			addr=$(awk '/^probe / { print $2 }' "$out")
			rm -rf /tmp/ph
			gosnap-cli capture --pid "$bg" --at lc_probe --hits $((n + 1)) \
				-o /tmp/ph >/tmp/ph.out 2>&1 &
			cli=$!
			i=0
			while [ "$(dd if=/proc/$bg/mem bs=1 skip=$((addr)) count=1 2>/dev/null |
				od -An -tx1 | tr -d ' ')" != cc ]; do
				i=$((i + 1))
				[ "$i" -lt 600 ] || { cat /tmp/ph.out; echo "bench: the probe was not armed"; exit 1; }
				sleep 0.1
			done
		fi
		printf g >&3
		wait_line "$out" '^done '
		echo "RESULT hits calls $n"
		echo "RESULT hits ${armed}_probe_us $(sed -n 's/.*total_us=\([0-9]*\).*/\1/p' "$out")"
		[ "$armed" = no ] || { kill -INT "$cli"; wait "$cli" 2>/dev/null || true; }
		kill "$bg"
		wait "$bg" 2>/dev/null || true
	done
}
[ -z "$go_mibs" ] || perhit 1000000

echo "RESULT vm done 1"
