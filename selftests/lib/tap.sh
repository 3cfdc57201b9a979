# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# tap.sh: the TAP output of the shell tests, in one place. Source it:
#
#   . "$TOP/selftests/lib/tap.sh"
#   tap_start                  "TAP version 13"
#   plan N                     "1..N", for a test that knows its count up front
#   ok DESC...                 "ok N DESC", numbered from 1
#   not_ok DESC...             "not ok N DESC"; counted in $failed
#   check DESC CMD [ARG...]    ok DESC if CMD succeeds, else not_ok DESC
#   diag                       each line of stdin as "# LINE"
#   verdict DESC               ok DESC when stdin is empty, else its lines
#                              as diagnostics and not_ok DESC
#   replay                     another TAP stream on stdin (a guest's,
#                              numbered from 1) as this test's results,
#                              numbered on from ours; other lines as they
#                              are. Feed it by redirection (replay < <(...)),
#                              not a pipe, which would count in a subshell
#   bail REASON...             "Bail out! REASON" and exit 1: the test cannot go on
#   bail_on_error              any failing command outside a condition bails
#                              out, naming its line (for setup: builds,
#                              downloads)
#   tap_finish                 the plan "1..N" after the results (for a test
#                              that did not plan up front); returns non-zero
#                              if anything failed, so it can end the test
#   tap_finish_named NAME      the same, and "# NAME: N passed, N failed"
#
# $n (results so far) and $failed (not_ok so far) are the test's to read.
# The output is what selftests/run-tests counts (see its "Counting").

n=0
failed=0

tap_start() { echo "TAP version 13"; }

plan() { echo "1..$1"; }

ok() {
	n=$((n + 1))
	echo "ok $n $*"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $*"
}

check() {
	local desc="$1"
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

diag() { sed 's/^/# /'; }

verdict() {
	local problems
	problems="$(cat)"
	if [[ -z "$problems" ]]; then
		ok "$1"
	else
		diag <<<"$problems"
		not_ok "$1"
	fi
}

replay() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"ok "[0-9]*) ok "$(sed -E 's/^ok [0-9]+ ?//' <<<"$line")" ;;
		"not ok "[0-9]*) not_ok "$(sed -E 's/^not ok [0-9]+ ?//' <<<"$line")" ;;
		*) echo "$line" ;;
		esac
	done
}

bail() {
	echo "Bail out! $*"
	exit 1
}

bail_on_error() {
	trap 'echo "Bail out! setup failed (line $LINENO), see stderr"' ERR
}

tap_finish() {
	echo "1..$n"
	[[ $failed -eq 0 ]]
}

tap_finish_named() {
	echo "1..$n"
	echo "# $1: $((n - failed)) passed, $failed failed"
	[[ $failed -eq 0 ]]
}
