// Target of the freeze tests: start-up probes (runtime.mallocinit,
// runtime.schedinit, runtime.main, main.main) and main.marker, which
// several goroutines call at once when -workers > 1.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

var sink []byte

//go:noinline
func marker(i int) int {
	sink = make([]byte, 64)
	return i + 1
}

func main() {
	workers := flag.Int("workers", 1, "goroutines calling marker at once")
	calls := flag.Int("calls", 1, "calls of marker per goroutine")
	sleep := flag.Duration("sleep", 0, "pause between calls")
	heapMiB := flag.Int("heap", 0, "MiB to allocate and touch before the calls")
	flag.Parse()

	var heap [][]byte
	for i := 0; i < *heapMiB; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		heap = append(heap, b)
	}

	var wg sync.WaitGroup
	total := 0
	var mu sync.Mutex
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for c := 0; c < *calls; c++ {
				n = marker(n)
				if *sleep > 0 {
					time.Sleep(*sleep)
				}
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Fprintf(os.Stdout, "freeze: %d marker calls, %d MiB heap, GOMAXPROCS=%d, %s\n",
		total, len(heap), runtime.GOMAXPROCS(0), runtime.Version())
}
