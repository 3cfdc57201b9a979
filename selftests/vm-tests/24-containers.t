#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A target in a container (its own pid and mount namespaces, pivoted into
# an overlayfs root), captured from the host by pid and at a probe, and
# from inside: ids and paths as each capturer's own /proc gives them, the
# executable recognised on overlayfs, meta mode's data equal to
# /proc/PID/mem; gosnap-cli on the host decoding a Go program in it. The
# checks are selftests/guest/container_test.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"
# shellcheck source=selftests/lib/overlay.sh
. "$TOP/selftests/lib/overlay.sh"

exec "$TOP/selftests/guest/run-in-vm" --timeout 600 "${overlay_add[@]}" \
	--add "$B/container_test" --add "$B/secrets" --add "$B/idle" -- \
	"$OVERLAY_LOAD; /gosnap/container_test"
