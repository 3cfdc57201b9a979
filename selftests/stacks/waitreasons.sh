#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# waitreasons.sh RUNTIME2_GO: the wait reasons of one Go release, in value
# order, one "VALUE<TAB>STRING" line each, read from that release's
# runtime/runtime2.go (the waitReason constants are numbered by iota in
# declaration order; waitReasonStrings maps each name to its text).
# Used to write and to check the tables in cli/decode/goroutines_tables.c.
set -euo pipefail

src="$1"
awk '
	/^const \(/ { inconst = 1; names = 0; next }
	inconst && /^\)/ { inconst = 0; if (seen) { done_consts = 1 } next }
	inconst && !done_consts && /waitReason[A-Za-z0-9]* +waitReason = iota/ { seen = 1 }
	inconst && seen && !done_consts && match($0, /^[ \t]*waitReason[A-Za-z0-9]+/) {
		n = substr($0, RSTART, RLENGTH); gsub(/[ \t]/, "", n)
		order[names++] = n
	}
	/^var waitReasonStrings = / { instr = 1; next }
	instr && /^}/ { instr = 0; next }
	instr && match($0, /waitReason[A-Za-z0-9]+: *"[^"]*"/) {
		s = substr($0, RSTART, RLENGTH)
		k = s; sub(/:.*/, "", k)
		v = s; sub(/^[^"]*"/, "", v); sub(/"$/, "", v)
		text[k] = v
	}
	END { for (i = 0; i < names; i++) printf "%d\t%s\n", i, text[order[i]] }
' "$src"
