#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 57-cgo.t: a cgo program whose C code has __thread variables (issue 12,
# acceptance 2). The cgo target (selftests/targets/go/cgo) is built by Go
# 1.19 and by the newest release selftests/lib/gotoolchain knows, with
# CGO_ENABLED=1 and gcc linking it statically (-linkmode external
# -extldflags -static: the VM has no libc), and the newest once more
# stripped (-s -w: no runtime.tlsg, so g comes from the threads' Ms).
# Each build is checked first: static, and a PT_TLS larger than Go's
# 8-byte g slot (C's TLS shares the block, g is not at fs_base - 8).
# The newest is built a third time linked to libc (-linkmode external,
# copied in with its loader and libraries: vm/run --add-bin), so that
# nanosleep's frames are libc.so's, a module of its own for libdw.
#
# In the test VM (GOSNAP_KERNEL) each is captured at main.marker with
# --stop-world --mode full. At that moment goroutine 1 runs main.main ->
# C c_call_back -> Go goCallback -> marker (a C->Go callback), two
# goroutines sit in C (c_sleep_outer -> c_sleep_middle -> c_sleep_inner
# -> nanosleep), each locked to its thread, and two are parked inside a
# callback (main.blockInC -> C -> goCallback -> channel receive). Checked
# on `gosnap-cli -j stacks`:
#  (a) every goroutine's id, state and frames equal runtime.Stack(buf,
#      true), which goCallback took right before marker on the same line
#      (runtime-view.jq; native frames left out, as Go's traceback has
#      none), and at least the 5 goroutines above have frames;
#  (b) every thread's g is found (non-zero, with its M's id): from
#      runtime.tlsg's TLS slot ("tls"), or in the stripped build from its
#      M ("m"); the hitting thread runs goroutine 1;
#  (c) goroutine 1 is unwound from the hitting thread through
#      runtime.cgocallback to main._Cfunc_c_call_back, main.main and
#      runtime.goexit; each parked goroutine from its g.sched the same way
#      to main.blockInC and runtime.goexit;
#  (d) each thread sitting in C (its id printed by the target) is walked
#      through native frames that hold c_sleep_inner, c_sleep_middle and
#      c_sleep_outer in that order (the stripped build: native frames,
#      unnamed), then runtime.asmcgocall, the switch to its goroutine and
#      main._Cfunc_c_sleep_outer, main.sleepInC, runtime.goexit.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/cgo/vm-$kernel"
readonly SLEEPERS=2 BLOCKED=2

tap_start
bail_on_error
rm -rf "$W"
mkdir -p "$W/bin" "$W/out"

NEWEST="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
declare -A GO_OF=()
labels=()
for v in 1.19 "$NEWEST"; do
	GO_OF[$v]="$("$TOP/selftests/lib/gotoolchain" "$v")"
	labels+=("go$v")
done
labels+=("go$NEWEST.stripped" "go$NEWEST.dynamic")

# build LABEL: the cgo target into $W/bin/cgo-LABEL.
build() {
	local l="$1" v="${1#go}" ld='-linkmode external -extldflags -static'
	v="${v%.stripped}"
	v="${v%.dynamic}"
	[[ "$l" != *.stripped ]] || ld="-s -w $ld"
	[[ "$l" != *.dynamic ]] || ld='-linkmode external' 
	(cd "$TOP/selftests/targets/go/cgo" &&
		env CGO_ENABLED=1 GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false \
		GOCACHE="${GOCACHE:-$TOP/build/go/cache-$v}" GOPATH="$TOP/build/go/path" \
		GOENV=off GOTELEMETRY=off "${GO_OF[$v]}" build -ldflags="$ld" \
		-o "$W/bin/cgo-$l" .)
}

# built_as BIN: static (.dynamic: linked to libc), and C's TLS in the
# block (PT_TLS memsz > 8).
built_as() {
	local bin="$1" memsz dyn=0
	memsz="$(readelf -lW "$bin" | awk '$1 == "TLS" { print $6 }')"
	readelf -d "$bin" 2>/dev/null | grep -q 'NEEDED.*libc' && dyn=1
	if [[ $dyn != "$([[ "$bin" == *.dynamic ]] && echo 1 || echo 0)" ]] ||
	   [[ -z "$memsz" ]] || (( memsz <= 8 )); then
		echo "$bin: PT_TLS memsz '${memsz:-none}', $(readelf -d "$bin" 2>&1 | grep -c NEEDED) NEEDED" | diag
		return 1
	fi
}

adds=()
trap - ERR
for l in "${labels[@]}"; do
	if ! build "$l" >"$W/build-$l.log" 2>&1; then
		diag <"$W/build-$l.log"
		not_ok "$l: the cgo target built"
		continue
	fi
	check "$l: the cgo target built $([[ $l == *.dynamic ]] && echo "with libc" || echo static), C's __thread variables in its PT_TLS" \
		built_as "$W/bin/cgo-$l"
	if [[ $l == *.dynamic ]]; then
		adds+=(--add-bin "$W/bin/cgo-$l:/gosnap/p/cgo-$l")
	else
		adds+=(--add "$W/bin/cgo-$l:/gosnap/p/cgo-$l")
	fi
done
bail_on_error

cat >"$W/guest.sh" <<EOS
insmod /gosnap/gosnap.ko hold_timeout_ms=60000 || exit 1
for l in ${labels[*]}; do
	[ -x /gosnap/p/cgo-\$l ] || continue
	mkdir -p /out/\$l
	gosnap-cli capture --stop-world --at main.marker --mode full -o /out/\$l/snap \\
		-- /gosnap/p/cgo-\$l -sleepers $SLEEPERS -blocked $BLOCKED \\
		>/out/\$l/stdout 2>/out/\$l/capture.err
	s=\$(ls /out/\$l/snap/*.gsnap 2>/dev/null | tail -n 1)
	[ -n "\$s" ] || continue
	gosnap-cli -j stacks "\$s" >/out/\$l/stacks.json 2>/out/\$l/stacks.err
	echo \$? >/out/\$l/stacks.rc
	gosnap-cli stacks "\$s" >/out/\$l/stacks.txt 2>&1
	rm -f "\$s"
done
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

module_opt=()
if [[ -z "${GOSNAP_PREBUILT:-}" ]]; then
	ko="$("$TOP/selftests/vm/build-module" "$kernel" 2>"$W/module.log")" || {
		diag <"$W/module.log"; bail "building gosnap.ko"; }
	module_opt=(--module "$ko")
fi
start=$(date +%s)
set +e
"$TOP/selftests/vm/run" --kernel "$kernel" "${module_opt[@]}" --timeout 1200 --mem 3G \
	"${adds[@]}" --add "$W/guest.sh" -- sh /gosnap/guest.sh >"$W/vm.log" 2>"$W/vm.err"
rc=$?
set -e
echo "# VM run: $(($(date +%s) - start)) s (vm/run exit $rc)"
sed 's/^/vm: /' "$W/vm.err" | diag
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d 2>/dev/null | tar xzf - -C "$W/out" 2>/dev/null || true
[[ $rc -eq 0 ]] || not_ok "the VM run finished (vm/run exit $rc)"

# decoded LABEL: stacks -j ran and exited 0.
decoded() {
	local d="$W/out/$1"
	[[ -s "$d/stacks.json" && "$(cat "$d/stacks.rc" 2>/dev/null)" == 0 ]] || {
		cat "$d/capture.err" "$d/stacks.err" 2>/dev/null | head -n 10 | diag
		return 1
	}
}

# (a) against runtime.Stack(buf, true).
check_oracle() {
	local d="$W/out/$1" theirs ours framed
	decoded "$1" || return 1
	theirs="$d/runtime-stack.txt"
	ours="$d/ours.txt"
	awk -f "$TOP/selftests/stacks/runtime-stack.awk" "$d/stdout" | sort >"$theirs"
	jq -r --arg probe main.marker -f "$TOP/selftests/stacks/runtime-view.jq" \
		"$d/stacks.json" | sort >"$ours"
	if ! cmp -s "$theirs" "$ours"; then
		echo "goroutines: runtime.Stack $(wc -l <"$theirs"), ours $(wc -l <"$ours")" | diag
		{ diff "$theirs" "$ours" || true; } | head -n 20 | diag
		return 1
	fi
	framed="$(grep -c ' | ' "$ours" || true)"
	if [[ "$framed" -lt $((1 + SLEEPERS + BLOCKED)) ]]; then
		echo "only $framed goroutines with frames, want $((1 + SLEEPERS + BLOCKED))" | diag
		return 1
	fi
	echo "# $1: $(wc -l <"$ours") goroutines ($framed with frames) equal runtime.Stack's"
}

# (b) g on every thread.
check_g() {
	local d="$W/out/$1" want=tls bad n
	decoded "$1" || return 1
	[[ "$1" != *.stripped ]] || want=m
	n="$(jq '[.hit_thread] + .threads | length' "$d/stacks.json")"
	bad="$(jq -r --arg want "$want" '([.hit_thread] + .threads)[]
		| select(.g == 0 or .m_id == null or .g_from != $want)
		| "thread \(.tid): g \(.g) m_id \(.m_id) g_from \(.g_from) (\(.g_note))"' \
		"$d/stacks.json")"
	bad+="$(jq -r '.hit_thread | select(.goid != 1 or .on != "goroutine")
		| "hitting thread \(.tid): on \(.on), goroutine \(.goid), want goroutine 1"' \
		"$d/stacks.json")"
	if [[ -n "$bad" || "$n" -lt $((2 + SLEEPERS)) ]]; then
		echo "$n threads" | diag
		diag <<<"$bad"
		return 1
	fi
	echo "# $1: g of all $n threads found (from $want)"
}

# The function names of a goroutine's or thread's walk, one line; and
# whether it ended cleanly at goexit.
names() { jq -r "$1"' | [.frames[] | select(.inlined | not) | .function] | join(" ")' "$2"; }

# (c) goroutine 1 and the parked goroutines, through the callback.
check_callbacks() {
	local d="$W/out/$1" j="$W/out/$1/stacks.json" g1 n bad=0 parked
	decoded "$1" || return 1
	g1="$(names '.goroutines[] | select(.goid == 1 and .on_hit_thread and .stop.reason == "goexit")' "$j")"
	if ! grep -Eq 'main\.marker main\.goCallback .*runtime\.cgocallback .*main\._Cfunc_c_call_back main\.main runtime\.main runtime\.goexit$' <<<"$g1"; then
		echo "goroutine 1 (from the hitting thread): ${g1:-not unwound to goexit}" | diag
		jq -c '.goroutines[] | select(.goid == 1) | {not_unwound, stop}' "$j" | diag
		bad=1
	fi
	parked="$(names '.goroutines[] | select(.start_function == "main.blockInC" and .thread == null and .stop.reason == "goexit")' "$j")"
	n="$(grep -Ec 'main\.goCallback .*runtime\.cgocallback .*main\._Cfunc_c_call_back main\.blockInC runtime\.goexit$' <<<"$parked" || true)"
	if [[ "$n" -lt $BLOCKED ]]; then
		echo "$n parked goroutines walked through the callback, want $BLOCKED" | diag
		jq -c '.goroutines[] | select(.start_function == "main.blockInC") | {goid, status, stop}' "$j" | diag
		bad=1
	fi
	return $bad
}

# (d) the threads in C.
check_c_threads() {
	local d="$W/out/$1" j="$W/out/$1/stacks.json" tid n=0 walk want
	decoded "$1" || return 1
	want='^(\S+ )*c_sleep_inner c_sleep_middle c_sleep_outer runtime\.asmcgocall ([a-z]\S* )*main\._Cfunc_c_sleep_outer main\.sleepInC runtime\.goexit$'
	[[ "$1" != *.stripped ]] ||
		want='^(\? ){3,}runtime\.asmcgocall ([a-z]\S* )*main\._Cfunc_c_sleep_outer main\.sleepInC runtime\.goexit$'
	while read -r tid; do
		walk="$(names ".threads[] | select(.tid == $tid and .switch != null and .stop.reason == \"goexit\")
			| select([.frames[] | select(.native)] | length >= 3)" "$j")"
		if ! grep -Eq "$want" <<<"$walk"; then
			echo "thread $tid: ${walk:-no clean walk with 3 native frames}" | diag
			jq -c ".threads[] | select(.tid == $tid) | {note, stop}" "$j" | diag
			return 1
		fi
		n=$((n + 1))
	done < <(sed -n '/^=== tids/,/^=== end/p' "$d/stdout" | grep -E '^[0-9]+$' || true)
	if [[ $n -lt $SLEEPERS ]]; then
		echo "$n threads in C checked, want $SLEEPERS (the target printed their ids?)" | diag
		return 1
	fi
	echo "# $1: $n threads in C walked through their C frames to main.sleepInC"
}

for l in "${labels[@]}"; do
	check "$l: ids, states and frames of every goroutine equal runtime.Stack(buf, true)" \
		check_oracle "$l"
	check "$l: every thread's g found, the hitting thread's is goroutine 1" check_g "$l"
	check "$l: goroutines in a C->Go callback unwound through it to main.main / main.blockInC" \
		check_callbacks "$l"
	check "$l: threads in C unwound through the C frames (named) to main.sleepInC" \
		check_c_threads "$l"
done

tap_finish
