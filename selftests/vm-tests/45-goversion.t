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
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
export SYM_BUILD="$TOP/build/goversion"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
B="$SYM_BUILD"
ver="${GOSNAP_KERNEL:-6.1}"
SYMS=(runtime.schedinit runtime.main main.main)
BINS=(hello hello-stripped)

echo "TAP version 13"
if [[ ! -x "$GO119" ]]; then
	echo "1..1"
	echo "not ok 1 $GO119 missing: install golang-1.19-go (scripts/install-deps)"
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
} >"$script"

out="$B/guest.out"
set +e
"$TOP/selftests/vm/run" --kernel "$ver" --timeout 420 \
	--add "$B/hello:/gosnap/hello" --add "$B/hello-stripped:/gosnap/hello-stripped" \
	--add "$script:/gosnap/test.sh" -- sh /gosnap/test.sh >"$out" 2>"$out.err"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
	echo "1..1"
	echo "not ok 1 the VM run failed (status $rc)"
	tail -n 40 "$out" "$out.err" | sed 's/^/# /'
	exit 0
fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

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
		sed -n "/^=== RC $b/,/^=== BEGIN/p" "$out" | sed 's/^/# /' | head -n 20
	fi
	i=0
	for s in "${SYMS[@]}"; do
		i=$((i + 1))
		f="$(printf '%03d-%s.gsnap' "$i" "$s")"
		doc "$b" "$f" >"$B/$b-$s.json"
		if ! jq -e . "$B/$b-$s.json" >/dev/null 2>&1; then
			not_ok "$b at $s: gosnap-cli go printed JSON"
			sed 's/^/# /' "$B/$b-$s.json" | head -n 10
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

echo "1..$n"
echo "# goversion: $((n - failed)) passed, $failed failed"
[[ $failed -eq 0 ]]
