#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A Go program with ~64 MiB of live heap (selftests/targets/go/idle, built
# with Go 1.19, CGO_ENABLED=0) captured with gosnap-cli in the test VM
# (GOSNAP_KERNEL): its VMAs include the heap arena at 0xc000000000 and the
# resident total of `gosnap-cli show --json` equals the kernel's smaps Rss
# sum, read right before and after the capture. The checks are
# selftests/guest/go_idle_test.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 600 \
	--add "$B/go_idle_test" --add "$B/idle" -- /gosnap/go_idle_test
