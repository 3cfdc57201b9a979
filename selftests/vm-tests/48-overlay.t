#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Review H1, in the test VM (GOSNAP_KERNEL): a probe on a binary in an
# overlayfs, copied up (chmod) between ARM and DISARM, must leave no kernel
# report and no consumer behind, and arming again must work. The checks
# are selftests/guest/overlay_test.c. overlay.ko comes from the test
# kernel's modules (none to add when it is built in).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"
# shellcheck source=selftests/lib/overlay.sh
. "$TOP/selftests/lib/overlay.sh"

exec "$TOP/selftests/guest/run-in-vm" --timeout 900 "${overlay_add[@]}" \
	--add "$B/overlay_test" --add "$B/hitloop" -- \
	"$OVERLAY_LOAD; /gosnap/overlay_test"
