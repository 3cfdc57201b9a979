// SPDX-License-Identifier: GPL-2.0
//
// objects: the test program of `gosnap-cli objects` (docs/objects.md,
// selftests/vm-tests/73-objects.t). It holds, among the runtime's own
// objects:
//
//   - exactly 100,000 *main.Small (48 bytes) in a global map;
//   - exactly 3,000 *main.Big (12 KiB) in a slice that only a blocked
//     goroutine's local variable holds; every Big's first bytes are
//     written, every third Big's every page (so residency differs);
//   - a 64 MiB []byte reachable only through an interface field, of which
//     the first 16 MiB and one byte a MiB after are written;
//   - a ring of 10,000 nodes whose last points back to the first.
//
// It writes the addresses the test needs for its pagemap oracle to the
// -addrs file ("big ADDR" per Big, "buf ADDR SIZE" for the []byte, "small
// ADDR N" and "ring ADDR N" per run of N Smalls or ring nodes), turns
// the collector off, collects twice, reads its MemStats, calls marker
// (where gosnap captures it) with nothing allocated in between, and
// prints the numbers it read before the capture.
//
// With -cost N it holds instead N million 96-byte objects (pointers:
// untyped, span bits) in one slice, and one 640-byte object (typed by its
// header from go1.22) for every hundred of them: the heap of about
// N x 100 MiB that docs/performance.md's `objects` cost is measured on
// (selftests/objects/measure-cost).
//
//	objects [-addrs FILE] [-cost N]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"unsafe"
)

const (
	nSmall = 100000
	nBig   = 3000
	nRing  = 10000
	bufMiB = 64
)

type Small struct {
	next *Small
	id   int64
	pad  [4]int64
}

type Big struct {
	owner *Big
	data  [12280]byte
}

type ringNode struct {
	next *ringNode
	val  int64
}

type holder struct {
	v interface{}
}

var (
	smalls  = map[int]*Small{}
	ring    *ringNode
	iface   holder
	stats   runtime.MemStats
	ready   = make(chan []uintptr)
	release = make(chan struct{})
)

// marker is where the test freezes the program.
//
//go:noinline
func marker() {
	runtime.KeepAlive(&stats)
}

// owner allocates the Bigs, holds them in a local only, and blocks. The
// slice's array is 80,000 bytes, above the 64 KiB up to which the
// compiler may put a make's array on the stack (go1.26 did so with the
// 24,000 bytes of 3,000 pointers, even of a variable length): on the
// heap, one large object.
func owner(n int) {
	bigs := make([]*Big, n, 10000)
	addrs := make([]uintptr, n)
	for i := range bigs {
		b := &Big{}
		b.data[0] = 1
		if i%3 == 0 {
			for j := 0; j < len(b.data); j += 4096 {
				b.data[j] = 2
			}
		}
		bigs[i] = b
		addrs[i] = uintptr(unsafe.Pointer(b))
	}
	ready <- addrs
	<-release
	runtime.KeepAlive(bigs)
}

func build() []uintptr {
	for i := 0; i < nSmall; i++ {
		smalls[i] = &Small{id: int64(i)}
	}
	first := &ringNode{}
	last := first
	for i := 1; i < nRing; i++ {
		last.next = &ringNode{val: int64(i)}
		last = last.next
	}
	last.next = first
	ring = first

	buf := make([]byte, bufMiB<<20)
	for i := 0; i < 16<<20; i += 4096 {
		buf[i] = 1
	}
	for i := 16 << 20; i < len(buf); i += 1 << 20 {
		buf[i] = 1
	}
	iface.v = buf
	go owner(nBig)
	return <-ready
}

type costSmall struct {
	next *costSmall
	pad  [11]int64
}

type costBig struct {
	next *costBig
	pad  [79]int64
}

var (
	costSmalls []*costSmall
	costBigs   []*costBig
)

func buildCost(millions int) {
	n := millions * 1000000
	costSmalls = make([]*costSmall, n)
	costBigs = make([]*costBig, n/100)
	for i := range costSmalls {
		costSmalls[i] = &costSmall{}
		if i%100 == 0 {
			costBigs[i/100] = &costBig{}
		}
	}
}

// writeRuns writes addrs as runs of objects size bytes apart, a line
// "NAME START COUNT" each: the test's pagemap oracle needs every object,
// and 100,000 lines would crawl through the VM's console.
func writeRuns(w *bufio.Writer, name string, addrs []uintptr, size uintptr) {
	sort.Slice(addrs, func(i, j int) bool { return addrs[i] < addrs[j] })
	for i := 0; i < len(addrs); {
		j := i + 1
		for j < len(addrs) && addrs[j] == addrs[j-1]+size {
			j++
		}
		fmt.Fprintf(w, "%s 0x%x %d\n", name, addrs[i], j-i)
		i = j
	}
}

func writeAddrs(path string, bigs []uintptr) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(f)
	for _, a := range bigs {
		fmt.Fprintf(w, "big 0x%x\n", a)
	}
	b := iface.v.([]byte)
	fmt.Fprintf(w, "buf 0x%x %d\n", uintptr(unsafe.Pointer(&b[0])), len(b))
	var small, node []uintptr
	for _, s := range smalls {
		small = append(small, uintptr(unsafe.Pointer(s)))
	}
	for n := ring; len(node) < nRing; n = n.next {
		node = append(node, uintptr(unsafe.Pointer(n)))
	}
	writeRuns(w, "small", small, unsafe.Sizeof(Small{}))
	writeRuns(w, "ring", node, unsafe.Sizeof(ringNode{}))
	if err := w.Flush(); err != nil || f.Close() != nil {
		fmt.Fprintln(os.Stderr, "writing", path, "failed")
		os.Exit(1)
	}
}

func main() {
	addrs := flag.String("addrs", "/tmp/objects.addrs", "where to write the addresses")
	cost := flag.Int("cost", 0, "hold this many million small objects instead")
	flag.Parse()

	if *cost > 0 {
		buildCost(*cost)
	} else {
		writeAddrs(*addrs, build())
	}
	// No collection but these two from here on, and nothing allocated
	// between ReadMemStats and the capture.
	debug.SetGCPercent(-1)
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&stats)
	marker()
	// The runtime may still allocate for itself in between (an M's g0
	// and its m, on a loaded host): the capture saw what lies between.
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	fmt.Printf("go %s\n", runtime.Version())
	fmt.Printf("HeapAlloc %d\n", stats.HeapAlloc)
	fmt.Printf("HeapObjects %d\n", stats.HeapObjects)
	fmt.Printf("after.HeapAlloc %d\n", after.HeapAlloc)
	fmt.Printf("after.HeapObjects %d\n", after.HeapObjects)
	fmt.Printf("Small %d Big %d Ring %d BufMiB %d\n", len(smalls), nBig, nRing, bufMiB)
	close(release)
	runtime.KeepAlive(ring)
}
