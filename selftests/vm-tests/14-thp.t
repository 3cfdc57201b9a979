#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 14-thp.t: THP accounting (issue 12, acceptance 4) in the test VM
# (GOSNAP_KERNEL). The target (selftests/targets/c/thp.c) holds two
# PMD-mapped THPs, a THP whose PMD was split into PTEs by an mprotect, and
# the huge zero page. It is captured by pid; smaps, read before and after
# the capture (they must agree: the target is quiescent), is the oracle
# (selftests/thp/thp_check.py):
#   - every mapping's thp_bytes in `show -j` equals its AnonHugePages;
#   - the split THP's pages are THP but not PMD-mapped, and not counted;
#   - `show --flags pmd` is accepted and lists, as "pmd", exactly the
#     PMD-mapped runs: anonymous ones sum to AnonHugePages, and the huge
#     zero page is among them.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/thp/vm-$kernel"

tap_start
bail_on_error
rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
gcc -static -O2 -Wall -Wextra -Werror -o "$W/guest/thp" "$TOP/selftests/targets/c/thp.c"

cat >"$W/guest/run.sh" <<'EOS'
insmod /gosnap/gosnap.ko || exit 1
mkdir -p /out
sleep 100000 | /gosnap/thp/thp >/out/target.out &
pid=$!
i=0
until grep -q "^ready" /out/target.out 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || { echo "the target did not start"; exit 1; }
	sleep 0.05
done
cat /proc/$pid/smaps >/out/smaps.before
gosnap-cli capture --pid $pid --facts page -o /out/s.gsnap >/out/capture.log 2>&1
echo $? >/out/capture.rc
cat /proc/$pid/smaps >/out/smaps.after
gosnap-cli -j show --pages /out/s.gsnap >/out/show.json 2>/out/show.err
gosnap-cli -j show --flags pmd /out/s.gsnap >/out/pmd.json 2>/out/pmd.err
echo $? >/out/pmd.rc
gosnap-cli show --flags pmd /out/s.gsnap >/out/pmd.txt 2>&1
rm -f /out/s.gsnap
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout 300 --add "$W/guest:/gosnap/thp" \
	-- sh /gosnap/thp/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR
python3 "$TOP/selftests/thp/thp_check.py" "$W/out"
