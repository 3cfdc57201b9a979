// SPDX-License-Identifier: GPL-2.0
//
// gcgraph: the test program of the GC decoder (docs/gc.md). It builds a
// pointer graph of linked lists and binary trees (-mb MiB in all, kept
// live in globals), then forces -gcs collections with runtime.GC. Run
// with GOGC=off, only main starts cycles, and while one marks, main is
// blocked in runtime.GC: nothing but the collector runs, so the state at
// a phase symbol is the collector's own. It prints what it built and how
// many cycles the runtime completed (MemStats.NumGC).
//
//	gcgraph [-mb N] [-gcs N]
package main

import (
	"flag"
	"fmt"
	"runtime"
)

type listNode struct {
	next *listNode
	val  [3]uintptr
}

type treeNode struct {
	left, right *treeNode
	val         uintptr
}

var (
	lists []*listNode
	trees []*treeNode
)

func tree(depth int) *treeNode {
	if depth == 0 {
		return nil
	}
	return &treeNode{left: tree(depth - 1), right: tree(depth - 1), val: uintptr(depth)}
}

func main() {
	mb := flag.Int("mb", 24, "MiB of graph to build")
	gcs := flag.Int("gcs", 3, "collections to force")
	flag.Parse()

	// Half lists (32-byte nodes), half trees of depth 14 (24-byte nodes,
	// 16383 a tree): 64 lists of equal length.
	half := *mb << 20 / 2
	perList := half / 32 / 64
	for i := 0; i < 64; i++ {
		var head *listNode
		for j := 0; j < perList; j++ {
			head = &listNode{next: head, val: [3]uintptr{uintptr(j)}}
		}
		lists = append(lists, head)
	}
	for built := 0; built < half; built += 16383 * 24 {
		trees = append(trees, tree(14))
	}
	fmt.Printf("built lists %d x %d, trees %d\n", len(lists), perList, len(trees))
	for i := 0; i < *gcs; i++ {
		runtime.GC()
	}
	runtime.KeepAlive(lists)
	runtime.KeepAlive(trees)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("numgc %d\n", ms.NumGC)
}
