// SPDX-License-Identifier: GPL-2.0
//
// pcline-oracle: the test oracle for `gosnap-cli pcsp` (selftests/host/
// pcsp.t). For each "NAME<TAB>ENTRY" line on standard input (ENTRY in
// hex: a name may have two bodies), walks every byte PC of [Entry, End)
// of that function through Go's own debug/gosym and prints one line each
// time the source position changes:
//
//	NAME<TAB>PC<TAB>FILE:LINE      (PC in hex, "?:0" where gosym has none)
//
// The text start given to debug/gosym is the .text section's address, as
// the go tool does (Go 1.26 writes no text start into the pclntab header).
package main

import (
	"bufio"
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pcline-oracle:", err)
	os.Exit(1)
}

func table(path string) *gosym.Table {
	f, err := elf.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	text := f.Section(".text")
	if text == nil {
		fail(fmt.Errorf("%s: no .text section", path))
	}
	var data []byte
	for _, s := range f.Sections {
		if strings.HasSuffix(s.Name, ".gopclntab") {
			if data, err = s.Data(); err != nil {
				fail(err)
			}
		}
	}
	if data == nil {
		fail(fmt.Errorf("%s: no .gopclntab section", path))
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		fail(err)
	}
	return tab
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pcline-oracle BINARY <names")
		os.Exit(2)
	}
	tab := table(os.Args[1])
	byEntry := make(map[uint64]*gosym.Func, len(tab.Funcs))
	for i := range tab.Funcs {
		byEntry[tab.Funcs[i].Entry] = &tab.Funcs[i]
	}
	w := bufio.NewWriter(os.Stdout)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		name, hexEntry, found := strings.Cut(in.Text(), "\t")
		entry, err := strconv.ParseUint(hexEntry, 16, 64)
		if !found || err != nil {
			fail(fmt.Errorf("bad input line %q", in.Text()))
		}
		fn := byEntry[entry]
		if fn == nil || fn.Name != name {
			fail(fmt.Errorf("no function %q at 0x%x", name, entry))
		}
		last := ""
		for pc := fn.Entry; pc < fn.End; pc++ {
			file, line, _ := tab.PCToLine(pc)
			pos := fmt.Sprintf("%s:%d", file, line)
			if file == "" {
				pos = "?:0"
			}
			if pos != last {
				fmt.Fprintf(w, "%s\t%x\t%s\n", name, pc, pos)
				last = pos
			}
		}
	}
	if err := in.Err(); err != nil {
		fail(err)
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
}
