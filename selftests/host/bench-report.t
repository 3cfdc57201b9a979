#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.t: make bench's curves are a picture, not a blank page.
# selftests/bench/report.py tabulates and draws a small made-up guest
# output (two Go heaps, a C target in two THP modes); the SVG it writes,
# and the committed docs/bench-report.svg and docs/bench-report-7.3.svg, are rendered by headless
# Chromium and the PNG read back (selftests/heap/png-colours): the size
# asked for, no colour covering the whole picture, and pixels of each
# method's colour (bare walk, module walk, capture --pid, pagemap scan).
# The table must give every time as a ratio to the bare walk, each capture
# end to end against the scan end to end, and mark a held time whose
# snapshot ended early.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
W="$(mktemp -d "${TMPDIR:-/tmp}/gosnap-bench-report.XXXXXX")"
trap 'rm -rf "$W"' EXIT
readonly COLOURS="222222 1f77b4 2ca02c d62728"

tap_start

# A boot's output: TARGET RESIDENT_KB BARE_NS WALK_NS CLI_US SCAN_US.
fixture() {
	local thp="$1"
	shift
	echo "RESULT vm thp $thp"
	while [[ $# -gt 0 ]]; do
		read -r t kb bare walk cli scan <<<"$1"
		shift
		for i in 1 2 3; do
			echo "RESULT $t bare_present_kb $kb"
			echo "RESULT $t bare_ns $((bare + i))"
			echo "RESULT $t pages_walk_ns $((walk + i))"
			echo "RESULT $t pages_cli_us $((cli + i))"
			echo "RESULT $t pagemap_us $((scan + i))"
			echo "RESULT $t pte_cli_us $((cli / 2 + i))"
			echo "RESULT $t pagemap_cli_us $((scan + 30000 + i))"
			echo "RESULT $t pages_bytes 4096"
		done
		if [[ $t == go* ]]; then
			echo "RESULT $t hold_pages_us 20000"
			echo "RESULT $t hold_meta_us 90000"
			echo "RESULT $t hold_full_us 900000"
			[[ $t != go512 ]] || echo "RESULT $t hold_full_truncated 1"
			echo "RESULT $t heap_us 300000"
			echo "RESULT $t heap_maxrss_kb 20000"
		fi
	done
	echo "RESULT vm done 1"
}
fixture never "go64 70000 200000 3600000 60000 19000" \
	"go512 530000 1500000 28000000 300000 150000" \
	"c1 1100 20000 100000 20000 900000" "c64 66000 190000 3000000 50000 1000000" \
	"c1024 1050000 3000000 50000000 500000 3000000" >"$W/never.out"
fixture always "c1 2048 20000 90000 20000 900000" "c64 66000 30000 200000 40000 900000" \
	"c1024 1050000 60000 900000 60000 1200000" >"$W/always.out"

if "$TOP/selftests/bench/report.py" --kernel 6.1 --runs 3 --svg "$W/report.svg" \
	"$W/never.out:never" "$W/always.out:always" >"$W/table" 2>&1; then
	ok "report.py tabulates and draws the made-up runs"
else
	diag <"$W/table"
	not_ok "report.py tabulates and draws the made-up runs"
fi
# go64: walk 3600 us = 18.0x the bare 200 us; scan 19000 us = 95.0x
if grep -q 'Go heap 64 MiB .* 3.60 (18.0x) .* 19.0 (95.0x)' "$W/table"; then
	ok "the table gives the module walk and the scan as ratios to the bare walk"
else
	diag <"$W/table"
	not_ok "the table gives the module walk and the scan as ratios to the bare walk"
fi

# go512 end to end: scan 180 ms over capture 300 ms (page facts) and 150 ms (pte)
if grep -q 'Go heap 512 MiB .* 300.0  *150.0  *180.0  .* 0.60x  *1.2x ' "$W/table"; then
	ok "the table gives each capture end to end against the scan end to end"
else
	diag <"$W/table"
	not_ok "the table gives each capture end to end against the scan end to end"
fi
# held: pages 20 ms = 13.3x go512's bare 1.5 ms; its full snapshot ended early
if grep -q 'Go heap 512 MiB  *20.0 (13.3x) .* 900.0 (600x)\* ' "$W/table" &&
	grep -q 'Go heap 64 MiB  *20.0 (100x) .* 900.0 (4500x) ' "$W/table"; then
	ok "the held times are given for pages, meta and full, a truncated one marked"
else
	diag <"$W/table"
	not_ok "the held times are given for pages, meta and full, a truncated one marked"
fi

# render NAME SVG: Chromium draws it; not blank, every method's colour in it.
render() {
	local name="$1" svg="$2" w h f
	if ! command -v chromium >/dev/null; then
		not_ok "$name: chromium is missing (install chromium: scripts/install-deps)"
		return
	fi
	read -r w h < <(sed -n 's/^<svg [^>]*width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$svg" | head -n 1)
	if [[ -z "${w:-}" ]]; then
		not_ok "$name: the SVG has a width and a height"
		return
	fi
	python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import taplib
taplib.screenshot(*sys.argv[2:])' "$TOP/selftests/lib" "$svg" "$W/$name.png" "$w" "$h" "$W/chromium-$name"
	# shellcheck disable=SC2086 # the colours, one word each
	if [[ -s "$W/$name.png" ]] &&
		read -r -a f < <("$TOP/selftests/heap/png-colours" "$W/$name.png" $COLOURS) &&
		[[ ${#f[@]} -eq 8 && ${f[0]} -eq $w && ${f[1]} -eq $h && ${f[3]} -lt 98 &&
			${f[4]} -gt 0 && ${f[5]} -gt 0 && ${f[6]} -gt 0 && ${f[7]} -gt 0 ]]; then
		ok "$name: Chromium renders it ${w}x${h}, ${f[2]} colours, commonest ${f[3]}%, method pixels ${f[*]:4}"
	else
		not_ok "$name: Chromium renders it, not blank, every method drawn (png-colours: ${f[*]:-none})"
	fi
}
render report "$W/report.svg"
if [[ -e "$TOP/docs/bench-report.svg" ]]; then
	render docs-bench-report "$TOP/docs/bench-report.svg"
else
	not_ok "docs/bench-report.svg exists (make bench, then copy build/bench/report.svg)"
fi
if [[ -e "$TOP/docs/bench-report-7.3.svg" ]]; then
	render docs-bench-report-7.3 "$TOP/docs/bench-report-7.3.svg"
else
	not_ok "docs/bench-report-7.3.svg exists (make bench, then copy build/bench/report-7.3.svg)"
fi
tap_finish_named bench-report
