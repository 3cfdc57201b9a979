#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 01-boot-crash.t: what vm/run does with a guest kernel that crashes while
# booting, before the guest's init runs and with no module loaded (under
# TCG the kernel's early text patching has faulted so, once, on 7.3).
# Nothing of gosnap's ran then, so vm/run boots once more and says so; a
# kernel that crashes again is reported, never taken for a pass. The
# crash is made real: rdinit= names an init that does not exist, so the
# kernel panics on the root mount. The oracle is the kernel's own panic
# line in vm/run's report, and two boots in its log (-v).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/boot-crash/vm-$kernel"

tap_start
rm -rf "$W"
mkdir -p "$W"
set +e
"$TOP/selftests/vm/run" --kernel "$kernel" --module none --timeout 300 -v \
	--append "rdinit=/gosnap-no-such-init" -- true >"$W/stdout" 2>"$W/stderr"
rc=$?
set -e
boots="$(grep -c "^vm/run: booting " "$W/stderr" || true)"
if [[ "$rc" -ne 0 ]] && grep -q "Kernel panic" "$W/stderr" &&
	grep -q "crashed while booting, before its init ran" "$W/stderr"; then
	ok "a kernel that panics while booting is reported: vm/run exits $rc with the panic"
else
	tail -n 20 "$W/stderr" | diag
	not_ok "a kernel that panics while booting is reported (vm/run exit $rc)"
fi
if [[ "$boots" -eq 2 ]] &&
	[[ "$(grep -c "booting once more" "$W/stderr")" -eq 1 ]]; then
	ok "it was booted twice, the second time said once"
else
	not_ok "it was booted twice, the second time said once ($boots boots)"
fi
tap_finish
