#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# /dev/gosnap's argument checks, in the test VM (GOSNAP_KERNEL): every
# ioctl with sizes too small, too large, non-zero tails and reserved
# fields, unknown flags, bad pointers and ioctl numbers; captures of
# processes that cannot be captured; callers without privilege; and
# gosnap-cli show on truncated and corrupted snapshot files. The errno
# values are docs/abi.md's. The checks are selftests/guest/badinput_test.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 600 \
	--add "$B/badinput_test" --add "$B/mappings" -- /gosnap/badinput_test
