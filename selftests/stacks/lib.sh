# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Fixtures for the stack tests (selftests/host/pcsp.t, selftests/vm-tests/
# 60-stacks.t), on top of selftests/symbols/lib.sh: the stacks target
# built by any Go, and the pcline oracle built with Debian's newest Go.

STK_TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=selftests/symbols/lib.sh
source "$STK_TOP/selftests/symbols/lib.sh"

# build_stacks GO OUT [go build flags...]: the stacks target, built by GO.
build_stacks() {
	local go="$1" out="$2"
	shift 2
	mkdir -p "$(dirname "$out")"
	(cd "$STK_TOP/selftests/targets/go/stacks" && go_env "$go" build "$@" -o "$out" .)
	echo "$out"
}

# pcline_oracle GO: selftests/stacks/pcline-oracle built with GO, cached
# by source hash.
pcline_oracle() {
	local go="$1" src="$STK_TOP/selftests/stacks/pcline-oracle" key out
	key="$(cat "$src/main.go" "$src/go.mod" <("$go" version) | sha256sum | cut -c1-16)"
	out="$SYM_CACHE/pcline-oracle-$key"
	if [[ ! -x "$out" ]]; then
		mkdir -p "$SYM_CACHE"
		(cd "$src" && go_env "$go" build -o "$out.tmp.$$" .)
		mv "$out.tmp.$$" "$out"	# rename: atomic, a concurrent build writes the same
	fi
	echo "$out"
}
