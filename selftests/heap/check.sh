#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh PROG LABEL [PROG-ARGS...]: run in the test VM (busybox sh).
# Captures PROG (selftests/targets/go/heap) at main.marker, reads the
# kernel's pagemap while the process is held there (present, the oracle),
# then compares `gosnap-cli heap --spans` with what the program printed
# after the capture and with the pagemap. The program reads MemStats right
# before main.marker and again right after it: the runtime may allocate
# for itself in between (a new M's g0, its stack and its m, on a loaded
# host), so each figure must lie between the two readings, and equal them
# when they agree. The capture stops the whole process (--stop-world) and
# keeps it stopped while the pagemap is read: a thread the runtime has just
# started (that new M) touches its stack pages when it first runs, and
# after FreeOSMemory those pages were released, so with only the hitting
# thread held the pagemap read after the capture could see pages the
# capture could not. Prints TAP lines without a plan,
# numbered from the count in $TAP_COUNTER (a file). The -freeos variant is
# captured with --mode full: the Ps (on the Go heap) hold page caches whose
# pages count as released or not, and a meta snapshot leaves the heap out.
set -eu

prog="$1" label="$2"
shift 2
dir="/tmp/heap-$label"
mkdir -p "$dir"
: "${TAP_COUNTER:=/tmp/tap.count}"
[ -e "$TAP_COUNTER" ] || echo 0 >"$TAP_COUNTER"

tap() {	# tap OK|FAIL description [detail file]
	n=$(($(cat "$TAP_COUNTER") + 1))
	echo "$n" >"$TAP_COUNTER"
	if [ "$1" = OK ]; then
		echo "ok $n $label: $2"
	else
		echo "not ok $n $label: $2"
		[ -z "${3:-}" ] || sed 's/^/# /' "$3" | head -n 40
	fi
}

mode=meta
case " $* " in *" -freeos "*) mode=full ;; esac
rm -rf "$dir/snap"
if ! gosnap-cli capture --stop-world --at main.marker --mode "$mode" -o "$dir/snap" --hold \
	--while-held "/gosnap/present \$GOSNAP_PID >$dir/present.txt" \
	-- "$prog" "$@" >"$dir/prog.out" 2>"$dir/capture.err"; then
	cat "$dir/capture.err" >>"$dir/prog.out"
	tap FAIL "capture at main.marker" "$dir/prog.out"
	exit 0
fi
snap="$(find "$dir/snap" -name '*.gsnap' | sort | head -n 1)"
if [ ! -s "$dir/present.txt" ]; then
	tap FAIL "pagemap read while held at main.marker" "$dir/capture.err"
	exit 0
fi
start=$(date +%s)
if ! gosnap-cli heap "$snap" --spans >"$dir/heap.txt" 2>"$dir/heap.err"; then
	tap FAIL "gosnap-cli heap decodes the snapshot" "$dir/heap.err"
	exit 0
fi
echo "# $label: $(sed -n 1p "$dir/heap.txt"), decoded in $(($(date +%s) - start)) s"
if grep -q '^Not decoded' "$dir/heap.txt"; then
	sed -n '/^Not decoded/,$p' "$dir/heap.txt" >"$dir/nd.txt"
	tap FAIL "everything decoded" "$dir/nd.txt"
else
	tap OK "everything decoded"
fi

# 1. MemStats counters equal the numbers the program printed (between
#    its readings before and after the marker, when those differ).
awk -v out="$dir/c.txt" '
	function between(got, a, b) { return (a <= b) ? (got >= a && got <= b) : (got >= b && got <= a) }
	FILENAME == ARGV[1] {
		if (NF == 2 && $1 ~ /^(Heap|Stack)/) want[$1] = $2
		if (NF == 2 && $1 ~ /^after\.(Heap|Stack)/) { sub(/^after\./, "", $1); after[$1] = $2 }
		next
	}
	/^  MEMSTATS/ { t = 1; next }
	t && /^  (HeapInuse|StackInuse|HeapIdle|HeapReleased|HeapSys) / { got[$1] = $2 }
	/^$/ { t = 0 }
	END {
		bad = 0
		split("HeapInuse StackInuse HeapIdle HeapReleased HeapSys", names, " ")
		for (i = 1; i <= 5; i++) {
			k = names[i]
			printf "%s program %s (after the marker %s) tool %s\n", k, want[k], after[k], got[k] > out
			if (want[k] == "" || after[k] == "" || got[k] == "" ||
			    !between(got[k] + 0, want[k] + 0, after[k] + 0)) bad = 1
		}
		exit bad
	}' "$dir/prog.out" "$dir/heap.txt" && r=OK || r=FAIL
moved="$(grep -c 'program \([0-9]*\) (after the marker \1)' "$dir/c.txt" || true)"
[ "$r" = FAIL ] || [ "$moved" = 5 ] ||
	echo "# $label: the runtime's own figures moved across the marker; $moved of 5 equal both readings"
tap "$r" "HeapInuse, StackInuse, HeapIdle, HeapReleased, HeapSys equal ReadMemStats" "$dir/c.txt"

# 2. Live objects per size class equal MemStats.BySize (Mallocs - Frees);
#    all objects and bytes equal HeapObjects and HeapAlloc (each between
#    the readings before and after the marker).
awk -v out="$dir/bysize.txt" '
	function between(got, a, b) { return (a <= b) ? (got >= a && got <= b) : (got >= b && got <= a) }
	FILENAME == ARGV[1] {
		if ($1 == "BySize" && $2 > 0) live[$2] = $3
		if ($1 == "after.BySize" && $2 > 0) livea[$2] = $3
		if ($1 == "HeapObjects") objects = $2
		if ($1 == "after.HeapObjects") objectsa = $2
		if ($1 == "HeapAlloc") alloc = $2
		if ($1 == "after.HeapAlloc") alloca = $2
		next
	}
	/^Size classes/ { t = 1; next }
	t && /^  +[0-9]/ { obj[$2] = $4; tobj += $4; tbytes += $5 }
	/^$/ { t = 0 }
	END {
		bad = (objectsa == "" || alloca == "")
		for (s in live) {
			got = (s in obj) ? obj[s] : 0
			if (!between(got, live[s] + 0, livea[s] + 0)) {
				bad = 1
				printf "size %s: BySize %s (after the marker %s) tool %s\n", s, live[s], livea[s], got > out
			}
		}
		if (!between(tobj, objects + 0, objectsa + 0)) { bad = 1; printf "objects: HeapObjects %s (after %s) tool %s\n", objects, objectsa, tobj > out }
		if (!between(tbytes, alloc + 0, alloca + 0)) { bad = 1; printf "bytes: HeapAlloc %s (after %s) tool %s\n", alloc, alloca, tbytes > out }
		exit bad
	}' "$dir/prog.out" "$dir/heap.txt" && r=OK || r=FAIL
tap "$r" "objects per size class equal MemStats.BySize; totals equal HeapObjects, HeapAlloc" "$dir/bysize.txt"

# 3. Resident bytes per arena, per span and per free range equal the
#    pagemap's present pages over the same range.
awk -v out="$dir/res.txt" -v arena=67108864 -v rpage=8192 -v ps=4096 '
	function hex(s,   i, n, c) {
		n = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1)) - 1
			n = n * 16 + c
		}
		return n
	}
	function present(a, b,   i, s, e, n) {
		n = 0
		for (i = 1; i <= nr; i++) {
			if (re[i] <= a) continue
			if (rs[i] >= b) break
			s = rs[i] > a ? rs[i] : a; e = re[i] < b ? re[i] : b
			n += (e - s) / ps
		}
		return n * ps
	}
	function check(what, a, b, got,   want) {
		want = present(a, b); checked[what]++
		if (want != got) { bad++; printf "%s [%x, %x): tool %s pagemap %s\n", what, a, b, got, want > out }
	}
	FILENAME == ARGV[1] { nr++; rs[nr] = hex($1); re[nr] = hex($2); next }
	/^Arenas/ { sec = "arena"; next }
	/^Spans/ { sec = "span"; next }
	/^Free ranges/ { sec = "free"; next }
	/^(Size classes|Not decoded)/ { sec = ""; next }
	/^$/ { sec = ""; next }
	sec == "arena" && /^  0x/ { a = hex($1); check("arena", a, a + arena, $9) }
	sec == "span" && /^  0x/ { a = hex($1); check("span", a, a + $2 * rpage, $10) }
	sec == "free" && /^  0x/ {
		a = hex($1); check($3, a, a + $2 * rpage, $4)
		if ($3 == "released" || $3 == "padding") { relpages += $2; relres += $4 }
	}
	/^  HeapReleased / { tool_rel_res = $4 }
	END {
		for (k in checked) printf "# %s: %d ranges compared\n", k, checked[k]
		printf "# released: %d pages, %d bytes resident (tool summary %s)\n", relpages, relres, tool_rel_res
		if (relres != tool_rel_res) { bad++; printf "released-resident sum %s != summary %s\n", relres, tool_rel_res > out }
		if (!checked["arena"] || !checked["span"]) bad++
		exit bad ? 1 : 0
	}' "$dir/present.txt" "$dir/heap.txt" >"$dir/res.sum" && r=OK || r=FAIL
cat "$dir/res.sum"
tap "$r" "resident bytes per arena, span and free range equal /proc/PID/pagemap" "$dir/res.txt"

# 4. With debug.FreeOSMemory: the released pages (scavenged bits, and the
#    scavenged bits of every P's page cache, read from the full snapshot)
#    add up to exactly the runtime's HeapReleased in the same snapshot,
#    which lies between the program's readings before and after the marker
#    (the new M of check 1 takes its stack from released pages).
case " $* " in
*" -freeos "*)
	awk -v out="$dir/rel.txt" '
		function between(got, a, b) { return (a <= b) ? (got >= a && got <= b) : (got >= b && got <= a) }
		FILENAME == ARGV[1] {
			if ($1 == "HeapReleased") want = $2
			if ($1 == "after.HeapReleased") after = $2
			next
		}
		/^  HeapIdle / { idle_rt = $2; idle_pg = $3 }
		/^  HeapReleased / { rel_rt = $2; rel_pg = $3 }
		/free bytes held in Ps. page caches/ { cached = $NF; caches_read = 1 }
		END {
			printf "program HeapReleased %s (after the marker %s); tool: runtime %s, released pages %s B, page caches %s B (read: %s); HeapIdle %s vs %s\n",
				want, after, rel_rt, rel_pg, cached, caches_read ? "yes" : "no", idle_rt, idle_pg > out
			exit !(want > 0 && after > 0 && rel_pg == rel_rt &&
			       between(rel_rt + 0, want + 0, after + 0) && caches_read &&
			       idle_rt == idle_pg)
		}' "$dir/prog.out" "$dir/heap.txt" && r=OK || r=FAIL
	sed 's/^/# /' "$dir/rel.txt"
	tap "$r" "after FreeOSMemory, released pages (page caches and heap-base padding included) equal HeapReleased exactly" "$dir/rel.txt"
	;;
esac
