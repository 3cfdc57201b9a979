#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# embed-guest.sh: the guest half of vm-tests/52-embed.t (busybox sh).
# Captures the heap program at main.marker twice, with and without
# --embed, from a path the host does not have; decodes the embedded one
# with the executable in place (the reference the host compares with);
# then puts another build of the program at that path: the plain snapshot
# must be refused naming both build IDs, the embedded one decoded from its
# own copy. Sends the embedded snapshot and the references as "# NAME:"
# lines (gzip, base64). TAP lines without a plan.
set -eu

insmod /gosnap/gosnap.ko 2>/dev/null || echo "# insmod gosnap.ko failed"
n=0
tap() {	# tap OK|FAIL description [detail file]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		[ -z "${3:-}" ] || sed 's/^/# /' "$3" | head -n 20
	fi
}
send() {	# send NAME FILE
	gzip -c "$2" | base64 | sed "s/^/# $1:/"
}

dir=/tmp/gosnap-embed-test
mkdir -p "$dir"
cp /gosnap/heap-1.19 "$dir/heap"
for k in embed plain; do
	opt=""
	[ "$k" = plain ] || opt=--embed
	# shellcheck disable=SC2086
	if gosnap-cli capture --at main.marker $opt -o "$dir/$k" -- "$dir/heap" \
		>"$dir/$k.out" 2>&1; then
		tap OK "capture ${opt:-without --embed}"
	else
		tap FAIL "capture ${opt:-without --embed}" "$dir/$k.out"
	fi
done
se="$(find "$dir/embed" -name '*.gsnap' | head -n 1)"
sp="$(find "$dir/plain" -name '*.gsnap' | head -n 1)"
echo "# sizes: embedded $(wc -c <"$se") bytes, plain $(wc -c <"$sp") bytes, executable $(wc -c <"$dir/heap") bytes"
for s in "$se" "$sp"; do
	echo "# $(basename "$(dirname "$s")"): $(gosnap-cli show "$s" | grep -E '^  records ')"
done

# References, with the executable where the snapshot says it is.
for c in heap stacks go show; do
	case $c in
	heap) args="--spans" out=ref-heap.txt ;;
	show) args="-j" out=ref-show.json ;;
	*) args="" out=ref-$c.txt ;;
	esac
	# shellcheck disable=SC2086
	gosnap-cli $c "$se" $args >"$dir/$out" 2>"$dir/ref.err" || sed 's/^/# ref: /' "$dir/ref.err"
done

# Another build at the recorded path.
cp /gosnap/heap-other "$dir/heap"
if gosnap-cli heap "$sp" >"$dir/mismatch.txt" 2>&1; then
	tap FAIL "a snapshot whose executable was rebuilt is refused" "$dir/mismatch.txt"
else
	sed 's/^/# /' "$dir/mismatch.txt"
	send mismatch "$dir/mismatch.txt"
	tap OK "a snapshot whose executable was rebuilt is refused (host checks the message)"
fi
if gosnap-cli heap "$se" --spans >"$dir/rebuilt-heap.txt" 2>"$dir/rebuilt.err" &&
	grep -q 'using the executable embedded' "$dir/rebuilt.err" &&
	grep -v '^  executable ' "$dir/rebuilt-heap.txt" >"$dir/a" &&
	grep -v '^  executable ' "$dir/ref-heap.txt" >"$dir/b" && cmp -s "$dir/a" "$dir/b"; then
	tap OK "with the executable rebuilt, heap decodes from the embedded copy, as before"
else
	cat "$dir/rebuilt.err" >>"$dir/rebuilt-heap.txt"
	tap FAIL "with the executable rebuilt, heap decodes from the embedded copy, as before" "$dir/rebuilt-heap.txt"
fi

send snapshot "$se"
for f in ref-heap.txt ref-stacks.txt ref-go.txt ref-show.json; do
	send "$f" "$dir/$f"
done
echo "# plan-guest $n"
