#!/usr/bin/env bash
# gosnap-cli show on a synthetic snapshot file (mkseed), compared with the
# expected text under golden/. GOSNAP_UPDATE_GOLDEN=1 rewrites the files
# (review the diff before committing them).
set -euo pipefail
# shellcheck source=selftests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

cli=${GOSNAP_CLI:?path of gosnap-cli}
mkseed=${GOSNAP_MKSEED:?path of mkseed}
golden=${GOSNAP_GOLDEN:?golden directory}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"


"$mkseed" file t.gsnap

# name, then the arguments of gosnap-cli
cases=(
	"show.txt|show t.gsnap"
	"show-bytes.txt|show --bytes t.gsnap"
	"show-pages.txt|show --pages t.gsnap"
	"show-flags.txt|show --flags present,!file t.gsnap"
	"show.json|-p show --pages t.gsnap"
)
for c in "${cases[@]}"; do
	name=${c%%|*}
	read -r -a args <<<"${c#*|}"
	if ! "$cli" "${args[@]}" >"$name.out" 2>"$name.err"; then
		not_ok "gosnap-cli ${args[*]} exits 0"
		sed 's/^/# /' "$name.err"
		continue
	fi
	if [[ ${GOSNAP_UPDATE_GOLDEN:-0} == 1 ]]; then
		cp "$name.out" "$golden/$name"
	fi
	if diff -u "$golden/$name" "$name.out" >"$name.diff"; then
		ok "gosnap-cli ${args[*]} matches golden/$name"
	else
		not_ok "gosnap-cli ${args[*]} matches golden/$name"
		sed 's/^/# /' "$name.diff"
	fi
done

# The JSON must parse, and compact and pretty forms must carry the same data.
if command -v python3 >/dev/null; then
	"$cli" -j show --pages t.gsnap >compact.json
	if python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a != b)' \
		compact.json show.json.out; then
		ok "compact and pretty JSON parse to the same value"
	else
		not_ok "compact and pretty JSON parse to the same value"
	fi
	# Totals are the sums of the VMAs' figures.
	if python3 - show.json.out <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["snapshots"][0]
for k in s["totals"]:
    assert s["totals"][k] == sum(v[k] for v in s["vmas"]), k
PY
	then ok "JSON totals are the sums over VMAs"; else not_ok "JSON totals are the sums over VMAs"; fi
else
	echo "# python3 missing: JSON parse checks skipped"
fi

# A damaged file is refused with the place of the damage, nothing on stdout.
cp t.gsnap bad.gsnap
printf '\xff' | dd of=bad.gsnap bs=1 seek=300 conv=notrunc status=none
if "$cli" show bad.gsnap >bad.out 2>bad.err; then
	not_ok "damaged file refused"
elif grep -q 'bad.gsnap: chunk 1 (stream) at offset 0x[0-9a-f]*: CRC mismatch' bad.err && ! [[ -s bad.out ]]; then
	ok "damaged file refused: $(cat bad.err)"
else
	not_ok "damaged file refused with a CRC message"
	sed 's/^/# /' bad.err
fi
if "$cli" -j show bad.gsnap >bad.out 2>/dev/null; then
	not_ok "damaged file refused in JSON mode"
elif grep -q '^{"error":"bad.gsnap: chunk 1 (stream) at offset' bad.out; then
	ok "JSON mode reports the error as {\"error\": ...}"
else
	not_ok "JSON mode reports the error as {\"error\": ...}"
	sed 's/^/# /' bad.out
fi
head -c 1000 t.gsnap >short.gsnap
if ! "$cli" show short.gsnap 2>short.err >/dev/null &&
	grep -q 'short.gsnap: truncated: chunk 1 (stream) needs [0-9]* bytes at offset 0x[0-9a-f]*, file has 1000' short.err; then
	ok "truncated file refused: $(cat short.err)"
else
	not_ok "truncated file refused"
	sed 's/^/# /' short.err
fi

# Output errors are errors (perf-style check of stdout at exit).
if [[ -w /dev/full ]]; then
	if "$cli" show t.gsnap >/dev/full 2>full.err; then
		not_ok "write error on stdout gives a non-zero exit"
	else
		ok "write error on stdout gives a non-zero exit: $(cat full.err)"
	fi
fi

# Subcommand prefixes and help.
if "$cli" sh t.gsnap | cmp -s - show.txt.out; then ok "'sh' selects show"; else not_ok "'sh' selects show"; fi
if "$cli" show --help | grep '^Usage: gosnap-cli show' >/dev/null; then ok "show --help"; else not_ok "show --help"; fi
if "$cli" help capture | grep '^Usage: gosnap-cli capture' >/dev/null; then ok "help capture"; else not_ok "help capture"; fi
set +e
"$cli" show >/dev/null 2>&1; rc=$?
set -e
if [[ $rc -eq 2 ]]; then ok "show without FILE is a usage error (2)"; else not_ok "show without FILE exits 2 (got $rc)"; fi

tap_finish
