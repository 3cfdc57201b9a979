# SPDX-License-Identifier: GPL-2.0
#
# The runtime.Stack(buf, true) text that the stacks target prints between
# "=== all stacks" and "=== end", one line per goroutine in the form of
# runtime-view.jq: header without ", N minutes" / ", locked to thread",
# frame names without their argument lists, each followed by @FILE:LINE
# (the tab line under it, without " +0x.."), "created by" without
# " in goroutine N" (Go 1.21+) and without its location. Goroutine 1 ran
# on from runtime.Stack to main.marker, one line further: its main.main
# frame carries no location.
/^=== all stacks/ { on = 1; next }
/^=== end/ { if (on && line != "") print line; on = 0; next }
!on { next }
/^goroutine [0-9]+ \[/ {
	if (line != "") print line
	g1 = $2 == "1"; loc = 0
	h = $0; sub(/\]:$/, "", h); sub(/, [^\[]*$/, "", h); line = h "]"; next
}
/^created by / { c = $0; sub(/ in goroutine [0-9]+$/, "", c); line = line " | " c; loc = 0; next }
/^\t/ {
	if (loc) { l = $0; sub(/^\t/, "", l); sub(/ \+0x[0-9a-f]+$/, "", l); line = line "@" l }
	loc = 0; next
}
/^$/ { next }
{ f = $0; sub(/\([^()]*\)$/, "", f); line = line " | " f; loc = !(g1 && f == "main.main") }
END { if (line != "" && on) print line }
