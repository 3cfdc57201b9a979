#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh MIB RUNS: the benchmark inside the test VM (busybox sh). A Go
# program holding MIB MiB of heap (selftests/targets/go/idle, calling
# main.tick every 10 ms) is measured RUNS times, each way:
#   pages   gosnap-cli capture --pid (page state of every page, the target
#           not stopped): the CLI's wall time and the module's walk time,
#           against pagemap_scan (pagemap + kpageflags from user space);
#   freeze  frozen at main.tick with every thread stopped (--stop-world),
#           memory copied (meta, full): how long the target was held, as
#           the module measured it, against gcore (gdb-minimal: attach,
#           write a core, detach), timed from right before the attach to
#           right after the detach.
# Prints "RESULT NAME VALUE" lines for selftests/bench/run.
set -eu

mib="$1" runs="$2"
insmod /gosnap/gosnap.ko

# start_target: a fresh target for each run ($pid), so that no run sees
# what an earlier one did to it (gcore maps the zero page into every
# untouched page it reads).
# Its stdin is a FIFO this shell holds open, so it blocks reading it.
mkfifo /tmp/idle.in
exec 3<>/tmp/idle.in
start_target() {
	/gosnap/idle -mib "$mib" -tick 10 <&3 >/tmp/idle.out 2>&1 &
	bg=$!
	i=0
	while ! grep -q '^pid ' /tmp/idle.out; do
		i=$((i + 1))
		[ "$i" -lt 600 ] || { cat /tmp/idle.out; echo "bench: the target did not start"; exit 1; }
		sleep 0.1
	done
	pid=$(awk '/^pid / { print $2 }' /tmp/idle.out)
}

# "hold X ms (walk Y ms, copy Z ms)" of a snapshot, as microseconds.
hold_us() { gosnap-cli show "$1" | awk '$1 == "hold" { printf "%d %d\n", $2 * 1000, $5 * 1000 }'; }

# pagemap_scan's line as RESULT lines, names prefixed with $1.
scan() {
	/gosnap/pagemap_scan "$pid" | awk -v p="$1" '{
		for (i = 1; i < NF; i += 2) v[$i] = $(i + 1)
		print "RESULT " p "_us", v["us"]
		print "RESULT " p "_present_kb", v["present"] * 4
		print "RESULT " p "_zero_kb", v["zero"] * 4
	}'
}

r=0
while [ "$r" -lt "$runs" ]; do
	r=$((r + 1))
	start_target
	echo "RESULT rss_kb $(awk '/^VmRSS/ { print $2 }' /proc/"$pid"/status)"
	echo "RESULT vmas $(wc -l </proc/"$pid"/maps)"

	# Page state, the whole process, nothing stopped.
	t0=$(/gosnap/stamp)
	gosnap-cli capture --pid "$pid" -o /tmp/p.gsnap >/tmp/cap.out
	t1=$(/gosnap/stamp)
	# shellcheck disable=SC2046 # two numbers, split on purpose
	set -- $(hold_us /tmp/p.gsnap)
	echo "RESULT pages_cli_us $((t1 - t0))"
	echo "RESULT pages_walk_us $2"
	echo "RESULT pages_bytes $(wc -c </tmp/p.gsnap)"
	sed -n 's/.* rss \([0-9]*\) KiB.*/RESULT gosnap_rss_kb \1/p' /tmp/cap.out
	scan pagemap

	# Frozen at main.tick, every thread stopped, memory copied.
	for mode in meta full; do
		rm -rf /tmp/f
		timeout 120 gosnap-cli capture --pid "$pid" --at main.tick --max-snapshots 1 \
			--stop-world --mode "$mode" -o /tmp/f >/dev/null
		snap=$(find /tmp/f -name '*.gsnap' | head -n 1)
		# shellcheck disable=SC2046
		set -- $(hold_us "$snap")
		echo "RESULT hold_${mode}_us $1"
		echo "RESULT hold_${mode}_bytes $(wc -c <"$snap")"
		rm -rf /tmp/f	# /tmp is RAM: room for the core file
	done
	scan after_gosnap

	# gcore: gdb attaches (every thread stops), writes the core, detaches.
	rm -f /tmp/core /tmp/g0 /tmp/g1
	/gosnap/gdb -nx -batch -ex "shell /gosnap/stamp >/tmp/g0" -ex "attach $pid" \
		-ex "gcore /tmp/core" -ex "detach" -ex "shell /gosnap/stamp >/tmp/g1" \
		>/tmp/gdb.out 2>&1 </dev/null || true
	if [ ! -s /tmp/core ] || [ ! -s /tmp/g0 ] || [ ! -s /tmp/g1 ]; then
		cat /tmp/gdb.out
		echo "bench: gcore did not run through"
		exit 1
	fi
	echo "RESULT gcore_us $(($(cat /tmp/g1) - $(cat /tmp/g0)))"
	echo "RESULT gcore_bytes $(wc -c </tmp/core)"
	rm -f /tmp/core
	scan after_gcore
	kill "$pid"
	wait "$bg" 2>/dev/null || true
done
echo "RESULT done 1"
