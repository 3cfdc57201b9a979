#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# objects-pprof.t: `gosnap-cli objects --pprof FILE` read back by the
# format's own reader, go tool pprof (Go 1.19: Debian's golang-1.19-go).
#   - The synthetic heap of selftests/unit/synth_objects.h, with allocation
#     headers (5 groups: header, largeType, a slice's backing array, a nil
#     and a bogus header) and before go1.22 (2 groups), decoded and written
#     by the tool's own printers (build/cli/unit/mkpprof), checked by
#     selftests/objects/pprof_check.py: -raw lists one sample per group of
#     `objects -j`, at least 5 and 2, with exactly its frame, objects,
#     bytes, resident bytes and labels; -top -sample_index=objects, bytes
#     and resident list every frame with its groups' sum; the profile,
#     written with --top 1, holds the groups the tables fold away.
#   - The checker is not vacuous: one group's bytes changed by one in the
#     JSON fail it.
#   - The command, on a snapshot of a Go program as it starts (`mkseed
#     exe` of go's own pprof, no module, no heap yet): --pprof into a
#     missing directory and onto /dev/full each fail naming the file and
#     why, with stdout as without --pprof; a writable FILE gets a profile
#     that go tool pprof reads: the three sample types, no sample, the
#     executable as its mapping.
#
# Env: GOSNAP_CLI (default: cli/gosnap-cli, made here).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/objects-pprof"
CHECK="$TOP/selftests/objects/pprof_check.py"
rm -rf "$B"
mkdir -p "$B"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
stop() {
	tap_finish_named objects-pprof
	exit 1
}

go="$("$TOP/selftests/lib/gotoolchain" 1.19 2>"$B/go.err")" ||
	{ diag <"$B/go.err"; not_ok "Go 1.19 for go tool pprof (golang-1.19-go)"; stop; }
command -v jq >/dev/null || { not_ok "jq is installed (Debian package jq)"; stop; }
if [[ -z "${GOSNAP_CLI:-}" ]]; then
	make -s -C "$TOP/cli" >"$B/make.log" 2>&1 || { diag <"$B/make.log"; not_ok "the CLI builds"; stop; }
	GOSNAP_CLI="$TOP/cli/gosnap-cli"
fi
CLI="$GOSNAP_CLI"
MKPPROF="$TOP/build/cli/unit/mkpprof"
MKSEED="$TOP/build/cli/unit/mkseed"
make -s -C "$TOP/cli" "$MKPPROF" "$MKSEED" >"$B/helpers.log" 2>&1 ||
	{ tail -n 40 "$B/helpers.log" | diag; not_ok "mkpprof and mkseed build"; stop; }

# pcheck NAME PROFILE ARGS...: pprof_check.py's results as ours; a
# checker that fails without saying what is a failure too.
pcheck() {
	local name="$1" rc=0
	shift
	python3 "$CHECK" "$go" "$@" >"$B/$name.tap" 2>&1 || rc=$?
	replay <"$B/$name.tap"
	if [[ $rc -ne 0 ]] && ! grep -q '^not ok' "$B/$name.tap"; then
		not_ok "pprof_check.py on $name ran (exit $rc)"
	fi
}

if "$MKPPROF" "$B" 2>"$B/mkpprof.err"; then
	pcheck headers "$B/headers.pb.gz" "$B/headers.json" --name "synthetic heap, headers" \
		--min-groups 5 --folded "$B/headers-top1.json"
	pcheck bitmap "$B/bitmap.pb.gz" "$B/bitmap.json" --name "synthetic heap, before go1.22" \
		--min-groups 2 --folded "$B/bitmap-top1.json"
	jq '.typed[0].bytes += 1' "$B/headers.json" >"$B/planted.json"
	if python3 "$CHECK" "$go" "$B/headers.pb.gz" "$B/planted.json" >"$B/planted.tap" 2>&1; then
		not_ok "the checker fails a JSON with one group's bytes changed by one"
	elif grep -q '^not ok .*exactly' "$B/planted.tap"; then
		ok "the checker fails a JSON with one group's bytes changed by one"
	else
		diag <"$B/planted.tap"
		not_ok "the checker fails a JSON with one group's bytes changed by one"
	fi
else
	diag <"$B/mkpprof.err"
	not_ok "mkpprof writes the synthetic heap's profiles"
fi

# The command itself: a Go program's snapshot with no heap yet.
exe="$("$go" env GOTOOLDIR)/pprof"
snap="$B/start.gsnap"
"$MKSEED" exe "$snap" "$exe" 2>"$B/seed.err" || { diag <"$B/seed.err"; not_ok "mkseed exe $exe"; stop; }
"$CLI" objects "$snap" >"$B/plain.out" 2>/dev/null || true

# bad FILE MESSAGE: --pprof FILE fails with MESSAGE, stdout unchanged.
bad() {
	local rc=0
	"$CLI" objects "$snap" --pprof "$1" >"$B/bad.out" 2>"$B/bad.err" || rc=$?
	if [[ $rc -ne 0 ]] && cmp -s "$B/plain.out" "$B/bad.out" &&
		grep -qxF "gosnap-cli: error: $1: $2" "$B/bad.err"; then
		ok "--pprof $1: '$2', exit $rc, the tables as without --pprof"
	else
		diag <"$B/bad.err"
		not_ok "--pprof $1: '$2', non-zero exit, the tables as without --pprof"
	fi
}
bad "$B/missing/p.pb.gz" "No such file or directory"
bad /dev/full "write failed: No space left on device"

"$CLI" objects "$snap" --pprof "$B/start.pb.gz" >/dev/null 2>&1 || true
raw="$("$go" tool pprof -symbolize=none -raw "$B/start.pb.gz" 2>&1)" || true
if grep -qxF "objects/count bytes/bytes[dflt] resident/bytes" <<<"$raw" &&
	grep -qE "^1: 0x0/0x0/0x0 $exe +\[FN\]$" <<<"$raw" &&
	[[ "$(sed -n '/^Samples:/,/^Locations/p' <<<"$raw" | wc -l)" -eq 3 ]]; then
	ok "an empty heap's profile: the sample types, no sample, the executable as its mapping"
else
	diag <<<"$raw"
	not_ok "an empty heap's profile: the sample types, no sample, the executable as its mapping"
fi

tap_finish_named objects-pprof
