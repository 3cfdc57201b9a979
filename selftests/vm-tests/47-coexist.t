#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Other users of a probed function, in the test VM (GOSNAP_KERNEL): two
# sessions on two targets of one binary and on one target, an EXEC-mode
# session before its first hit while the other closes (review M8), and
# gosnap beside a tracefs uprobe (uprobe_events) on the same function,
# removed while gosnap holds a thread. The checks are
# selftests/guest/coexist_test.c, the target selftests/targets/c/hitloop.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 1200 \
	--add "$B/coexist_test" --add "$B/hitloop" -- /gosnap/coexist_test
