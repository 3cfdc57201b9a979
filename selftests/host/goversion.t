#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# goversion.t: the Go version from every source, and no answer for a Go
# release the tool does not know (issue 11, acceptance 5 and 6).
#
# The stacks target (inlined calls in main.main) is built by Go 1.26 and
# by the newest release selftests/lib/gotoolchain knows (the last of
# --list, NEW: 1.27 today), normally and with -ldflags='-s -w'.
#   - Go 1.26 stripped, four copies edited here
#     (selftests/symbols/elfedit.py): the .go.buildinfo section renamed
#     (the blob is still there, found by its magic), its section header
#     taken out of the table, no section headers at all (e_shnum 0), and
#     the buildinfo magic zeroed (only runtime.buildVersion, found by
#     decoding schedinit, names the version). Every command that reads only
#     the executable, with the options that read other structures
#     (EXE_CMDS: symbols [--source pclntab | --resolve], go [--source
#     decode], layout [--all | TYPE...], pcsp SYM, pcsp --pc ADDR) prints
#     the same JSON as for the unmodified build, apart from the key that
#     says where the version came from; that key names the source used.
#     (heap, stacks and sched read a snapshot: vm-tests/45-goversion.t.)
#   - NEW (both builds): pcsp main.main finds the inline tree (at least
#     4 entries, every entry named), and the NEW table's runtime.schedt
#     fields (at least 10) equal the DWARF's.
#   - esbuild 0.28.2 from npm (Go 1.26.5, built without build info at all):
#     the version comes from runtime.buildVersion, and leads to the go1.26
#     table and to type descriptors that parse.
#   - An unknown future release: the NEW builds with every "go1.NN.N"
#     string patched to "go1.99.0", and the real builds with the newest known
#     release lowered to the one before NEW (GOSNAP_TEST_NEWEST_GO_MINOR,
#     test only). Each
#     of EXE_CMDS either exits non-zero naming the unknown release, or
#     prints no value from a runtime structure: symbols only from .symtab,
#     layout only from DWARF (no "typedesc" or "table" answer) and says why
#     the field list is unavailable.
#
# Env: GOSNAP_CLI (default: the ASan build, made here), GOSNAP_CACHE.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/goversion/host"
mkdir -p "$B"
SYM_BUILD="$B/sym"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
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
command -v python3 >/dev/null || bail "python3 missing (package python3)"

build() {	# build VERSION OUT [flags...]
	local v="$1" out="$2" go
	shift 2
	go="$("$TOP/selftests/lib/gotoolchain" "$v")"
	(cd "$TOP/selftests/targets/go/stacks" &&
		env CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		GOCACHE="${GOCACHE:-$B/gocache}" GOPATH="$B/gopath" "$go" build "$@" -o "$out" .) >&2
}

# edit MODE IN OUT: a copy of IN with its version record damaged (see top).
edit() { python3 "$TOP/selftests/symbols/elfedit.py" "$@"; }

# JSON of CMD on the binary named NAME in DIR, without the keys that say
# where the version came from (those differ by design). With the build info
# gone, runtime.buildVersion's string has nothing to be checked against:
# its memory_check is left out too.
json_of() {	# json_of DIR NAME CMD [ARGS]
	local dir="$1" name="$2" cmd="$3"
	shift 3
	(cd "$dir" && "$CLI" "$cmd" -j "$name" "$@") |
		python3 -c 'import json, sys
def strip(o):
    if isinstance(o, dict):
        bv = o.get("name") == "runtime.buildVersion"
        return {k: strip(v) for k, v in o.items()
                if k not in ("go_version_from", "go_version_sources") and not (bv and k == "memory_check")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
print(json.dumps(strip(json.load(sys.stdin)), sort_keys=True))'
}

# --- setup ---------------------------------------------------------------
# the newest release the tool knows (the last of gotoolchain --list) and,
# for the unknown-release checks, the one before it
NEW="$("$TOP/selftests/lib/gotoolchain" --list | tail -n 1)"
PREV_MINOR=$((${NEW#1.} - 1))
for v in $(printf '%s\n' 1.26 "$NEW" | sort -uV); do
	mkdir -p "$B/$v"
	build "$v" "$B/$v/stacks"
	build "$v" "$B/$v/stacks-s" -ldflags='-s -w'
done
for m in rename-section drop-section no-shdrs zero-magic; do
	mkdir -p "$B/1.26-$m"
	edit "$m" "$B/1.26/stacks-s" "$B/1.26-$m/stacks-s"
done
mkdir -p "$B/1.99"
edit go1.99 "$B/$NEW/stacks" "$B/1.99/stacks" "go$NEW"
edit go1.99 "$B/$NEW/stacks-s" "$B/1.99/stacks-s" "go$NEW"
trap - ERR

# --- acceptance 5: the version from every source ------------------------
# Every command that reads only the executable (gosnap-cli --help: the
# snapshot commands are in vm-tests/45-goversion.t), with its options that
# read something else; pcsp --pc is added with an address in main.main.
EXE_CMDS=(symbols "symbols --source pclntab" "symbols --resolve main.main" go "go --source decode"
	layout "layout --all" "layout runtime.schedt runtime.g" "pcsp main.main")
# pc_of DIR NAME: an address inside main.main (from the build as it is)
pc_of() {
	(cd "$1" && "$CLI" symbols -j "$2" --resolve main.main) |
		python3 -c 'import json, sys; print(hex(json.load(sys.stdin)["resolved"][0]["address"] + 16))'
}
PC126="$(pc_of "$B/1.26" stacks-s)"
PCNEW="$(pc_of "$B/$NEW" stacks)"
PCNEWS="$(pc_of "$B/$NEW" stacks-s)"
declare -A want_from=([rename-section]="buildinfo magic" [drop-section]="buildinfo magic" [no-shdrs]="buildinfo magic"
	   [zero-magic]="runtime.buildVersion (decoded)")
for m in rename-section drop-section no-shdrs zero-magic; do
	for c in "${EXE_CMDS[@]}" "pcsp --pc $PC126"; do
		# shellcheck disable=SC2086
		a="$(json_of "$B/1.26" stacks-s $c 2>&1)" || true
		# shellcheck disable=SC2086
		b="$(json_of "$B/1.26-$m" stacks-s $c 2>&1)" || true
		if [[ -n "$a" && "$a" == "$b" && "$a" == *go1.26.* ]]; then
			ok "go1.26 -s -w, $m: $c JSON equals the unmodified build's"
		else
			not_ok "go1.26 -s -w, $m: $c JSON differs"
			diff <(tr ',' '\n' <<<"$a") <(tr ',' '\n' <<<"$b") | head -n 20 | diag || true
		fi
	done
	from="$(cd "$B/1.26-$m" && "$CLI" symbols -j stacks-s |
		python3 -c 'import json, sys; print(json.load(sys.stdin).get("go_version_from"))')"
	if [[ "$from" == "${want_from[$m]}" ]]; then
		ok "go1.26 -s -w, $m: version from $from"
	else
		not_ok "go1.26 -s -w, $m: version from '$from', want '${want_from[$m]}'"
	fi
done

# --- a real binary without build info: esbuild 0.28.2 from npm ---------
# It has neither a .go.buildinfo section nor the blob; runtime.buildVersion
# is the only record. The version must lead to the go1.26 tables, and the
# moduledata found with the go1.26 offsets must give type descriptors that
# parse (typedesc available): a wrong release would not.
esb="$(npm_esbuild @esbuild/linux-x64 0.28.2)"
r="$("$CLI" layout -j "$esb" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["sources"]
print(d["go_version"], s["typedesc"]["available"], s["table"]["available"], d.get("table"), d.get("named_types"))')"
if [[ "$r" =~ ^go1\.26\.[0-9]+\ True\ True\ go1\.26\ ([0-9]+)$ ]] && ((BASH_REMATCH[1] >= 300)); then
	ok "esbuild 0.28.2 (no build info): $r"
else
	not_ok "esbuild 0.28.2 (no build info): $r"
fi
from="$("$CLI" symbols -j "$esb" | python3 -c 'import json, sys; print(json.load(sys.stdin)["go_version_from"])')"
if [[ "$from" == "runtime.buildVersion (decoded)" ]]; then
	ok "esbuild 0.28.2: version from $from"
else
	not_ok "esbuild 0.28.2: version from '$from'"
fi

# --- the newest release (NEW) -------------------------------------------
for b in stacks stacks-s; do
	r="$(cd "$B/$NEW" && "$CLI" pcsp -j "$b" main.main | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d["functions"][0]
t = [s for s in f["funcdata"] if s["kind"] == "inline_tree"][0]
e = t.get("entries") or []
print(len(e), all(x["function"] for x in e), d["gofunc"] is not None)')"
	if [[ "$r" =~ ^([0-9]+)\ True\ True$ ]] && ((BASH_REMATCH[1] >= 4)); then
		ok "go$NEW $b: main.main's inline tree found ($r)"
	else
		not_ok "go$NEW $b: main.main's inline tree: $r"
	fi
done
cmp="$(python3 - <(cd "$B/$NEW" && "$CLI" layout -j --source dwarf stacks runtime.schedt) \
	<(cd "$B/$NEW" && "$CLI" layout -j --source table stacks-s runtime.schedt) <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["types"][0]["fields"]
t = json.load(open(sys.argv[2]))["types"][0]["fields"]
dd = {f["name"]: (f.get("offset"), f.get("size")) for f in d if f["source"] == "dwarf"}
tt = {f["name"]: (f.get("offset"), f.get("size")) for f in t if f["source"] == "table"}
bad = [k for k in tt if dd.get(k) != tt[k]]
print(len(tt), len(dd), bad)
EOF
)"
if [[ "$cmp" =~ ^([0-9]+)\ ([0-9]+)\ \[\]$ ]] && ((BASH_REMATCH[1] >= 10)); then
	ok "go$NEW: the go$NEW table's runtime.schedt fields equal DWARF's ($cmp)"
else
	not_ok "go$NEW: table vs DWARF for runtime.schedt: $cmp"
fi

# --- acceptance 6: an unknown release -----------------------------------
# check_unknown LABEL DIR NAME PC [ENV...]: no runtime-structure answer.
check_unknown() {
	local label="$1" dir="$2" name="$3" pc="$4" out rc c w
	shift 4
	for c in "${EXE_CMDS[@]}" "pcsp --pc $pc"; do
		rc=0
		read -r -a w <<<"$c"
		out="$(cd "$dir" && env "$@" "$CLI" "${w[0]}" -j "$name" "${w[@]:1}" 2>&1)" || rc=$?
		if ((rc == 99 || rc == 98)); then
			not_ok "$label: $c: sanitizer report"
			echo "$out" | head -n 20 | diag || true
			continue
		fi
		if ((rc != 0)); then
			if [[ "$out" == *"newer than the newest release known"* ]]; then
				ok "$label: $c exits $rc naming the unknown release"
			else
				not_ok "$label: $c exits $rc without the reason"
				echo "$out" | head -n 5 | diag || true
			fi
			continue
		fi
		case "$c" in
		symbols|"symbols --resolve"*)
			if python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(d["source"] != "symtab")' <<<"$out"; then
				ok "$label: $c answers from .symtab only"
			else
				not_ok "$label: $c answered from a runtime structure"
			fi ;;
		layout*)
			if python3 -c '
import json, sys
d = json.load(sys.stdin)
srcs = {f["source"] for t in d["types"] for f in t["fields"]}
srcs |= {t["size_source"] for t in d["types"]}
fu = all(t["fields"] or t.get("fields_unavailable") for t in d["types"])
sys.exit(not (srcs <= {"dwarf", "none"} and fu and not d["sources"]["table"]["available"]))' <<<"$out"; then
				ok "$label: $c answers from DWARF only and says why fields are missing"
			else
				not_ok "$label: $c gave an answer from a table or descriptors"
			fi ;;
		*)
			not_ok "$label: $c exits 0 for an unknown release"
			echo "$out" | head -n 5 | diag || true ;;
		esac
	done
}
check_unknown "go1.99 (patched go$NEW)" "$B/1.99" stacks "$PCNEW"
check_unknown "go1.99 (patched go$NEW) -s -w" "$B/1.99" stacks-s "$PCNEWS"
check_unknown "go$NEW, newest known lowered to 1.$PREV_MINOR" "$B/$NEW" stacks "$PCNEW" GOSNAP_TEST_NEWEST_GO_MINOR=$PREV_MINOR
check_unknown "go$NEW -s -w, newest known lowered to 1.$PREV_MINOR" "$B/$NEW" stacks-s "$PCNEWS" GOSNAP_TEST_NEWEST_GO_MINOR=$PREV_MINOR

tap_finish
