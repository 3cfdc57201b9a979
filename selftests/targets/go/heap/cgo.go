// SPDX-License-Identifier: GPL-2.0

//go:build cgo

// With CGO_ENABLED=1 the program links the cgo runtime (threads from
// pthread_create, the C loader and libc), as a cgo program does: the
// PIE test (selftests/vm-tests/56-pie.t) builds it both ways.
package main

import _ "runtime/cgo"
