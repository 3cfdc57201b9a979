#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# regen.t: `make regen` (scripts/regen-go-tables) reproduces what is
# committed. It regenerates into a temporary tree, from the runtime source
# of every release selftests/lib/gotoolchain knows (a toolchain that cannot
# be fetched fails the run, naming it), and each generated file must equal
# the tree's byte for byte:
#   - every layout table go1.NN[-X-EXP].h (at least one per known release;
#     go1.20, which has no Debian toolchain, is kept and not compared);
#   - the table index layout/tables/index.h, and the release facts
#     base/go_releases.h, whose newest release is the last of
#     `gotoolchain --list`;
#   - the wait reason tables, goroutines_tables.c.
# The set of tables generated equals the set committed (none missing, none
# left over).
#
# Env: GOSNAP_CACHE. Takes a few minutes (the runtime of each release is
# type-checked from source).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/regen"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
rm -rf "$B"
mkdir -p "$B"
mapfile -t known < <("$TOP/selftests/lib/gotoolchain" --list)
start=$SECONDS
if ! "$TOP/scripts/regen-go-tables" --out "$B/out" 2>"$B/regen.err"; then
	tail -n 20 "$B/regen.err" | diag
	not_ok "scripts/regen-go-tables ran for ${known[*]}"
	plan "$n"
	exit 1
fi
ok "scripts/regen-go-tables ran for ${known[*]} ($((SECONDS - start))s)"

LT="$(dirname "$(dirname "$(grep -rl --include=go.mod '^module gosnap/layoutgen$' "$TOP/cli" | head -n 1)")")"
REL="$(dirname "$(find "$TOP/cli" -name bytes.h -print -quit)")/go_releases.h"
WR="$(find "$TOP/cli" -name goroutines_tables.c -print -quit)"
rel() { echo "${1#"$TOP"/}"; }

# same FILE-IN-TREE: the regenerated copy equals it
same() {
	local f="$1" g
	g="$B/out/$(rel "$1")"
	if [[ -f "$g" ]] && cmp -s "$f" "$g"; then
		ok "$(rel "$f") regenerated identically ($(wc -l <"$f") lines)"
	else
		{ diff -u "$f" "$g" 2>&1 || true; } | head -n 20 | diag
		not_ok "$(rel "$f") differs from its regeneration"
	fi
}

compared=0
for f in "$LT"/go1.*.h; do
	if grep -q "^$(basename "$f" .h | sed -E 's/^go(1\.[0-9]+).*/\1/')\$" < <(printf '%s\n' "${known[@]}"); then
		same "$f"
		compared=$((compared + 1))
	else
		echo "# $(rel "$f"): no toolchain for its release, kept as committed"
	fi
done
if ((compared >= ${#known[@]})); then
	ok "$compared layout tables compared (at least one per known release: ${#known[@]})"
else
	not_ok "only $compared layout tables compared, want at least ${#known[@]}"
fi
extra="$(comm -3 <(cd "$LT" && ls go1.*.h) <(cd "$B/out/$(rel "$LT")" && ls go1.*.h))"
if [[ -z "$extra" ]]; then
	ok "the tables generated are the tables committed"
else
	diag <<<"$extra"
	not_ok "tables generated and committed differ (tree | generated)"
fi
same "$LT/index.h"
same "$REL"
newest="$(awk '$1 == "#define" && $2 == "GS_TABLES_NEWEST_MINOR" { print "1." $3 }' "$REL")"
if [[ "$newest" == "${known[-1]}" ]]; then
	ok "go_releases.h: the newest release is go$newest, the last of gotoolchain --list"
else
	not_ok "go_releases.h: newest release '$newest', gotoolchain --list ends with ${known[-1]}"
fi
same "$WR"

tap_finish
