#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 67-static-cli.t: `make static` (issue 16, acceptance 5) in the test VM
# (GOSNAP_KERNEL). Every VM test's guest gets cli/gosnap-cli-static and
# no shared library (vm/run --cli static, the default); this test checks
# that premise and what the static build gives:
#   - readelf (the oracle) shows the static CLI asks for no loader and no
#     library, while the dynamic one needs libelf and libdw;
#   - the guest holds no shared object at all, and the static CLI runs
#     there: it captures the phases target (Go 1.19) with --stop-world
#     --mode full at main.marker and decodes it (show, heap, stacks,
#     sched, gc);
#   - the dynamic CLI on the host, decoding the same snapshot, prints
#     byte for byte the same JSON;
#   - start time: a second boot gets the dynamic CLI with its libraries
#     (vm/run --cli dynamic) beside the static one, and runs each 40
#     times; the static one starts faster. Both figures are printed
#     (docs/performance.md, "Start time").
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/static-cli/vm-$kernel"
STATIC="$TOP/cli/gosnap-cli-static"
DYNAMIC="$TOP/cli/gosnap-cli"
readonly DECODERS="show heap stacks sched gc"

tap_start
bail_on_error

[[ -n "${GOSNAP_PREBUILT:-}" ]] || make -s -C "$TOP/cli" gosnap-cli gosnap-cli-static
rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
(cd "$TOP/selftests/targets/go/phases" && go_env "$GO119" build -o "$W/guest/phases" .)

# --- the build, as readelf sees it ---------------------------------------
static_hdr="$(readelf -lW "$STATIC")"
dyn_needed="$(readelf -dW "$DYNAMIC" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
if ! grep -q INTERP <<<"$static_hdr" && ! grep -q DYNAMIC <<<"$static_hdr"; then
	ok "gosnap-cli-static has no PT_INTERP and no PT_DYNAMIC (readelf -l)"
else
	grep -E 'INTERP|DYNAMIC' <<<"$static_hdr" | diag
	not_ok "gosnap-cli-static has no PT_INTERP and no PT_DYNAMIC (readelf -l)"
fi
if [[ "$dyn_needed" == *libelf.so* && "$dyn_needed" == *libdw.so* ]]; then
	ok "the dynamic gosnap-cli needs libelf and libdw ($dyn_needed)"
else
	not_ok "the dynamic gosnap-cli needs libelf and libdw (NEEDED: $dyn_needed)"
fi

# --- boot 1: the static CLI alone ----------------------------------------
cat >"$W/guest/run.sh" <<EOS
insmod /gosnap/gosnap.ko || exit 1
mkdir -p /out
find / -xdev \\( -name '*.so' -o -name '*.so.[0-9]*' \\) >/out/shared-objects 2>/dev/null
gosnap-cli --version >/out/version 2>&1
echo \$? >/out/version.rc
gosnap-cli capture --stop-world --mode full --at main.marker#1 --embed -o /out/snap -- \\
	/gosnap/static/phases >/out/target.out 2>/out/capture.log
echo \$? >/out/capture.rc
# Decode from the copy --embed stored, as the host must (same JSON then).
rm /gosnap/static/phases
cd /out/snap || exit 1
for c in $DECODERS; do
	gosnap-cli -j \$c 001-main.marker.gsnap >/out/\$c.json 2>/out/\$c.err
	echo \$? >/out/\$c.rc
done
cd /
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

untar() {
	sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$1" | sed '1d;$d' | tr -d '\r' |
		base64 -d | tar xzf - -C "$2"
}

"$TOP/selftests/vm/run" --kernel "$kernel" --cli static --timeout 600 \
	--add "$W/guest:/gosnap/static" -- sh /gosnap/static/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
untar "$W/vm.log" "$W/out"
trap - ERR

n_so="$(wc -l <"$W/out/shared-objects")"
if [[ "$n_so" -eq 0 ]]; then
	ok "the guest holds no shared object (find / -name '*.so*')"
else
	head -n 5 "$W/out/shared-objects" | diag
	not_ok "the guest holds no shared object ($n_so found)"
fi
want_version="$("$DYNAMIC" --version 2>&1)"
if [[ "$(cat "$W/out/version.rc")" == 0 && "$(cat "$W/out/version")" == "$want_version" ]]; then
	ok "the static CLI runs in the guest: --version says what the dynamic one says"
else
	diag <"$W/out/version"
	not_ok "the static CLI runs in the guest: --version says what the dynamic one says"
fi
snap="$W/out/snap/001-main.marker.gsnap"
if [[ "$(cat "$W/out/capture.rc")" == 0 && -s "$snap" ]]; then
	ok "the static CLI captured the phases target at main.marker (--stop-world --mode full)"
else
	diag <"$W/out/capture.log"
	not_ok "the static CLI captured the phases target at main.marker (--stop-world --mode full)"
fi

# The dynamic CLI is the oracle: same snapshot, same JSON, same status.
for c in $DECODERS; do
	set +e
	(cd "$W/out/snap" && "$DYNAMIC" -j "$c" "${snap##*/}") >"$W/out/$c.host.json" 2>/dev/null
	host_rc=$?
	set -e
	guest_rc="$(cat "$W/out/$c.rc")"
	bytes="$(wc -c <"$W/out/$c.json")"
	if [[ "$guest_rc" == 0 && "$host_rc" == 0 && "$bytes" -gt 100 ]] &&
		cmp -s "$W/out/$c.json" "$W/out/$c.host.json"; then
		ok "$c -j: the static CLI in the guest prints what the dynamic one prints on the host ($bytes bytes)"
	else
		diag <"$W/out/$c.err"
		diff "$W/out/$c.json" "$W/out/$c.host.json" | head -n 10 | diag || true
		not_ok "$c -j: static in the guest (rc $guest_rc) = dynamic on the host (rc $host_rc)"
	fi
done

# --- boot 2: start time, both builds in one guest -------------------------
# /proc/uptime ticks in hundredths of a second: 40 runs give the time of
# one to a quarter of a millisecond.
cat >"$W/guest/time.sh" <<'EOS'
t() { cut -d' ' -f1 /proc/uptime | tr -d .; }
for cli in /gosnap/static/gosnap-cli-static /usr/bin/gosnap-cli; do
	"$cli" --version >/dev/null || exit 1
	for round in 1 2 3; do
		a=$(t)
		i=0
		while [ $i -lt 40 ]; do "$cli" --version >/dev/null; i=$((i + 1)); done
		b=$(t)
		echo "start $cli $round $(((b - a) * 10000 / 40))"
	done
done
EOS
cp "$STATIC" "$W/guest/gosnap-cli-static"
"$TOP/selftests/vm/run" --kernel "$kernel" --cli dynamic --module none --timeout 300 \
	--add "$W/guest:/gosnap/static" -- sh /gosnap/static/time.sh >"$W/time.log" 2>&1 || {
	tail -n 20 "$W/time.log" | diag
	false
}
# The median of three rounds of each, in microseconds per start.
median() { grep "^start $1 " "$W/time.log" | awk '{ print $4 }' | sort -n | sed -n 2p; }
t_static="$(median /gosnap/static/gosnap-cli-static)"
t_dynamic="$(median /usr/bin/gosnap-cli)"
diag <<<"start time on $kernel (TCG, median of 3 rounds of 40): static ${t_static} us, dynamic ${t_dynamic} us"
if [[ -n "$t_static" && -n "$t_dynamic" && "$t_static" -lt "$t_dynamic" ]]; then
	ok "the static CLI starts faster than the dynamic one (${t_static} us against ${t_dynamic} us)"
else
	not_ok "the static CLI starts faster than the dynamic one (${t_static:-?} us against ${t_dynamic:-?} us)"
fi
tap_finish
