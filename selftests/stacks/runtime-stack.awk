# SPDX-License-Identifier: GPL-2.0
#
# The runtime.Stack(buf, true) text that the stacks target prints between
# "=== all stacks" and "=== end", one line per goroutine in the form of
# runtime-view.jq: header without ", N minutes" / ", locked to thread",
# frame names without their argument lists, "created by" without
# " in goroutine N" (Go 1.21+).
/^=== all stacks/ { on = 1; next }
/^=== end/ { if (on && line != "") print line; on = 0; next }
!on { next }
/^goroutine [0-9]+ \[/ {
	if (line != "") print line
	h = $0; sub(/\]:$/, "", h); sub(/, [^\[]*$/, "", h); line = h "]"; next
}
/^created by / { c = $0; sub(/ in goroutine [0-9]+$/, "", c); line = line " | " c; next }
/^\t/ || /^$/ { next }
{ f = $0; sub(/\([^()]*\)$/, "", f); line = line " | " f }
END { if (line != "" && on) print line }
