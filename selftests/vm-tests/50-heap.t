#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Go heap decoder (docs/heap.md) against the runtime's own numbers and
# the kernel's pagemap: the heap program (selftests/targets/go/heap) built
# with every Debian Go toolchain (GOSNAP_HEAP_GO="1.19 1.22" to choose),
# captured at main.marker in the test VM (GOSNAP_KERNEL) and checked by
# selftests/heap/check.sh; a 512 MiB heap's SVG heat map is size-checked
# there and rendered here by headless Chromium (GOSNAP_HEAP_KEEP=DIR keeps
# the SVG and the screenshot).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/heap"
work="$(mktemp -d "${TMPDIR:-/tmp}/gosnap-heap.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start
# shellcheck disable=SC2086
mapfile -t built < <("$TOP/selftests/heap/build-targets" "$B" ${GOSNAP_HEAP_GO:-} 2>"$work/build.err")
diag <"$work/build.err"
if [[ ${#built[@]} -eq 0 ]]; then
	not_ok "building the heap program with any Go toolchain"
	plan 1
	exit 1
fi
echo "# Go toolchains: ${built[*]}"

adds=(--add "$B/present" --add "$TOP/selftests/heap/check.sh" --add "$TOP/selftests/heap/guest.sh")
for v in "${built[@]}"; do
	adds+=(--add "$B/heap-$v")
done

module_opt=()
if [[ -z "${GOSNAP_PREBUILT:-}" ]]; then
	ko="$("$TOP/selftests/vm/build-module" "${GOSNAP_KERNEL:-6.1}" 2>"$work/module.log")" || {
		not_ok "building gosnap.ko"; diag <"$work/module.log"; plan 1; exit 1; }
	module_opt=(--module "$ko")
fi

set +e
"$TOP/selftests/vm/run" --kernel "${GOSNAP_KERNEL:-6.1}" "${module_opt[@]}" --timeout 1200 --mem 3G \
	"${adds[@]}" -- "sh /gosnap/guest.sh ${built[*]}" >"$work/out" 2>"$work/err"
rc=$?
set -e
# The guest's output but the SVG (base64) and its plan; its results
# (numbered from 1) counted here, so that ours follow on.
replay < <(grep -v '^# svg:' "$work/out" | grep -v '^1\.\.' || true)
sed 's/^/vm: /' "$work/err" | diag
planned="$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$work/out" | tail -n 1)"
if [[ $rc -ne 0 || -z "$planned" || "$planned" -ne "$n" ]]; then
	not_ok "the VM run finished (vm/run exit $rc, $n results of ${planned:-?})"
fi

# Render the SVG the guest sent with headless Chromium (scripts/install-deps
# installs it): the screenshot must show the heat map, not a blank page:
# many distinct colours, the page background not everywhere.
sed -n 's/^# svg://p' "$work/out" | base64 -d 2>/dev/null | gunzip >"$work/heap.svg" 2>/dev/null || true
if [[ ! -s "$work/heap.svg" ]]; then
	not_ok "the 512 MiB heap SVG reached the host"
elif ! command -v chromium >/dev/null; then
	not_ok "chromium renders the 512 MiB heap SVG (no chromium: run scripts/install-deps)"
else
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$work/chromium" \
		--screenshot="$work/heap.png" --window-size=1600,1200 \
		"file://$work/heap.svg" >"$work/chromium.log" 2>&1 || true
	read -r w h colours dominant < <("$TOP/selftests/heap/png-colours" "$work/heap.png" 2>&1 || echo "0 0 0 100")
	desc="chromium renders the 512 MiB heap SVG ($(wc -c <"$work/heap.svg") B SVG: ${w}x$h PNG, $colours colours, commonest $dominant%)"
	if [[ "$w" -eq 1600 && "$h" -eq 1200 && "$colours" -ge 16 && "$dominant" -le 95 ]]; then
		ok "$desc"
	else
		not_ok "$desc"
		tail -n 5 "$work/chromium.log" | diag
	fi
	[[ -z "${GOSNAP_HEAP_KEEP:-}" ]] || cp "$work/heap.svg" "$work/heap.png" "$GOSNAP_HEAP_KEEP/" 2>/dev/null || true
fi
# Every toolchain asked for must have built: a failed fetch fails here
# (build-targets' message above), it does not just test fewer programs.
# shellcheck disable=SC2086
for v in ${GOSNAP_HEAP_GO:-$("$TOP/selftests/lib/gotoolchain" --list)}; do
	[[ " ${built[*]} " == *" $v "* ]] && continue
	not_ok "Go $v built the heap program (see build-targets above)"
done
plan "$n"
# A guest's "not ok ... # TODO" is not a failure (as run-tests counts).
todo="$(grep '^not ok' "$work/out" | grep -c '# TODO' || true)"
exit $((failed > todo))
