#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# symbols.t: `gosnap-cli symbols` and the symbol table API behind it,
# checked against independent oracles:
#   - `go tool nm` (reads .symtab) and `readelf -lW` (PT_LOAD headers) for
#     the addresses and file offsets of named functions;
#   - Go's own debug/gosym, built with Debian's newest Go, for the whole
#     function table of stripped binaries: our hello target and real
#     stripped binaries (esbuild from npm, Go 1.20 to 1.23);
#   - `go version BINARY` for the toolchain version;
#   - damaged copies (section headers removed, pclntab truncated or
#     overwritten) must still resolve or fail cleanly with exit status 1.
#
# Env: GOSNAP_CLI (default: the ASan build, made here), GOSNAP_CACHE.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
B="$SYM_BUILD"
mkdir -p "$B"

# An ASan/UBSan report must not look like our clean "exit 1".
export ASAN_OPTIONS=exitcode=99:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start

# Setup failures (build, download) end the test with a TAP bail-out.
bail_on_error

if [[ -n "${GOSNAP_CLI:-}" ]]; then
	CLI="$GOSNAP_CLI"
else
	CLI="$TOP/build/cli/asan/gosnap-cli"
	make -s -C "$TOP/cli" "$CLI" >&2
fi

# --- fixtures ---------------------------------------------------------------

H19="$(build_hello "$GO119" "$B/hello-go1.19")"
H19S="$(build_hello "$GO119" "$B/hello-go1.19.stripped" -ldflags='-s -w')"
H19P="$(build_hello "$GO119" "$B/hello-go1.19.pie" -buildmode=pie)"
H19PS="$(build_hello "$GO119" "$B/hello-go1.19.pie.stripped" -buildmode=pie -ldflags='-s -w')"
GONEW="$(newest_go)"
echo "# newest Go from sid: $("$GONEW" version)"
HNEWS="$(build_hello "$GONEW" "$B/hello-gonew.stripped" -ldflags='-s -w')"
ORACLE="$(gosym_oracle "$GONEW")"
# esbuild releases and the Go that built them: 0.6.34 go1.15 (pclntab
# magic 0xfffffffb, pointer-format build info), 0.8.57 go1.16 (0xfffffffa),
# 0.17.19 go1.20.4, 0.22.0 go1.22.4, 0.25.0 go1.23.5 (0xfffffff1).
ESBUILD_VERSIONS=(0.6.34 0.8.57 0.17.19 0.22.0 0.25.0)
declare -A ESBUILD
for v in "${ESBUILD_VERSIONS[@]}"; do
	case "$v" in
	0.[0-9].* | 0.1[0-4].*) pkg=esbuild-linux-64 ;;
	*) pkg=@esbuild/linux-x64 ;;
	esac
	ESBUILD[$v]="$(npm_esbuild "$pkg" "$v")"
done

trap - ERR

# run_cli OUT ERR ARGS...: run the CLI, keep stdout/stderr, return its status.
run_cli() {
	local out="$1" err="$2"
	shift 2
	"$CLI" symbols "$@" >"$out" 2>"$err"
}

# --- 1. named functions: address from go tool nm, offset from readelf ---------

# name as resolved, and the name go tool nm prints for the body we want:
# assembly functions are ABI0 (".abi0" in .symtab); for asmcgocall the
# linker also made an ABI wrapper under the plain name, which we must skip.
NAMES=(runtime.mallocinit runtime.schedinit runtime.main main.main main.marker
       runtime.rt0_go runtime.asmcgocall)
declare -A NM_NAME=([runtime.rt0_go]=runtime.rt0_go.abi0
		    [runtime.asmcgocall]=runtime.asmcgocall.abi0)

# resolve_matches BIN NMBIN NAME: resolving NAME in BIN gives NMBIN's nm
# address and the file offset readelf's program headers give for it.
resolve_matches() {
	local bin="$1" nmbin="$2" name="$3" want got_addr got_off want_off
	want="$(nm_addr "$nmbin" "${NM_NAME[$name]:-$name}")"
	[[ -n "$want" ]] || { echo "# nm has no ${NM_NAME[$name]:-$name}"; return 1; }
	read -r got_addr got_off < <(jq -r --arg s "$name" \
		'.resolved[] | select(.spec == $s) | "\(.address) \(.file_offset)"' \
		"$B/resolve.json")
	want_off="$(file_off_readelf "$bin" "$want")"
	if [[ "$((got_addr))" != "$((want))" || "$want_off" == none ||
	      "$((got_off))" != "$((want_off))" ]]; then
		printf '# %s: got addr %#x off %#x, want %s off %s\n' "$name" \
			"$got_addr" "${got_off:-0}" "$want" "$want_off"
		return 1
	fi
}

for pair in "$H19:$H19:symtab" "$H19S:$H19:pclntab" "$H19P:$H19P:symtab" \
	    "$H19PS:$H19P:pclntab"; do
	IFS=: read -r bin nmbin src <<<"$pair"
	args=()
	for name in "${NAMES[@]}"; do args+=(--resolve "$name"); done
	tag="$(basename "$bin")"
	if ! run_cli "$B/resolve.json" "$B/resolve.err" "$bin" --json "${args[@]}"; then
		diag <"$B/resolve.err"
		not_ok "$tag: resolve ${#NAMES[@]} functions"
		continue
	fi
	check "$tag: source is $src" test "$(jq -r .source "$B/resolve.json")" = "$src"
	for name in "${NAMES[@]}"; do
		check "$tag: $name at go tool nm's address and readelf's offset" \
			resolve_matches "$bin" "$nmbin" "$name"
	done
done

# name+offset and raw addresses resolve consistently with the name
check_spec_forms() {
	local m
	m="$(nm_addr "$H19" main.marker)"
	run_cli "$B/forms.json" "$B/forms.err" "$H19S" --json \
		--resolve main.marker+4 --resolve "$(printf '%#x' $((m + 4)))" || return 1
	jq -e --argjson a $((m + 4)) '[.resolved[] | .address == $a and
		.function == "main.marker" and .offset == 4] | all' "$B/forms.json" >/dev/null
}
check "name+off and 0xADDR resolve to the same place" check_spec_forms
unknown_name() {
	local rc=0
	"$CLI" symbols "$H19S" --resolve no.such.func >/dev/null 2>"$B/nosuch.err" || rc=$?
	[[ $rc -eq 1 ]] && grep -q no.such.func "$B/nosuch.err"
}
check "unknown name: exit 1 with a message" unknown_name

# --- 2. whole table against debug/gosym; version against `go version` ------

# ours BIN ARGS...: "name<TAB>entry<TAB>size", sorted, from --json.
ours_tsv() {
	local bin="$1"
	shift
	"$CLI" symbols --json "$@" "$bin" >"$B/ours.json" 2>"$B/ours.err" || {
		diag <"$B/ours.err"
		return 1
	}
	jq -r '.functions[] | [.name, .entry, .size] | @tsv' "$B/ours.json" |
		LC_ALL=C sort
}

# same_table TAG BIN ORACLE_BIN [ARGS...]: our table of BIN equals debug/gosym's
# of ORACLE_BIN (the same binary, or its intact original for damaged copies).
same_table() {
	local bin="$1" obin="$2" label
	shift 2
	"$ORACLE" "$obin" | LC_ALL=C sort >"$B/oracle.tsv" || return 1
	ours_tsv "$bin" "$@" >"$B/ours.tsv" || return 1
	if ! cmp -s "$B/oracle.tsv" "$B/ours.tsv"; then
		diff "$B/oracle.tsv" "$B/ours.tsv" | head -n 10 | diag
		return 1
	fi
	label="${bin#"$GOSNAP_CACHE"/npm/}"
	echo "# ${label#"$B"/}: $(wc -l <"$B/ours.tsv") functions match debug/gosym"
}

# same_version BIN: our Go version is the one `go version BIN` prints.
same_version() {
	local want got
	want="$("$GONEW" version "$1" | awk '{ print $2 }')"
	got="$("$CLI" symbols --json "$1" | jq -r .go_version)"
	[[ -n "$want" && "$got" == "$want" ]] || {
		echo "# go version says '$want', we say '$got'"
		return 1
	}
}

check "hello go1.19 (symtab ignored): table = debug/gosym" \
	same_table "$H19" "$H19" --source pclntab
check "hello go1.19 stripped: table = debug/gosym" same_table "$H19S" "$H19S"
check "hello go1.19 stripped: source is pclntab" \
	test "$(jq -r .source "$B/ours.json")" = pclntab
check "hello go1.19 PIE stripped: table = debug/gosym" same_table "$H19PS" "$H19PS"
check "hello $(basename "$(dirname "$(dirname "$GONEW")")") stripped: table = debug/gosym" \
	same_table "$HNEWS" "$HNEWS"

# .symtab listing: every debug/gosym function is there at the same entry
# (.symtab adds ".abi0" to assembly functions, and spells out the array
# lengths that pclntab names write as "[...]": type..eq.[2]runtime.Frame).
symtab_covers_oracle() {
	"$ORACLE" "$H19" | cut -f1,2 | LC_ALL=C sort -u >"$B/oracle.ne"
	"$CLI" symbols --json "$H19" |
		jq -r '.functions[] | [(.name | sub("\\.abi0$"; "") | gsub("\\[[0-9]+\\]"; "[...]")), .entry] | @tsv' |
		LC_ALL=C sort -u >"$B/symtab.ne"
	LC_ALL=C comm -23 "$B/oracle.ne" "$B/symtab.ne" >"$B/missing.ne"
	head -n 10 "$B/missing.ne" | diag
	[[ ! -s "$B/missing.ne" ]]
}
check "hello go1.19 .symtab: every debug/gosym (name, entry) present" symtab_covers_oracle

for bin in "$H19" "$H19S" "$H19PS" "$HNEWS"; do
	check "$(basename "$bin"): Go version = go version's" same_version "$bin"
done

for v in "${ESBUILD_VERSIONS[@]}"; do
	bin="${ESBUILD[$v]}"
	check "esbuild $v ($("$GONEW" version "$bin" | awk '{ print $2 }')): table = debug/gosym" \
		same_table "$bin" "$bin"
	check "esbuild $v: source is pclntab" test "$(jq -r .source "$B/ours.json")" = pclntab
	check "esbuild $v: Go version = go version's" same_version "$bin"
done

# load time of the largest table (no quadratic surprises)
load_time_ok() {
	local bin="${ESBUILD[0.25.0]}" t0 t1 ms
	t0="$(date +%s%N)"
	"$CLI" symbols "$bin" >/dev/null
	t1="$(date +%s%N)"
	ms=$(((t1 - t0) / 1000000))
	echo "# esbuild 0.25.0: $(jq '.functions | length' "$B/ours.json") functions listed in $ms ms ($(basename "$CLI"))"
	((ms < 5000))
}
check "largest table loads and lists in under 5 s" load_time_ok

# --- 3. damaged binaries ------------------------------------------------------

sstrip_copy "$H19S" "$B/hello-go1.19.sstrip"
check "section headers removed: no sections left (readelf)" \
	test "$(readelf -h "$B/hello-go1.19.sstrip" | awk '/Number of section headers/ { print $NF }')" = 0
check "section headers removed: table found by magic scan = debug/gosym" \
	same_table "$B/hello-go1.19.sstrip" "$H19S"
check "section headers removed: Go version still found" \
	test "$(jq -r .go_version "$B/ours.json")" = "$("$GONEW" version "$H19S" | awk '{ print $2 }')"
args=()
for name in "${NAMES[@]}"; do args+=(--resolve "$name"); done
if run_cli "$B/resolve.json" "$B/resolve.err" "$B/hello-go1.19.sstrip" --json "${args[@]}"; then
	for name in main.marker runtime.main runtime.rt0_go; do
		check "section headers removed: $name resolves as nm/readelf say" \
			resolve_matches "$B/hello-go1.19.sstrip" "$H19" "$name"
	done
else
	diag <"$B/resolve.err"
	not_ok "section headers removed: resolve"
fi
sstrip_copy "$HNEWS" "$B/hello-gonew.sstrip"
check "newest Go, section headers removed (text start from moduledata) = debug/gosym" \
	same_table "$B/hello-gonew.sstrip" "$HNEWS"

# fails_cleanly DESC FILE: exit status exactly 1 and a message naming pclntab
fails_cleanly() {
	local rc=0
	"$CLI" symbols "$1" main.main >"$B/bad.out" 2>"$B/bad.err" || rc=$?
	diag <"$B/bad.err"
	[[ $rc -eq 1 ]] && grep -q pclntab "$B/bad.err"
}

read -r pcoff pcsize < <(section_range "$H19S" .gopclntab)
head -c $((pcoff + pcsize / 2)) "$H19S" >"$B/hello.truncated"
check "pclntab truncated: exit 1 with a message" fails_cleanly "$B/hello.truncated"
sstrip_copy "$B/hello.truncated" "$B/hello.truncated.sstrip"
check "pclntab truncated, no section headers: exit 1 with a message" \
	fails_cleanly "$B/hello.truncated.sstrip"
cp "$H19S" "$B/hello.garbage-body"
head -c $((pcsize - 8)) /dev/urandom |
	dd of="$B/hello.garbage-body" bs=4096 seek=$((pcoff + 8)) oflag=seek_bytes conv=notrunc status=none
check "pclntab overwritten after its magic: exit 1 with a message" \
	fails_cleanly "$B/hello.garbage-body"
cp "$H19S" "$B/hello.garbage-funcs"
head -c $((pcsize - 96)) /dev/urandom |
	dd of="$B/hello.garbage-funcs" bs=4096 seek=$((pcoff + 96)) oflag=seek_bytes conv=notrunc status=none
check "pclntab tables overwritten, header intact: exit 1 with a message" \
	fails_cleanly "$B/hello.garbage-funcs"
cp "$H19S" "$B/hello.garbage-all"
head -c "$pcsize" /dev/urandom |
	dd of="$B/hello.garbage-all" bs=4096 seek="$pcoff" oflag=seek_bytes conv=notrunc status=none
check "pclntab overwritten entirely: exit 1 with a message" \
	fails_cleanly "$B/hello.garbage-all"

not_elf() {
	local rc=0
	"$CLI" symbols "$TOP/selftests/targets/go/hello/main.go" 2>"$B/bad.err" >/dev/null || rc=$?
	[[ $rc -eq 1 ]] && grep -q 'not an ELF' "$B/bad.err"
}
check "not an ELF file: exit 1 with a message" not_elf
help_ok() { "$CLI" symbols --help | grep "^Usage: gosnap-cli symbols BINARY" >/dev/null; }
check "--help exits 0 and shows the usage" help_ok
bad_option() {
	local rc=0
	"$CLI" symbols --bogus "$H19" >/dev/null 2>&1 || rc=$?
	[[ $rc -eq 2 ]]
}
check "bad option: exit 2" bad_option

tap_finish_named symbols
