// Target of 49-reentry.t: calls the probe must count once each, however
// the prologue's stack check sends them through morestack.
//   - same: no arguments, called back to back from one call site at one
//     depth: every call has the signature of the one before (stack
//     pointer, return address, no argument registers);
//   - grow: a 64 KiB frame, called first thing on a fresh goroutine, whose
//     8 KiB stack it cannot fit: its prologue calls morestack, which
//     copies the stack elsewhere and enters grow again, at another stack
//     pointer.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
)

var sameCalls, growCalls int
var sink byte

//go:noinline
func same() {
	sameCalls++
}

//go:noinline
func grow(i int) {
	var buf [64 << 10]byte
	buf[i%len(buf)] = byte(i)
	sink += buf[(i*7)%len(buf)]
	growCalls++
}

func main() {
	nsame := flag.Int("same", 6, "calls of same")
	ngrow := flag.Int("grow", 4, "calls of grow, each on a new goroutine")
	flag.Parse()

	for i := 0; i < *nsame; i++ {
		same()
	}
	done := make(chan struct{})
	for i := 0; i < *ngrow; i++ {
		go func(i int) {
			grow(i)
			done <- struct{}{}
		}(i)
		<-done
	}
	fmt.Fprintf(os.Stdout, "reentry: same %d grow %d %s\n", sameCalls, growCalls,
		runtime.Version())
}
