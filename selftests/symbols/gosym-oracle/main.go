// SPDX-License-Identifier: GPL-2.0
//
// gosym-oracle: the test oracle for `gosnap-cli symbols`. Prints every
// function of a Go ELF binary's pclntab as Go's own debug/gosym reads it,
// one "NAME<TAB>ENTRY<TAB>SIZE" line each (decimal, SIZE = End - Entry).
//
// The text start passed to debug/gosym is the .text section's address, as
// the go tool does: Go 1.26 writes no text start into the pclntab header.
package main

import (
	"bufio"
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
	"strings"
)

func pclntab(f *elf.File) ([]byte, error) {
	for _, s := range f.Sections {
		// PIE builds of some releases call it .data.rel.ro.gopclntab
		if strings.HasSuffix(s.Name, ".gopclntab") {
			return s.Data()
		}
	}
	return nil, fmt.Errorf("no .gopclntab section")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gosym-oracle BINARY")
		os.Exit(2)
	}
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym-oracle:", err)
		os.Exit(1)
	}
	defer f.Close()
	text := f.Section(".text")
	if text == nil {
		fmt.Fprintln(os.Stderr, "gosym-oracle: no .text section")
		os.Exit(1)
	}
	data, err := pclntab(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym-oracle:", err)
		os.Exit(1)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym-oracle:", err)
		os.Exit(1)
	}
	if len(tab.Funcs) == 0 {
		fmt.Fprintln(os.Stderr, "gosym-oracle: no functions")
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	for _, fn := range tab.Funcs {
		fmt.Fprintf(w, "%s\t%d\t%d\n", fn.Name, fn.Entry, fn.End-fn.Entry)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gosym-oracle:", err)
		os.Exit(1)
	}
}
