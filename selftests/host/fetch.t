#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch.t: a failed fetch fails the test that needs it, with the fetching
# tool's own message, and leaves nothing in the cache that a later run
# trusts; two runs fetching the same entry at once both succeed and make
# one entry. Every fetch goes to a private temporary $GOSNAP_CACHE (or a
# private entry of it), never into the shared cache:
#
#   npm (selftests/symbols/lib.sh npm_esbuild), through the test that needs
#   it, vm-tests/42-esbuild.t: with an unreachable registry
#   (npm_config_registry=http://127.0.0.1:9/) it fails, shows npm's
#   ECONNREFUSED and leaves no entry; then, in the same cache with the
#   registry working, the same test passes all its 5 checks (one VM boot;
#   the private cache links the shared one's kernels and VM images, its npm
#   entry is its own). A version that does not exist fails with npm's
#   "No matching version".
#
#   Debian (selftests/lib/debfetch): a package that does not exist fails
#   naming it and creates no OUTDIR; gotoolchain with an unreachable mirror
#   (DEBFETCH_MIRROR=http://127.0.0.1:9/debian) fails with apt's "Could not
#   connect" and leaves no toolchain and no package lists stamped fresh;
#   then the same cache, mirror working, lists golang-1.21-go and unpacks
#   hello, which runs.
#
#   Concurrency: two debfetch of hello into one OUTDIR and two npm_esbuild
#   of one version, each pair started at once on a fresh cache: all four
#   succeed, one .deb, one npm entry, nothing temporary left.

# The checks are strings that check() evals, expanded then.
# shellcheck disable=SC2016
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
readonly TOP
SHARED="${GOSNAP_CACHE:-/var/cache/gosnap}"
readonly SHARED
readonly DEAD_REGISTRY=http://127.0.0.1:9/ DEAD_MIRROR=http://127.0.0.1:9/debian
readonly ESB=0.22.0
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
has() { grep -qF -- "$2" "$1" || { echo "# '$2' not in $(basename "$1"):"; tail -n 8 "$1" | diag; return 1; }; }
absent() { [[ ! -e "$1" ]] || { echo "# $1 exists"; return 1; }; }
no_temp() {
	local left
	left="$(find "$1" -name '*.tmp.*' -o -name '*.part.*' | head -n 5)"
	[[ -z "$left" ]] || { diag <<<"$left"; return 1; }
}

tap_start

# --- npm, through 42-esbuild.t ------------------------------------------------

# A private cache whose npm entries are its own; the rest (kernels, VM
# images) are the shared cache's, read as they are.
C="$W/cache"
mkdir -p "$C"
for e in "$SHARED"/*; do
	[[ -e "$e" && "$(basename "$e")" != npm ]] && ln -s "$e" "$C/"
done
entry="$C/npm/esbuild-linux-x64-$ESB"	# read by the eval'd checks
export entry

rc=0
GOSNAP_CACHE="$C" npm_config_registry="$DEAD_REGISTRY" npm_config_fetch_retries=0 \
	"$TOP/selftests/vm-tests/42-esbuild.t" >"$W/dead.out" 2>"$W/dead.err" || rc=$?
check "42-esbuild.t, npm registry unreachable: fails (status $rc)" [ "$rc" -ne 0 ]
check "... with 'not ok 1 fetch @esbuild/linux-x64@$ESB'" \
	has "$W/dead.out" "not ok 1 fetch @esbuild/linux-x64@$ESB"
check "... showing npm's own error (ECONNREFUSED 127.0.0.1:9)" \
	has "$W/dead.err" "ECONNREFUSED 127.0.0.1:9"
check "... and leaves no npm entry, nothing temporary" \
	eval 'absent "$entry" && no_temp "$C/npm"'

rc=0
# shellcheck source=selftests/symbols/lib.sh
(GOSNAP_CACHE="$C"; . "$TOP/selftests/symbols/lib.sh"; npm_esbuild @esbuild/linux-x64 0.0.999) \
	>"$W/nover.out" 2>"$W/nover.err" || rc=$?
check "npm_esbuild of a version that does not exist fails (status $rc)" [ "$rc" -ne 0 ]
check "... with npm's 'No matching version'" has "$W/nover.err" "No matching version"
check "... and leaves no entry" eval 'absent "$C/npm/esbuild-linux-x64-0.0.999" && no_temp "$C/npm"'

rc=0
GOSNAP_CACHE="$C" "$TOP/selftests/vm-tests/42-esbuild.t" >"$W/live.out" 2>"$W/live.err" || rc=$?
oks="$(grep -c '^ok ' "$W/live.out" || true)"
nots="$(grep -c '^not ok' "$W/live.out" || true)"
if [[ $rc -eq 0 && "$oks" -ge 5 && "$nots" -eq 0 ]]; then
	ok "42-esbuild.t again, same cache, registry working: $oks ok, $nots not ok"
else
	diag <"$W/live.out"
	tail -n 10 "$W/live.err" | diag
	not_ok "42-esbuild.t again, same cache, registry working: status $rc, $oks ok, $nots not ok"
fi
check "the entry is complete: its esbuild --version prints $ESB" \
	eval '[[ "$("$entry/package/bin/esbuild" --version)" == "$ESB" ]]'

# --- Debian packages ------------------------------------------------------------

D="$W/deb"
rc=0
GOSNAP_CACHE="$D" "$TOP/selftests/lib/debfetch" bookworm "$W/none" gosnap-no-such-package \
	>/dev/null 2>"$W/nopkg.err" || rc=$?
check "debfetch of a package that does not exist fails (status $rc)" [ "$rc" -ne 0 ]
check "... naming it" has "$W/nopkg.err" "no package 'gosnap-no-such-package'"
check "... and creates no OUTDIR" eval 'absent "$W/none" && no_temp "$W"'

rc=0
GOSNAP_CACHE="$D" DEBFETCH_MIRROR="$DEAD_MIRROR" "$TOP/selftests/lib/gotoolchain" 1.21 \
	>/dev/null 2>"$W/deadmirror.err" || rc=$?
check "gotoolchain 1.21, Debian mirror unreachable: fails (status $rc)" [ "$rc" -ne 0 ]
check "... showing apt's own error (Could not connect to 127.0.0.1:9)" \
	has "$W/deadmirror.err" "Could not connect to 127.0.0.1:9"
check "... and gotoolchain's (fetching golang-1.21 ... failed)" \
	has "$W/deadmirror.err" "gotoolchain: fetching golang-1.21 from bookworm-backports failed"
check "... leaving no toolchain and no lists taken for fresh" \
	eval 'absent "$D/go/1.21/ok" && absent "$D/go/1.21/root/usr/lib/go-1.21/bin/go" &&
	      absent "$D/apt/bookworm-backports/updated"'
check "same cache, mirror working: bookworm-backports lists golang-1.21-go" \
	eval 'GOSNAP_CACHE="$D" DEBFETCH_QUIET=1 "$TOP/selftests/lib/debfetch" --list bookworm-backports "^golang-1\.21-go$" |
	      grep -q "^golang-1.21-go "'
check "same cache, mirror working: debfetch unpacks hello, which runs" \
	eval 'GOSNAP_CACHE="$D" DEBFETCH_QUIET=1 "$TOP/selftests/lib/debfetch" bookworm "$W/hello" hello >/dev/null &&
	      [[ "$("$W/hello/usr/bin/hello")" == "Hello, world!" ]]'

# --- two runs at once -------------------------------------------------------------

P="$W/par"
for i in 1 2; do
	GOSNAP_CACHE="$P" DEBFETCH_QUIET=1 "$TOP/selftests/lib/debfetch" bookworm "$W/same" hello \
		>"$W/par-deb-$i.out" 2>"$W/par-deb-$i.err" &
done
rcs=()
for j in $(jobs -p); do
	rc=0
	wait "$j" || rc=$?
	rcs+=("$rc")
done
if [[ "${rcs[*]}" == "0 0" ]]; then
	ok "two debfetch of hello into one OUTDIR at once, fresh cache: both succeed"
else
	cat "$W"/par-deb-*.err | diag
	not_ok "two debfetch of hello into one OUTDIR at once, fresh cache: statuses ${rcs[*]}"
fi
check "... one .deb in the cache, hello unpacked and runs, nothing temporary" \
	eval '[[ "$(find "$P/apt/bookworm/debs" -name "hello_*.deb" | wc -l)" -eq 1 ]] &&
	      [[ "$("$W/same/usr/bin/hello")" == "Hello, world!" ]] && no_temp "$W"'

Q="$W/par-npm"
for i in 1 2; do
	# shellcheck source=selftests/symbols/lib.sh
	(GOSNAP_CACHE="$Q"; . "$TOP/selftests/symbols/lib.sh"; npm_esbuild @esbuild/linux-x64 "$ESB") \
		>"$W/par-npm-$i.out" 2>"$W/par-npm-$i.err" &
done
rcs=()
for j in $(jobs -p); do
	rc=0
	wait "$j" || rc=$?
	rcs+=("$rc")
done
if [[ "${rcs[*]}" == "0 0" ]] && cmp -s "$W/par-npm-1.out" "$W/par-npm-2.out"; then
	ok "two npm_esbuild $ESB at once, fresh cache: both succeed, same path"
else
	cat "$W"/par-npm-*.err | diag
	not_ok "two npm_esbuild $ESB at once, fresh cache: statuses ${rcs[*]}"
fi
check "... one entry, complete (--version $ESB), nothing temporary" \
	eval '[[ "$(find "$Q/npm" -mindepth 1 -maxdepth 1 -name "esbuild-linux-x64-*" ! -name "*.lock" | wc -l)" -eq 1 ]] &&
	      [[ "$("$Q/npm/esbuild-linux-x64-$ESB/package/bin/esbuild" --version)" == "$ESB" ]] &&
	      no_temp "$Q/npm"'

tap_finish
