# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Cache entries under $GOSNAP_CACHE that two runs may fetch at once.
#
#   cache_entry DIR WITNESS FETCH [ARGS...]
#
# DIR is trusted once DIR/WITNESS (a glob) exists. Otherwise, under a lock
# on DIR.lock (flock: other runs wait), FETCH TMP ARGS... fills a fresh
# directory TMP (DIR.tmp.XXXXXX), which is renamed to DIR only when FETCH
# succeeded and TMP/WITNESS exists. A failed or interrupted fetch leaves no
# DIR, only a DIR.tmp.* that nothing trusts and the next fetch removes.
# FETCH reports its own errors (the tool's message) on stderr; cache_entry
# then returns 1.

cache_have() {
	compgen -G "$1/$2" >/dev/null
}

cache_entry() {
	local dir="$1" witness="$2" fetch="$3" tmp lockfd rc=0
	shift 3
	cache_have "$dir" "$witness" && return 0
	mkdir -p "$(dirname "$dir")"
	exec {lockfd}>"$dir.lock"
	flock "$lockfd"
	if ! cache_have "$dir" "$witness"; then
		rm -rf "$dir".tmp.*
		tmp="$(mktemp -d "$dir.tmp.XXXXXX")"
		if "$fetch" "$tmp" "$@" && cache_have "$tmp" "$witness"; then
			rm -rf "$dir"
			mv -T "$tmp" "$dir"
		else
			rc=1
			rm -rf "$tmp"
		fi
	fi
	exec {lockfd}>&-
	return "$rc"
}
