#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale and hostile targets (issue 10, item 2), in the test VM
# (GOSNAP_KERNEL): 16,384 PMD leaves with holes (review C1) captured --pid
# and at a probe in every mode, with and without PFNs, and with a thread
# timing mmap() during the walk; 64 GiB PROT_NONE; 20,000 VMAs; 2,000
# threads with --stop-world; hugetlbfs (hugepages=16 at boot); max_bytes
# reached. Oracles: pagemap, kpageflags, smaps, /proc/PID/task. The checks
# are selftests/guest/scale_test.c, the target selftests/targets/c/scale.c.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
B="$TOP/build/guest"

# 3G: 256 written THPs (512 MiB) and the 64 MiB-bounded memory captures.
exec "$TOP/selftests/guest/run-in-vm" --timeout 1200 --mem 3G \
	--append hugepages=16 \
	--add "$B/scale_test" --add "$B/scale" -- /gosnap/scale_test
