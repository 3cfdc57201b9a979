// SPDX-License-Identifier: GPL-2.0
//
// idle: a Go program with a known heap, parked for capture. It allocates
// about 64 MiB in a few hundred objects (sizes spread over small and
// large size classes, all kept reachable), prints its pid and the totals,
// then blocks reading stdin until EOF, so a snapshot sees a quiet heap.
// With -tick MS a goroutine calls main.tick every MS milliseconds: a
// function to freeze the process at (the benchmarks use it).
//
//	idle [-mib N] [-objects N] [-tick MS]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

// live keeps every allocation reachable for the whole run.
var live [][]byte

// ticks counts tick's calls, so the call cannot be optimised away.
var ticks int

//go:noinline
func tick() { ticks++ }

func main() {
	mib := flag.Int("mib", 64, "MiB to allocate")
	objects := flag.Int("objects", 384, "number of objects")
	tickMs := flag.Int("tick", 0, "call main.tick every this many ms (0: never)")
	flag.Parse()

	total := *mib << 20
	if *objects < 1 || total < *objects {
		fmt.Fprintln(os.Stderr, "idle: need 1 <= objects <= bytes")
		os.Exit(2)
	}
	// Sizes alternate around the mean so both small (size-class) and
	// large (dedicated span) objects occur; each is filled so its pages
	// are resident and not the zero page.
	mean := total / *objects
	allocated := 0
	for i := 0; i < *objects; i++ {
		size := mean/2 + (i%3)*mean/2
		if i == *objects-1 || allocated+size > total {
			size = total - allocated
		}
		if size <= 0 {
			break
		}
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(i + j)
		}
		live = append(live, b)
		allocated += size
	}
	runtime.GC()

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("pid %d objects %d bytes %d heap_inuse %d\n",
		os.Getpid(), len(live), allocated, ms.HeapInuse)

	if *tickMs > 0 {
		go func() {
			for range time.Tick(time.Duration(*tickMs) * time.Millisecond) {
				tick()
			}
		}()
	}
	// Block until stdin closes: a pipe the caller holds open.
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	runtime.KeepAlive(live)
}
