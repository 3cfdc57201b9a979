#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 63-gc.t: `gosnap-cli gc` on snapshots taken in the test VM
# (GOSNAP_KERNEL) while the collector marks (issue 13, acceptance 1-3).
#
# The gcgraph target (selftests/targets/go/gcgraph: 16 MiB of linked
# lists and binary trees, then three runtime.GC) is built by Go 1.19,
# 1.22, 1.24, 1.25, 1.26 and the newest release selftests/lib/gotoolchain
# knows; a failed fetch fails the test. Each runs with GOMAXPROCS=2
# GOGC=off GODEBUG=gctrace=1 and is captured with --stop-world --mode
# full at the 8th call of runtime.gcDrain (a mark worker, marking) and the
# first of runtime.gcMarkDone. Each snapshot is decoded twice, with the
# executable as built and with its `strip -s` copy (no .symtab, no DWARF:
# every layout from type descriptors and the release table), and `heap -j
# --spans` gives the heap's spans. The checks (selftests/gc/gc_check.py)
# take the model apart themselves, on both decodes:
#   - every workbuf reached from work.full, work.empty and the Ps lies
#     in a span of work.wbufSpans.busy, at a multiple of _WorkbufSize
#     from its base, and that span is a manual span of `heap --spans`;
#   - 0 <= nobj <= capacity, capacity = (2048 - 24) / 8, 0 on work.empty;
#   - every queued pointer lies inside an in-use span of `heap --spans`;
#   - no workbuf twice on the lists; none reached twice at all where no
#     other worker can be between a put and a get, else at most two per
#     working worker (see gc_check.py);
#   - phase: "mark" at both symbols (setGCPhase(_GCmark) in gcStart
#     precedes both), stripped too (gcphase found by instruction
#     decoding, docs/goglobals.md); nothing unavailable, no problem;
#   - at runtime.gcDrain the caller has taken itself off nwait
#     (nwait < nproc); at runtime.gcMarkDone the condition its callers
#     checked, mgc.go "work.nwait == work.nproc && !gcMarkWorkAvailable":
#     markrootNext >= markrootJobs, and nwait == nproc with work.full
#     empty unless a worker started since the check (nwait < nproc: an
#     idle P's worker on local work); the rule held exactly in most;
#   - cycle: work.cycles = memstats.numgc + 1 while marking, and gctrace
#     printed "gc N" for that cycle, forced;
#   - Green Tea (go1.26+): every P's local span ring is decoded, within
#     its 256 spans, the total their sum; work.spanSPMCs is walked whole:
#     every live spanSPMC ring a power of two of at least 512 (a page of
#     pointers, newSpanSPMC) holding at most its capacity, every P's chain
#     and spanqMask bit read, the rings each chain counts named for that
#     P, the spans chained summed; no problem; at least one ring listed
#     over the Green Tea snapshots (a floor); before go1.26 no rings, and
#     the output says why;
#   - floors: at least one busy workbuf span and one workbuf reached;
#     before Green Tea (go1.26) some queued pointers were checked;
#   - the stripped decode equals the other;
#   - the text output of the newest release's stripped decode says phase
#     mark and lists every workbuf, each in a busy span;
#   - `gc DIR` of the newest release's capture: one row per snapshot, in
#     file (hit) order (runtime.gcDrain hit 8, runtime.gcMarkDone hit 1), each
#     with the phase, cycle and lists of that snapshot's own gc -j, in JSON
#     and as two rows of text;
#   - pictures, of the oldest and the newest release's snapshots: `gc --dot` renders with
#     `dot -Tsvg` (Debian's graphviz), one node per workbuf reached, P and
#     list; `gc --svg` renders in headless Chromium at its size, and the
#     screenshot shows the workbuf boxes' colour exactly when there are
#     workbufs, and their fill colour exactly when objects are queued,
#     and the Green Tea spans bars' colour exactly when a P has spans
#     queued (never before go1.26).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
# shellcheck source=selftests/gc/lib.sh
source "$TOP/selftests/gc/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/gc/vm-$kernel"

tap_start
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
gc_build_gcgraph "$W/guest" 1.22 1.24 1.25 1.26

cat >"$W/guest/run.sh" <<EOS
insmod /gosnap/gosnap.ko || exit 1
for v in ${versions[*]}; do
	t=gcgraph-go\$v
	mkdir -p /out/\$t
	GOMAXPROCS=2 GOGC=off GODEBUG=gctrace=1 \\
		gosnap-cli capture --stop-world --mode full \\
		--at 'runtime.gcDrain#8' --at 'runtime.gcMarkDone#1' -o /out/\$t -- \\
		/gosnap/gc/\$t -mb 16 >/out/\$t/stdout 2>/out/\$t/log
	echo \$? >/out/\$t/rc
	if [ \$v = ${versions[-1]} ]; then
		gosnap-cli -j gc /out/\$t >/out/\$t/series.json 2>/out/\$t/series.err
		gosnap-cli gc /out/\$t >/out/\$t/series.txt 2>&1
	fi
	for s in /out/\$t/*.gsnap; do
		b=\${s%.gsnap}
		gosnap-cli -j gc --objects "\$s" >\$b.gc.json 2>\$b.gc.err
		echo \$? >\$b.gc-rc
		gosnap-cli -j gc --objects --exe /gosnap/gc/\$t.strip "\$s" \\
			>\$b.gc-strip.json 2>\$b.gc-strip.err
		echo \$? >\$b.gc-strip-rc
		gosnap-cli -j heap --spans "\$s" >\$b.heap.json 2>\$b.heap.err
		[ \$v != ${versions[-1]} ] ||
			gosnap-cli gc --workbufs --exe /gosnap/gc/\$t.strip "\$s" >\$b.gc-strip.txt 2>&1
		case \$v in ${versions[0]}|${versions[-1]})
			gosnap-cli gc --dot \$b.dot --svg \$b.svg "\$s" >/dev/null 2>\$b.pictures.err
		esac
		rm -f "\$s"
	done
done
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

# about 150 s a release under TCG
"$TOP/selftests/vm/run" --kernel "$kernel" --timeout $((300 * ${#versions[@]})) \
	--add "$W/guest:/gosnap/gc" -- sh /gosnap/gc/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

python3 "$TOP/selftests/gc/gc_check.py" "$W/out" "${versions[@]}"
