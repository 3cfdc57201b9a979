#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 60-stacks.t: `gosnap-cli stacks` on snapshots taken in the test VM
# (GOSNAP_KERNEL), against what the Go runtime itself reports.
#
# The stacks target (selftests/targets/go/stacks) is built by Go 1.19
# (normal and -ldflags=-s -w), by Go 1.22 and 1.26, and by the newest
# release selftests/lib/gotoolchain knows (the last of --list: 1.27; normal
# and -s -w); a toolchain that cannot be fetched fails the test. Each runs
# with 1000 goroutines
# blocked in channels, time.Sleep, sync.Mutex and select, captured
# (--mode full) at:
#   runtime.schedinit  the hitting thread's frames are schedinit <- rt0_go,
#                      and the return address is the instruction after
#                      rt0_go's CALL runtime.schedinit (go tool objdump);
#   runtime.main       the frames equal those below runtime.doInit in what
#                      runtime.Callers/CallersFrames report from an init;
#   main.main          the frames equal Callers/CallersFrames from main's
#                      first statement (names, and each caller's pc - 1);
#   main.marker        main calls runtime.Stack(buf, true) right before
#                      marker and prints it afterwards: goroutine ids,
#                      states, and the function name and file:line of
#                      every frame (inlined ones included) of every
#                      goroutine equal it (runtime-view.jq applies
#                      the runtime's own level-1 filtering to ours), at
#                      least 1000 goroutines, each with at least one frame.
# esbuild 0.22.0 (@esbuild/linux-x64 from npm, stripped, Go 1.22.4) is
# captured at its second runtime.gcStart while bundling a generated input
# (esbuild turns the GC percentage off; GOMEMLIMIT=8MiB makes it collect):
# every goroutine unwound from its g.sched (not running on a thread) must
# end at runtime.goexit or a documented stop, and at least 5 goroutines
# (of about 7-9: main, forcegc, bgsweep, bgscavenge, runfinq, esbuild's
# workers, the hitting one) must be walked to runtime.goexit.
#
# Every capture stops the world (--stop-world): without it the other
# threads run while the module copies memory, grow and move goroutine
# stacks (copystack; the GC shrinks parked ones), and a walk meets a stack
# page copied before the stack moved there ("missing stack page"). Each
# compared snapshot must say that every other thread was stopped (their
# registers are in it). A goroutine running on a stopped thread is
# unwound from wherever the signal stopped it, not at a safe point, so its
# walk is counted but not asserted.
#
# The guest runs `gosnap-cli -j stacks` on each snapshot and sends the
# JSON back (tar | base64 on the console); the checks run here.
# GOSNAP_STACKS_MODULE=PATH boots the VM with that gosnap.ko instead of
# the tree's (to try a module change).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/stacks/lib.sh
source "$TOP/selftests/stacks/lib.sh"
SYM_BUILD="$TOP/build/stacks"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$SYM_BUILD/vm-$kernel"
readonly NGOROUTINES=1000

tap_start
bail_on_error

rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
declare -A GO_OF=([go1.19]="$GO119")
targets=(stacks-go1.19 stacks-go1.19.stripped)
NEWEST="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
for v in $(printf '%s\n' 1.22 1.26 "$NEWEST" | sort -uV); do
	if go="$("$TOP/selftests/lib/gotoolchain" "$v" 2>"$W/gotoolchain-$v.err")"; then
		GO_OF[go$v]="$go"
		targets+=("stacks-go$v")
		[[ "$v" != "$NEWEST" ]] || targets+=("stacks-go$v.stripped")
	else
		diag <"$W/gotoolchain-$v.err"
		not_ok "Go $v toolchain (selftests/lib/gotoolchain $v)"
	fi
done
for t in "${targets[@]}"; do
	v="${t#stacks-}"
	v="${v%.stripped}"
	flags=()
	[[ "$t" != *.stripped ]] || flags=(-ldflags='-s -w')
	build_stacks "${GO_OF[$v]}" "$W/guest/$t" "${flags[@]}" >/dev/null
	[[ "$t" == *.stripped ]] || go_env "${GO_OF[$v]}" tool objdump -s '^runtime.rt0_go' \
		"$W/guest/$t" >"$W/objdump-rt0-$t.txt"
done
have_esbuild=0
if ESB="$(npm_esbuild @esbuild/linux-x64 0.22.0 2>"$W/npm.err")"; then
	cp "$ESB" "$W/guest/esbuild"
	# an input large enough that bundling it starts a GC cycle
	for i in $(seq 1 4000); do
		echo "export function f$i(x) { return [x, '$i', { v: x * $i }].map(String).join('-'); }"
	done >"$W/guest/input.js"
	have_esbuild=1
else
	diag <"$W/npm.err"
	not_ok "esbuild 0.22.0 fetched (npm pack @esbuild/linux-x64@0.22.0)"
fi

cat >"$W/guest/run.sh" <<EOS
# a stop-world waits for every thread at most the hold timeout (2 s)
insmod /gosnap/gosnap.ko hold_timeout_ms=20000 || exit 1
for t in ${targets[*]}; do
	mkdir -p /out/\$t
	GOTRACEBACK=single gosnap-cli capture --stop-world --at runtime.schedinit --at runtime.main \\
		--at main.main --at main.marker --mode full -o /out/\$t -- \\
		/gosnap/st/\$t -n $NGOROUTINES >/out/\$t/stdout 2>/out/\$t/capture.err
	for s in /out/\$t/*.gsnap; do
		gosnap-cli -j stacks "\$s" >"\${s%.gsnap}.json" 2>"\${s%.gsnap}.err"
		gosnap-cli -j show "\$s" >"\${s%.gsnap}.show" 2>>"\${s%.gsnap}.err"
		rm -f "\$s"
	done
done
if [ $have_esbuild = 1 ]; then
	mkdir -p /out/esbuild
	GOMEMLIMIT=8MiB GODEBUG=gctrace=1 gosnap-cli capture --at 'runtime.gcStart#2' --max-snapshots 1 \\
		--stop-world --mode full -o /out/esbuild -- /gosnap/st/esbuild --bundle \\
		/gosnap/st/input.js --outfile=/tmp/out.js >/out/esbuild/stdout 2>/out/esbuild/capture.err
	for s in /out/esbuild/*.gsnap; do
		gosnap-cli -j stacks "\$s" >"\${s%.gsnap}.json" 2>"\${s%.gsnap}.err"
		gosnap-cli -j show "\$s" >"\${s%.gsnap}.show" 2>>"\${s%.gsnap}.err"
		rm -f "\$s"
	done
fi
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

module_opt=()
[[ -z "${GOSNAP_STACKS_MODULE:-}" ]] || module_opt=(--module "$GOSNAP_STACKS_MODULE")
# about 225 s a target under TCG (900 s for the four there were)
"$TOP/selftests/vm/run" --kernel "$kernel" "${module_opt[@]}" --timeout $((225 * ${#targets[@]})) --add "$W/guest:/gosnap/st" \
	-- sh /gosnap/st/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

# snap_json DIR SYM: the JSON of the last capture at SYM (a probe at a
# function entry can be hit twice when the function grows its stack and
# starts over).
snap_json() { find "$1" -name "*-$2.json" | sort | tail -n 1; }
# The hitting thread's function names and why its walk stopped.
hit_funcs() { jq -r '.hit_thread.frames // [] | map(.function) | join(" ")' "$1"; }
hit_stop() { jq -r '.hit_thread.stop.reason // "none"' "$1"; }
# "=== callers WHERE" block of the target's stdout: "FUNC PC" lines.
callers() { awk -v w="=== callers $2" '$0 == w { on = 1; next } /^=== / { on = 0 } on' "$1"; }

check_schedinit() {
	local t="$1" j objd want got
	j="$(snap_json "$W/out/$t" runtime.schedinit)"
	objd="$W/objdump-rt0-${t%.stripped}.txt"
	[[ "$(hit_funcs "$j")" == "runtime.schedinit runtime.rt0_go" &&
		"$(hit_stop "$j")" == rt0_go ]] || {
		echo "frames: $(hit_funcs "$j") / stop $(hit_stop "$j")" | diag
		return 1
	}
	# the instruction after the CALL is the return address
	want="$(awk '/CALL runtime\.schedinit(\.abi0)?\(SB\)/ { found = 1; next }
		found && $2 ~ /^0x/ { print $2; exit }' "$objd")"
	got="$(jq -r '.hit_thread.frames[1].pc' "$j")"
	[[ -n "$want" && $((want)) -eq "$got" ]] || {
		echo "return address $got, objdump says $want" | diag
		return 1
	}
}

# check_callers JSON STDOUT WHERE SKIP: our hit frames equal the Callers
# block (after dropping its entries up to the last SKIP-prefixed one).
check_callers() {
	local j="$1" out="$2" where="$3" skip="$4" want got
	want="$(callers "$out" "$where" | awk -v s="$skip" '
		{ f[NR] = $1; pc[NR] = $2; if (s != "" && index($1, s) == 1) last = NR }
		END { for (i = last + 1; i <= NR; i++) print f[i], (i == last + 1 ? "-" : pc[i]) }')"
	# a caller's pc is a return address; CallersFrames gives the call's (pc - 1)
	got="$(jq -r '.hit_thread.frames | to_entries[] |
		"\(.value.function) \(if .key == 0 then "-" else .value.pc - 1 end)"' "$j" |
		while read -r f pc; do
			if [[ "$pc" == - ]]; then echo "$f -"; else printf '%s 0x%x\n' "$f" "$pc"; fi
		done)"
	if [[ "$want" != "$got" ]]; then
		diff <(echo "$want") <(echo "$got") | diag
		return 1
	fi
}

# stopped_world JSON: the snapshot of stacks JSON (its `show -j` beside it)
# says the world was stopped and every thread but the hitting one is.
stopped_world() {
	local show="${1%.json}.show" bad
	bad="$(jq -r '.snapshots[0] |
		if (.flags | index("stop_world")) == null then "no stop_world flag"
		else [.threads[] | select(.hit | not) | select(.state != "stopped" and .state != "dead") |
			"thread \(.tid) \(.state)"] | join(", ") end' "$show" 2>&1)" || bad="no show -j: $bad"
	[[ -z "$bad" ]] && return 0
	echo "not a stopped world: $bad" | diag
	return 1
}

check_marker() {
	local t="$1" j theirs ours framed frames
	j="$(snap_json "$W/out/$t" main.marker)"
	stopped_world "$j" || return 1
	theirs="$W/out/$t/runtime-stack.txt"
	ours="$W/out/$t/ours.txt"
	awk -f "$TOP/selftests/stacks/runtime-stack.awk" "$W/out/$t/stdout" | sort >"$theirs"
	jq -r --arg probe main.marker -f "$TOP/selftests/stacks/runtime-view.jq" "$j" |
		sort >"$ours"
	if ! cmp -s "$theirs" "$ours"; then
		echo "goroutines: runtime.Stack $(wc -l <"$theirs"), ours $(wc -l <"$ours")" | diag
		jq -r '.goroutines_problem // empty' "$j" | diag
		{ diff "$theirs" "$ours" || true; } | head -n 10 | diag
		return 1
	fi
	if [[ "$(wc -l <"$ours")" -lt $NGOROUTINES ]]; then
		echo "only $(wc -l <"$ours") goroutines, the target starts $NGOROUTINES" | diag
		return 1
	fi
	# each of the target's goroutines shows at least one frame (its main.*
	# function): equal but empty frame lists would compare nothing
	read -r framed frames < <(awk -F' [|] ' '{ f = 0; for (i = 2; i <= NF; i++) if ($i !~ /^created by /) f++
		if (f) framed++; n += f } END { print framed + 0, n + 0 }' "$ours")
	if [[ "$framed" -lt $NGOROUTINES ]]; then
		echo "only $framed goroutines with frames compared ($frames frames), want at least $NGOROUTINES" | diag
		return 1
	fi
	echo "# $t: $(wc -l <"$ours") goroutines ($framed with frames, $frames frames) equal runtime.Stack's"
}

for t in "${targets[@]}"; do
	d="$W/out/$t"
	if [[ ! -s "$(snap_json "$d" main.marker)" ]]; then
		cat "$d/capture.err" "$d"/*.err 2>/dev/null | head -n 10 | diag
		not_ok "$t: captured and decoded at 4 probes"
		continue
	fi
	check "$t: at runtime.schedinit the frames are schedinit <- rt0_go, return address as objdump" \
		check_schedinit "$t"
	check "$t: at runtime.main the frames equal runtime.Callers below runtime.doInit" \
		check_callers "$(snap_json "$d" runtime.main)" "$d/stdout" init runtime.doInit
	check "$t: at main.main the frames and return addresses equal runtime.Callers" \
		check_callers "$(snap_json "$d" main.main)" "$d/stdout" main ""
	check "$t: at main.marker the hitting thread is main.marker <- main.main <- runtime.main <- runtime.goexit" \
		test "$(hit_funcs "$(snap_json "$d" main.marker)")" == \
		"main.marker main.main runtime.main runtime.goexit"
	check "$t: ids, states and frames (function, file:line) of every goroutine equal runtime.Stack(buf, true)" \
		check_marker "$t"
done

if [[ $have_esbuild == 1 ]]; then
	j="$(find "$W/out/esbuild" -name '*.json' 2>/dev/null | sort | head -n 1)"
	if [[ -z "$j" ]]; then
		tail -n 5 "$W/out/esbuild/capture.err" 2>/dev/null | diag
		not_ok "esbuild 0.22.0: captured at runtime.gcStart"
	else
		# goroutines not on a thread (walked from g.sched or the syscall
		# pc/sp) must end cleanly or at a documented stop; those on a
		# stopped thread are counted only (see the header)
		read -r parked clean documented running clean_all < <(jq -r '
			[.goroutines[] | select(.status != "dead")] as $g |
			($g | map(select(.thread == null))) as $p |
			[$p | length,
			 ($p | map(select(.unwound and .stop.clean)) | length),
			 ($p | map(select(.unwound and (.stop.clean | not) and .stop.reason == "system-stack switch")) | length),
			 ($g | map(select(.thread != null)) | length),
			 ($g | map(select(.unwound and .stop.reason == "goexit")) | length)] | @tsv' "$j")
		other=$((parked - clean - documented))
		if ! stopped_world "$j"; then
			not_ok "esbuild 0.22.0 at runtime.gcStart: the capture stopped every other thread"
		elif [[ "$clean_all" -ge 5 && "$other" -eq 0 && "$(hit_stop "$j")" == goexit ]]; then
			ok "esbuild 0.22.0 at runtime.gcStart: all $parked goroutines off-thread end cleanly ($clean) or at a documented stop ($documented); $running on stopped threads; $clean_all walked to goexit (at least 5)"
		else
			jq -r '.goroutines_problem // empty' "$j" | diag
			jq -r '.goroutines[] | select(.status != "dead" and .thread == null) | select((.unwound and .stop.clean) | not) |
				"goroutine \(.goid): \(.stop.reason // .not_unwound)"' "$j" | head -n 10 | diag
			not_ok "esbuild 0.22.0 at runtime.gcStart: $other of $parked goroutines off-thread end elsewhere; $clean_all walked to goexit (at least 5) (hit thread: $(hit_stop "$j"))"
		fi
	fi
fi

tap_finish
