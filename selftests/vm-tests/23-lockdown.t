#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ptrace_policy=1 under the kernel's confidentiality lockdown: memory and
# probes refused, page state not; policy off, the module's grant again.
# Its own boot, since lockdown cannot be lifted (22-access ends its boot at
# Yama scope 3). The check is selftests/guest/policy_test.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 300 \
	--add "$B/policy_test" --add "$B/secrets" -- /gosnap/policy_test
