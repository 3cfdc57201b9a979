#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 56-pie.t: position-independent executables decode exactly as their
# non-PIE builds (issue 12, acceptance 1). The heap program
# (selftests/targets/go/heap) and the stacks program
# (selftests/targets/go/stacks) are built by Go 1.19 and by the newest
# release selftests/lib/gotoolchain knows, four ways each:
#   exe     CGO_ENABLED=0, the default (ET_EXEC, static);
#   pie     CGO_ENABLED=0 -buildmode=pie (Go's internal linker, ET_DYN);
#   cgo     CGO_ENABLED=1 -linkmode=external (the targets' cgo.go links
#           runtime/cgo; gcc links, libc and its loader);
#   cgopie  the same with -buildmode=pie (gcc's ET_DYN, linked at 0).
# Each build is checked first (ELF type, build settings, libc needed), so
# a test that silently tested four copies of one build fails.
#
# In the test VM (GOSNAP_KERNEL), with the dynamic ones' loaders and
# libraries copied in (vm/run --add-bin):
#  (a) the heap program is captured at main.marker and checked by
#      selftests/heap/check.sh, as 50-heap.t does: HeapInuse, StackInuse,
#      HeapIdle, HeapReleased, HeapSys equal ReadMemStats, objects per
#      size class equal BySize, residency equals the pagemap;
#  (b) the stacks program (-n 200 goroutines) is captured at main.marker
#      with --stop-world --mode full, as 60-stacks.t does: every
#      goroutine's id, state and frames equal runtime.Stack(buf, true),
#      at least 200 goroutines with frames;
#  (c) each PIE build against its non-PIE twin (pie/exe, cgopie/cgo): the
#      same set of heap counters decoded, the same number of goroutines
#      and the same function names per goroutine (ids and lines aside);
#  (d) `go` reads runtime.buildVersion from the snapshot and it equals
#      `go version` of the binary; `sched` finds runtime.allp (at least
#      one P) and allm; both exit 0.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/pie/vm-$kernel"
readonly NGOROUTINES=200
readonly KINDS="exe pie cgo cgopie"

tap_start
bail_on_error
rm -rf "$W"
mkdir -p "$W/bin" "$W/out"

NEWEST="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
VERSIONS=(1.19 "$NEWEST")
declare -A GO_OF=()
for v in "${VERSIONS[@]}"; do
	GO_OF[$v]="$("$TOP/selftests/lib/gotoolchain" "$v")"
done

# build VERSION TARGET KIND: one build into $W/bin/TARGET-VERSION-KIND.
build() {
	local v="$1" t="$2" kind="$3" cgo=0 flags=()
	case "$kind" in
	exe) ;;
	pie) flags=(-buildmode=pie) ;;
	cgo) cgo=1 flags=(-ldflags=-linkmode=external) ;;
	cgopie) cgo=1 flags=(-buildmode=pie -ldflags=-linkmode=external) ;;
	esac
	(cd "$TOP/selftests/targets/go/$t" &&
		env CGO_ENABLED=$cgo GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false \
		GOCACHE="${GOCACHE:-$TOP/build/go/cache-$v}" GOPATH="$TOP/build/go/path" \
		GOENV=off GOTELEMETRY=off "${GO_OF[$v]}" build "${flags[@]}" \
		-o "$W/bin/$t-$v-$kind" .)
}

# built_as BIN KIND: the ELF type and build settings say KIND.
built_as() {
	local bin="$1" kind="$2" type settings
	type="$(readelf -h "$bin" | awk '/Type:/ { print $2 }')"
	settings="$("${GO_OF[1.19]}" version -m "$bin" 2>/dev/null || true)"
	case "$kind" in
	exe) [[ "$type" == EXEC ]] && ! readelf -d "$bin" 2>/dev/null | grep -q NEEDED ;;
	pie) [[ "$type" == DYN ]] && ! readelf -d "$bin" | grep -q 'NEEDED.*libc' ;;
	cgo) [[ "$type" == EXEC ]] && readelf -d "$bin" | grep -q 'NEEDED.*libc' ;;
	cgopie) [[ "$type" == DYN ]] && readelf -d "$bin" | grep -q 'NEEDED.*libc' ;;
	esac || { echo "$bin: ELF type $type" | diag; return 1; }
	# a Go without -m settings (1.19 prints them too) is not checked further
	if grep -q 'CGO_ENABLED' <<<"$settings"; then
		case "$kind" in
		cgo*) grep -q 'CGO_ENABLED=1' <<<"$settings" ;;
		*) grep -q 'CGO_ENABLED=0' <<<"$settings" ;;
		esac || { grep build <<<"$settings" | diag; return 1; }
	fi
}

cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -static \
	-o "$W/present" "$TOP/selftests/heap/present.c"
adds=(--add "$W/present" --add "$TOP/selftests/heap/check.sh")
labels=()
trap - ERR
for v in "${VERSIONS[@]}"; do
	for kind in $KINDS; do
		for t in heap stacks; do
			if ! build "$v" "$t" "$kind" >"$W/build.log" 2>&1; then
				diag <"$W/build.log"
				not_ok "go$v: $t built ($kind)"
				continue
			fi
			check "go$v: $t built $kind (ELF type, libc, CGO_ENABLED as asked)" \
				built_as "$W/bin/$t-$v-$kind" "$kind"
			if [[ $kind == exe ]]; then
				adds+=(--add "$W/bin/$t-$v-$kind:/gosnap/p/$t-$v-$kind")
			else
				adds+=(--add-bin "$W/bin/$t-$v-$kind:/gosnap/p/$t-$v-$kind")
			fi
		done
		labels+=("$v-$kind")
	done
done
bail_on_error

cat >"$W/guest.sh" <<EOS
# the --while-held pagemap read and a stop-world may take seconds under TCG
insmod /gosnap/gosnap.ko hold_timeout_ms=60000 || exit 1
export TAP_COUNTER=/tmp/tap.count
echo 0 >"\$TAP_COUNTER"
for l in ${labels[*]}; do
	[ -x /gosnap/p/heap-\$l ] && sh /gosnap/check.sh /gosnap/p/heap-\$l "go\$l"
	mkdir -p /out/\$l
	cp /tmp/heap-go\$l/heap.txt /out/\$l/heap.txt 2>/dev/null
	[ -x /gosnap/p/stacks-\$l ] || continue
	GOTRACEBACK=single gosnap-cli capture --stop-world --at main.marker --mode full \\
		-o /out/\$l/snap -- /gosnap/p/stacks-\$l -n $NGOROUTINES \\
		>/out/\$l/stdout 2>/out/\$l/capture.err
	s=\$(ls /out/\$l/snap/*.gsnap 2>/dev/null | tail -n 1)
	[ -n "\$s" ] || continue
	gosnap-cli -j stacks "\$s" >/out/\$l/stacks.json 2>/out/\$l/stacks.err
	echo \$? >/out/\$l/stacks.rc
	gosnap-cli -j show "\$s" >/out/\$l/show.json 2>>/out/\$l/stacks.err
	gosnap-cli go "\$s" >/out/\$l/go.txt 2>&1
	echo \$? >/out/\$l/go.rc
	gosnap-cli sched "\$s" >/out/\$l/sched.txt 2>&1
	echo \$? >/out/\$l/sched.rc
	rm -f "\$s"
done
echo "1..\$(cat \$TAP_COUNTER)"
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
"$TOP/selftests/vm/run" --kernel "$kernel" "${module_opt[@]}" --timeout 2400 --mem 3G \
	"${adds[@]}" --add "$W/guest.sh" -- sh /gosnap/guest.sh >"$W/vm.log" 2>"$W/vm.err"
rc=$?
set -e
trap - ERR
echo "# VM run: $(($(date +%s) - start)) s (vm/run exit $rc)"
# check.sh's results, numbered by the guest from 1: counted here
replay < <(sed -n '/^GOSNAP-BEGIN-TAR/q;p' "$W/vm.log" | tr -d '\r' | grep -v '^1\.\.' || true)
guest="$(sed -n '/^GOSNAP-BEGIN-TAR/q;p' "$W/vm.log" | grep -Ec '^(not )?ok [0-9]' || true)"
# check.sh gives 4 results a build (decoded, counters, size classes, pagemap)
if [[ "$guest" -lt $((4 * ${#labels[@]})) ]]; then
	not_ok "check.sh ran for all ${#labels[@]} heap builds ($guest results, want $((4 * ${#labels[@]})))"
fi
sed 's/^/vm: /' "$W/vm.err" | diag
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d 2>/dev/null | tar xzf - -C "$W/out" 2>/dev/null || true
[[ $rc -eq 0 ]] || not_ok "the VM run finished (vm/run exit $rc)"

# (b) stacks against runtime.Stack, as 60-stacks.t's check_marker.
check_stacks() {
	local d="$W/out/$1" theirs ours framed frames
	[[ -s "$d/stacks.json" && "$(cat "$d/stacks.rc" 2>/dev/null)" == 0 ]] || {
		cat "$d/capture.err" "$d/stacks.err" 2>/dev/null | head -n 10 | diag
		return 1
	}
	theirs="$d/runtime-stack.txt"
	ours="$d/ours.txt"
	awk -f "$TOP/selftests/stacks/runtime-stack.awk" "$d/stdout" | sort >"$theirs"
	jq -r --arg probe main.marker -f "$TOP/selftests/stacks/runtime-view.jq" \
		"$d/stacks.json" | sort >"$ours"
	if ! cmp -s "$theirs" "$ours"; then
		echo "goroutines: runtime.Stack $(wc -l <"$theirs"), ours $(wc -l <"$ours")" | diag
		jq -r '.goroutines_problem // empty' "$d/stacks.json" | diag
		{ diff "$theirs" "$ours" || true; } | head -n 10 | diag
		return 1
	fi
	read -r framed frames < <(awk -F' [|] ' '{ f = 0; for (i = 2; i <= NF; i++) if ($i !~ /^created by /) f++
		if (f) framed++; n += f } END { print framed + 0, n + 0 }' "$ours")
	if [[ "$framed" -lt $NGOROUTINES ]]; then
		echo "only $framed goroutines with frames ($frames frames), want at least $NGOROUTINES" | diag
		return 1
	fi
	echo "# $1: $(wc -l <"$ours") goroutines ($framed with frames, $frames frames) equal runtime.Stack's"
}

# Function names per goroutine, ids, states and file:line left out.
names_view() {
	sed -E 's/^goroutine [0-9]+ \[[^]]*\]//; s/@[^ ]*//g' "$W/out/$1/ours.txt" | sort
}
# The counters `heap` decoded (a value in the RUNTIME column).
counters_view() {
	awk '/^  MEMSTATS/ { t = 1; next } /^$/ { t = 0 }
		t && /^  [A-Z]/ && $2 != "unavailable" { print $1 }' "$W/out/$1/heap.txt" | sort
}

# (c) a PIE build decodes as its non-PIE twin.
check_twin() {
	local pie="$1" twin="$2" a b n
	a="$(counters_view "$pie")"
	b="$(counters_view "$twin")"
	n="$(grep -c . <<<"$a" || true)"
	if [[ "$a" != "$b" || "$n" -lt 5 ]]; then
		echo "heap counters decoded: $pie [$(tr "\n" " " <<<"$a")], $twin [$(tr "\n" " " <<<"$b")]" | diag
		return 1
	fi
	a="$(names_view "$pie")"
	b="$(names_view "$twin")"
	n="$(grep -c . <<<"$a" || true)"
	if [[ "$a" != "$b" || "$n" -lt $NGOROUTINES ]]; then
		echo "goroutines: $pie $n, $twin $(grep -c . <<<"$b" || true)" | diag
		{ diff <(echo "$b") <(echo "$a") || true; } | head -n 10 | diag
		return 1
	fi
	echo "# go$pie: $n goroutines and the counters [$(counters_view "$pie" | tr '\n' ' ')] as go$twin"
}

# (d) go and sched.
check_go_sched() {
	local l="$1" v="${1%%-*}" want got
	want="$("${GO_OF[$v]}" version "$W/bin/stacks-$l" | awk '{ print $NF }')"
	got="$(awk '$1 == "runtime.buildVersion" { print $2; exit }' "$W/out/$l/go.txt" 2>/dev/null)"
	if [[ "$(cat "$W/out/$l/go.rc" 2>/dev/null)" != 0 || -z "$want" || "$got" != "$want" ]]; then
		echo "go: runtime.buildVersion '$got', go version says '$want'" | diag
		head -n 8 "$W/out/$l/go.txt" 2>/dev/null | diag
		return 1
	fi
	if [[ "$(cat "$W/out/$l/sched.rc" 2>/dev/null)" != 0 ]] ||
	   ! grep -Eq '^Ps \([1-9][0-9]*\)' "$W/out/$l/sched.txt" ||
	   ! grep -Eq '^Ms \([1-9][0-9]*, from allm\)' "$W/out/$l/sched.txt" ||
	   grep -Eq 'runtime\.(allp|allm)[^ ]* unavailable|unavailable: runtime\.(allp|allm)' \
		"$W/out/$l/sched.txt"; then
		head -n 12 "$W/out/$l/sched.txt" 2>/dev/null | diag
		return 1
	fi
}

for l in "${labels[@]}"; do
	check "go$l: ids, states and frames of every goroutine equal runtime.Stack(buf, true), at least $NGOROUTINES" \
		check_stacks "$l"
	check "go$l: go reads runtime.buildVersion as go version does; sched finds allp and allm" \
		check_go_sched "$l"
done
for v in "${VERSIONS[@]}"; do
	check "go$v-pie decodes as go$v-exe: the same heap counters, goroutines and functions per goroutine" \
		check_twin "$v-pie" "$v-exe"
	check "go$v-cgopie decodes as go$v-cgo: the same heap counters, goroutines and functions per goroutine" \
		check_twin "$v-cgopie" "$v-cgo"
done

tap_finish
