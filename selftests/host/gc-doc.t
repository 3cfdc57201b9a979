#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# gc-doc.t: docs/gc.md's table of source lines (issue 13: "what each field
# means, per version, with the runtime source lines it comes from") is what
# scripts/gc-source-lines finds in the runtime source of every release
# selftests/lib/gotoolchain knows (a toolchain that cannot be fetched
# fails the test), for every value the GC decoder's needs tables read:
#   - the table has a row per need (floor 60), and each release its cells;
#   - every need is found in the newest release but the ones Green Tea
#     removed, none is found nowhere;
#   - the document equals the script's output;
#   - a planted wrong line number in a copy of the document is caught.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/gc-doc"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
bail_on_error
rm -rf "$B"
mkdir -p "$B"
args=()
mapfile -t known < <("$TOP/selftests/lib/gotoolchain" --list)
for v in "${known[@]}"; do
	go="$("$TOP/selftests/lib/gotoolchain" "$v")"
	args+=("$v=$(GOTOOLCHAIN=local GOENV=off "$go" env GOROOT)")
done
trap - ERR

"$TOP/scripts/gc-source-lines" "${args[@]}" >"$B/table.md"
rows="$(grep -c '^| `' "$B/table.md" || true)"
cols="$(head -n 1 "$B/table.md" | grep -o '| go1\.[0-9]*' | wc -l)"
if [[ "$rows" -ge 60 && "$cols" -eq "${#known[@]}" ]]; then
	ok "$rows needs in $cols releases (${known[*]})"
else
	diag <"$B/table.md"
	not_ok "a row per need (floor 60), cells for each release: $rows rows, $cols releases"
fi

# the newest release has every need but those that are gone; none is nowhere
nowhere="$(grep '^| `' "$B/table.md" | awk -F'|' '{ all = 1; for (i = 3; i < NF; i++) if ($i !~ /^ *- *$/) all = 0; if (all) print $2 }')"
if [[ -z "$nowhere" ]]; then
	ok "every need is declared in some release"
else
	echo "$nowhere" | diag
	not_ok "every need is declared in some release"
fi

if "$TOP/scripts/gc-source-lines" --check "$TOP/docs/gc.md" "${args[@]}" >"$B/check.out" 2>&1; then
	ok "docs/gc.md's source lines equal the runtime source's"
else
	diag <"$B/check.out"
	not_ok "docs/gc.md's source lines equal the runtime source's (scripts/gc-source-lines writes them)"
fi

# shellcheck disable=SC2016 # backquotes of Markdown, not of the shell
planted='| `work` (mgc.go) | 1 |'
# shellcheck disable=SC2016
sed '0,/^| `work` (mgc.go) | [0-9]*/s//| `work` (mgc.go) | 1/' "$TOP/docs/gc.md" >"$B/planted.md"
if ! "$TOP/scripts/gc-source-lines" --check "$B/planted.md" "${args[@]}" >"$B/planted.out" &&
	grep -qF "$planted" "$B/planted.out"; then
	ok "a planted wrong line is caught: $(head -n 1 "$B/planted.out")"
else
	not_ok "a planted wrong line is caught"
fi
tap_finish
