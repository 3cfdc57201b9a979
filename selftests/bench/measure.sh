#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# measure.sh: the page-state measurements of the benchmark, sourced by the
# guest scripts (busybox sh) guest.sh, guard.sh and profile.sh. Each prints
# "RESULT TARGET NAME VALUE" lines; TARGET names the process measured.
# Needs /dev/barewalk (barewalk.ko), gosnap.ko, and /gosnap/stamp,
# /gosnap/pagemap_scan.

# wait_line FILE PATTERN: until FILE has a line matching PATTERN (60 s).
wait_line() {
	i=0
	while ! grep -q "$2" "$1"; do
		i=$((i + 1))
		[ "$i" -lt 600 ] || { cat "$1"; echo "bench: no '$2' in $1"; exit 1; }
		sleep 0.1
	done
}

# bare TARGET PID: one walk by barewalk (selftests/bench/barewalk).
bare() {
	exec 4<>/dev/barewalk
	echo "$2" >&4
	awk -v t="$1" '$1 == "pid" {
		print "RESULT " t " bare_ns " $10
		print "RESULT " t " bare_present_kb " $4 * 4
		print "RESULT " t " bare_leaves " $6
	}' <&4
	exec 4<&-
}

# modwalk TARGET PID [pte|ptenp]: gosnap-cli capture --pid, end to end
# and the module's own walk time (the snapshot's walk_ns, as show prints
# it); with "pte", of a capture --facts pte (results named pte_* for
# pages_*), with "ptenp" of one also --no-pfn (ptenp_*).
modwalk() {
	facts=page name=pages nopfn=""
	case "${3:-page}" in
	pte) facts=pte name=pte ;;
	ptenp) facts=pte name=ptenp nopfn=--no-pfn ;;
	esac
	t0=$(/gosnap/stamp)
	# shellcheck disable=SC2086 # $nopfn: no word or one
	gosnap-cli capture --pid "$2" --facts "$facts" $nopfn -o /tmp/p.gsnap >/tmp/cap.out
	t1=$(/gosnap/stamp)
	echo "RESULT $1 ${name}_cli_us $((t1 - t0))"
	gosnap-cli show /tmp/p.gsnap | awk -v t="$1" -v n="$name" '$1 == "hold" {
		printf "RESULT %s %s_walk_ns %d\n", t, n, $5 * 1000000 }'
	echo "RESULT $1 ${name}_bytes $(wc -c </tmp/p.gsnap)"
	[ "$name" != pages ] ||
		sed -n "s/.* rss \([0-9]*\) KiB.*/RESULT $1 gosnap_rss_kb \1/p" /tmp/cap.out
}

# scan TARGET PID [PREFIX]: pagemap + kpageflags from user space: its own
# time (from opening the maps to the last read) and, timed as modwalk times
# the capture, end to end (PREFIX_cli_us: the program's start included).
scan() {
	t0=$(/gosnap/stamp)
	/gosnap/pagemap_scan "$2" >/tmp/scan.out
	t1=$(/gosnap/stamp)
	echo "RESULT $1 ${3:-pagemap}_cli_us $((t1 - t0))"
	awk -v t="$1" -v p="${3:-pagemap}" '{
		for (i = 1; i < NF; i += 2) v[$i] = $(i + 1)
		print "RESULT " t " " p "_us", v["us"]
		print "RESULT " t " " p "_present_kb", v["present"] * 4
		print "RESULT " t " " p "_zero_kb", v["zero"] * 4
	}' /tmp/scan.out
}

# pagestate TARGET PID N: the three, interleaved, N times on one process,
# so that a burst of noise from outside the VM hits all of them alike;
# and the snapshot's size without PFNs (runs then break only where a
# page's state does, not where its frame is not the next one's).
pagestate() {
	echo "RESULT $1 rss_kb $(awk '/^VmRSS/ { print $2 }' /proc/"$2"/status)"
	echo "RESULT $1 vmas $(wc -l </proc/"$2"/maps)"
	gosnap-cli capture --pid "$2" --no-pfn -o /tmp/np.gsnap >/dev/null
	echo "RESULT $1 nopfn_bytes $(wc -c </tmp/np.gsnap)"
	n=0
	while [ "$n" -lt "$3" ]; do
		n=$((n + 1))
		bare "$1" "$2"
		modwalk "$1" "$2"
		modwalk "$1" "$2" pte
		modwalk "$1" "$2" ptenp
		scan "$1" "$2"
	done
}
