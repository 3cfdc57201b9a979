# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Fixtures for the freeze tests (selftests/vm-tests/4*.t): the Go 1.19
# freeze target built with symbols and stripped, its oracles (go tool nm,
# go version), the C fork target, and one way to run a guest script and
# keep its output. The test sources selftests/lib/tap.sh first.

: "${GOSNAP_CACHE:=/var/cache/gosnap}"
FREEZE_TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$FREEZE_TOP/build/freeze"
readonly GO119=/usr/lib/go-1.19/bin/go

freeze_go() {
	env CGO_ENABLED=0 GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false \
		GOCACHE="${GOCACHE:-$BUILD/gocache}" GOPATH="$BUILD/gopath" GOENV=off "$GO119" "$@"
}

# Build both binaries and write the oracles: $BUILD/nm.txt ("ADDR TYPE NAME"
# of the unstripped build) and $BUILD/version.txt (go version's answer).
freeze_build() {
	local src="$FREEZE_TOP/selftests/targets/go/freeze"
	[[ -x "$GO119" ]] || { echo "# $GO119 missing: install golang-1.19-go (scripts/install-deps)"; return 1; }
	mkdir -p "$BUILD"
	(cd "$src" && freeze_go build -o "$BUILD/freeze" . &&
		freeze_go build -ldflags='-s -w' -o "$BUILD/freeze-stripped" .) >&2 || return 1
	freeze_go tool nm "$BUILD/freeze" >"$BUILD/nm.txt" || return 1
	gcc -static -O2 -Wall -Wextra -Werror -o "$BUILD/forker" \
		"$FREEZE_TOP/selftests/targets/c/forker.c" >&2 || return 1
	freeze_go version "$BUILD/freeze" | awk '{print $2}' >"$BUILD/version.txt"
}

# vm_run VER SCRIPT: run SCRIPT (sh) in the guest with both binaries at
# /gosnap/; prints the guest's output. Fails if the VM run failed.
vm_run() {
	local ver="$1" script="$2" f rc
	f="$(mktemp)"
	printf '%s\n' "$script" >"$f"
	set +e
	"$FREEZE_TOP/selftests/vm/run" --kernel "$ver" --timeout 900 \
		--add "$BUILD/freeze:/gosnap/freeze" \
		--add "$BUILD/freeze-stripped:/gosnap/freeze-stripped" \
		--add "$BUILD/forker:/gosnap/forker" \
		--add "$f:/gosnap/test.sh" -- sh /gosnap/test.sh 2>"$f.err"
	rc=$?
	set -e
	grep -v '^guest-kernel:' "$f.err" >&2 || true
	rm -f "$f" "$f.err"
	return "$rc"
}

# vm_fail OUTPUT: the test's only point, failed, with OUTPUT's last lines.
vm_fail() {
	plan 1
	not_ok "the VM run failed"
	tail -n 40 <<<"$1" | diag
}
