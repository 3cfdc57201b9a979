# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Fixtures for the symbol tests, sourced by selftests/host/symbols.t:
# Go test programs built here, Debian's newest Go toolchain, the gosym
# oracle built with it, and real stripped Go binaries from npm. Downloads
# and the oracle are cached under $GOSNAP_CACHE/symbols; builds go to
# $SYM_BUILD. Every function prints the path of what it made.

: "${GOSNAP_CACHE:=/var/cache/gosnap}"
SYM_TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SYM_CACHE="$GOSNAP_CACHE/symbols"
: "${SYM_BUILD:=$SYM_TOP/build/symbols}"
readonly GO119=/usr/lib/go-1.19/bin/go
# the newest release selftests/lib/gotoolchain knows (the last of --list)
NEWEST_GO_WANTED="$("$SYM_TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
readonly NEWEST_GO_WANTED
# shellcheck source=selftests/lib/cache.sh
. "$SYM_TOP/selftests/lib/cache.sh"

# Run the go command $1 with a private, offline environment.
go_env() {
	local go="$1"
	shift
	env CGO_ENABLED=0 GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false \
		GOCACHE="${GOCACHE:-$SYM_BUILD/gocache}" GOPATH="$SYM_BUILD/gopath" \
		GOENV=off GOTELEMETRY=off "$go" "$@"
}

# build_hello GO OUT [go build flags...]: the hello target, built by GO.
build_hello() {
	local go="$1" out="$2"
	shift 2
	mkdir -p "$(dirname "$out")"
	(cd "$SYM_TOP/selftests/targets/go/hello" && go_env "$go" build "$@" -o "$out" .)
	echo "$out"
}

# The newest Go from Debian unstable, cached; prints its go binary.
# Takes golang-$NEWEST_GO_WANTED-go if sid has it, else the newest
# golang-1.NN-go that it lists. Fetched under a lock into a temporary
# directory, renamed into place only once complete (cache_entry).
newest_go() {
	local dir="$SYM_CACHE/go-sid" go
	# the release selftests/lib/gotoolchain keeps (cached per release)
	if go="$("$SYM_TOP/selftests/lib/gotoolchain" "$NEWEST_GO_WANTED" 2>/dev/null)"; then
		echo "$go"
		return 0
	fi
	cache_entry "$dir" "usr/lib/go-*/bin/go" newest_go_fetch || return 1
	for go in "$dir"/usr/lib/go-*/bin/go; do
		[[ -x "$go" ]] && { echo "$go"; return 0; }
	done
	echo "newest_go: no usr/lib/go-*/bin/go in $dir" >&2
	return 1
}

# newest_go_fetch TMPDIR: unpack sid's newest Go into TMPDIR.
newest_go_fetch() {
	local tmp="$1" ver="$NEWEST_GO_WANTED" debfetch="$SYM_TOP/selftests/lib/debfetch"
	if ! DEBFETCH_QUIET=1 "$debfetch" --list sid "^golang-$ver-go\$" | grep -q .; then
		ver="$(DEBFETCH_QUIET=1 "$debfetch" --list sid '^golang-1\.[0-9]+-go$' |
			sed -n 's/^golang-\(1\.[0-9]*\)-go .*/\1/p' | sort -V | tail -n 1)"
		[[ -n "$ver" ]] || { echo "newest_go: no golang-1.NN-go in sid" >&2; return 1; }
		echo "# golang-$NEWEST_GO_WANTED-go not in sid, using golang-$ver-go" >&2
	fi
	DEBFETCH_QUIET=1 "$debfetch" sid "$tmp" "golang-$ver-go" "golang-$ver-src" >/dev/null &&
		[[ -x "$tmp/usr/lib/go-$ver/bin/go" ]]
}

# gosym_oracle GO: the oracle program built with GO, cached by source hash.
gosym_oracle() {
	local go="$1" src="$SYM_TOP/selftests/symbols/gosym-oracle" key out
	key="$(cat "$src/main.go" "$src/go.mod" <("$go" version) | sha256sum | cut -c1-16)"
	out="$SYM_CACHE/gosym-oracle-$key"
	if [[ ! -x "$out" ]]; then
		mkdir -p "$SYM_CACHE"
		(cd "$src" && go_env "$go" build -o "$out.tmp.$$" .)
		mv "$out.tmp.$$" "$out"	# rename: atomic, a concurrent build writes the same
	fi
	echo "$out"
}

# npm_esbuild PACKAGE VERSION: the stripped Go binary bin/esbuild of an
# esbuild platform package (@esbuild/linux-x64, or esbuild-linux-64 before
# esbuild 0.15), fetched with npm pack once. On failure npm's own error
# goes to stderr and the status is non-zero; nothing is left in the cache.
npm_esbuild() {
	local pkg="$1" v="$2" dir
	dir="$GOSNAP_CACHE/npm/$(echo "${pkg#@}" | tr / -)-$v"
	cache_entry "$dir" package/bin/esbuild npm_esbuild_fetch "$pkg" "$v" || return 1
	echo "$dir/package/bin/esbuild"
}

# npm_esbuild_fetch TMPDIR PACKAGE VERSION: npm pack, unpacked into TMPDIR.
npm_esbuild_fetch() {
	local tmp="$1" pkg="$2" v="$3" tgz
	if ! (cd "$tmp" && npm pack --loglevel=error \
		--cache "$GOSNAP_CACHE/npm/.npm-cache" "$pkg@$v" >.pack.out 2>.pack.err); then
		cat "$tmp/.pack.err" >&2
		echo "npm_esbuild: npm pack $pkg@$v failed (registry $(npm config get registry 2>/dev/null))" >&2
		return 1
	fi
	tgz="$(tail -n 1 "$tmp/.pack.out")"
	tar -xzf "$tmp/$tgz" -C "$tmp" || return 1
	rm -f "$tmp/$tgz" "$tmp/.pack.out" "$tmp/.pack.err"
	[[ -x "$tmp/package/bin/esbuild" ]] ||
		{ echo "npm_esbuild: $pkg@$v has no package/bin/esbuild" >&2; return 1; }
}

# file_off_readelf BINARY VADDR: VADDR's file offset from readelf's PT_LOAD
# lines (Offset VirtAddr PhysAddr FileSiz ...), or "none".
file_off_readelf() {
	local bin="$1" addr=$(($2)) type off va fsz rest
	while read -r type off va _ fsz rest; do
		[[ "$type" == LOAD ]] || continue
		if ((addr >= va && addr < va + fsz)); then
			printf '0x%x\n' $((addr - va + off))
			return 0
		fi
	done < <(readelf -lW "$bin")
	echo none
}

# nm_addr BINARY NAME: NAME's address as `go tool nm` prints it ("" if none).
nm_addr() {
	go_env "$GO119" tool nm "$1" | awk -v n="$2" '!found && $NF == n && NF >= 3 { print "0x" $1; found = 1 }'
}

# sstrip_copy IN OUT: OUT is IN without section headers (e_shoff, e_shnum,
# e_shstrndx zeroed in the ELF64 header), as sstrip leaves a binary.
sstrip_copy() {
	cp "$1" "$2"
	printf '\0\0\0\0\0\0\0\0' | dd of="$2" bs=1 seek=40 conv=notrunc status=none
	printf '\0\0\0\0' | dd of="$2" bs=1 seek=60 conv=notrunc status=none
}

# section_range BINARY NAME: "OFFSET SIZE" (decimal) of a section, from readelf.
section_range() {
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk -v n="$2" '$1 == n { print $4, $5 }' |
		{ read -r off size; echo "$((16#$off)) $((16#$size))"; }
}
