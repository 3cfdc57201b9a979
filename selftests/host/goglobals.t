#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# goglobals.t: `gosnap-cli go BINARY` finds the Go runtime's globals
# (mheap_, allgs, allglen, allgptr, allp, sched, work, m0, g0, buildVersion,
# firstmoduledata, memstats, gcController) by decoding instructions, with
# no symbol table, and agrees with independent oracles:
#   - `go tool nm` of the same program built by the same toolchain: the
#     unstripped build with the symtab source disabled (--source decode),
#     a copy stripped afterwards by objcopy (same layout), and the
#     `-ldflags='-s -w'` build, compared with the `-ldflags=-w` build that
#     keeps .symtab and has the same load layout (checked with readelf);
#   - for real stripped binaries (esbuild from npm, Go 1.20.4, 1.22.4,
#     1.23.5; no symbol table anywhere): every global found by two
#     independent references that agree, the runtime.buildVersion string
#     equal to `go version BINARY`, firstmoduledata's first word equal to
#     the pclntab address, all addresses distinct and in readelf's data
#     or bss sections;
#   - a binary whose primary reference was patched must report a conflict,
#     not an address.
# Toolchains: selftests/lib/gotoolchain (Go 1.19, 1.21-1.26) when present,
# else Go 1.19 and the newest Go from Debian unstable.
#
# Env: GOSNAP_CLI (default: the ASan build, made here), GOSNAP_CACHE.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
B="$TOP/build/goglobals"
mkdir -p "$B"

export ASAN_OPTIONS=exitcode=99:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1

GLOBALS=(runtime.mheap_ runtime.allgs runtime.allglen runtime.allgptr
	 runtime.allp runtime.sched runtime.work runtime.m0 runtime.g0
	 runtime.buildVersion runtime.firstmoduledata runtime.memstats
	 runtime.gcController runtime.allm runtime.gcphase)

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
bail_on_error

if [[ -n "${GOSNAP_CLI:-}" ]]; then
	CLI="$GOSNAP_CLI"
else
	CLI="$TOP/build/cli/asan/gosnap-cli"
	make -s -C "$TOP/cli" "$CLI" >&2
fi

# Toolchains: "VERSION GO" lines.
toolchains=()
if [[ -x "$TOP/selftests/lib/gotoolchain" ]]; then
	for v in $("$TOP/selftests/lib/gotoolchain" --list); do
		if go="$("$TOP/selftests/lib/gotoolchain" "$v" 2>"$B/toolchain-$v.err")"; then
			toolchains+=("$v $go")
		else
			diag <"$B/toolchain-$v.err"
			not_ok "Go $v: toolchain (selftests/lib/gotoolchain $v)"
		fi
	done
else
	toolchains=("1.19 $GO119" "new $(newest_go)")
fi
GOVER_TOOL="$(newest_go)"	# `go version` of any binary, also 1.20+

declare -A ESBUILD
for v in 0.17.19 0.22.0 0.25.0; do
	ESBUILD[$v]="$(npm_esbuild @esbuild/linux-x64 "$v")"
done
trap - ERR

# --- helpers -----------------------------------------------------------------

# globals_tsv BIN ARGS...: "name<TAB>address<TAB>status" from the CLI's JSON.
globals_tsv() {
	local bin="$1"
	shift
	"$CLI" go --json "$@" "$bin" >"$B/go.json" 2>"$B/go.err" || {
		diag <"$B/go.err"
		return 1
	}
	jq -r '.globals[] | [.name, (.address // "none"), .status] | @tsv' "$B/go.json"
}

# nm_tsv GO BIN: "name<TAB>0xaddr" of every data symbol GO's nm lists.
nm_tsv() {
	go_env "$1" tool nm "$2" | awk 'NF >= 3 && $(NF-1) ~ /^[DdBb]$/ { print $NF "\t0x" $1 }'
}

# same_as_nm TAG BIN NMFILE ARGS...: every global decoded from BIN is
# cross-checked and at the address NMFILE gives; globals absent from
# NMFILE must not be reported either.
same_as_nm() {
	local tag="$1" bin="$2" nmfile="$3" name want got status bad=0
	shift 3
	globals_tsv "$bin" "$@" >"$B/ours.tsv" || return 1
	for name in "${GLOBALS[@]}"; do
		want="$(awk -F'\t' -v n="$name" '$1 == n { print $2; exit }' "$nmfile")"
		IFS=$'\t' read -r _ got status < <(awk -F'\t' -v n="$name" '$1 == n' "$B/ours.tsv")
		if [[ -z "$want" ]]; then
			[[ "$got" == none ]] || { echo "# $tag: $name at $got, nm has none"; bad=1; }
			continue
		fi
		if [[ "$got" == none || $((got)) -ne $((want)) || "$status" != cross-checked ]]; then
			echo "# $tag: $name: got $got ($status), nm says $want"
			bad=1
		fi
	done
	[[ $bad -eq 0 ]]
}

# data_layout BIN: name, address and size of Go's variable sections
# (.noptrdata, .data, .bss, .noptrbss; readelf): where the globals live.
data_layout() {
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk '$1 ~ /^\.(noptr)?(data|bss)$/ { print $1, $3, $5 }'
}

# jq_true FILE FILTER: the filter holds on FILE.
jq_true() {
	jq -e "${@:3}" "$2" "$1" >/dev/null
}

# --- 1. Debian toolchains: decoded = go tool nm ----------------------------------

for tc in "${toolchains[@]}"; do
	read -r v go <<<"$tc"
	tag="go$v"
	full="$(build_hello "$go" "$B/hello-$v")"
	nosym="$(build_hello "$go" "$B/hello-$v.w" -ldflags=-w)"
	stripped="$(build_hello "$go" "$B/hello-$v.stripped" -ldflags='-s -w')"
	objcopy --strip-all "$full" "$B/hello-$v.objstrip"
	nm_tsv "$go" "$full" >"$B/nm-$v.tsv"
	nm_tsv "$go" "$nosym" >"$B/nm-$v.w.tsv"
	echo "# $tag: $("$go" version), $(wc -l <"$B/nm-$v.tsv") data symbols"

	check "$tag unstripped, .symtab ignored: decoded globals = go tool nm" \
		same_as_nm "$tag" "$full" "$B/nm-$v.tsv" --source decode
	"$CLI" go --json "$full" >"$B/auto.json"
	check "$tag unstripped, auto: source symtab and decoded = symtab" \
		jq_true "$B/auto.json" '[.globals[] | select(.symtab_address != null) |
			.source == "symtab" and .decoded.address == .symtab_address] |
			length > 0 and all'
	check "$tag stripped by objcopy: decoded globals = go tool nm of the original" \
		same_as_nm "$tag" "$B/hello-$v.objstrip" "$B/nm-$v.tsv"
	check "$tag -s -w build has the -w build's data layout (readelf)" \
		cmp -s <(data_layout "$nosym") <(data_layout "$stripped")
	check "$tag -s -w build: decoded globals = go tool nm of the -w build" \
		same_as_nm "$tag" "$stripped" "$B/nm-$v.w.tsv"
	# shellcheck disable=SC2016 # $v is jq's
	check "$tag -s -w build: no symtab, buildVersion string = go version's" \
		jq_true "$B/go.json" '.symtab == false and .go_version.buildinfo == $v and
		 ([.globals[] | select(.name == "runtime.buildVersion") |
		   .memory_check.ok] == [true])' \
		--arg v "$("$go" version "$stripped" | awk '{ print $2 }')"
done

# PIE: addresses are link-time (offsets from the load base).
read -r v1 go1 <<<"${toolchains[0]}"
pie="$(build_hello "$go1" "$B/hello-$v1.pie" -buildmode=pie -ldflags=-w)"
piestripped="$(build_hello "$go1" "$B/hello-$v1.pie.stripped" -buildmode=pie -ldflags='-s -w')"
nm_tsv "$go1" "$pie" >"$B/nm-pie.tsv"
check "go$v1 PIE -s -w build has the -w build's data layout (readelf)" \
	cmp -s <(data_layout "$pie") <(data_layout "$piestripped")
check "go$v1 PIE -s -w build: decoded globals = go tool nm of the -w PIE build" \
	same_as_nm "go$v1-pie" "$piestripped" "$B/nm-pie.tsv"
check "go$v1 PIE: reported as PIE" jq_true "$B/go.json" '.pie'

# --- 2. the decoder steps exactly as objdump does -----------------------------------

# A helper built here from the decoder's source (ASan/UBSan): reads
# objdump's instruction addresses ("ADDR BAD", BAD 1 where objdump printed
# "(bad)") and decodes .text linearly, counting every place where the next
# instruction would start elsewhere. After a "(bad)" (data bytes in text),
# both resynchronise at objdump's next address.
cat >"$B/lencheck.c" <<'EOF_C'
#include <stdio.h>
#include <stdlib.h>
#include "exe/x86dec.h"
int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: lencheck BINARY OFFSET VADDR SIZE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	long off = strtol(argv[2], NULL, 0), size = strtol(argv[4], NULL, 0);
	unsigned long va = strtoul(argv[3], NULL, 0), want, n = 0, bad = 0, skipped = 0;
	unsigned char *buf = size > 0 ? malloc(size) : NULL;
	long pos = 0;
	int objdump_bad, resync = 0, ok;

	ok = f && buf && !fseek(f, off, SEEK_SET) &&
	     fread(buf, 1, size, f) == (size_t)size;
	if (!ok) {
		/* Every path frees: ASan reports a leak even on this exit. */
		fprintf(stderr, "lencheck: cannot read %ld bytes at %ld of %s\n",
			size, off, argv[1]);
		free(buf);
		if (f)
			fclose(f);
		return 2;
	}
	while (scanf("%lx %d", &want, &objdump_bad) == 2) {
		struct x86_insn in;
		int len;

		if (objdump_bad) {
			skipped++;
			resync = 1;
			continue;
		}
		if (resync) {
			pos = want - va;
			resync = 0;
		}
		if (va + pos != want) {
			if (bad++ < 5)
				printf("mismatch: decoder at %#lx, objdump at %#lx\n", va + pos, want);
			pos = want - va;
		}
		len = x86_decode(buf + pos, size - pos, va + pos, &in);
		if (len < 0) {
			if (bad++ < 5)
				printf("refused at %#lx\n", va + pos);
			resync = 1;
			continue;
		}
		pos += len;
		n++;
	}
	printf("%lu instructions, %lu disagreements, %lu objdump (bad)\n", n, bad, skipped);
	free(buf);
	fclose(f);
	return bad != 0;
}
EOF_C
check "the objdump comparison helper builds" \
	cc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -I"$TOP/cli" -o "$B/lencheck" \
	"$B/lencheck.c" "$TOP/cli/exe/x86dec.c"

same_steps() {
	local bin="$1" off va size
	read -r off va size < <(readelf -SW "$bin" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk '$1 == ".text" { print "0x" $4, "0x" $3, "0x" $5 }')
	objdump -d --no-show-raw-insn -j .text "$bin" |
		awk -F'\t' '/^ +[0-9a-f]+:\t/ { sub(/:$/, "", $1); print $1, ($2 ~ /\(bad\)/) }' |
		"$B/lencheck" "$bin" "$off" "$va" "$size" | diag
	return "${PIPESTATUS[2]}"
}
for tc in "${toolchains[0]}" "${toolchains[-1]}"; do
	read -r v _ <<<"$tc"
	check "go$v hello: decoder's instruction boundaries = objdump's over all of .text" \
		same_steps "$B/hello-$v"
done
check "esbuild 0.22.0: decoder's instruction boundaries = objdump's over all of .text" \
	same_steps "${ESBUILD[0.22.0]}"

# --- 3. real stripped binaries: two references agree, memory is sane ---------------

# in_data_or_bss BIN ADDR: ADDR lies in an allocated, writable section.
data_sections() {
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk '$7 ~ /W/ && $7 ~ /A/ { print $3, $5 }'
}
in_sections() {
	local a=$(($2)) start size
	while read -r start size; do
		((a >= 16#$start && a < 16#$start + 16#$size)) && return 0
	done < <(data_sections "$1")
	return 1
}

esbuild_sane() {
	local bin="$1" name addr status bad=0 want
	globals_tsv "$bin" >"$B/es.tsv" || return 1
	while IFS=$'\t' read -r name addr status; do
		if [[ "$status" != cross-checked || "$addr" == none ]]; then
			echo "# $name: $status $(jq -r --arg n "$name" '.globals[] | select(.name == $n) | .note // ""' "$B/go.json")"
			bad=1
		elif ! in_sections "$bin" "$addr"; then
			echo "# $name: $addr is in no writable section (readelf)"
			bad=1
		fi
	done <"$B/es.tsv"
	if [[ "$(cut -f2 "$B/es.tsv" | sort | uniq -d)" != "" ]]; then
		echo "# two globals at one address"
		bad=1
	fi
	want="$("$GOVER_TOOL" version "$bin" | awk '{ print $2 }')"
	jq -e --arg v "$want" '.symtab == false and .go_version.buildinfo == $v and
		([.globals[] | select(.memory_check != null) | .memory_check.ok] ==
		 [true, true])' "$B/go.json" >/dev/null || {
		echo "# version/memory checks failed (go version says $want)"
		bad=1
	}
	[[ $bad -eq 0 ]]
}

for v in 0.17.19 0.22.0 0.25.0; do
	bin="${ESBUILD[$v]}"
	gv="$("$GOVER_TOOL" version "$bin" | awk '{ print $2 }')"
	check "esbuild $v ($gv, stripped): all ${#GLOBALS[@]} globals cross-checked, in data/bss, distinct; buildVersion and moduledata verified" \
		esbuild_sane "$bin"
	jq -r '.globals[] | "#   \(.name) \(.address) from \(.decoded.function)+\(.decoded.offset), checked by \(.cross_check.function)+\(.cross_check.offset)"' "$B/go.json"
done

timing() {
	local bin="${ESBUILD[0.25.0]}" t0 t1 ms
	t0="$(date +%s%N)"
	"$CLI" go "$bin" >/dev/null
	t1="$(date +%s%N)"
	ms=$(((t1 - t0) / 1000000))
	echo "# esbuild 0.25.0 ($(stat -c %s "$bin") bytes): globals found in $ms ms ($(basename "$CLI")), $(jq .decoding.instructions "$B/go.json") instructions decoded"
	((ms < 5000))
}
check "largest binary: globals in under 5 s" timing

# --- 4. a sabotaged reference gives a conflict, not an address ---------------------

# Add 0x40 to the disp32 of mheap_'s primary LEA (rip-relative LEA: the
# displacement is the instruction's last 4 bytes; it is 7 bytes long).
sabotage() {
	local src="$1" pc off disp hex
	"$CLI" go --json "$src" >"$B/sab.json"
	pc="$(jq -r '.globals[] | select(.name == "runtime.mheap_") | .decoded.pc' "$B/sab.json")"
	off="$(file_off_readelf "$src" "$pc")"
	[[ "$off" != none ]] || return 1
	cp "$src" "$B/sabotaged"
	disp="$(od -An -t d4 -j $((off + 3)) -N 4 "$src" | tr -d ' ')"
	hex="$(printf '%08x' $(((disp + 0x40) & 0xffffffff)))"
	# shellcheck disable=SC2059 # the format is the little-endian bytes
	printf "\\x${hex:6:2}\\x${hex:4:2}\\x${hex:2:2}\\x${hex:0:2}" |
		dd of="$B/sabotaged" bs=1 seek=$((off + 3)) conv=notrunc status=none
	"$CLI" go --json "$B/sabotaged" >"$B/sab2.json"
	jq -e '.globals[] | select(.name == "runtime.mheap_") |
		.status == "conflict" and .address == null' "$B/sab2.json" >/dev/null || {
		jq -c '.globals[] | select(.name == "runtime.mheap_")' "$B/sab2.json" | diag
		return 1
	}
}
check "primary reference patched: mheap_ reported as a conflict, no address" \
	sabotage "$B/hello-$v1.stripped"

# --- 5. errors ------------------------------------------------------------------------

not_go() {
	local rc=0
	"$CLI" go "$TOP/selftests/targets/go/hello/main.go" >/dev/null 2>"$B/err" || rc=$?
	[[ $rc -eq 1 ]] && grep -q 'not an ELF' "$B/err"
}
check "not an ELF file: exit 1 with a message" not_go
no_pclntab() {
	local rc=0
	"$CLI" go /bin/true >/dev/null 2>"$B/err" || rc=$?
	diag <"$B/err"
	[[ $rc -eq 1 ]] && grep -qi pclntab "$B/err"
}
check "a C program: exit 1, says there is no pclntab" no_pclntab
check "--help exits 0" bash -c "'$CLI' go --help | grep -q '^Usage: gosnap-cli go'"
bad_source() {
	local rc=0
	"$CLI" go --source bogus "$B/hello-$v1" >/dev/null 2>&1 || rc=$?
	[[ $rc -eq 2 ]]
}
check "bad --source: exit 2" bad_source

tap_finish_named goglobals
