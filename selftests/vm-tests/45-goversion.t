#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Go version and runtime globals of captured processes: the hello
# target built by Go 1.19 with symbols and with -ldflags='-s -w', captured
# in the test VM at runtime.schedinit, runtime.main and main.main. For each
# snapshot, `gosnap-cli go --json SNAP` (run in the guest, where the
# snapshot's executable path is valid) must report:
#   - runtime.buildVersion read from the snapshot's memory = `go version
#     BINARY` run on the host (and the .go.buildinfo version likewise);
#   - every global cross-checked, at `go tool nm`'s address (for the
#     stripped build: nm of the -w build, which has the same data layout;
#     selftests/host/goglobals.t checks that);
#   - firstmoduledata's first word in the snapshot = the pclntab address.
#
# Issue 11, acceptance 5 and 6, for the commands that decode a snapshot
# (heap, stacks, sched, go). The stacks target is built by Go 1.26 with
# -ldflags='-s -w' and captured once (--mode full, at main.marker, 64
# goroutines blocked); the guest decodes that one snapshot with --exe set
# to the unmodified build and to two copies edited on the host
# (selftests/symbols/elfedit.py): the .go.buildinfo section header taken
# out, and the buildinfo magic zeroed. Each command exits 0 and prints the
# same JSON for the three (the keys that say where the version came from
# and the executable's path aside), and decodes something (at least 64
# goroutines, one M and one P, two heap counters, five globals).
# The stacks target built by the newest release the tool knows (1.27;
# normal and -s -w) is captured the same way and decoded twice: as is
# (every command exits 0: the control), and with
# GOSNAP_TEST_NEWEST_GO_MINOR set to the release before (test only: the
# tool then knows no release past 1.26, so this is a binary of an unknown
# future release, its tables out of reach): each command exits non-zero
# naming the unknown release and prints no decoded value.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
export SYM_BUILD="$TOP/build/goversion"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
B="$SYM_BUILD"
ver="${GOSNAP_KERNEL:-6.1}"
SYMS=(runtime.schedinit runtime.main main.main)
BINS=(hello hello-stripped)

tap_start
if [[ ! -x "$GO119" ]]; then
	plan 1
	not_ok "$GO119 missing: install golang-1.19-go (scripts/install-deps)"
	exit 1
fi
mkdir -p "$B"
build_hello "$GO119" "$B/hello" >/dev/null
build_hello "$GO119" "$B/hello-stripped" -ldflags='-s -w' >/dev/null
build_hello "$GO119" "$B/hello-w" -ldflags=-w >/dev/null
want="$(go_env "$GO119" version "$B/hello" | awk '{ print $2 }')"
want_s="$(go_env "$GO119" version "$B/hello-stripped" | awk '{ print $2 }')"
# name<TAB>address of data symbols: oracle for each binary's globals
nm_of() {
	go_env "$GO119" tool nm "$1" | awk 'NF >= 3 && $(NF-1) ~ /^[DdBb]$/ { print $NF "\t0x" $1 }'
}
nm_of "$B/hello" >"$B/nm.hello"
nm_of "$B/hello-w" >"$B/nm.hello-stripped"

# The stacks target: Go 1.26 -s -w and its two edited copies; the newest
# release the tool knows (the last of gotoolchain --list: 1.27; st127 below
# whatever it is). The toolchains are required: a failed fetch fails.
NEW="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
PREV_MINOR=$((${NEW#1.} - 1))
G="$B/guest"
rm -rf "$G" "$B/out"
mkdir -p "$G" "$B/out"
setup_err=""
build_stacks() {	# build_stacks VERSION OUT [flags...]
	local v="$1" out="$2" go
	shift 2
	go="$("$TOP/selftests/lib/gotoolchain" "$v")" &&
	(cd "$TOP/selftests/targets/go/stacks" && go_env "$go" build "$@" -o "$out" .)
}
if ! { build_stacks 1.26 "$G/st126" -ldflags='-s -w' &&
	python3 "$TOP/selftests/symbols/elfedit.py" drop-section "$G/st126" "$G/st126-drop" &&
	python3 "$TOP/selftests/symbols/elfedit.py" zero-magic "$G/st126" "$G/st126-zero" &&
	build_stacks "$NEW" "$G/st127" &&
	build_stacks "$NEW" "$G/st127-s" -ldflags='-s -w'; } >"$B/stacks-build.log" 2>&1; then
	setup_err="building the stacks target by Go 1.26 and $NEW (selftests/lib/gotoolchain), or editing it"
fi

script="$B/guest.sh"
{
	echo 'insmod /gosnap/gosnap.ko || exit 1'
	for b in "${BINS[@]}"; do
		args=""
		for s in "${SYMS[@]}"; do args+=" --at $s"; done
		echo "gosnap-cli capture$args -o /tmp/$b -- /gosnap/$b >/tmp/$b.log 2>&1"
		echo "echo \"=== RC $b \$?\""
		echo "cat /tmp/$b.log"
		echo "for f in /tmp/$b/*.gsnap; do"
		echo "  echo \"=== BEGIN $b \$(basename \$f)\""
		echo "  gosnap-cli go --json \$f; echo"
		echo "  echo '=== END'"
		echo "done"
	done
	echo "PREV_MINOR=$PREV_MINOR"
	cat <<'EOS'
mkdir -p /out
for t in st126 st127 st127-s; do
	gosnap-cli capture --at main.marker --mode full -o /tmp/$t -- /gosnap/st/$t -n 64 >/out/$t.log 2>&1
	echo $? >/out/$t.capture-rc
done
dec() {	# dec NAME COMMAND...: the JSON, stderr and status of one decode
	n="$1"; shift
	"$@" >/out/$n.json 2>/out/$n.err
	echo $? >/out/$n.rc
}
s="$(ls /tmp/st126/*.gsnap | head -n 1)"
for c in heap stacks sched go; do
	for e in st126 st126-drop st126-zero; do
		dec "$e-$c" gosnap-cli -j "$c" "$s" --exe /gosnap/st/$e
	done
done
for t in st127 st127-s; do
	s="$(ls /tmp/$t/*.gsnap | head -n 1)"
	for c in heap stacks sched go; do
		dec "$t-$c" gosnap-cli -j "$c" "$s"
		dec "$t-unknown-$c" env GOSNAP_TEST_NEWEST_GO_MINOR=$PREV_MINOR gosnap-cli -j "$c" "$s"
	done
done
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS
} >"$script"

out="$B/guest.out"
set +e
"$TOP/selftests/vm/run" --kernel "$ver" --timeout 900 \
	--add "$B/hello:/gosnap/hello" --add "$B/hello-stripped:/gosnap/hello-stripped" \
	--add "$script:/gosnap/test.sh" --add "$G:/gosnap/st" -- sh /gosnap/test.sh >"$out" 2>"$out.err"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
	plan 1
	not_ok "the VM run failed (status $rc)"
	tail -n 40 "$out" "$out.err" | diag
	exit 0
fi

# doc BIN FILE: the JSON document printed for one snapshot.
doc() {
	awk -v b="$1" -v f="$2" '$0 == "=== BEGIN " b " " f { p = 1; next }
		p && /^=== END/ { exit } p' "$out"
}

for b in "${BINS[@]}"; do
	w="$want"
	[[ "$b" == hello ]] || w="$want_s"
	if grep -q "^=== RC $b 0$" "$out"; then
		ok "$b: capture at ${SYMS[*]} exits 0"
	else
		not_ok "$b: capture at ${SYMS[*]} exits 0"
		sed -n "/^=== RC $b/,/^=== BEGIN/p" "$out" | diag | head -n 20
	fi
	i=0
	for s in "${SYMS[@]}"; do
		i=$((i + 1))
		f="$(printf '%03d-%s.gsnap' "$i" "$s")"
		doc "$b" "$f" >"$B/$b-$s.json"
		if ! jq -e . "$B/$b-$s.json" >/dev/null 2>&1; then
			not_ok "$b at $s: gosnap-cli go printed JSON"
			diag <"$B/$b-$s.json" | head -n 10
			continue
		fi
		got="$(jq -r '.go_version.memory // ("none: " + .go_version.memory_error)' "$B/$b-$s.json")"
		if [[ "$got" == "$w" ]] &&
		   jq -e --arg v "$w" '.go_version.buildinfo == $v' "$B/$b-$s.json" >/dev/null; then
			ok "$b at $s: runtime.buildVersion in the snapshot's memory = go version ($w)"
		else
			not_ok "$b at $s: runtime.buildVersion in the snapshot's memory = go version ($w)"
			echo "# read '$got', buildinfo '$(jq -r .go_version.buildinfo "$B/$b-$s.json")'"
		fi
		bad="$(jq -r '.globals[] | [.name, (.address // "none"), .status] | @tsv' "$B/$b-$s.json" |
			while IFS=$'\t' read -r name addr status; do
				nmaddr="$(awk -F'\t' -v n="$name" '$1 == n { print $2; exit }' "$B/nm.$b")"
				if [[ "$status" != cross-checked || "$addr" == none ||
				      -z "$nmaddr" || $((addr)) -ne $((nmaddr)) ]]; then
					echo "$name: $addr ($status), nm: ${nmaddr:-none}"
				fi
			done)"
		if [[ -z "$bad" ]]; then
			ok "$b at $s: every global cross-checked, at go tool nm's address"
		else
			not_ok "$b at $s: every global cross-checked, at go tool nm's address"
			while IFS= read -r line; do echo "# $line"; done <<<"$bad"
		fi
		if jq -e '.snapshot_moduledata_ok == true' "$B/$b-$s.json" >/dev/null; then
			ok "$b at $s: firstmoduledata's first word in the snapshot = pclntab address"
		else
			not_ok "$b at $s: firstmoduledata's first word in the snapshot = pclntab address"
		fi
	done
done

# --- issue 11, acceptance 5 and 6 ---------------------------------------
if [[ -n "$setup_err" ]]; then
	not_ok "$setup_err"
	tail -n 20 "$B/stacks-build.log" | diag
else
	sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$out" | sed '1d;$d' | tr -d '\r' |
		base64 -d | tar xzf - -C "$B/out" || true
	O="$B/out"
	for t in st126 st127 st127-s; do
		if [[ "$(cat "$O/$t.capture-rc" 2>/dev/null)" == 0 ]]; then
			ok "$t: captured at main.marker"
		else
			not_ok "$t: captured at main.marker"
			tail -n 5 "$O/$t.log" 2>/dev/null | diag
		fi
	done
	# JSON without the keys that say where the version came from (they
	# differ by design) and with the executable's path made the same;
	# runtime.buildVersion's memory check has nothing to compare against
	# once the build info is gone.
	norm() {	# norm FILE EXE
		python3 - "$1" "$2" <<'EOF'
import json, sys
path, exe = sys.argv[1], sys.argv[2]
def strip(o):
    if isinstance(o, dict):
        bv = o.get("name") == "runtime.buildVersion"
        return {k: strip(v) for k, v in o.items()
                if k not in ("go_version_from", "go_version_sources", "version_from")
                and not (bv and k == "memory_check")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    if isinstance(o, str):
        return o.replace(exe, "/gosnap/st/st126")
    return o
print(json.dumps(strip(json.load(open(path))), sort_keys=True))
EOF
	}
	# decoded CMD FILE: something was decoded (prints what, or fails)
	decoded() {
		python3 - "$1" "$2" <<'EOF'
import json, sys
c, d = sys.argv[1], json.load(open(sys.argv[2]))
if c == "stacks":
    n = len([g for g in d.get("goroutines") or [] if g.get("frames")])
    ok, what = n >= 64, f"{n} goroutines with frames"
elif c == "sched":
    m, p = len(d.get("ms") or []), len(d.get("ps") or [])
    ok, what = m >= 1 and p >= 1, f"{m} Ms, {p} Ps"
elif c == "heap":
    h = d.get("heap", d)
    v = [k for k, x in (h.get("counters") or {}).items() if x.get("value") is not None]
    ok, what = len(v) >= 2, f"counters {' '.join(sorted(v))}"
else:
    g = [x for x in d.get("globals") or [] if x.get("status") == "cross-checked"]
    ok, what = len(g) >= 5, f"{len(g)} globals cross-checked"
print(what)
sys.exit(0 if ok else 1)
EOF
	}
	for c in heap stacks sched go; do
		if [[ "$(cat "$O/st126-$c.rc" 2>/dev/null)" != 0 ]] || ! what="$(decoded "$c" "$O/st126-$c.json" 2>&1)"; then
			not_ok "go1.26 -s -w: $c decodes the snapshot (${what:-exit $(cat "$O/st126-$c.rc" 2>/dev/null)})"
			head -n 5 "$O/st126-$c.err" 2>/dev/null | diag
			continue
		fi
		a="$(norm "$O/st126-$c.json" /gosnap/st/st126 2>&1)" || true
		for e in st126-drop st126-zero; do
			b="$(norm "$O/$e-$c.json" "/gosnap/st/$e" 2>&1)" || true
			if [[ "$(cat "$O/$e-$c.rc" 2>/dev/null)" == 0 && "$a" == "$b" ]]; then
				ok "go1.26 -s -w, $e: $c JSON of the snapshot equals the unmodified build's ($what)"
			else
				not_ok "go1.26 -s -w, $e: $c JSON differs from the unmodified build's (exit $(cat "$O/$e-$c.rc" 2>/dev/null))"
				head -n 3 "$O/$e-$c.err" 2>/dev/null | diag
				diff <(tr ',' '\n' <<<"$a") <(tr ',' '\n' <<<"$b") | head -n 10 | diag || true
			fi
		done
	done
	for t in st127 st127-s; do
		for c in heap stacks sched go; do
			if [[ "$(cat "$O/$t-$c.rc" 2>/dev/null)" == 0 ]] && what="$(decoded "$c" "$O/$t-$c.json" 2>&1)"; then
				ok "go$NEW $t: $c decodes the snapshot ($what)"
			else
				not_ok "go$NEW $t: $c decodes the snapshot (exit $(cat "$O/$t-$c.rc" 2>/dev/null) ${what:-})"
				head -n 5 "$O/$t-$c.err" 2>/dev/null | diag
			fi
			rc="$(cat "$O/$t-unknown-$c.rc" 2>/dev/null || echo none)"
			# no value: stdout holds at most an error object
			vals="$(python3 -c 'import json, sys
t = open(sys.argv[1]).read().strip()
d = json.loads(t) if t else {}
print(",".join(k for k in d if k not in ("error", "errors", "warnings")))' "$O/$t-unknown-$c.json" 2>&1)" || vals="unparsable: $vals"
			if [[ "$rc" != 0 && "$rc" != none && -z "$vals" ]] &&
			   grep -q "newer than the newest release known" "$O/$t-unknown-$c.err" "$O/$t-unknown-$c.json"; then
				ok "go$NEW $t as an unknown release (newest known 1.$PREV_MINOR): $c exits $rc naming it, no value printed"
			else
				not_ok "go$NEW $t as an unknown release (newest known 1.$PREV_MINOR): $c exit $rc, printed keys: '$vals'"
				head -n 5 "$O/$t-unknown-$c.err" "$O/$t-unknown-$c.json" 2>/dev/null | diag
			fi
		done
	done
fi

tap_finish_named goversion
