#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh MIB CAPTURES THP: the guest half of selftests/bench/profile.
# A Go heap of MIB MiB (or, with THP "always", a C target with MIB MiB
# touched), captured CAPTURES times by gosnap-cli capture --pid under
# perf record (cpu-clock: TCG has no PMU), then perf report by symbol.
set -eu

mib="$1" n="$2" thp="$3" facts="${4:-page}"
insmod /gosnap/gosnap.ko
# shellcheck source=selftests/bench/measure.sh
. /gosnap/measure.sh
mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid

mkfifo /tmp/in
exec 3<>/tmp/in
if [ "$thp" = always ]; then
	/gosnap/reserve <&3 >/tmp/t.out 2>&1 &
	echo "$mib" >&3
	wait_line /tmp/t.out '^touched '
else
	/gosnap/idle -mib "$mib" <&3 >/tmp/t.out 2>&1 &
fi
wait_line /tmp/t.out '^pid '
pid=$(awk '/^pid / { print $2 }' /tmp/t.out)
echo "RESULT rss_kb $(awk '/^VmRSS/ { print $2 }' /proc/"$pid"/status)"
gosnap-cli capture --pid "$pid" -o /tmp/p.gsnap >/dev/null
gosnap-cli show /tmp/p.gsnap | grep -E '^(hold|walk|pages)' || true

cat >/tmp/loop.sh <<LOOP
i=0
while [ \$i -lt $n ]; do
	gosnap-cli capture --pid $pid --facts $facts -o /tmp/p.gsnap >/dev/null
	i=\$((i + 1))
done
LOOP
perf record -q -e cpu-clock -F 10000 -a -g -o /tmp/perf.data -- sh /tmp/loop.sh 2>/tmp/perf.err ||
	{ cat /tmp/perf.err; exit 1; }
# Inclusive time of the capturing process, then self time inside the walk.
echo "PROFILE-BEGIN"
echo "== gosnap-cli capture --pid, inclusive (children), share of its samples"
perf report -i /tmp/perf.data --stdio --children --comm gosnap-cli --sort symbol -g none \
	--percent-limit 1.5 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 60
echo "== inside gosnap_emit_vmas (the walk), self time, share of all samples"
perf report -i /tmp/perf.data --stdio --no-children --sort symbol -g none \
	-p gosnap_emit_vmas -x --percent-limit 0.05 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 40
echo "PROFILE-END"
kill "$pid"
echo "RESULT vm done 1"
