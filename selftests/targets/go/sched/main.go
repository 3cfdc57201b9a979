// SPDX-License-Identifier: GPL-2.0
//
// Target of selftests/vm-tests/61-sched.t: a program whose scheduler
// state and running goroutines the test compares with `gosnap-cli sched`
// and `gosnap-cli stacks`.
//
//	-busy N   N goroutines spin in main.spin (called by main.busy) while
//	          main.marker is hit; each first records runtime.Callers and
//	          its goroutine id, printed after marker returns as
//	          "busy GOID PC PC ..." (the pcs of spin's callers). Run with
//	          GOMAXPROCS=N+1 and GODEBUG=asyncpreemptoff=1, each keeps a P
//	          and its thread for the whole capture.
//	-blocked N  N goroutines blocked on a channel (default 8).
//	-gc       after marker, main.gcNow records its callers ("gc PC PC ...",
//	          the pcs of gcNow's callers) and calls runtime.GC; with GOGC=off
//	          that is the first collection, so the first runtime.gcStart and
//	          its work on the system stack (runtime.gcResetMarkState) are
//	          main's.
//
// It prints "gomaxprocs N" first and "goroutines N" (runtime.NumGoroutine
// right before marker) after marker. Right before marker, main computes
// for a few milliseconds (less than the 10 ms after which sysmon preempts
// it) so that threads woken along with it have gone idle again.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

var (
	sink     uint64
	spinSink uint64
	stop     int32
	never    = make(chan int)
	spinning sync.WaitGroup
	outMu    sync.Mutex
	busyOut  []string
)

//go:noinline
func marker(n int) int {
	sink += uint64(n)
	return int(sink)
}

func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := bytes.Fields(buf)
	if len(f) < 2 {
		return "?"
	}
	return string(f[1])
}

// callers: the pcs of the caller's callers (runtime.Callers skipping itself
// and the function that asks), as raw return addresses.
func callers(skip int) string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(skip+2, pcs)
	s := ""
	for _, pc := range pcs[:n] {
		s += " " + strconv.FormatUint(uint64(pc), 16)
	}
	return s
}

//go:noinline
func spin(id int) {
	line := "busy " + goid() + callers(0)
	outMu.Lock()
	busyOut = append(busyOut, line)
	outMu.Unlock()
	spinning.Done()
	x := uint64(id) + 1
	for atomic.LoadInt32(&stop) == 0 {
		x = x*6364136223846793005 + 1442695040888963407
	}
	atomic.AddUint64(&spinSink, x)
}

var nextID int32

// busy takes no arguments: a go statement with arguments would start a
// compiler-made wrapper, which runtime.Callers leaves out.
//
//go:noinline
func busy() {
	spin(int(atomic.AddInt32(&nextID, 1)))
}

//go:noinline
func blocked() {
	<-never
}

//go:noinline
func gcNow() {
	fmt.Printf("gc%s\n", callers(0))
	runtime.GC()
}

func main() {
	nbusy := flag.Int("busy", 0, "goroutines spinning during the capture")
	nblocked := flag.Int("blocked", 8, "goroutines blocked on a channel")
	gc := flag.Bool("gc", false, "call runtime.GC after marker")
	flag.Parse()
	fmt.Printf("gomaxprocs %d\n", runtime.GOMAXPROCS(0))

	for i := 0; i < *nblocked; i++ {
		go blocked()
	}
	spinning.Add(*nbusy)
	for i := 0; i < *nbusy; i++ {
		go busy()
	}
	spinning.Wait()
	time.Sleep(200 * time.Millisecond)
	for t0 := time.Now(); time.Since(t0) < 3*time.Millisecond; {
		sink++
	}
	n := runtime.NumGoroutine()
	marker(n)
	atomic.StoreInt32(&stop, 1)
	fmt.Printf("goroutines %d\n", n)
	for _, l := range busyOut {
		fmt.Println(l)
	}
	if *gc {
		gcNow()
	}
	os.Stdout.Sync()
}
