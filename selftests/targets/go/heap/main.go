// SPDX-License-Identifier: GPL-2.0
//
// heap: the test program of the heap decoder (docs/heap.md). It allocates
// objects of every small size class, a few large objects, drops about half
// of them, collects, optionally returns free memory to the OS, turns the
// collector (and with it the background scavenger) off, reads its own
// MemStats, calls marker (where gosnap captures it) with nothing allocated
// in between, and prints the numbers it read before the capture.
//
//	heap [-freeos] [-mb N] [-seed N]
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"runtime"
	"runtime/debug"
	"time"
)

// Kept live in globals so the collector cannot take them.
var (
	small   [][]byte
	scan    []*node
	large   [][]byte
	ballast [][]byte
	stats   runtime.MemStats
)

type node struct {
	next *node
	pad  []byte
}

// printStats prints the figures selftests/heap/check.sh compares, each
// name after prefix.
func printStats(prefix string, s *runtime.MemStats) {
	fmt.Printf("%sHeapInuse %d\n", prefix, s.HeapInuse)
	fmt.Printf("%sHeapIdle %d\n", prefix, s.HeapIdle)
	fmt.Printf("%sHeapReleased %d\n", prefix, s.HeapReleased)
	fmt.Printf("%sHeapSys %d\n", prefix, s.HeapSys)
	fmt.Printf("%sStackInuse %d\n", prefix, s.StackInuse)
	fmt.Printf("%sHeapAlloc %d\n", prefix, s.HeapAlloc)
	fmt.Printf("%sHeapObjects %d\n", prefix, s.HeapObjects)
	for _, c := range s.BySize {
		fmt.Printf("%sBySize %d %d\n", prefix, c.Size, c.Mallocs-c.Frees)
	}
}

// marker is where the test freezes the program.
//
//go:noinline
func marker() {
	runtime.KeepAlive(&stats)
}

// Sizes spread over the small size classes (up to 32 KiB), and the
// large objects (above 32 KiB: one span each).
var smallSizes = []int{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 160, 192, 256, 320, 384,
	512, 640, 768, 1024, 1280, 1536, 2048, 2688, 3072, 4096, 5376,
	6784, 8192, 10240, 13568, 16384, 21760, 27264, 32768,
}
var largeSizes = []int{40 << 10, 100 << 10, 1 << 20, 5 << 20}

func allocate(rng *rand.Rand, mb int) {
	for _, sz := range smallSizes {
		n := 64 + rng.Intn(64)
		for i := 0; i < n; i++ {
			b := make([]byte, sz)
			b[0] = byte(i)
			small = append(small, b)
		}
	}
	for i := 0; i < 2000; i++ {
		scan = append(scan, &node{pad: make([]byte, 1+rng.Intn(200))})
		if i > 0 {
			scan[i].next = scan[i-1]
		}
	}
	for _, sz := range largeSizes {
		for i := 0; i < 3; i++ {
			b := make([]byte, sz)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			large = append(large, b)
		}
	}
	// Ballast for the big-heap runs, touched so it is resident.
	for i := 0; i < mb; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(j)
		}
		ballast = append(ballast, b)
	}
}

// dropSome frees about half of everything (not the ballast).
func dropSome(rng *rand.Rand) {
	for i := range small {
		if rng.Intn(2) == 0 {
			small[i] = nil
		}
	}
	for i := range scan {
		if i%3 == 0 {
			scan[i].pad = nil
		}
	}
	for i := range large {
		if i%2 == 0 {
			large[i] = nil
		}
	}
}

// settle waits until the background sweeper has given back the collector's
// work buffers (it does so a few at a time after a cycle): the numbers read
// next must still hold at the capture.
func settle() {
	var a, b runtime.MemStats
	for i := 0; i < 100; i++ {
		runtime.ReadMemStats(&a)
		time.Sleep(20 * time.Millisecond)
		runtime.ReadMemStats(&b)
		if a.HeapIdle == b.HeapIdle && a.HeapInuse == b.HeapInuse &&
			a.StackInuse == b.StackInuse && a.HeapReleased == b.HeapReleased &&
			a.GCSys == b.GCSys {
			return
		}
	}
}

func main() {
	freeOS := flag.Bool("freeos", false, "call debug.FreeOSMemory before reading MemStats")
	mb := flag.Int("mb", 0, "MiB of extra live, touched heap")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()

	rng := rand.New(rand.NewSource(*seed))
	allocate(rng, *mb)
	dropSome(rng)
	runtime.GC()
	if *freeOS {
		debug.FreeOSMemory()
	}
	// No collector and no background scavenger from here on: the heap
	// must not change between ReadMemStats and the capture.
	debug.SetGCPercent(-1)
	settle()
	runtime.ReadMemStats(&stats)
	marker()
	// The runtime may still allocate for itself in between (an M's g0
	// and its m, under load): what the capture saw lies between the two.
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	fmt.Printf("go %s\n", runtime.Version())
	printStats("", &stats)
	printStats("after.", &after)
	runtime.KeepAlive(small)
	runtime.KeepAlive(scan)
	runtime.KeepAlive(large)
	runtime.KeepAlive(ballast)
}
