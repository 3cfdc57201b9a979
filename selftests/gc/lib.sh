# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The GC tests' target (selftests/targets/go/gcgraph), built per release.
# Source after selftests/symbols/lib.sh (go_env, GO119).

# gc_build_gcgraph DIR VERSION...: gcgraph built by Go 1.19, each VERSION
# and the newest release selftests/lib/gotoolchain knows, as
# DIR/gcgraph-goV, with its `strip -s` copy DIR/gcgraph-goV.strip. A
# toolchain that cannot be fetched fails (the caller's ERR trap, after
# gotoolchain's message). Sets versions (1.19 first, then in order),
# NEWEST, and GOROOT_OF[V] (the release's runtime source is under it).
gc_build_gcgraph() {
	local dir="$1" v go
	shift
	declare -gA GOROOT_OF=()
	declare -A go_of=([1.19]="$GO119")
	versions=(1.19)
	NEWEST="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
	for v in $(printf '%s\n' "$@" "$NEWEST" | sort -uV); do
		go_of[$v]="$("$TOP/selftests/lib/gotoolchain" "$v")"
		versions+=("$v")
	done
	for v in "${versions[@]}"; do
		go="${go_of[$v]}"
		(cd "$TOP/selftests/targets/go/gcgraph" &&
			go_env "$go" build -o "$dir/gcgraph-go$v" .)
		strip -s -o "$dir/gcgraph-go$v.strip" "$dir/gcgraph-go$v"
		# shellcheck disable=SC2034 # for the caller
		GOROOT_OF[$v]="$(go_env "$go" env GOROOT)"
	done
}
