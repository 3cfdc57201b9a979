#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.t: the Debian packages work as a Debian 12 user would use them. In a
# fresh bookworm chroot (debootstrap --variant=minbase, cached as a tarball
# under $GOSNAP_CACHE/chroot; each run unpacks its own copy):
#   - "make deb" on the tracked files builds gosnap-dkms and gosnap-cli,
#     whose version is dkms.conf's; lintian reports no error;
#   - with the 6.1 test kernel's headers installed, dpkg -i gosnap-dkms
#     builds and installs gosnap.ko with DKMS; installing the 6.12 test
#     kernel afterwards builds it for 6.12 too (the kernel hook,
#     AUTOINSTALL); each .ko is in /lib/modules/KREL/updates/dkms with
#     KREL's vermagic;
#   - gosnap-cli installs and runs, with its man page and completion;
#   - each DKMS-built .ko is the one the VM runs (GOSNAP_MODULE), and
#     vm-tests 00-boot.t and 10-pagestate.t pass with it on its kernel.
# Runs as root (debootstrap, chroot, mounts). See docs/install.md.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
readonly TOP
: "${GOSNAP_CACHE:=/var/cache/gosnap}"
export GOSNAP_CACHE
DEBFETCH="$TOP/selftests/lib/debfetch"
KERNELS="$TOP/selftests/vm/kernels"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
CHROOT_LOG_PREFIX=dkms.t
# shellcheck source=selftests/lib/chroot.sh
. "$TOP/selftests/lib/chroot.sh"

# The first kernel is installed before the package, the second after it.
readonly TEST_KERNELS=(6.1 6.12)
readonly VM_TESTS=(00-boot.t 10-pagestate.t)
# What the packages need to build and install, and what the kernel
# packages depend on; kept in the chroot tarball. apt installs them
# (debootstrap's --include cannot resolve virtual packages lintian needs).
readonly PKGS="debhelper dh-dkms dkms lintian dpkg-dev gcc make libc6-dev libdw-dev libelf-dev pkg-config openssl kmod initramfs-tools linux-base dwarves bc xz-utils zstd"

chroot_setup() {
	# shellcheck disable=SC2086
	chroot_exec "$1" -- apt-get update &&
		chroot_exec "$1" -- env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $PKGS &&
		chroot_exec "$1" -- apt-get clean || return 1
	# The chroot never boots: installing a kernel need not build an initramfs.
	sed -i 's/^update_initramfs=.*/update_initramfs=no/' \
		"$1/etc/initramfs-tools/update-initramfs.conf"
}

tap_start
[[ $EUID -eq 0 ]] || bail "needs root (debootstrap, chroot, mounts)"

work="$(mktemp -d "${TMPDIR:-/tmp}/gosnap-dkms.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"

# in_chroot CMD...: run CMD in this run's chroot, output to $work/log.
in_chroot() {
	chroot_exec "$root" -- "$@" >"$work/log" 2>&1
}

# step DESC CMD...: ok if CMD succeeds in the chroot, else its output.
step() {
	local desc="$1"
	shift
	if in_chroot "$@"; then
		ok "$desc"
	else
		tail -n 40 "$work/log" | diag
		not_ok "$desc"
		return 1
	fi
}

# --- the chroot and the source -----------------------------------------------

# The tarball's name carries a hash of what is in it: a new package list
# makes a new tarball.
name="bookworm-deb-$({ echo "$PKGS"; declare -f chroot_setup; } | sha256sum | cut -c1-8)"
start=$SECONDS
tarball="$(chroot_tarball "$name" bookworm "" chroot_setup)" ||
	bail "no bookworm chroot (see above)"
mkdir -p "$root"
tar -C "$root" --zstd -xpf "$tarball" || bail "cannot unpack $tarball"
echo "# chroot ready after $((SECONDS - start)) s"

version="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")"
[[ -n "$version" ]] || bail "no PACKAGE_VERSION in dkms.conf"

# The tracked files as they are in the checkout, as "make deb" takes them.
mkdir -p "$root/src"
(cd "$TOP" && git ls-files -z | tar --null --ignore-failed-read -T - -cf -) |
	tar -C "$root/src" -xf - || bail "cannot copy the tracked files"

declare -A krel debdir
for v in "${TEST_KERNELS[@]}"; do
	krel[$v]="$("$KERNELS" kver "$v")" || bail "no $v test kernel"
	debdir[$v]="/debs/$v"
	"$KERNELS" headers-debs "$v" "$root/debs/$v" >"$work/log" 2>&1 || {
		diag <"$work/log"
		bail "cannot fetch the $v kernel's headers"
	}
done

# --- build and lint ----------------------------------------------------------

# The tarball's package lists may be older than the mirror.
step "apt-get update in the chroot" apt-get update || bail "the chroot cannot reach the mirror"
# debian/control's Build-Depends (and build-essential), as a builder would.
step "apt-get build-dep installs the build dependencies" \
	env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y /src || bail "no build dependencies"

if step "make deb builds the packages in the bookworm chroot" \
	make -C /src deb; then
	for p in gosnap-dkms gosnap-cli; do
		f="$(compgen -G "$root/src/build/deb/${p}_*.deb" | head -n 1 || true)"
		if [[ -n "$f" && "$(dpkg-deb -f "$f" Version)" == "$version" ]]; then
			ok "$p $version built (dkms.conf's version)"
		else
			diag <<<"deb: ${f:-none}; dkms.conf: $version"
			not_ok "$p $version built (dkms.conf's version)"
		fi
	done
	lrc=0
	in_chroot sh -c 'cd /src/build/deb && lintian --fail-on none ./*.changes' || lrc=$?
	diag <"$work/log"
	if [[ $lrc -eq 0 ]] && ! grep -q '^E: ' "$work/log"; then
		ok "lintian reports no error ($(grep -c '^[WI]: ' "$work/log" || true) warnings and notes)"
	else
		not_ok "lintian reports no error (lintian exit $lrc)"
	fi
else
	bail "no packages to test"
fi

# --- install ------------------------------------------------------------------

# install_kernel VER: the test kernel's headers (and the image the 6.12
# headers depend on) from the pinned packages; apt brings what else they
# need (compilers) from the chroot's sources.
# INITRD=No: the chroot never boots, so the image's hook (initramfs-tools)
# need not spend minutes on an initramfs.
install_kernel() {
	step "the $1 kernel's headers (${krel[$1]}) install" \
		sh -c "DEBIAN_FRONTEND=noninteractive INITRD=No apt-get install -y --no-install-recommends ${debdir[$1]}/*.deb"
}


# built_for VER: DKMS built and installed gosnap $version for VER's kernel.
built_for() {
	local v="$1" k="${krel[$1]}" st ko
	# (stderr apart: dkms's readelf warns about 6.12's headers there)
	st="$(chroot_exec "$root" -- dkms status -m gosnap -v "$version" -k "$k" 2>/dev/null || true)"
	if grep -qx "gosnap/$version, $k, x86_64: installed" <<<"$st"; then
		ok "dkms status: gosnap/$version installed for $k"
	else
		diag <<<"dkms status: $st"
		not_ok "dkms status: gosnap/$version installed for $k"
	fi
	ko="$(compgen -G "$root/lib/modules/$k/updates/dkms/gosnap.ko*" | head -n 1 || true)"
	ko="${ko#"$root"}"
	if [[ -z "$ko" ]]; then
		find "$root/lib/modules/$k" -maxdepth 3 2>&1 | diag
		not_ok "gosnap.ko for $k in /lib/modules/$k/updates/dkms"
		return
	fi
	ok "$ko"
	# Out of the chroot, plain (busybox insmod takes no compressed module).
	mkdir -p "$work/ko/$v"
	case "$ko" in
	*.xz) xz -dc "$root/$ko" ;;
	*.zst) zstd -qdc "$root/$ko" ;;
	*) cat "$root/$ko" ;;
	esac >"$work/ko/$v/gosnap.ko"
	local magic
	magic="$(modinfo -F vermagic "$work/ko/$v/gosnap.ko" | cut -d' ' -f1 || true)"
	if [[ "$magic" == "$k" ]]; then
		ok "its vermagic is $k"
	else
		not_ok "its vermagic is $k (got '$magic')"
	fi
	# What docs/install.md says for Secure Boot: DKMS signs with its own key.
	signer="$(modinfo -F signer "$work/ko/$v/gosnap.ko" || true)"
	if [[ "$signer" == "DKMS module signing key" && -s "$root/var/lib/dkms/mok.pub" ]]; then
		ok "DKMS signed it with its key /var/lib/dkms/mok.key"
	else
		not_ok "DKMS signed it with its key /var/lib/dkms/mok.key (signer '$signer')"
	fi
}

v0="${TEST_KERNELS[0]}" v1="${TEST_KERNELS[1]}"
install_kernel "$v0" || true
dkms_deb="/src/build/deb/gosnap-dkms_${version}_all.deb"
step "dpkg -i gosnap-dkms builds the module with DKMS" dpkg -i "$dkms_deb" || true
grep -E '^(Building|Sign|Signing)' "$work/log" | diag || true
built_for "$v0"
# A kernel installed after the package: DKMS's kernel hook builds it anew.
install_kernel "$v1" || true
grep -iE 'gosnap|autoinstall|Sign' "$work/log" | diag || true
built_for "$v1"

# --- gosnap-cli ---------------------------------------------------------------

cli_deb="$(compgen -G "$root/src/build/deb/gosnap-cli_${version}_*.deb" | head -n 1 || true)"
if step "dpkg -i gosnap-cli" dpkg -i "${cli_deb#"$root"}"; then
	step "gosnap-cli --help runs" gosnap-cli --help || true
	for f in /usr/share/man/man1/gosnap-cli.1.gz /usr/share/bash-completion/completions/gosnap-cli; do
		if chroot_exec "$root" -- dpkg -L gosnap-cli | grep -qx "$f" && [[ -s "$root$f" ]]; then
			ok "gosnap-cli ships $f"
		else
			not_ok "gosnap-cli ships $f"
		fi
	done
fi

# --- the DKMS-built modules in the VM -----------------------------------------

make -s -C "$TOP/cli" >"$work/log" 2>&1 || { diag <"$work/log"; bail "cannot build cli/gosnap-cli"; }

# vm_test VER FILE: FILE (a vm-tests file) on VER with the DKMS module, as
# one result; its TAP as diagnostics, its counts in the description.
vm_test() {
	local v="$1" t="$2" rc=0 pass fail skip
	GOSNAP_KERNEL="$v" GOSNAP_MODULE="$work/ko/$v/gosnap.ko" GOSNAP_PREBUILT=1 \
		"$TOP/selftests/vm-tests/$t" >"$work/vm.log" 2>&1 || rc=$?
	pass="$(grep -cE '^ok [0-9]+' "$work/vm.log" || true)"
	skip="$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$work/vm.log" || true)"
	fail="$(grep -cE '^not ok [0-9]+' "$work/vm.log" || true)"
	pass=$((pass - skip))
	grep -E '^(not ok|ok [0-9]+.*# *(SKIP|skip))' "$work/vm.log" | diag || true
	if [[ $rc -eq 0 && $fail -eq 0 && $pass -gt 0 ]]; then
		ok "$t on ${krel[$v]} with the DKMS module: $pass passed, $skip skipped"
	else
		tail -n 30 "$work/vm.log" | diag
		not_ok "$t on ${krel[$v]} with the DKMS module: exit $rc, $pass passed, $fail failed, $skip skipped"
	fi
}

for v in "${TEST_KERNELS[@]}"; do
	ko="$work/ko/$v/gosnap.ko"
	if [[ ! -s "$ko" ]]; then
		not_ok "no DKMS module for $v to boot"
		continue
	fi
	# The guest gets exactly this file (GOSNAP_MODULE wins over --module).
	want="$(sha256sum "$ko" | cut -d' ' -f1)"
	got="$(GOSNAP_MODULE="$ko" GOSNAP_PREBUILT=1 "$TOP/selftests/vm/run" --kernel "$v" \
		--module none -- 'sha256sum /gosnap/gosnap.ko' 2>"$work/vm.err" | awk 'NF == 2 { print $1 }' | tail -n 1)" || true
	if [[ "$got" == "$want" ]]; then
		ok "the $v guest gets the DKMS-built gosnap.ko"
	else
		diag <"$work/vm.err"
		not_ok "the $v guest gets the DKMS-built gosnap.ko (sha256 '$got', want $want)"
	fi
	for t in "${VM_TESTS[@]}"; do
		vm_test "$v" "$t"
	done
done

echo "# took $((SECONDS - start)) s"
tap_finish
