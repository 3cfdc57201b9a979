#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# layout.t: the layout sources that work without DWARF (docs/layout.md)
# against the DWARF of the same program, for every Debian Go toolchain
# (selftests/lib/gotoolchain; this regenerates the check for each one).
# The heap program (selftests/targets/go/heap) is built normally and with
# -ldflags='-s -w'; `gosnap-cli layout --all --source X -j` lists what one
# source answers:
#   - typedesc (the -s -w build's type descriptors) and table (the
#     per-release table, generated from the release's runtime source) give
#     the same offset, size and type name as the normal build's DWARF for
#     every field they both know, and the same value for every constant;
#   - without DWARF (the -s -w build), the sources answer every need the
#     decoders declare (`gosnap-cli layout --needs -j`: the tables in
#     cli/decode, at least 100 needs), optional ones aside;
#   - the globals the table source reports for a copy stripped by
#     `strip -s` (same addresses, found by instruction decoding) equal the
#     DWARF's addresses of the normal build;
#   - a copy without section headers decodes the same (program headers
#     only), and a truncated binary gives a message, not a crash.
#
# Env: GOSNAP_CLI (default: the ASan build, made here).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/layout"
mkdir -p "$B"
export ASAN_OPTIONS=exitcode=99:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
if [[ -n "${GOSNAP_CLI:-}" ]]; then
	CLI="$GOSNAP_CLI"
else
	CLI="$TOP/build/cli/asan/gosnap-cli"
	make -s -C "$TOP/cli" "$CLI" >&2
fi

# compare A B KIND: every field/constant B answers equals A's (DWARF).
# Prints a summary line, the mismatches, and exits 1 on any.
compare() {
	python3 - "$1" "$2" "$3" <<'EOF_PY'
import json, sys
d, s, kind = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
dt = {t["name"]: t for t in d["types"]}
fields = consts = 0
bad = []
for t in s["types"]:
    D = dt.get(t["name"])
    if D is None:
        continue
    if t["size"] is not None and D["size"] is not None and t["size"] != D["size"]:
        bad.append("size %s: %s, dwarf %s" % (t["name"], t["size"], D["size"]))
    df = {f["name"]: f for f in D["fields"]}
    for f in t["fields"]:
        g = df.get(f["name"])
        if f["source"] == "none" or g is None or g["source"] == "none":
            continue
        fields += 1
        if (f["offset"], f["size"], f["type"]) != (g["offset"], g["size"], g["type"]):
            bad.append("%s.%s: %s+%s %s, dwarf %s+%s %s" % (t["name"], f["name"],
                       f["offset"], f["size"], f["type"], g["offset"], g["size"], g["type"]))
dc = {c["name"]: c["value"] for c in d["constants"]}
for c in s["constants"]:
    if c["name"] in dc:
        consts += 1
        if dc[c["name"]] != c["value"]:
            bad.append("constant %s: %s, dwarf %s" % (c["name"], c["value"], dc[c["name"]]))
print("# %s: %d fields and %d constants compared with DWARF, %d differ" % (kind, fields, consts, len(bad)))
for b in bad[:20]:
    print("# " + b)
sys.exit(1 if bad or fields == 0 else 0)
EOF_PY
}

# needs JSON: every need the decoders declare (`layout --needs`, their
# tables in cli/decode) is answered, optional ones aside; at least 100.
needs() {
	jq -e '(.needs | length) >= 100' "$1" >/dev/null || { echo "# fewer than 100 needs declared"; return 1; }
	jq -r '.needs[] | select(.optional | not) | select(.answered | not) |
		"# not answered: \(.decoder) \(.kind) \(.type // "")\(if .type and .name != "" then "." else "" end)\(.name)"' "$1"
	jq -e '[.needs[] | select(.optional | not) | select(.answered | not)] | length == 0' "$1" >/dev/null
}

mapfile -t versions < <("$TOP/selftests/heap/build-targets" "$B" 2>"$B/build.err")
diag <"$B/build.err"
[[ ${#versions[@]} -gt 0 ]] || { not_ok "building the heap program with any Go toolchain"; plan "$n"; exit 1; }
# every release gotoolchain knows (1.27 too) is required: a failed fetch fails
for v in $("$TOP/selftests/lib/gotoolchain" --list); do
	[[ " ${versions[*]} " == *" $v "* ]] ||
		not_ok "go$v: built the heap program (a failed toolchain fetch fails, see above)"
done

for v in "${versions[@]}"; do
	go="$("$TOP/selftests/lib/gotoolchain" "$v")"
	bin="$B/heap-$v"
	if ! (cd "$TOP/selftests/targets/go/heap" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		GOCACHE="${GOCACHE:-$TOP/build/go/cache-$v}" GOPATH="$TOP/build/go/path" \
		"$go" build -ldflags='-s -w' -o "$bin.sw" .) 2>"$B/sw-$v.err"; then
		not_ok "go$v: -ldflags='-s -w' build"
		diag <"$B/sw-$v.err"
		continue
	fi
	strip -s -o "$bin.strip" "$bin"
	"$CLI" layout "$bin" --all --source dwarf -j >"$B/dwarf-$v.json" 2>"$B/dwarf-$v.err" || true
	for src in typedesc table; do
		"$CLI" layout "$bin.sw" --all --source "$src" -j >"$B/$src-$v.json" 2>"$B/$src-$v.err" || true
		if compare "$B/dwarf-$v.json" "$B/$src-$v.json" "$src" >"$B/$src-$v.cmp" 2>&1; then
			ok "go$v: $src layouts of the -s -w build equal the DWARF of the normal build"
		else
			not_ok "go$v: $src layouts of the -s -w build equal the DWARF of the normal build"
			cat "$B/$src-$v.err"
		fi
		cat "$B/$src-$v.cmp"
	done
	"$CLI" layout "$bin.sw" --needs -j >"$B/needs-$v.json" 2>"$B/needs-$v.err" || true
	if needs "$B/needs-$v.json"; then
		ok "go$v: without DWARF, the sources answer every need the decoders declare"
	else
		not_ok "go$v: without DWARF, the sources answer every need the decoders declare"
		cat "$B/needs-$v.err"
	fi
	"$CLI" layout "$bin.strip" -j >"$B/strip-$v.json" 2>"$B/strip-$v.err" || true
	if python3 - "$B/dwarf-$v.json" "$B/strip-$v.json" >"$B/glob-$v.txt" <<'EOF_PY'
import json, sys
d, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
dg = {g["name"]: g for g in d["globals"] if g["source"] != "none"}
n = bad = 0
for g in s["globals"]:
    if g["source"] == "none" or g["name"] not in dg:
        continue
    n += 1
    if (g["address"], g["type"]) != (dg[g["name"]]["address"], dg[g["name"]]["type"]):
        bad += 1
        print("# %s: %s %s, dwarf %s %s" % (g["name"], g["address"], g["type"],
              dg[g["name"]]["address"], dg[g["name"]]["type"]))
print("# %d globals compared" % n)
sys.exit(1 if bad or n < 12 else 0)
EOF_PY
	then
		ok "go$v: globals without symbols or DWARF equal the DWARF's addresses and types"
	else
		not_ok "go$v: globals without symbols or DWARF equal the DWARF's addresses and types"
	fi
	cat "$B/glob-$v.txt"
done

# Robustness, on the first toolchain's -s -w build.
v="${versions[0]}"
bin="$B/heap-$v.sw"
python3 - "$bin" "$B/noshdr" <<'EOF_PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
b[0x28:0x30] = struct.pack("<Q", 0)      # e_shoff
b[0x3c:0x40] = struct.pack("<HH", 0, 0)  # e_shnum, e_shstrndx
open(sys.argv[2], "wb").write(b)
EOF_PY
"$CLI" layout "$bin" -j >"$B/sw.json" 2>/dev/null || true
if "$CLI" layout "$B/noshdr" -j >"$B/noshdr.json" 2>"$B/noshdr.err" &&
	diff <(jq -S 'del(.executable, .sources.dwarf.why)' "$B/sw.json") <(jq -S 'del(.executable, .sources.dwarf.why)' "$B/noshdr.json") >"$B/noshdr.diff"; then
	ok "go$v: without section headers, the layouts come out the same (program headers only)"
else
	not_ok "go$v: without section headers, the layouts come out the same (program headers only)"
	head -n 10 "$B/noshdr.diff" "$B/noshdr.err" | diag
fi
size=$(stat -c %s "$bin")
bad=0
for frac in 10 30 50 70 90; do
	head -c $((size * frac / 100)) "$bin" >"$B/trunc"
	set +e
	"$CLI" layout "$B/trunc" >"$B/trunc.out" 2>&1
	rc=$?
	set -e
	if [[ $rc -ge 98 ]] || ! grep -qiE 'unavailable|no |not |cannot' "$B/trunc.out"; then
		bad=1
		echo "# truncated to $frac%: exit $rc" ; head -n 5 "$B/trunc.out" | diag
	fi
done
if [[ $bad -eq 0 ]]; then
	ok "go$v: a binary truncated anywhere gives a message, no crash (ASan/UBSan)"
else
	not_ok "go$v: a binary truncated anywhere gives a message, no crash (ASan/UBSan)"
fi
tap_finish
