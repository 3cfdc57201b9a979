#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile lifecycles of a probe session, in the test VM (GOSNAP_KERNEL):
# a full queue with a reader that does not read, IOC_CAPTURE in a loop
# without reading (ENOBUFS), exec and munmap while a thread is parked,
# poll/epoll without a timeout after the target exits, HOLD/RELEASE
# ordering (RELEASE by seq), and STOP_WORLD hit by two threads and by two
# sessions at once. The checks are selftests/guest/lifecycle_test.c, the
# target selftests/targets/c/hitloop.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 1500 \
	--add "$B/lifecycle_test" --add "$B/hitloop" -- /gosnap/lifecycle_test
