#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 55-stripped.t: decoding Go binaries without DWARF or symbols (issue 5,
# docs/layout.md), in the test VM (GOSNAP_KERNEL).
#
# 1. The heap program (selftests/targets/go/heap) built by every Debian Go
#    toolchain (GOSNAP_STRIPPED_GO="1.19 1.22" to choose):
#    a. one snapshot at main.marker (--mode full) of the normal build is
#       decoded twice, with the executable as built and after `strip -s`
#       put in its place (same build ID, same addresses, no .symtab, no
#       DWARF): `heap --spans`, `stacks`, `show` and `sched` print the same JSON,
#       apart from which layout sources answered;
#    b. the -ldflags='-s -w' build runs through selftests/heap/check.sh:
#       everything decodes, the counters equal the program's ReadMemStats,
#       per-class objects equal MemStats.BySize, residency equals pagemap.
# 2. Stripped esbuild binaries from npm (@esbuild/linux-x64 0.17.19 = Go
#    1.20.4, 0.22.0 = Go 1.22.4, 0.25.0 = Go 1.23.5), captured at the first
#    runtime.gcStart while bundling with GODEBUG=gctrace=1 GOMEMLIMIT=16MiB
#    (esbuild turns the GC percentage off): every arena and span decodes,
#    nothing is unavailable, and the heap agrees with that cycle's gctrace
#    line "A->B->C MB": A is gcController.heapLive when the cycle started,
#    printed as A = floor(heapLive / 2^20). heapLive counts the in-use
#    spans' allocated objects, plus the free slots of the spans cached in
#    the Ps' mcaches (counted as live when cached), so
#      floor(object bytes / 2^20) <= A <= ceil(HeapInuse / 2^20)
#    where object bytes is the sum over in-use spans of allocCount x
#    elemsize and HeapInuse the bytes of in-use spans, both decoded from
#    the spans (and the runtime's own heapInUse counter must equal the
#    latter; the capture stops the world so that both are one moment). The
#    1 MiB slack on each side is the runtime's own truncation to MB.
#    Stopping the world freezes each thread where it is: one frozen inside
#    runtime.(*mheap).allocSpan after initSpan made the span in-use but
#    before heapInUse.add (mheap.go), or inside freeSpanLocked, leaves the
#    two apart by that span. So they must be equal unless `stacks` unwinds
#    some thread of the snapshot through allocSpan or freeSpanLocked, and
#    (allocSpan) an in-use span is exactly the difference (one run of five
#    on a loaded machine had a large object's span in flight).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
. "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/stripped/vm-$kernel"
readonly ESBUILD_VERSIONS="0.17.19 0.22.0 0.25.0"

tap_start
rm -rf "$W"
mkdir -p "$W/guest" "$W/out"

# The heap program, both ways, by each toolchain.
# shellcheck disable=SC2086
mapfile -t versions < <("$TOP/selftests/heap/build-targets" "$W/build" ${GOSNAP_STRIPPED_GO:-} 2>"$W/build.err")
diag <"$W/build.err"
# shellcheck disable=SC2086
for v in ${GOSNAP_STRIPPED_GO:-$("$TOP/selftests/lib/gotoolchain" --list)}; do
	[[ " ${versions[*]} " == *" $v "* ]] ||
		not_ok "Go $v built the heap program (a failed toolchain fetch fails, see above)"
done
built=()
for v in "${versions[@]}"; do
	go="$("$TOP/selftests/lib/gotoolchain" "$v")"
	if (cd "$TOP/selftests/targets/go/heap" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		GOCACHE="${GOCACHE:-$TOP/build/go/cache-$v}" GOPATH="$TOP/build/go/path" \
		"$go" build -ldflags='-s -w' -o "$W/guest/heap-$v.sw" .) 2>"$W/build-$v.err"; then
		cp "$W/build/heap-$v" "$W/guest/heap-$v"
		strip -s -o "$W/guest/heap-$v.strip" "$W/guest/heap-$v"
		built+=("$v")
	else
		not_ok "Go $v builds the heap program with -ldflags='-s -w'"
		diag <"$W/build-$v.err"
	fi
done
cp "$TOP/selftests/heap/check.sh" "$W/guest/"
echo "# Go toolchains: ${built[*]}"

esbuilds=()
for e in $ESBUILD_VERSIONS; do
	if esb="$(npm_esbuild @esbuild/linux-x64 "$e" 2>"$W/npm-$e.err")"; then
		cp "$esb" "$W/guest/esbuild-$e"
		esbuilds+=("$e")
	else
		not_ok "npm pack @esbuild/linux-x64@$e"
		diag <"$W/npm-$e.err"
	fi
done
python3 "$TOP/selftests/esbuild/gen-input.py" "$W/guest/in.js" 20000

cat >"$W/guest/run.sh" <<EOS
export TAP_COUNTER=/tmp/tap.count
echo 0 >\$TAP_COUNTER
insmod /gosnap/gosnap.ko || exit 1
for v in ${built[*]}; do
	o=/out/heap-\$v
	mkdir -p \$o /tmp/run
	cp /gosnap/g/heap-\$v /tmp/run/heap-\$v
	gosnap-cli capture --at main.marker --mode full -o /tmp/sm-\$v -- /tmp/run/heap-\$v \\
		>\$o/prog.out 2>\$o/capture.err
	s=\$(find /tmp/sm-\$v -name '*.gsnap' | sort | head -n 1)
	for exe in dwarf strip; do
		[ \$exe = dwarf ] || cp /gosnap/g/heap-\$v.strip /tmp/run/heap-\$v
		gosnap-cli heap "\$s" --spans -j >\$o/heap.\$exe.json 2>\$o/heap.\$exe.err
		gosnap-cli -j stacks "\$s" >\$o/stacks.\$exe.json 2>\$o/stacks.\$exe.err
		gosnap-cli -j show "\$s" >\$o/show.\$exe.json 2>\$o/show.\$exe.err
		gosnap-cli -j sched "\$s" >\$o/sched.\$exe.json 2>\$o/sched.\$exe.err
	done
	rm -rf /tmp/sm-\$v /tmp/run/heap-\$v
	sh /gosnap/g/check.sh /gosnap/g/heap-\$v.sw go\$v-sw >\$o/check.tap 2>&1
	rm -rf /tmp/heap-go\$v-sw
done
for e in ${esbuilds[*]}; do
	o=/out/esbuild-\$e
	mkdir -p \$o
	cd /tmp
	GOMEMLIMIT=16MiB GODEBUG=gctrace=1 gosnap-cli capture --at 'runtime.gcStart#1' \\
		--at 'runtime.gcResetMarkState#1' --at 'runtime.stopTheWorldWithSema#1' \\
		--max-snapshots 3 --mode full --stop-world \\
		-o /tmp/esb-\$e -- /gosnap/g/esbuild-\$e /gosnap/g/in.js \\
		--bundle --minify --outfile=/tmp/out.js >\$o/prog.out 2>&1
	s=\$(find /tmp/esb-\$e -name '*runtime.gcStart.gsnap' | head -n 1)
	gosnap-cli heap "\$s" --spans -j >\$o/heap.json 2>\$o/heap.err
	gosnap-cli stacks "\$s" -j >\$o/stacks.json 2>>\$o/heap.err
	s=\$(find /tmp/esb-\$e -name '*runtime.gcResetMarkState.gsnap' | head -n 1)
	gosnap-cli heap "\$s" --spans -j >\$o/heap-rms.json 2>>\$o/heap.err
	s=\$(find /tmp/esb-\$e -name '*runtime.stopTheWorldWithSema.gsnap' | head -n 1)
	gosnap-cli heap "\$s" --spans -j >\$o/heap-stw.json 2>>\$o/heap.err
	gosnap-cli layout /gosnap/g/esbuild-\$e >\$o/layout.txt 2>&1
	rm -rf /tmp/esb-\$e
done
cd /out && tar -czf - . | base64 | sed 's/^/# out:/'
EOS

module_opt=()
if [[ -z "${GOSNAP_PREBUILT:-}" ]]; then
	ko="$("$TOP/selftests/vm/build-module" "$kernel" 2>"$W/module.log")" || {
		not_ok "building gosnap.ko"; diag <"$W/module.log"; plan "$n"; exit 1; }
	module_opt=(--module "$ko")
fi
set +e
"$TOP/selftests/vm/run" --kernel "$kernel" "${module_opt[@]}" --timeout 2400 --mem 3G \
	--add "$W/guest:/gosnap/g" --add "$W/build/present" -- "sh /gosnap/g/run.sh" >"$W/vm.out" 2>"$W/vm.err"
rc=$?
set -e
sed -n 's/^# out://p' "$W/vm.out" | base64 -d 2>/dev/null | tar -xzf - -C "$W/out" 2>/dev/null || true
if [[ $rc -ne 0 ]]; then
	not_ok "the VM run finished (vm/run exit $rc)"
	grep -v '^# out:' "$W/vm.out" | tail -n 30 | diag
	diag <"$W/vm.err"
fi

# What may differ between the two decodes: which layout sources answered
# and the executable's file name.
norm() { jq -S 'del(.layout_sources) | del(.executable) | del(.exe)' "$1" 2>/dev/null; }

for v in "${built[@]}"; do
	o="$W/out/heap-$v"
	for cmd in heap stacks show sched; do
		a="$o/$cmd.dwarf.json" b="$o/$cmd.strip.json"
		if [[ -s "$a" && -s "$b" ]] && diff <(norm "$a") <(norm "$b") >"$o/$cmd.diff" &&
			[[ -n "$(norm "$a")" ]]; then
			ok "go$v: $cmd --json of one snapshot is the same with the stripped executable"
		else
			not_ok "go$v: $cmd --json of one snapshot is the same with the stripped executable"
			head -n 20 "$o/$cmd.diff" | diag
			head -n 5 "$o/$cmd.strip.err" 2>/dev/null | diag
		fi
	done
	if [[ -s "$o/heap.strip.json" ]] &&
		jq -e '(.unavailable | length == 0) and (.arenas | length > 0) and
			all(.arenas[]; .decoded) and (.spans | length > 0)' \
			"$o/heap.strip.json" >/dev/null; then
		ok "go$v: stripped: every arena and span decoded, nothing unavailable"
	else
		not_ok "go$v: stripped: every arena and span decoded, nothing unavailable"
		jq -c '.unavailable, .problems' "$o/heap.strip.json" 2>&1 | diag
	fi
	# check.sh's own TAP lines, renumbered
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "${line#ok [0-9]* }" ;;
		"not ok "*) not_ok "${line#not ok [0-9]* }" ;;
		*) echo "$line" ;;
		esac
	done <"$o/check.tap"
	[[ -s "$o/check.tap" ]] || not_ok "go$v -s -w: selftests/heap/check.sh ran"
done

for e in "${esbuilds[@]}"; do
	o="$W/out/esbuild-$e"
	j="$o/heap.json"
	ver="$(jq -r '.go_version // "?"' "$j" 2>/dev/null || echo "?")"
	if [[ -s "$j" ]] && jq -e '(.unavailable | length == 0) and (.arenas | length > 0) and
		all(.arenas[]; .decoded) and (.spans | length > 0)' "$j" >/dev/null; then
		ok "esbuild $e ($ver): every arena and span decoded, nothing unavailable"
	else
		not_ok "esbuild $e ($ver): every arena and span decoded, nothing unavailable"
		{ jq -c '.unavailable, .problems' "$j"; cat "$o/heap.err"; tail -n 5 "$o/prog.out"; } 2>&1 | head -n 20 | diag
	fi
	a="$(sed -n 's/^gc 1 @.* \([0-9][0-9]*\)->[0-9][0-9]*->[0-9][0-9]* MB.*/\1/p' "$o/prog.out" | head -n 1)"
	read -r objects inuse counter < <(jq -r '[([.spans[] | select(.state == "in-use") | .alloc_count * .elem_size] | add),
		([.spans[] | select(.state == "in-use") | .pages * 8192] | add),
		.counters.HeapInuse.value] | @tsv' "$j" 2>/dev/null || echo "- - -")
	# the threads frozen where a span changes state before the counter
	inflight="$(jq -r '[.hit_thread // empty, .threads[]] | map(select(any(.frames[]?;
		.function == "runtime.(*mheap).allocSpan" or .function == "runtime.(*mheap).freeSpanLocked")))
		| map(.tid | tostring) | join(",")' "$o/stacks.json" 2>/dev/null || true)"
	if [[ "$counter" == "$inuse" ]]; then
		ok "esbuild $e: runtime's HeapInuse ($counter B) equals the decoded in-use spans' bytes"
	elif [[ "$counter" =~ ^[0-9]+$ && "$inuse" =~ ^[0-9]+$ && -n "$inflight" ]] &&
		{ ((inuse < counter)) || jq -e --argjson d $((inuse - counter)) \
			'any(.spans[]; .state == "in-use" and .pages * 8192 == $d)' "$j" >/dev/null; }; then
		ok "esbuild $e: runtime's HeapInuse ($counter B) and the decoded in-use spans' bytes ($inuse B) differ by one span in flight: thread $inflight is inside mheap.allocSpan/freeSpanLocked"
	else
		not_ok "esbuild $e: runtime's HeapInuse ($counter B) equals the decoded in-use spans' bytes ($inuse B), and no thread is inside mheap.allocSpan/freeSpanLocked"
	fi
	# gctrace's first figure is heapLive read in gcStart between
	# gcResetMarkState and stopTheWorldWithSema (the world still running),
	# printed rounded down to MiB. heapLive lies between the live object
	# bytes and the in-use span bytes (spans cached in Ps count their free
	# slots as live), and up to gc 1 it only grows (no earlier cycle to
	# sweep). So the object bytes decoded before the read (at gcStart and
	# at gcResetMarkState) bound it from below, the in-use span bytes
	# decoded after it (at stopTheWorldWithSema) from above.
	mib=$((1 << 20))
	if [[ -n "$a" && "$objects" =~ ^[0-9]+$ ]] && ((objects / mib <= a)); then
		ok "esbuild $e: at gcStart the decoded heap ($((objects / mib)) MiB of objects) is not above gctrace's gc 1 start ($a MB)"
	else
		not_ok "esbuild $e: at gcStart the decoded heap (objects ${objects:-?} B) is not above gctrace's gc 1 start (${a:-none} MB)"
		grep '^gc [0-9]' "$o/prog.out" | head -n 3 | diag
	fi
	read -r robj _ < <(jq -r '[([.spans[] | select(.state == "in-use") | .alloc_count * .elem_size] | add),
		([.spans[] | select(.state == "in-use") | .pages * 8192] | add)] | @tsv' "$o/heap-rms.json" 2>/dev/null || echo "- -")
	if [[ -n "$a" && "$robj" =~ ^[0-9]+$ ]] && ((robj / mib <= a)); then
		ok "esbuild $e: at gcResetMarkState the decoded heap ($((robj / mib)) MiB of objects) is not above gctrace's gc 1 start ($a MB)"
	else
		not_ok "esbuild $e: at gcResetMarkState the decoded heap (objects ${robj:-?} B) is not above gctrace's gc 1 start (${a:-none} MB)"
	fi
	# Upper bound: gcStart reads heapLive just before it stops the world;
	# at stopTheWorldWithSema's entry, right after, heapLive can only have
	# grown and is at most the in-use span bytes.
	read -r sinuse < <(jq -r '[.spans[] | select(.state == "in-use") | .pages * 8192] | add' \
		"$o/heap-stw.json" 2>/dev/null || echo "-")
	if [[ -n "$a" && "$sinuse" =~ ^[0-9]+$ ]] && ((a <= (sinuse + mib - 1) / mib)); then
		ok "esbuild $e: gctrace heap at gc 1 start ${a} MB within decoded [$((robj / mib)) at gcResetMarkState, $(((sinuse + mib - 1) / mib)) at stopTheWorldWithSema] MiB"
	else
		not_ok "esbuild $e: gctrace heap at gc 1 start (${a:-none} MB) not above the decoded HeapInuse (${sinuse:-?} B) at stopTheWorldWithSema"
		grep '^gc [0-9]' "$o/prog.out" | head -n 2 | diag
	fi
done
tap_finish
