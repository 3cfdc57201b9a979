#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# stages.t: cli/ keeps its pipeline shape (docs/design.md "Source layout").
#   - Every include of a stage header is allowed by the stage order: the
#     decoders never include capture or output headers, the layouts never
#     include decoders, the executable readers never include snapshot
#     headers, and no stage includes the commands' headers. At least 150
#     includes are checked.
#   - The checker catches a forbidden include planted in a copy of cli/.
#   - No two objects of the tool use each other, directly or round a
#     circle (symbols each object needs and defines, from nm).
#   - The decoders ask the layout only for names their needs tables
#     declare (decode/needs.h): no query spells a runtime name out; a
#     planted one is caught.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
CHECK="$TOP/selftests/lib/stagecheck.py"
B="$TOP/build/stages.t"
rm -rf "$B"
mkdir -p "$B"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start

verdict "every stage include follows the stage order" < <(python3 "$CHECK" includes "$TOP/cli")

count="$(python3 "$CHECK" count "$TOP/cli")"
if [[ "$count" -ge 150 ]]; then
	ok "$count includes of stage headers checked (floor 150)"
else
	echo "# only $count includes found: is cli/ in stage folders?"
	not_ok "at least 150 includes of stage headers checked"
fi

# A decoder that includes an output header, and a snapshot reader that
# includes an executable header: both must be reported.
cp -r "$TOP/cli" "$B/cli"
sed -i '0,/#include "decode\/goheap.h"/s//#include "decode\/goheap.h"\n#include "out\/heap_out.h"/' \
	"$B/cli/decode/goheap.c"
sed -i '0,/#include "snap\/snapshot.h"/s//#include "snap\/snapshot.h"\n#include "exe\/elfsym.h"/' \
	"$B/cli/snap/snapshot.c"
python3 "$CHECK" includes "$B/cli" >"$B/planted.out" || true
diag <"$B/planted.out"
if grep -q '^decode/goheap.c .*out/heap_out.h' "$B/planted.out" &&
	grep -q '^snap/snapshot.c .*exe/elfsym.h' "$B/planted.out"; then
	ok "the planted forbidden includes are reported"
else
	not_ok "the planted forbidden includes are reported"
fi

verdict "the decoders ask the layout only for names from their needs tables" \
	< <(python3 "$CHECK" asks "$TOP/cli")
sed -i '0,/^static void decode_constants(struct dec \*d)$/s//static void planted(struct dec *d)\n{\n\tgs_layout_has_const(d->l, "runtime.planted", NULL);\n}\n\n&/' \
	"$B/cli/decode/goheap.c"
if python3 "$CHECK" asks "$B/cli" | grep -q '^decode/goheap.c:[0-9]*: gs_layout_has_const(d->l, "'; then
	ok "a planted query spelling a runtime name is reported"
else
	not_ok "a planted query spelling a runtime name is reported"
fi

if make -s -C "$TOP/cli" >"$B/build.log" 2>&1; then
	verdict "no circle of objects that use each other in cli/" \
		< <(python3 "$CHECK" cycles "$TOP/cli" "$TOP/build/cli" 2>"$B/cycles.err")
	diag <"$B/cycles.err"
else
	diag <"$B/build.log"
	not_ok "no circle of objects that use each other in cli/ (the CLI does not build)"
fi

tap_finish_named stages
