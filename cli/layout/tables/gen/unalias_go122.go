// SPDX-License-Identifier: GPL-2.0

//go:build go1.22

package main

import "go/types"

// unalias: the type an alias stands for. Go 1.27 always keeps aliases in
// go/types (the gotypesalias setting is gone); DWARF spells the target.
func unalias(t types.Type) types.Type { return types.Unalias(t) }
