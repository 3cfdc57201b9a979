// SPDX-License-Identifier: GPL-2.0
//
// Target of selftests/vm-tests/57-cgo.t: a cgo program whose C code has
// __thread variables (cfuncs.c), so that Go's g is not at fs_base - 8.
// When main.marker is hit:
//   - goroutine 1 runs main.main -> C c_call_back -> Go goCallback(1)
//     (a C->Go callback), which calls marker;
//   - -sleepers goroutines sit in C: c_sleep_outer -> c_sleep_middle ->
//     c_sleep_inner -> nanosleep, each on a thread of its own;
//   - -blocked goroutines are parked inside a callback: main.blockInC ->
//     C c_call_back -> Go goCallback(n > 1) -> channel receive.
// goCallback(1) prints runtime.Stack(buf, true) taken right before
// marker, on the same line ("=== all stacks" ... "=== end"), and "=== tids"
// with the thread ids of the sleepers.
package main

// #include "cfuncs.h"
import "C"

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	never   = make(chan int)
	started sync.WaitGroup
	sink    int
	tids    = make(chan int, 64)
	next    atomic.Int32 // arguments for C, counted (go statements take none:
	// a go statement with arguments starts a wrapper that tracebacks hide)
)

//go:noinline
func marker(n int) int {
	sink += n
	return sink
}

//export goCallback
func goCallback(n C.int) C.int {
	if n > 1 {
		started.Done()
		<-never
		return n
	}
	buf := make([]byte, 1<<20)
	size := marker(runtime.Stack(buf, true))
	fmt.Printf("=== all stacks\n%s=== end\n", buf[:size])
	return n
}

//go:noinline
func sleepInC() {
	n := int(next.Add(1))
	runtime.LockOSThread()
	tids <- syscall.Gettid()
	started.Done()
	C.c_sleep_outer(C.int(n))
}

//go:noinline
func blockInC() {
	C.c_call_back(C.int(100 + next.Add(1)))
}

func main() {
	sleepers := flag.Int("sleepers", 2, "goroutines sleeping in C")
	blocked := flag.Int("blocked", 2, "goroutines parked in a C->Go callback")
	flag.Parse()

	C.c_tls_touch(1)
	for i := 0; i < *sleepers; i++ {
		started.Add(1)
		go sleepInC()
	}
	for i := 0; i < *blocked; i++ {
		started.Add(1)
		go blockInC()
	}
	started.Wait()
	// Let every goroutine reach its blocking call and park.
	for i := 0; i < 50; i++ {
		runtime.Gosched()
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Printf("=== tids\n")
	for i := 0; i < *sleepers; i++ {
		fmt.Printf("%d\n", <-tids)
	}
	fmt.Printf("=== end\n")
	C.c_call_back(0)
	os.Stdout.Sync()
}
