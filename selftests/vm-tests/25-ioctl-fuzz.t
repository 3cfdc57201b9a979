#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 25-ioctl-fuzz.t: selftests/guest/ioctl_fuzz in the test VM
# (GOSNAP_KERNEL): random and structure-aware calls on /dev/gosnap from
# several processes at once (see the program's header for what is
# asserted), then rmmod; vm/run fails the test on any kernel report.
#
#   GOSNAP_FUZZ_CALLS   calls in all (100000; `make stress`: 10000000)
#   GOSNAP_FUZZ_SEED    the seed (default: from the clock, printed)
#   GOSNAP_FUZZ_PROCS   worker processes (4)
#
# The module is loaded with a small queue bound (4 MiB of unread
# snapshots per session: dozens of sessions never read theirs) and a
# 1 s hold timeout, so that full queues and expired holds happen often.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"
calls="${GOSNAP_FUZZ_CALLS:-100000}"
procs="${GOSNAP_FUZZ_PROCS:-4}"
seed=()
[[ -z "${GOSNAP_FUZZ_SEED:-}" ]] || seed=(--seed "$GOSNAP_FUZZ_SEED")
# about 1 ms a call under TCG, several on the debug kernel, plus boot
timeout=$((600 + calls / 25))
# a call may wait for several holds of other sessions (1 s each)
bound_ms=20000
[[ "${GOSNAP_KERNEL:-}" != *-debug ]] || bound_ms=60000

exec "$TOP/selftests/guest/run-in-vm" --timeout "$timeout" \
	--add "$B/ioctl_fuzz" --add "$B/mappings" -- \
	"rmmod gosnap; insmod /gosnap/gosnap.ko max_queued=$((4 << 20)) hold_timeout_ms=1000 &&" \
	"/gosnap/ioctl_fuzz --calls $calls --procs $procs --bound-ms $bound_ms ${seed[*]}"
