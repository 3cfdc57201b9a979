// SPDX-License-Identifier: GPL-2.0
//
// hello: the smallest Go target for gosnap. main.main calls main.marker a
// few times, so a probe on main.marker has a known number of hits and a
// known caller; marker is never inlined, so it keeps its own entry.
package main

import (
	"fmt"
	"os"
	"strconv"
)

var hits int

//go:noinline
func marker(i int) int {
	hits += i
	return hits
}

func main() {
	n := 3
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	sum := 0
	for i := 1; i <= n; i++ {
		sum = marker(i)
	}
	fmt.Printf("hello: marker called %d times, sum %d\n", n, sum)
}
