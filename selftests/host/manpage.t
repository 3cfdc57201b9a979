#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# manpage.t: docs/gosnap-cli.1 against the CLI it documents.
#   - The page renders without a warning from man-db (man --warnings) or
#     groff (-ww), and option dashes in its source are escaped (\-).
#   - COMMANDS has one subsection (.SS) per command `gosnap-cli --help`
#     lists, and none for a command the CLI does not list.
#   - Every option (--long or -x) that `gosnap-cli COMMAND --help` prints,
#     usage lines included, appears in that command's subsection of the
#     rendered page; every option the subsection documents as an item
#     (the tag line of a .TP, .TQ or .IP) is one that --help prints.
#   - The options `gosnap-cli --help` prints appear under GLOBAL OPTIONS.
#
# Env: GOSNAP_CLI (default: cli/gosnap-cli, built if missing),
# GOSNAP_MANPAGE (default: docs/gosnap-cli.1; another path checks a copy).
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
PAGE="${GOSNAP_MANPAGE:-$TOP/docs/gosnap-cli.1}"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start

missing=()
for tool in man groff; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 || ! -r "$PAGE" ]]; then
	[[ -r "$PAGE" ]] || echo "# $PAGE: not readable"
	[[ ${#missing[@]} -eq 0 ]] ||
		echo "# missing ${missing[*]}: install man-db and groff-base (scripts/install-deps)"
	not_ok "set up: the page and man-db/groff are there"
	tap_finish_named manpage
	exit 1
fi

if [[ -n "${GOSNAP_CLI:-}" ]]; then
	CLI="$GOSNAP_CLI"
else
	CLI="$TOP/cli/gosnap-cli"
	[[ -x "$CLI" ]] || make -s -C "$TOP/cli" >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Option tokens of a text: "--long" or "-x" not preceded by a word
# character or a dash ("zero-page", "-1" and "--" alone are not options).
opt_tokens() {
	{ grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' || true; } |
		sed -E 's/^[^-]//' | sort -u
}

# Those of the options $2... that the text file $1 does not mention.
absent_from() {
	local f="$1" o
	shift
	for o in "$@"; do
		grep -qE -- "(^|[^A-Za-z0-9_-])$o([^A-Za-z0-9-]|\$)" "$f" || echo "$o"
	done
}

# The page as plain text: wide lines and no hyphenation, so that no
# option name is ever split.
LC_ALL=C.UTF-8 groff -man -Tutf8 -rHY=0 -rLL=250n -P-cbou "$PAGE" \
	>"$tmp/page.txt" 2>/dev/null

# The lines of subsection $1 of section $2 of the rendered page: section
# headings start in column 0, subsection headings in column 3.
rendered_subsection() {
	awk -v ss="$1" -v sh="$2" '
		/^[^ ]/ { insh = ($0 == sh); inss = 0; next }
		insh && /^   [^ ]/ { inss = ($0 == "   " ss); next }
		insh && inss { print }
	' "$tmp/page.txt"
}

# The whole section $1 of the rendered page.
rendered_section() {
	awk -v sh="$1" '/^[^ ]/ { insh = ($0 == sh); next } insh { print }' \
		"$tmp/page.txt"
}

# Tag lines of the items (.TP/.TQ: the next text line; .IP: its first
# argument) in subsection $1 of COMMANDS in the roff source, with font
# escapes, \- and quotes turned into plain text.
source_item_tags() {
	awk -v ss="$1" '
		/^\.SH/ { insh = ($0 ~ /^\.SH[ \t]+"?COMMANDS"?[ \t]*$/); inss = 0; tag = 0; next }
		!insh { next }
		/^\.SS/ {
			name = $0; sub(/^\.SS[ \t]+/, "", name); gsub(/"/, "", name); gsub(/\\-/, "-", name)
			sub(/[ \t]+$/, "", name); inss = (name == ss); tag = 0; next
		}
		!inss { next }
		/^\.(TP|TQ)([ \t]|$)/ { tag = 1; next }
		/^\.IP[ \t]/ { line = $0; sub(/^\.IP[ \t]+/, "", line); print line; next }
		/^[.\047]\\"/ { next }
		tag { print; tag = 0 }
	' "$PAGE" | sed -E -e 's/\\-/-/g' -e 's/\\f(\[[^]]*\]|\(..|.)//g' \
		-e 's/\\[&%]//g' -e 's/^\.[A-Z]+[ \t]+//' -e 's/"/ /g'
}

# --- a. rendering --------------------------------------------------------

warn="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$PAGE" 2>&1 >/dev/null)" ||
	warn+=$'\n'"man exited with status $?"
gwarn="$(LC_ALL=C.UTF-8 groff -man -ww -z "$PAGE" 2>&1)" ||
	gwarn+=$'\n'"groff exited with status $?"
verdict "the page renders without warnings (man --warnings, groff -ww)" < <(
	[[ -z "$warn" ]] || echo "man: $warn"
	[[ -z "$gwarn" ]] || echo "groff: $gwarn")

# An option written with a plain "-" renders as a hyphen (U+2010) on
# some devices; copied from there it does not work.
verdict "option dashes in the source are escaped (\\-)" < <(
	grep -nE '(^|[[:space:][(|/])--?[A-Za-z]' "$PAGE" |
		grep -vE "^[0-9]+:[.']\\\\\"" || true)

# --- b. one subsection per command ----------------------------------------

main_help="$("$CLI" --help 2>&1)" || {
	diag <<<"$main_help"
	not_ok "gosnap-cli --help exits with status 0"
	tap_finish_named manpage
	exit 1
}
mapfile -t commands < <(awk '/^Commands/ { c = 1; next } c && /^$/ { c = 0 }
	c && /^  [a-z]/ { print $1 }' <<<"$main_help")
mapfile -t sections < <(rendered_section COMMANDS | sed -n 's/^   \([^ ].*\)$/\1/p')
verdict "COMMANDS has one subsection per command of gosnap-cli --help (${#commands[@]})" < <(
	[[ ${#commands[@]} -gt 0 ]] || echo "gosnap-cli --help lists no commands"
	for c in "${commands[@]}"; do
		k="$(printf '%s\n' "${sections[@]}" | grep -cxF -- "$c" || true)"
		[[ $k -eq 1 ]] || echo "command '$c': $k subsections in COMMANDS"
	done
	for s in "${sections[@]}"; do
		printf '%s\n' "${commands[@]}" | grep -xF -- "$s" >/dev/null ||
			echo "subsection '$s': gosnap-cli --help lists no such command"
	done)

# --- c, d. each command's options -----------------------------------------

for c in "${commands[@]}"; do
	# stderr too: a --help that fails shows why.
	if ! help="$("$CLI" "$c" --help 2>&1)" || [[ -z "$help" ]]; then
		diag <<<"$help"
		not_ok "$c: --help prints the options with exit status 0"
		continue
	fi
	mapfile -t want < <(opt_tokens <<<"$help")
	rendered_subsection "$c" "COMMANDS" >"$tmp/$c.txt"
	verdict "$c: all ${#want[@]} options of --help are documented" < <(
		if [[ ! -s "$tmp/$c.txt" ]]; then
			echo "$c: no subsection '$c' under COMMANDS"
		else
			absent_from "$tmp/$c.txt" "${want[@]}" | while read -r o; do
				echo "$c: $o is in --help but not in the page's '$c' subsection"
			done
		fi)

	mapfile -t have < <(source_item_tags "$c" | opt_tokens)
	verdict "$c: the ${#have[@]} options the page documents are all in --help" < <(
		for o in "${have[@]}"; do
			printf '%s\n' "${want[@]}" | grep -xF -- "$o" >/dev/null ||
				echo "$c: the page documents $o, which '$c --help' does not print"
		done)
done

# --- the global options -----------------------------------------------------

mapfile -t want < <(opt_tokens <<<"$main_help")
rendered_section "GLOBAL OPTIONS" >"$tmp/global.txt"
verdict "GLOBAL OPTIONS documents all ${#want[@]} options of gosnap-cli --help" < <(
	absent_from "$tmp/global.txt" "${want[@]}" | while read -r o; do
		echo "$o is in gosnap-cli --help but not under GLOBAL OPTIONS"
	done)

# --- make install -------------------------------------------------------------
# Into a staging root: man finds the page there by name, and the installed
# program runs. Only for the real page (an override path is not installed).

if [[ -z "${GOSNAP_MANPAGE:-}" ]]; then
	root="$tmp/root"
	verdict "make install puts gosnap-cli, its man page and the ABI header under DESTDIR" < <(
		if ! make -s -C "$TOP" install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
			sed 's/^/make install: /' "$tmp/install.log"
		else
			MANPATH="$root/usr/share/man" man -w gosnap-cli 2>&1 | grep -x "$root/usr/share/man/man1/gosnap-cli.1" >/dev/null ||
				echo "man -w gosnap-cli does not find the installed page"
			"$root/usr/bin/gosnap-cli" --version >/dev/null 2>&1 ||
				echo "the installed gosnap-cli does not run"
			cmp -s "$root/usr/include/linux/gosnap.h" "$TOP/include/uapi/linux/gosnap.h" ||
				echo "the installed ABI header differs from include/uapi/linux/gosnap.h"
		fi)
fi

tap_finish_named manpage
