// SPDX-License-Identifier: GPL-2.0
//
// phases: the test program of `gosnap-cli diff` (docs/diff.md). It calls
// main.marker, then maps 1 MiB of anonymous memory with mmap and writes
// every page of it, starts 3 goroutines that block on a channel, waits
// until they run, and calls main.marker again. It prints what it did in
// between: "mapped ADDR LEN" and "goroutines GOID GOID GOID".
package main

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"syscall"
)

var sink uint64

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

func main() {
	marker(1)
	const size = 1 << 20
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		panic(err)
	}
	for i := 0; i < size; i += 4096 {
		mem[i] = 1
	}
	var ready sync.WaitGroup
	var mu sync.Mutex
	block := make(chan struct{})
	ids := ""
	for i := 0; i < 3; i++ {
		ready.Add(1)
		go func() {
			mu.Lock()
			ids += " " + goid()
			mu.Unlock()
			ready.Done()
			<-block
		}()
	}
	ready.Wait()
	marker(2)
	fmt.Printf("mapped %p %d\n", &mem[0], size)
	fmt.Printf("goroutines%s\n", ids)
	close(block)
	runtime.KeepAlive(mem)
}
