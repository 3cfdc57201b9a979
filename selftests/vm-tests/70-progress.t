#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 70-progress.t: the status line of long waits (issue 16, "Progress and
# waiting") in the test VM (GOSNAP_KERNEL). The CLI runs on a real
# pseudo-terminal (selftests/targets/c/ptyrun: the guest has no script(1))
# and what it wrote there is checked byte for byte:
#   - capture --pid waiting for a hit: the idle target (Go 1.19) starts
#     calling main.tick 3 s after it prints its pid, so every capture
#     below waits about 2.5 s. On a terminal the line "capture: waiting
#     for main.tick ..." is drawn (after the default half second) and
#     erased before the result is printed;
#   - the same capture with -q, and with stderr not a terminal, prints no
#     status line and no escape sequence at all;
#   - Ctrl-C typed on the terminal while waiting (the line discipline
#     sends SIGINT): the capture says the probes were disarmed and the
#     target left running, exits 0, and the target is not stopped;
#   - export-core and the reading of a snapshot draw their lines
#     (GOSNAP_PROGRESS_DELAY=0, so the line shows however fast they are);
#   - a quick command with the default delay prints no status line;
#   - with TERM=dumb (the VM console's, which the host parses as a log)
#     none is drawn even with GOSNAP_PROGRESS_DELAY=0.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"
# shellcheck source=selftests/symbols/lib.sh
source "$TOP/selftests/symbols/lib.sh"
kernel="${GOSNAP_KERNEL:-6.1}"
W="$TOP/build/progress/vm-$kernel"

tap_start
bail_on_error
rm -rf "$W"
mkdir -p "$W/guest" "$W/out"
(cd "$TOP/selftests/targets/go/idle" && go_env "$GO119" build -o "$W/guest/idle" .)
gcc -static -O2 -Wall -Wextra -Werror -o "$W/guest/ptyrun" "$TOP/selftests/targets/c/ptyrun.c"

cat >"$W/guest/run.sh" <<'EOS'
insmod /gosnap/gosnap.ko || exit 1
P=/gosnap/progress
mkdir -p /out
# ptyrun's pseudo-terminal can erase a line (the console's TERM is dumb)
export TERM=xterm
# start_idle N TICK_MS: a fresh target; sets $pid once it printed its pid.
start_idle() {
	sleep 100000 | $P/idle -mib 1 -tick "$2" >/tmp/idle.$1 &
	i=0
	until grep -q "^pid " /tmp/idle.$1 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "idle $1 did not start"; exit 1; }
		sleep 0.05
	done
	pid=$(awk '{ print $2 }' /tmp/idle.$1)
}
start_idle 1 3000
$P/ptyrun gosnap-cli capture --pid $pid --at main.tick --max-snapshots 1 -o /tmp/s1 >/out/wait.tty
echo $? >/out/wait.rc
start_idle 2 3000
$P/ptyrun gosnap-cli capture -q --pid $pid --at main.tick --max-snapshots 1 -o /tmp/s2 >/out/quiet.tty
echo $? >/out/quiet.rc
start_idle 3 3000
gosnap-cli capture --pid $pid --at main.tick --max-snapshots 1 -o /tmp/s3 >/out/notty.out 2>&1
echo $? >/out/notty.rc
start_idle 4 0
$P/ptyrun -c 2 gosnap-cli capture --pid $pid --at main.tick -o /tmp/s4 >/out/intr.tty
echo $? >/out/intr.rc
sleep 0.2
echo "$pid $(grep '^State:' /proc/$pid/status)" >/out/intr.state
start_idle 5 100
gosnap-cli capture --pid $pid --stop-world --mode full --at main.tick --max-snapshots 1 -o /tmp/s5 \
	>/out/full.out 2>&1
GOSNAP_PROGRESS_DELAY=0 $P/ptyrun gosnap-cli export-core /tmp/s5/001-main.tick.gsnap -o /tmp/core \
	>/out/core.tty
echo $? >/out/core.rc
GOSNAP_PROGRESS_DELAY=0 $P/ptyrun gosnap-cli show /tmp/s5/001-main.tick.gsnap >/out/read.tty
$P/ptyrun gosnap-cli show /tmp/s5/001-main.tick.gsnap >/out/quick.tty
echo $? >/out/quick.rc
TERM=dumb GOSNAP_PROGRESS_DELAY=0 $P/ptyrun gosnap-cli show /tmp/s5/001-main.tick.gsnap >/out/dumb.tty
echo $? >/out/dumb.rc
echo GOSNAP-BEGIN-TAR
tar czf - -C /out . | base64
echo GOSNAP-END-TAR
EOS

"$TOP/selftests/vm/run" --kernel "$kernel" --timeout 600 --add "$W/guest:/gosnap/progress" \
	-- sh /gosnap/progress/run.sh >"$W/vm.log" 2>&1 || {
	tail -n 20 "$W/vm.log" | diag
	false
}
sed -n '/^GOSNAP-BEGIN-TAR/,/^GOSNAP-END-TAR/p' "$W/vm.log" | sed '1d;$d' | tr -d '\r' |
	base64 -d | tar xzf - -C "$W/out"
trap - ERR

O="$W/out"
rc() { cat "$O/$1.rc"; }
# What a file holds, escapes made visible, for diagnostics.
show() { head -c 600 "$O/$1" | cat -v | diag; }
ESC=$'\033'

# A drawn line is "\r<text>\033[K"; erasing it is "\r\033[K".
drawn() { grep -aq $'\r'"$2" "$O/$1"; }
erased_before() { # FILE TEXT: the last erase comes before TEXT
	python3 - "$O/$1" "$2" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
erase = data.rfind(b"\r\x1b[K")
text = data.find(sys.argv[2].encode())
sys.exit(0 if 0 <= erase < text else 1)
EOF
}

if [[ "$(rc wait)" == 0 ]] && drawn wait.tty "capture: waiting for main.tick: [0-9]* s, 0 snapshots kept; Ctrl-C disarms" &&
	erased_before wait.tty "1 snapshot"; then
	ok "on a terminal, capture --pid waiting for a hit draws its status line, then erases it before the result"
else
	show wait.tty
	not_ok "on a terminal, capture --pid waiting for a hit draws its status line, then erases it before the result (rc $(rc wait))"
fi
if [[ "$(rc quiet)" == 0 ]] && ! grep -aq "waiting for" "$O/quiet.tty" && ! grep -aq "$ESC" "$O/quiet.tty"; then
	ok "with -q the same wait prints no status line and no escape sequence"
else
	show quiet.tty
	not_ok "with -q the same wait prints no status line and no escape sequence (rc $(rc quiet))"
fi
if [[ "$(rc notty)" == 0 ]] && ! grep -aq "waiting for" "$O/notty.out" && ! grep -aq "$ESC\|"$'\r' "$O/notty.out"; then
	ok "with stderr not a terminal the same wait prints no status line, no \\r and no escape sequence"
else
	show notty.out
	not_ok "with stderr not a terminal the same wait prints no status line (rc $(rc notty))"
fi

read -r ipid _ istate _ <"$O/intr.state" || true
if [[ "$(rc intr)" == 0 ]] && grep -aq "interrupted: probes disarmed, target $ipid left running" "$O/intr.tty" &&
	drawn intr.tty "capture: waiting for main.tick" && [[ "$istate" == [SR] ]]; then
	ok "Ctrl-C typed while waiting: 'probes disarmed, target $ipid left running', exit 0, target state $istate"
else
	show intr.tty
	not_ok "Ctrl-C typed while waiting disarms, says so and leaves the target running (rc $(rc intr), $istate)"
fi

if [[ "$(rc core)" == 0 ]] && drawn core.tty "export-core: [0-9]* of [0-9]* segments, [0-9]* MiB written" &&
	erased_before core.tty "threads with registers"; then
	ok "export-core draws its progress (segments, MiB written) and erases it before its summary"
else
	show core.tty
	not_ok "export-core draws its progress and erases it before its summary (rc $(rc core))"
fi
if drawn read.tty "reading /tmp/s5/001-main.tick.gsnap: [0-9]* of [0-9]* MiB"; then
	ok "reading a snapshot draws 'reading FILE: N of M MiB'"
else
	show read.tty
	not_ok "reading a snapshot draws 'reading FILE: N of M MiB'"
fi
if [[ "$(rc quick)" == 0 ]] && ! grep -aq "$ESC" "$O/quick.tty" && grep -aq "^file /tmp/s5" "$O/quick.tty"; then
	ok "a quick command on a terminal (show, default delay) prints no status line"
else
	show quick.tty
	not_ok "a quick command on a terminal (show, default delay) prints no status line (rc $(rc quick))"
fi
if [[ "$(rc dumb)" == 0 ]] && ! grep -aq "$ESC" "$O/dumb.tty" && grep -aq "^file /tmp/s5" "$O/dumb.tty"; then
	ok "on a terminal whose TERM is dumb (the test VM's console) no status line is drawn, even at once"
else
	show dumb.tty
	not_ok "on a terminal whose TERM is dumb no status line is drawn (rc $(rc dumb))"
fi
tap_finish
