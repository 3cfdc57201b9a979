#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The access model, each rule allowed and refused with its errno: what
# CAP_SYS_ADMIN alone and CAP_SYS_PTRACE alone may capture (dumpable or
# not, other real uid, a setuid program), a passed descriptor, VM_DONTDUMP
# and memfd_secret memory never copied, and the audit record of every
# capture. The checks are selftests/guest/access_test.c, on
# targets/c/secrets; secretmem.enable=1 for 6.1, where it is off by
# default.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

exec "$TOP/selftests/guest/run-in-vm" --timeout 600 --append "secretmem.enable=1" \
	--add "$B/access_test" --add "$B/secrets" -- /gosnap/access_test
