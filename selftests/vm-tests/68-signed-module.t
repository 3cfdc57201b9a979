#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A signed gosnap.ko loads on a kernel that enforces module signatures
# (module.sig_enforce=1) once its key is enrolled the way shim's MOK
# enrolment does it on a real machine; without the key, or unsigned, or
# signed by another key, it is refused (issue 16, acceptance 4).
#
# How the key gets trusted: Debian's kernels read the UEFI variable
# MokListRT (an EFI_SIGNATURE_LIST of X.509 certificates, shim's GUID) at
# boot, only when booted with Secure Boot on (load_uefi.c), and put its
# certificates in the .machine keyring, which is linked into
# .secondary_trusted_keys: the keys module signatures are checked against.
# The VM boots through OVMF with Debian's snakeoil variable store (Secure
# Boot on; vm/run --efi signs a copy of the kernel image with its key), a
# per-test copy that the guest writes and the next boot reads:
#
#   boot 1 (control)  Secure Boot on, sig_enforce=1, no MOK: .machine holds
#                     no key of ours, the signed module is refused; then
#                     the guest writes MokListRT (NV|BS|RT) through efivarfs
#   boot 2            the same variable store: the kernel loads the key
#                     into .machine (.platform on 7.3: see below); the
#                     unsigned module and one signed by
#                     another throwaway key are refused, the signed one
#                     loads, /dev/gosnap appears, no 'E' taint
#
# Which keyring: Debian's 6.1 and 6.12 put MOK keys in .machine always;
# 7.3 (like upstream) only when shim publishes MokListTrustedRT in the
# MOKvar configuration table it installs before the kernel starts
# (machine_keyring.c, trust_moklist()). Nothing the OS writes can make that
# table, so there the key lands in .platform, and the module is accepted
# through Debian's fallback to .platform when no trusted key is found
# (kernel/module/signing.c, mod_verify_sig()). Which rule the kernel
# follows is read from its image: it names "MokListTrustedRT" or not.
#
# The keys are made here (openssl, like certs/default_x509.genkey), the
# module is signed with the test kernel's own scripts/sign-file and
# CONFIG_MODULE_SIG_HASH; nothing of it is kept.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
ver="${GOSNAP_KERNEL:-6.1}"
KERNELS="$TOP/selftests/vm/kernels"

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
tap_start

# The kernel must verify module signatures, boot as an EFI program, read
# the firmware's keys and have the machine keyring trusted through the
# secondary one; efivarfs lets the guest write the variable.
cfg="$("$KERNELS" config "$ver")"
missing=()
for opt in MODULE_SIG EFI_STUB LOAD_UEFI_KEYS INTEGRITY_MACHINE_KEYRING \
	SECONDARY_TRUSTED_KEYRING EFIVAR_FS; do
	grep -Eq "^CONFIG_$opt=[ym]$" "$cfg" || missing+=("CONFIG_$opt")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	plan 1
	ok "# SKIP $ver: kernel built without ${missing[*]}: no module signature check through the machine keyring to test"
	exit 0
fi
plan 13

bail_on_error
work="$(mktemp -d "${TMPDIR:-/tmp}/gosnap-signed.XXXXXX")"
trap 'rm -rf "$work"' EXIT
g="$work/guest"
mkdir -p "$g"

# The module, unsigned, as built for this kernel.
ko="$TOP/build/mod-$ver/gosnap.ko"
[[ -n "${GOSNAP_PREBUILT:-}" ]] || ko="$("$TOP/selftests/vm/build-module" "$ver")"
[[ -e "$ko" ]] || bail "no gosnap.ko for $ver ($ko)"
make -s -C "$TOP/selftests/guest" "$TOP/build/guest/keyring"
cp "$TOP/build/guest/keyring" "$g/keyring"

hash="$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$cfg")"
[[ -n "$hash" ]] || bail "no CONFIG_MODULE_SIG_HASH in $cfg"
sign_file="$("$KERNELS" kdir "$ver")/scripts/sign-file"
[[ -x "$sign_file" ]] || bail "no $sign_file in the $ver headers"

# Two throwaway keys with the extensions the kernel's own build key has
# (certs/default_x509.genkey) plus codeSigning, as a MOK usually has; the
# CN carries a per-run tag so that the key found in the guest is this one.
tag="$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$work/x509.cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
string_mask = utf8only
x509_extensions = exts
[ dn ]
CN = placeholder
[ exts ]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
mok_cn="gosnap test MOK $tag"
other_cn="gosnap test unenrolled $tag"
for k in mok other; do
	cn="$mok_cn"
	[[ $k == mok ]] || cn="$other_cn"
	openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
		-config "$work/x509.cnf" -subj "/CN=$cn" \
		-keyout "$work/$k.key" -out "$work/$k.pem" 2>"$work/openssl.log" ||
		bail "openssl req: $(cat "$work/openssl.log")"
done

# Signed copies; the unsigned one must carry no signature of its own.
# signed FILE: FILE ends with the marker sign-file appends.
signed() { tail -c 28 "$1" | cmp -s - <(printf '~Module signature appended~\n'); }
cp "$ko" "$g/gosnap-unsigned.ko"
! signed "$g/gosnap-unsigned.ko" || bail "$ko is signed already: no unsigned module to test with"
"$sign_file" "$hash" "$work/mok.key" "$work/mok.pem" "$ko" "$g/gosnap-signed.ko"
"$sign_file" "$hash" "$work/other.key" "$work/other.pem" "$ko" "$g/gosnap-other.ko"
for f in signed other; do
	signed "$g/gosnap-$f.ko" ||
		bail "sign-file left gosnap-$f.ko without a signature"
done

# MokListRT's contents as efivarfs takes them: the attributes
# (NON_VOLATILE|BOOTSERVICE_ACCESS|RUNTIME_ACCESS, little endian), then one
# EFI_SIGNATURE_LIST holding the certificate (DER), owned by shim's GUID.
shim_guid=605dab50-e046-4300-abb6-3dd810dd8b23
cert-to-efi-sig-list -g "$shim_guid" "$work/mok.pem" "$work/mok.esl" >/dev/null
{ printf '\007\000\000\000'; cat "$work/mok.esl"; } >"$g/MokListRT.var"
var_size="$(stat -c %s "$g/MokListRT.var")"

# mok_gated: yes if the kernel looks up MokListTrustedRT before trusting
# MOK keys (its decompressed image contains the name), else no.
mok_gated="$(python3 - "$("$KERNELS" vmlinuz "$ver")" MokListTrustedRT <<'PY'
import struct, subprocess, sys
image = open(sys.argv[1], 'rb').read()
# bzImage: setup sectors at 0x1f1, payload offset and length at 0x248.
base = ((image[0x1f1] or 4) + 1) * 512
off, length = struct.unpack_from('<II', image, 0x248)
payload = image[base + off:base + off + length]
tools = {b'\xfd7zXZ': ['xz', '-dc', '--single-stream'],
         b'\x28\xb5\x2f\xfd': ['zstd', '-dcq'], b'\x1f\x8b': ['gzip', '-dc']}
cmd = next((t for magic, t in tools.items() if payload.startswith(magic)), None)
if cmd is None:
    sys.exit("kernel payload compressed with an unknown method: %s" % payload[:4].hex())
out = subprocess.run(cmd, input=payload, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL).stdout
if len(out) < 1 << 20:
    sys.exit("decompressing the kernel image with %s failed" % cmd[0])
print("yes" if sys.argv[2].encode() in out else "no")
PY
)"
[[ "$mok_gated" == yes || "$mok_gated" == no ]] || bail "cannot tell how $ver trusts MOK keys"

# The variable store, Secure Boot on (PK, KEK and db: Debian's snakeoil key).
cp /usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd "$work/vars.fd"
set +e
trap - ERR

# Lines "name=value" and "kr: keyring ..." from the guest; boot 1 and 2.
# shellcheck disable=SC2016
common='
sb="$(dmesg | grep -c "secureboot: Secure boot enabled")"
echo "sb=$sb"
echo "enforce=$(cat /sys/module/module/parameters/sig_enforce)"
/gosnap/sig/keyring .machine .platform .secondary_trusted_keys | sed "s/^/kr: /"
try() { # NAME MODULE: insmod, its status and message, loaded or not
	msg="$(insmod "$2" 2>&1)"
	echo "$1_rc=$?"
	echo "$1_msg=$msg"
	if [ -d /sys/module/gosnap ]; then echo "$1_loaded=yes"; else echo "$1_loaded=no"; fi
}
'
# shellcheck disable=SC2016
boot1="$common"'
try signed /gosnap/sig/gosnap-signed.ko
echo "rejected_unavail=$(dmesg | grep -c "Loading of module with unavailable key is rejected")"
v=/sys/firmware/efi/efivars/MokListRT-'"$shim_guid"'
cat /gosnap/sig/MokListRT.var >"$v"
echo "write_rc=$?"
echo "readback=$(wc -c <"$v")"
'
# shellcheck disable=SC2016
boot2="$common"'
dmesg | grep -E "MokListRT|Loaded X.509 cert|machine keyring" | sed "s/^/kmsg: /"
t0=$(cat /proc/sys/kernel/tainted)
try unsigned /gosnap/sig/gosnap-unsigned.ko
echo "rejected_unsigned=$(dmesg | grep -c "Loading of unsigned module is rejected")"
try other /gosnap/sig/gosnap-other.ko
echo "rejected_unavail=$(dmesg | grep -c "Loading of module with unavailable key is rejected")"
try signed /gosnap/sig/gosnap-signed.ko
if [ -c /dev/gosnap ]; then echo "dev=char"; else echo "dev=none"; fi
echo "taint_before=$t0"
echo "taint_after=$(cat /proc/sys/kernel/tainted)"
echo "modtaint=$(cat /sys/module/gosnap/taint 2>/dev/null)"
dmesg | grep -E "Loading of .* is rejected" | sed "s/^/kmsg: /"
rmmod gosnap 2>/dev/null
'

boot() { # NAME SCRIPT: one boot with the variable store; sets out, rc, err
	local t0 t1
	t0=$(date +%s)
	out="$("$TOP/selftests/vm/run" --kernel "$ver" --module none --efi "$work/vars.fd" \
		--append module.sig_enforce=1 --timeout 400 --add "$g:/gosnap/sig" -- "$2" \
		2>"$work/$1.err")"
	rc=$?
	t1=$(date +%s)
	err="$(cat "$work/$1.err")"
	echo "# $1 boot: vm/run exit $rc after $((t1 - t0)) s"
	printf '%s\n' "$out" >"$work/$1.out"
}
field() { sed -n "s/^$1=//p" <<<"$out" | tail -n 1; }
# has LINE-REGEX: a line of the guest's output matches
has() { grep -Eq "$1" <<<"$out"; }
# tap PASSED(1 or empty) DESCRIPTION [DIAGNOSTIC]
tap() {
	if [[ "$1" == 1 ]]; then
		ok "$2"
	else
		[[ -z "${3:-}" ]] || diag <<<"$3"
		not_ok "$2"
	fi
}
# The refusal insmod reports for EKEYREJECTED (or ENOKEY).
refused_re='Key was rejected by service|Required key not available'
# esc TEXT: TEXT as a literal in an extended regular expression.
esc() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

# --- boot 1: no key enrolled ---------------------------------------------
boot control "$boot1"
diag1="$(cat "$work/control.out")
$err"
tap "$([[ "$(field sb)" -ge 1 && "$(field enforce)" == Y ]] && echo 1)" \
	"control boot: Secure Boot on (kernel: 'secureboot: Secure boot enabled'), module.sig_enforce=Y" "$diag1"
tap "$(has '^kr: keyring \.machine [0-9a-f]+ 0$' && ! has "^kr: key .*$(esc "$mok_cn")" && echo 1)" \
	"control boot: the .machine keyring is empty, the test key in no keyring" "$diag1"
tap "$([[ "$(field signed_rc)" != 0 && "$(field signed_loaded)" == no ]] &&
	grep -Eq "$refused_re" <<<"$(field signed_msg)" && [[ "$(field rejected_unavail)" -ge 1 ]] && echo 1)" \
	"control boot: the signed module is refused while its key is not enrolled (insmod: $(field signed_msg | sed 's/.*: //'))" "$diag1"
tap "$([[ "$(field write_rc)" == 0 && "$(field readback)" == "$var_size" ]] && echo 1)" \
	"control boot: MokListRT written through efivarfs ($var_size bytes read back)" "$diag1"
tap "$([[ $rc -eq 0 ]] && echo 1)" "control boot: no kernel warning, oops or hang (vm/run exit $rc)" "$err"

# --- boot 2: the key in MokListRT ------------------------------------------
boot enrolled "$boot2"
diag2="$(cat "$work/enrolled.out")
$err"
tap "$([[ "$(field sb)" -ge 1 && "$(field enforce)" == Y ]] && echo 1)" \
	"enrolled boot: Secure Boot on, module.sig_enforce=Y" "$diag2"
tap "$(has '^kmsg: .*Loading X\.509 certificate: UEFI:MokListRT' &&
	has "^kmsg: .*Loaded X\\.509 cert '$(esc "$mok_cn"): [0-9a-f]+'" && echo 1)" \
	"enrolled boot: the kernel loads the test key from MokListRT" "$diag2"
if [[ $mok_gated == no ]]; then
	tap "$(has "^kr: key \\.machine asymmetric $(esc "$mok_cn"): " && ! has "^kr: key \\.platform .*$(esc "$mok_cn")" &&
		has '^kr: key \.secondary_trusted_keys keyring \.machine$' && echo 1)" \
		"enrolled boot: the key is in .machine (not .platform), and .machine is linked into .secondary_trusted_keys" "$diag2"
else
	tap "$(has "^kr: key \\.platform asymmetric $(esc "$mok_cn"): " && has '^kr: keyring \.machine [0-9a-f]+ 0$' &&
		! has '^kr: key \.secondary_trusted_keys keyring \.machine$' && echo 1)" \
		"enrolled boot: the key is in .platform: $ver trusts .machine only with shim's MokListTrustedRT (MOKvar table), which no OS-side write can make" "$diag2"
fi
tap "$([[ "$(field unsigned_rc)" != 0 && "$(field unsigned_loaded)" == no ]] &&
	grep -Eq "$refused_re" <<<"$(field unsigned_msg)" && [[ "$(field rejected_unsigned)" -ge 1 ]] && echo 1)" \
	"the unsigned module is refused (kernel: 'Loading of unsigned module is rejected'; insmod: $(field unsigned_msg | sed 's/.*: //'))" "$diag2"
tap "$([[ "$(field other_rc)" != 0 && "$(field other_loaded)" == no ]] &&
	grep -Eq "$refused_re" <<<"$(field other_msg)" && [[ "$(field rejected_unavail)" -ge 1 ]] && echo 1)" \
	"a module signed by another, unenrolled key is refused (kernel: 'Loading of module with unavailable key is rejected')" "$diag2"
tap "$([[ "$(field signed_rc)" == 0 && "$(field signed_loaded)" == yes && "$(field dev)" == char ]] && echo 1)" \
	"the module signed with the enrolled key loads, /dev/gosnap appears" "$diag2"
tb="$(field taint_before)" ta="$(field taint_after)"
tap "$([[ "$ta" =~ ^[0-9]+$ && "$tb" =~ ^[0-9]+$ ]] && ((!(ta & 8192))) && [[ "$(field modtaint)" != *E* ]] && echo 1)" \
	"no unsigned-module taint: /proc/sys/kernel/tainted bit 13 ('E') clear ($tb before, $ta after), gosnap's taint '$(field modtaint)'" "$diag2"
tap "$([[ $rc -eq 0 ]] && echo 1)" "enrolled boot: no kernel warning, oops or hang (vm/run exit $rc)" "$err"
# What the kernel showed, for the record.
grep -E '^(kr|kmsg): |_msg=' "$work/enrolled.out" | diag
[[ $failed -eq 0 ]]
