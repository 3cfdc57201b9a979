// SPDX-License-Identifier: GPL-2.0

//go:build !go1.22

package main

import "go/types"

// unalias: before Go 1.22 go/types has no alias types to see through.
func unalias(t types.Type) types.Type { return t }
