#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a JavaScript input that keeps esbuild busy long enough to collect
garbage a few times: many small modules' worth of functions and objects."""
import sys

n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
with open(sys.argv[1], "w") as f:
    for i in range(n):
        f.write("export function f%d(x) { const o = { k%d: x + %d, s: 'v%d' + x, a: [x, %d, x * 2] };"
                " return o.k%d > %d ? o.s.length + o.a[1] : f%d(x + 1); }\n"
                % (i, i, i, i, i, i, i % 97, max(i - 1, 0)))
    f.write("console.log(%s);\n" % " + ".join("f%d(1)" % i for i in range(0, n, 997)))
