#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The page state gosnap captures, page by page, against the kernel's own
# pagemap, kpageflags and smaps, in the test VM (GOSNAP_KERNEL): every
# kind of mapping (selftests/targets/c/mappings.c) and pages swapped out to
# zram. The checks are selftests/guest/pagestate_test.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 900 \
	--add "$B/pagestate_test" --add "$B/mappings" -- /gosnap/pagestate_test
