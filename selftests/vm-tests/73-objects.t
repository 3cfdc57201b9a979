#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 73-objects.t: `gosnap-cli objects` (docs/objects.md) on the objects
# target (selftests/targets/go/objects) captured in the test VM
# (GOSNAP_KERNEL) at main.marker, --mode full, with the kernel's pagemap
# read while it is held (selftests/heap/present, the oracle) and the whole
# process stopped (--stop-world: no other thread may fault a page in
# between the capture and that read). Built by Go
# 1.19, 1.21, 1.22, 1.24, 1.26 and the newest release gotoolchain knows
# (GOSNAP_OBJECTS_GO="1.19 1.22" to choose); a failed fetch fails. Each
# snapshot is decoded with the executable and with its `strip -s` copy.
# selftests/objects/objects_check.py then checks, per release:
#   - the whole heap: objects and bytes equal the HeapObjects and
#     HeapAlloc the program read right before the marker, and the spans'
#     allocCount; no span skipped, nothing unavailable, no problem; floors:
#     at least the 113,000 objects the program holds;
#   - types from DWARF along pointers (the executable's; not stripped):
#     exactly 100,000 main.Small (the global map's) and 10,000
#     main.ringNode, from DWARF, exactly 3,000 main.Big (from DWARF
#     before go1.22: the blocked goroutine's local; from their headers
#     since), the 64 MiB []byte typed through main.iface's interface;
#     stripped, the flow says why it did not run;
#   - go1.22+ (allocation headers): main.Big from their headers, the
#     slice holding them ([]*main.Big) typed by its largeType; with the
#     executable and stripped, every header and largeType named (the only
#     untyped groups: noscan, and small scan objects); stripped, before
#     go1.22, nothing typed, and the untyped groups are said to be the
#     heap bitmap's;
#   - residency, against pagemap read while held: main.Small's,
#     main.ringNode's and main.Big's, summed over their slots (the
#     program writes their addresses), and, stripped, the 64 MiB []byte's;
#   - stripped, the same objects, bytes and residency, and exactly the
#     header and largeType groups of the decode with the executable;
#   - the text output of the newest release lists main.Big (header) with
#     3000 objects, main.Small (dwarf) with 100000, says what DWARF typed,
#     and shows the untyped groups apart;
#   - `retain` (selftests/objects/retain_check.py): every allocated
#     object reached from data, bss and the stacks; main.smalls,
#     main.ring, main.iface and the blocked goroutine's frame each retain
#     what the program holds there; stripped, the same per root kind;
#   - --pprof of objects and retain read back by go tool pprof (Go 1.19):
#     every group's, every root's values exactly as the JSON has them.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/objects/vm-$kernel"

tap_start
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
read -r -a wanted <<<"${GOSNAP_OBJECTS_GO:-1.19 1.21 1.22 1.24 1.26 $NEWEST_GO_WANTED}"
mapfile -t versions < <(printf '%s\n' "${wanted[@]}" | sort -uV)
for v in "${versions[@]}"; do
	if [[ $v == 1.19 ]]; then
		go="$GO119"
	else
		go="$("$TOP/selftests/lib/gotoolchain" "$v")"
	fi
	(cd "$TOP/selftests/targets/go/objects" &&
		go_env "$go" build -o "$W/guest/objects-go$v" .)
	strip -s -o "$W/guest/objects-go$v.strip" "$W/guest/objects-go$v"
done
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -static \
	-o "$W/guest/present" "$TOP/selftests/heap/present.c"

cat >"$W/guest/run.sh" <<EOS
insmod /gosnap/gosnap.ko hold_timeout_ms=60000 || exit 1
for v in ${versions[*]}; do
	t=go\$v
	o=/out/\$t
	mkdir -p \$o
	gosnap-cli capture --stop-world --at main.marker --mode full -o \$o/snap --hold \\
		--while-held "/gosnap/objects/present \\\$GOSNAP_PID >\$o/present.txt" \\
		-- /gosnap/objects/objects-\$t -addrs \$o/addrs.txt >\$o/stdout 2>\$o/capture.err
	echo \$? >\$o/capture-rc
	s="\$(find \$o/snap -name '*.gsnap' | sort | head -n 1)"
	start=\$(cut -d' ' -f1 /proc/uptime)
	gosnap-cli -j objects --pprof \$o/objects.pb.gz "\$s" >\$o/objects.json 2>\$o/objects.err
	echo \$? >\$o/objects-rc
	awk -v s="\$start" '{ printf "%.2f\n", \$1 - s }' /proc/uptime >\$o/objects-secs
	gosnap-cli -j objects --exe /gosnap/objects/objects-\$t.strip "\$s" \\
		>\$o/objects-strip.json 2>\$o/objects-strip.err
	echo \$? >\$o/objects-strip-rc
	gosnap-cli objects --top 12 "\$s" >\$o/objects.txt 2>&1
	gosnap-cli -j retain --pprof \$o/retain.pb.gz "\$s" >\$o/retain.json 2>\$o/retain.err
	echo \$? >\$o/retain-rc
	gosnap-cli -j retain --exe /gosnap/objects/objects-\$t.strip "\$s" \\
		>\$o/retain-strip.json 2>\$o/retain-strip.err
	echo \$? >\$o/retain-strip-rc
	gosnap-cli retain --top 12 "\$s" >\$o/retain.txt 2>&1
	rm -rf \$o/snap
done
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

# about 100 s a release under TCG
"$TOP/selftests/vm/run" --kernel "$kernel" --mem 3G --timeout $((300 * ${#versions[@]})) \
	--add "$W/guest:/gosnap/objects" -- sh /gosnap/objects/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

GOSNAP_PPROF_GO="$GO119" python3 "$TOP/selftests/objects/objects_check.py" "$W/out" "${versions[@]}"
