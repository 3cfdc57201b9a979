// SPDX-License-Identifier: GPL-2.0
//
// startup: the test program of `gosnap-cli timeline` (docs/timeline.md).
// Its own package cfg allocates during init (so a GC starts before
// main.main); main prints how many tables init made and exits.
package main

import (
	"fmt"
	"os"

	"gosnap.test/startup/cfg"
)

func main() {
	fmt.Fprintf(os.Stdout, "tables %d\n", len(cfg.Table))
}
