// SPDX-License-Identifier: GPL-2.0

// Package cfg has an init that allocates 8 MiB, more than the first GC
// goal (4 MiB), so the first runtime.gcStart comes during package init,
// before main.main. Every byte is written, so all of it is resident.
package cfg

// Table is filled by init and kept alive by main.
var Table [][]byte

func init() {
	for i := 0; i < 64; i++ {
		b := make([]byte, 128<<10)
		for j := range b {
			b[j] = byte(i + j)
		}
		Table = append(Table, b)
	}
}
