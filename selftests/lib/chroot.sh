# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# chroot.sh: minimal Debian chroots (debootstrap --variant=minbase) cached
# under $GOSNAP_CACHE/chroot, and a way to run commands in them. Source it
# after setting DEBFETCH (selftests/lib/debfetch: it names the mirror, the
# one the machine's apt sources use).
#
#   chroot_tarball NAME SUITE PKGS [SETUP]
#         print the path of NAME.tar.zst, a SUITE system with PKGS (comma
#         separated, may be empty; debootstrap's own resolver, which knows
#         no virtual packages: SETUP can apt-get install) installed; made once, under a lock on NAME.lock, so
#         runs sharing the cache wait for one debootstrap. SETUP, a
#         function, is called with the new root before it is packed.
#   chroot_ensure NAME SUITE PKGS [SETUP]
#         the same system unpacked (once) at $GOSNAP_CACHE/chroot/NAME,
#         for callers that keep using one tree (the module builds)
#   chroot_exec ROOT BIND... -- CMD...
#         run CMD as root in ROOT in a private mount namespace (gone with
#         the command) with /proc, /dev and each BIND mounted: a path
#         PATH appears at PATH, HOST:GUEST at GUEST. A clean environment
#         but for CHROOT_ENV (NAME=VALUE words).
#
# Progress and errors go to stderr with the prefix $CHROOT_LOG_PREFIX.

: "${GOSNAP_CACHE:=/var/cache/gosnap}"
: "${CHROOT_LOG_PREFIX:=chroot}"

chroot_log() { echo "$CHROOT_LOG_PREFIX: $*" >&2; }

chroot_base() { echo "$GOSNAP_CACHE/chroot"; }

# _chroot_pack NAME SUITE PKGS SETUP: debootstrap and pack; caller holds
# the lock. The tarball appears by rename: a reader never sees half of it.
_chroot_pack() {
	local name="$1" suite="$2" pkgs="$3" setup="$4" base tmp
	base="$(chroot_base)"
	tmp="$base/$name.tmp"
	rm -rf "$tmp"
	chroot_log "creating the $suite chroot $name (debootstrap, a few minutes)"
	debootstrap --variant=minbase \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		${pkgs:+--include="$pkgs"} "$suite" "$tmp" "$("$DEBFETCH" --mirror)" \
		>"$base/$name.log" 2>&1 || {
		tail -n 30 "$base/$name.log" >&2
		chroot_log "debootstrap $suite failed (log: $base/$name.log)"
		return 1
	}
	if [[ -n "$setup" ]]; then
		"$setup" "$tmp" >>"$base/$name.log" 2>&1 || {
			tail -n 30 "$base/$name.log" >&2
			chroot_log "setting up the $name chroot failed (log: $base/$name.log)"
			return 1
		}
	fi
	rm -rf "$tmp/var/cache/apt/archives"/*.deb
	tar -C "$tmp" --zstd -cpf "$base/$name.tar.zst.tmp" . &&
		mv "$base/$name.tar.zst.tmp" "$base/$name.tar.zst"
	rm -rf "$tmp"
}

# _chroot_lock NAME: take NAME.lock on fd 8, held until the caller exits
# (or closes fd 8).
_chroot_lock() {
	[[ $EUID -eq 0 ]] || { chroot_log "the $1 chroot needs root"; return 1; }
	mkdir -p "$(chroot_base)"
	exec 8>"$(chroot_base)/$1.lock"
	flock 8
}

chroot_tarball() {
	local name="$1" tarball
	tarball="$(chroot_base)/$name.tar.zst"
	if [[ ! -s "$tarball" ]]; then
		_chroot_lock "$name" || return 1
		[[ -s "$tarball" ]] || _chroot_pack "$1" "$2" "$3" "${4:-}" || return 1
		exec 8>&-
	fi
	echo "$tarball"
}

chroot_ensure() {
	local name="$1" dir
	dir="$(chroot_base)/$name"
	[[ -e "$dir/.complete" ]] && return 0
	_chroot_lock "$name" || return 1
	[[ -e "$dir/.complete" ]] && return 0
	[[ -s "$dir.tar.zst" ]] || _chroot_pack "$1" "$2" "$3" "${4:-}" || return 1
	chroot_log "unpacking the $2 chroot $name"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -C "$dir" --zstd -xpf "$dir.tar.zst" || return 1
	touch "$dir/.complete"
}

chroot_exec() {
	local root="$1"
	shift
	local binds=()
	while [[ $# -gt 0 && "$1" != -- ]]; do
		binds+=("$1")
		shift
	done
	[[ "${1:-}" == -- ]] || { chroot_log "chroot_exec: no -- before the command"; return 2; }
	shift
	# shellcheck disable=SC2016
	unshare --mount --propagation private bash -c '
		set -euo pipefail
		root="$1" nbinds="$2"
		shift 2
		for ((i = 0; i < nbinds; i++)); do
			host="${1%%:*}" guest="${1#*:}"
			shift
			mkdir -p "$root$guest"
			mount --bind "$host" "$root$guest"
		done
		mount -t proc proc "$root/proc"
		mount --bind /dev "$root/dev"
		read -r -a extra <<<"${CHROOT_ENV:-}"
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LANG=C.UTF-8 ${extra[@]+"${extra[@]}"} "$@"
	' chroot_exec "$root" "${#binds[@]}" ${binds[@]+"${binds[@]}"} "$@"
}
