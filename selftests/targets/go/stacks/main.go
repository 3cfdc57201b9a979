// SPDX-License-Identifier: GPL-2.0
//
// Target of the stack tests (selftests/vm-tests/60-stacks.t): -n
// goroutines blocked four ways (channel receive, time.Sleep, sync.Mutex,
// select), then main calls runtime.Stack(buf, true) right before
// main.marker, the function the test captures, and prints that text
// after marker returns: the runtime's own account of every goroutine at
// the moment of the capture, to compare with `gosnap-cli stacks`.
//
// For the captures at runtime.main and main.main, init and main first
// print the frames they run on as runtime.Callers and CallersFrames see
// them, runtime frames included ("=== callers WHERE", then FUNC<TAB>PC
// lines, PC the call instruction's as CallersFrames gives it): the frames
// below init's runtime.doInit are runtime.main's, and main's own frames
// are those the probe at main.main finds.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

var (
	mu      sync.Mutex
	never   = make(chan int)
	never2  = make(chan string)
	started sync.WaitGroup
	sink    int
)

//go:noinline
func marker(n int) int {
	sink += n
	return sink
}

//go:noinline
func blockChan() {
	started.Done()
	<-never
}

//go:noinline
func blockSleep() {
	started.Done()
	time.Sleep(time.Hour)
}

//go:noinline
func blockMutex() {
	started.Done()
	mu.Lock()
	mu.Unlock()
}

//go:noinline
func blockSelect() {
	started.Done()
	select {
	case <-never:
	case <-never2:
	}
}

func printCallers(where string) {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	fmt.Printf("=== callers %s\n", where)
	for {
		f, more := frames.Next()
		fmt.Printf("%s\t%#x\n", f.Function, f.PC)
		if !more {
			break
		}
	}
	fmt.Printf("=== end\n")
}

func init() {
	printCallers("init")
}

func main() {
	printCallers("main")
	n := flag.Int("n", 1000, "goroutines to block (a quarter each way)")
	flag.Parse()

	mu.Lock()
	kinds := []func(){blockChan, blockSleep, blockMutex, blockSelect}
	for i := 0; i < *n; i++ {
		started.Add(1)
		go kinds[i%len(kinds)]()
	}
	started.Wait()
	// Let every goroutine reach its blocking call and park.
	for i := 0; i < 50; i++ {
		runtime.Gosched()
		time.Sleep(2 * time.Millisecond)
	}

	buf := make([]byte, 8<<20)
	size := runtime.Stack(buf, true)
	marker(size)
	fmt.Printf("=== all stacks\n%s=== end\n", buf[:size])
	os.Stdout.Sync()
}
