#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 72-guide.t: `make docs` (issue 14, acceptance 3) on GOSNAP_KERNEL. The
# test runs the guide's driver, docs/gen/startup-guide, into build/guide/:
# it captures the start-up of selftests/targets/go/startup built by Go
# 1.19, 1.22 and 1.27 in the VM and writes a fresh guide from those
# captures (build/guide/vm-KERNEL/go-startup-memory.md; the committed
# docs/go-startup-memory.md is left alone). The checks
# (selftests/guide/guide_check.py):
#   - the driver ends with status 0;
#   - every number of the fresh guide is in the captures it was built
#     from: a JSON value, a number inside a JSON string, a size whose
#     unit divides it exactly or is shown rounded beside its bytes, or a
#     difference of two such values written out as "A − B = C"; at least
#     200 of them (the quoted statements and release names are not
#     figures);
#   - the guide has its sections, each release its own subsections and a
#     moments table of at least 10 rows, and the five statements are
#     quoted each with a verdict;
#   - the check can fail: the same guide with one address changed fails;
#   - the committed guide has the fresh one's structure (headings and
#     table headers): the figures differ between runs (addresses are
#     randomized), so they are not compared.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/guide/vm-$kernel"
readonly VERSIONS="1.19 1.22 1.27"

tap_start
mkdir -p "$TOP/build/guide"
start=$(date +%s)
set +e
"$TOP/docs/gen/startup-guide" --kernel "$kernel" --out "$W" --md "$W.md" >"$W.log" 2>&1
rc=$?
set -e
secs=$(($(date +%s) - start))
if [[ $rc -eq 0 && -s "$W.md" ]]; then
	ok "docs/gen/startup-guide ends with status 0 and writes the guide ($secs s)"
else
	tail -n 20 "$W.log" | diag
	not_ok "docs/gen/startup-guide ends with status 0 and writes the guide (status $rc, $secs s)"
	tap_finish
	exit 1
fi
# shellcheck disable=SC2086 # one argument per release
replay < <(python3 "$TOP/selftests/guide/guide_check.py" "$W/cap" "$W.md" "$TOP/docs/go-startup-memory.md" \
	$VERSIONS | grep -v '^1\.\.')
tap_finish
