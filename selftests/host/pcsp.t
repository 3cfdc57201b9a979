#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# pcsp.t: `gosnap-cli pcsp` against two independent oracles, on the stacks
# target built by Go 1.19 and by Debian's newest Go, normal and stripped:
#   - Go's own debug/gosym (selftests/stacks/pcline-oracle, built with the
#     newest Go) gives file:line for every byte PC of a sample of 200
#     functions (fixed seed, plus the functions the stack tests probe);
#     ours must be identical, PC for PC;
#   - `go tool objdump` of the same toolchain: at every SUBQ/ADDQ $N, SP
#     and PUSHQ/POPQ BP of those functions, our SP delta must change by
#     exactly that much from the instruction to the next, and be 0 at the
#     entry; and how a probe at each one's entry tells a call from its
#     re-entry (pcsp's reentry, body: selftests/stacks/reentry_oracle.py).
#
# Env: GOSNAP_CLI (default: the ASan build, made here), GOSNAP_CACHE.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/stacks/lib.sh
source "$TOP/selftests/stacks/lib.sh"
SYM_BUILD="$TOP/build/pcsp"
B="$SYM_BUILD"
mkdir -p "$B"
readonly SAMPLE=200
readonly ALWAYS="runtime.schedinit runtime.main main.main main.marker runtime.gcStart runtime.mallocgc"

export ASAN_OPTIONS=exitcode=99:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1

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
GONEW="$(newest_go)"
echo "# newest Go from sid: $("$GONEW" version)"
ORACLE="$(pcline_oracle "$GONEW")"
LISTER="$(gosym_oracle "$GONEW")"
declare -A GO_OF=([go1.19]="$GO119" [gonew]="$GONEW")
for v in go1.19 gonew; do
	build_stacks "${GO_OF[$v]}" "$B/stacks-$v" >/dev/null
	build_stacks "${GO_OF[$v]}" "$B/stacks-$v.stripped" -ldflags='-s -w' >/dev/null
	go_env "${GO_OF[$v]}" tool objdump "$B/stacks-$v" >"$B/objdump-$v.txt"
done
trap - ERR

# sample BINARY: "NAME<TAB>ENTRY" of the sampled functions (entry in hex).
sample() {
	local all="$B/funcs.$$"
	"$LISTER" "$1" | awk -F'\t' '$3 > 0' >"$all"
	{
		for f in $ALWAYS; do awk -F'\t' -v n="$f" '$1 == n' "$all"; done
		shuf -n "$SAMPLE" --random-source=<(yes gosnap) "$all"
	} | awk -F'\t' '!seen[$1]++ { printf "%s\t%x\n", $1, $2 }'
	rm -f "$all"
}

# ours_lines BINARY <sample: our pcsp rows as the oracle prints them.
ours_lines() {
	local bin="$1" names=() addrs=() name addr
	while IFS=$'\t' read -r name addr; do
		names+=("$name")
		addrs+=("0x$addr")
	done
	"$CLI" pcsp "$bin" "${addrs[@]}" | awk '
		/^[^ ]/ && !/^(funcdata|ranges) / { name = $0; last = ""; next }
		/^  0x[0-9a-f]+-0x[0-9a-f]+ / {
			split($1, r, "-"); pc = substr(r[1], 3)
			if ($3 != last) { printf "%s\t%s\t%s\n", name, pc, $3; last = $3 }
		}'
}

# Our rows as "ENTRY START END SP" (hex, hex, hex, decimal).
ours_sp() {
	local bin="$1" addrs=() name addr
	while IFS=$'\t' read -r name addr; do addrs+=("0x$addr"); done
	# Functions flagged topframe (rt0_go, goexit...) are never unwound
	# through; their assembly keeps no SP delta (the table reads 0).
	"$CLI" pcsp "$bin" "${addrs[@]}" | awk '
		/^  entry 0x/ { entry = substr($2, 3); top = / flags .*topframe/; next }
		/^  0x[0-9a-f]+-0x[0-9a-f]+ / && !top {
			split($1, r, "-")
			print entry, substr(r[1], 3), substr(r[2], 3), $2
		}'
}

# undecodable OBJDUMP: the first address of each function in which go tool
# objdump printed an instruction it cannot decode ("?", e.g. AVX-512's
# EVEX encodings): it then loses the instruction boundaries, and the bytes
# it shows as PUSHQ/POPQ BP there are not instructions at all.
undecodable() {
	awk -F'\t+' '/^TEXT / { first = 1; next }
		$2 ~ /^0x/ { if (first) { cur = $2; first = 0 } if ($4 ~ /^\?/) bad[cur] = 1 }
		END { for (c in bad) print c }' "$1"
}

# check_sp SAMPLE OURS_SP OBJDUMP: prints "checks failures skipped" (the
# sampled functions left out as undecodable), then failures on stderr.
check_sp() {
	awk -v SAMPLEF="$1" -v OURSF="$2" -v SKIPF=<(undecodable "$3") '
	function hex(s,   i, c, v) {
		v = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1)) - 1
			v = v * 16 + c
		}
		return v
	}
	function sp_at(e, pc,   i) {
		for (i = 0; i < nr[e]; i++)
			if (pc >= rs[e, i] && pc < re[e, i]) return rsp[e, i]
		return "none"
	}
	function check(e, p, q, insn, want,   a, b) {
		a = sp_at(e, p); b = sp_at(e, q); checks++
		if (a == "none" || b == "none" || b - a != want) {
			bad++
			if (bad <= 10) printf "%s +0x%x %s: sp %s -> %s, want %+d\n", fname[e], p - e, insn, a, b, want > "/dev/stderr"
		}
	}
	BEGIN {
		FS = "\t"
		while ((getline l < SAMPLEF) > 0) { split(l, f, "\t"); want[hex(f[2])] = 1; fname[hex(f[2])] = f[1] }
		FS = " "
		while ((getline l < OURSF) > 0) {
			split(l, f, " "); e = hex(f[1])
			i = nr[e]++; rs[e, i] = hex(f[2]); re[e, i] = hex(f[3]); rsp[e, i] = f[4] + 0
		}
		while ((getline l < SKIPF) > 0) skip[hex(l)] = 1
		FS = "\t+"
	}
	/^TEXT / { cur = -1; prev = ""; next }
	$2 ~ /^0x/ {
		pc = hex($2); insn = $4; sub(/[ \t]+$/, "", insn)
		if (cur == -1) {
			cur = pc
			if (!(cur in want) || !nr[cur]) cur = -2
			else if (cur in skip) { skipped++; cur = -2 }
			else { checks++; if (sp_at(cur, pc) != 0) { bad++; printf "%s: sp at entry is %s\n", fname[cur], sp_at(cur, pc) > "/dev/stderr" } }
		}
		if (cur >= 0 && prev != "") {
			if (match(pinsn, /^SUBQ \$-?0x[0-9a-f]+, SP$/) || match(pinsn, /^ADDQ \$-?0x[0-9a-f]+, SP$/)) {
				s = pinsn; sub(/^[A-Z]+ \$/, "", s); sub(/, SP$/, "", s)
				neg = sub(/^-/, "", s); v = hex(s); if (neg) v = -v
				if (pinsn ~ /^ADDQ/) v = -v
				check(cur, prev, pc, pinsn, v)
			} else if (pinsn == "PUSHQ BP") check(cur, prev, pc, pinsn, 8)
			else if (pinsn == "POPQ BP") check(cur, prev, pc, pinsn, -8)
		}
		prev = pc; pinsn = insn
	}
	END { printf "%d %d %d\n", checks, bad, skipped }
	' "$3"
}

for v in go1.19 gonew; do
	for kind in "" .stripped; do
		bin="$B/stacks-$v$kind"
		label="stacks-$v$kind"
		sample "$bin" >"$B/sample-$label.tsv"
		nfunc="$(wc -l <"$B/sample-$label.tsv")"
		"$ORACLE" "$bin" <"$B/sample-$label.tsv" >"$B/oracle-$label.tsv"
		start=$SECONDS
		if ! ours_lines "$bin" <"$B/sample-$label.tsv" >"$B/ours-$label.tsv"; then
			not_ok "$label: gosnap-cli pcsp failed"
			continue
		fi
		secs=$((SECONDS - start))
		npc="$(wc -l <"$B/oracle-$label.tsv")"
		if cmp -s "$B/oracle-$label.tsv" "$B/ours-$label.tsv"; then
			ok "$label: file:line of every PC of $nfunc functions equals debug/gosym ($npc position changes, ${secs}s)"
		else
			{ diff "$B/oracle-$label.tsv" "$B/ours-$label.tsv" || true; } | head -n 20 | diag
			not_ok "$label: file:line differs from debug/gosym"
		fi
		[[ -z "$kind" ]] || continue
		ours_sp "$bin" <"$B/sample-$label.tsv" >"$B/sp-$label.txt"
		res="$(check_sp "$B/sample-$label.tsv" "$B/sp-$label.txt" "$B/objdump-$v.txt" 2>"$B/sp-$label.err")"
		read -r checks bad skipped <<<"$res"
		if [[ "$bad" -eq 0 && "$checks" -gt "$nfunc" ]]; then
			ok "$label: SP delta agrees with go tool objdump at $checks prologue/epilogue points of $((nfunc - skipped)) functions ($skipped with instructions objdump cannot decode left out)"
		else
			diag <"$B/sp-$label.err"
			not_ok "$label: SP delta disagrees with go tool objdump at $bad of $checks points"
		fi
	done
done

# The stripped build must give the same tables as the unstripped one (the
# funcdata addresses aside: read-only data moves when symbols go).
same_tables() {
	"$CLI" pcsp "$1" runtime.schedinit main.main runtime.mallocgc |
		sed -E '/^  [0-9] [a-z_]+ +0x/ s/0x[0-9a-f]+//'
}
for v in go1.19 gonew; do
	a="$(same_tables "$B/stacks-$v" | sha256sum)"
	b="$(same_tables "$B/stacks-$v.stripped" | sha256sum)"
	if [[ "$a" == "$b" ]]; then
		ok "stacks-$v: pcsp output identical for the stripped build"
	else
		not_ok "stacks-$v: pcsp output differs for the stripped build"
	fi
done

# How capture --at counts each sampled function's calls (pcsp's reentry
# and body) against go tool objdump: never calls morestack, or a stack
# check whose end is the body probe's address.
for v in go1.19 gonew; do
	for kind in "" .stripped; do
		label="stacks-$v$kind"
		mapfile -t addrs < <(cut -f2 "$B/sample-$label.tsv" | sed 's/^/0x/')
		"$CLI" -j pcsp "$B/stacks-$v$kind" "${addrs[@]}" >"$B/reentry-$label.json"
		res="$(python3 "$TOP/selftests/stacks/reentry_oracle.py" "$B/objdump-$v.txt" \
			"$B/reentry-$label.json" 2>"$B/reentry-$label.err")"
		read -r checks bad never body <<<"$res"
		if [[ "$bad" -eq 0 && "$checks" -gt 100 && "$never" -gt 0 && "$body" -gt 0 ]]; then
			ok "$label: how a probe tells a call from its re-entry agrees with go tool objdump for $checks functions ($body with a stack check and its body's address, $never that never call morestack)"
		else
			diag <"$B/reentry-$label.err"
			not_ok "$label: re-entry policy disagrees with go tool objdump for $bad of $checks functions"
		fi
	done
done

# The wait reason tables (cli/decode/goroutines_tables.c) against each release's
# own runtime/runtime2.go, for every toolchain selftests/lib/gotoolchain has.
for v in $("$TOP/selftests/lib/gotoolchain" --list); do
	if ! go="$("$TOP/selftests/lib/gotoolchain" "$v" 2>"$B/gotoolchain-$v.err")"; then
		diag <"$B/gotoolchain-$v.err"
		not_ok "wait reasons of go$v: toolchain (selftests/lib/gotoolchain $v)"
		continue
	fi
	src="$(dirname "$go")/../src/runtime/runtime2.go"
	[[ -f "$src" ]] || src="$(dirname "$(readlink -f "$go")")/../src/runtime/runtime2.go"
	want="$("$TOP/selftests/stacks/waitreasons.sh" "$src")"
	got="$("$CLI" stacks --wait-reasons "go$v" 2>&1 || true)"
	if [[ -n "$want" && "$want" == "$got" ]]; then
		ok "wait reasons of go$v equal its runtime2.go ($(wc -l <<<"$want") reasons)"
	else
		{ diff <(echo "$want") <(echo "$got") || true; } | head -n 5 | diag
		not_ok "wait reasons of go$v differ from its runtime2.go"
	fi
done

tap_finish
