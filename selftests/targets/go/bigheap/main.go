// SPDX-License-Identifier: GPL-2.0
//
// bigheap: a Go program whose heap is big and mostly huge pages, for the
// scale tests (selftests/guest/goheap_test.c). It allocates -gb GiB in
// 64 MiB objects, then writes one byte every -stride bytes of them (with
// transparent_hugepage=always each write faults in a 2 MiB huge page),
// round-robin over the objects, so that neighbouring huge pages of one
// object are not faulted one after the other (and rarely get neighbouring
// PFNs, as in a long-running process),
// turns the collector off, prints "region heap START END" (the lowest and
// highest object) and "ready", then obeys one-byte commands on stdin:
//
//	m  call marker every 20 ms until the next command ("marking")
//	p  "pong HeapSys N HeapInuse N" (runtime.ReadMemStats)
//
// It exits on EOF.
//
//	bigheap [-gb N] [-stride BYTES]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"
	"unsafe"
)

const chunk = 64 << 20

// Kept live in globals so the collector cannot take them.
var (
	heap  [][]byte
	stats runtime.MemStats
	sink  int
)

// marker is where the test captures the program.
//
//go:noinline
func marker() {
	sink++
}

func main() {
	gb := flag.Int("gb", 4, "GiB of heap")
	stride := flag.Int("stride", 2<<20, "bytes between written bytes")
	flag.Parse()

	debug.SetGCPercent(-1)
	lo, hi := ^uintptr(0), uintptr(0)
	for i := 0; i < *gb*(1<<30)/chunk; i++ {
		heap = append(heap, make([]byte, chunk))
	}
	for j := 0; j < chunk; j += *stride {
		for _, b := range heap {
			b[j] = 1
		}
	}
	for _, b := range heap {
		p := uintptr(unsafe.Pointer(&b[0]))
		if p < lo {
			lo = p
		}
		if p+chunk > hi {
			hi = p + chunk
		}
	}
	fmt.Printf("region heap %#x %#x\n", lo, hi)
	fmt.Println("ready")

	cmds := make(chan byte)
	go func() {
		b := make([]byte, 1)
		for {
			if n, err := os.Stdin.Read(b); n != 1 || err != nil {
				os.Exit(0)
			}
			cmds <- b[0]
		}
	}()
	// One ticker for the whole run: marking allocates nothing.
	tick := time.NewTicker(20 * time.Millisecond)
	marking := false
	for {
		var c byte
		if marking {
			select {
			case c = <-cmds:
			case <-tick.C:
				marker()
				continue
			}
		} else {
			c = <-cmds
		}
		marking = false
		switch c {
		case 'm':
			marking = true
			fmt.Println("marking")
		case 'p':
			runtime.ReadMemStats(&stats)
			fmt.Printf("pong HeapSys %d HeapInuse %d\n", stats.HeapSys, stats.HeapInuse)
		default:
			fmt.Printf("unknown command %c\n", c)
		}
	}
}
