#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The walk's regression guard in make check (issue 18): on a 64 MiB Go
# heap, in one boot, the module's walk with --facts pte within 3x of a
# bare page-table walk and at least 5x faster than the pagemap scan, the
# fastest of 9 interleaved runs of each (selftests/bench/walk-guard.t).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
exec "$TOP/selftests/bench/walk-guard.t" --kernel "${GOSNAP_KERNEL:-6.1}"
