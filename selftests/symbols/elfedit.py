#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# elfedit.py MODE IN OUT [ARG]: a copy of the Go executable IN with its record of
# the Go version damaged, for selftests/host/goversion.t and
# selftests/vm-tests/45-goversion.t. MODE:
#   rename-section  the .go.buildinfo section renamed .xx.buildinfo
#   drop-section    the .go.buildinfo section header taken out of the table
#   no-shdrs        no section headers at all (e_shoff, e_shnum 0)
#   zero-magic      the buildinfo magic zeroed (only runtime.buildVersion
#                   names the version)
#   go1.99 [REL]    every "REL.N" string (REL: the build's release, default
#                   go1.27) made "go1.99.0..." (same length)
import struct, sys
mode, src, dst = sys.argv[1:4]
b = bytearray(open(src, 'rb').read())
shoff, = struct.unpack_from('<Q', b, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
if mode == 'zero-magic':
    m = b'\xff Go buildinf:'
    i = b.find(m)
    assert i >= 0 and b.find(m, i + 1) < 0, 'one buildinfo magic'
    b[i:i + len(m)] = bytes(len(m))
elif mode == 'rename-section':
    stroff, = struct.unpack_from('<Q', b, shoff + shstrndx * shentsize + 0x18)
    for k in range(shnum):
        nm, = struct.unpack_from('<I', b, shoff + k * shentsize)
        if b[stroff + nm:stroff + nm + 14] == b'.go.buildinfo\0':
            b[stroff + nm:stroff + nm + 13] = b'.xx.buildinfo'
            break
    else:
        sys.exit('no .go.buildinfo section')
elif mode == 'drop-section':
    # the .go.buildinfo section header taken out of the table: later
    # headers move up one, links to them follow
    stroff, = struct.unpack_from('<Q', b, shoff + shstrndx * shentsize + 0x18)
    hdrs = [bytes(b[shoff + k * shentsize:shoff + (k + 1) * shentsize]) for k in range(shnum)]
    names = [b[stroff + struct.unpack_from('<I', h, 0)[0]:].split(b'\0', 1)[0] for h in hdrs]
    assert names.count(b'.go.buildinfo') == 1, names
    gone = names.index(b'.go.buildinfo')
    fix = lambda i: i - 1 if i > gone else (0 if i == gone else i)
    out = []
    for k, h in enumerate(hdrs):
        if k == gone:
            continue
        h = bytearray(h)
        typ, flags = struct.unpack_from('<IQ', h, 4)
        link, info = struct.unpack_from('<II', h, 0x28)
        if typ in (4, 9) or flags & 0x40:	# SHT_RELA, SHT_REL, SHF_INFO_LINK
            info = fix(info)
        struct.pack_into('<II', h, 0x28, fix(link), info)
        out.append(bytes(h))
    out.append(bytes(shentsize))
    b[shoff:shoff + shnum * shentsize] = b''.join(out)
    struct.pack_into('<HH', b, 0x3c, shnum - 1, fix(shstrndx))
elif mode == 'no-shdrs':
    struct.pack_into('<Q', b, 0x28, 0)
    struct.pack_into('<HHH', b, 0x3a, 0, 0, 0)
elif mode == 'go1.99':
    import re
    rel = (sys.argv[4] if len(sys.argv) > 4 else 'go1.27').encode()
    tags = set(re.findall(re.escape(rel) + rb'\.[0-9]+', bytes(b)))
    assert len(tags) == 1, tags
    t = tags.pop()
    new = b'go1.99.' + b'0' * (len(t) - len(b'go1.99.'))
    b = bytearray(bytes(b).replace(t, new))
else:
    sys.exit('bad mode')
open(dst, 'wb').write(b)
import os
os.chmod(dst, 0o755)
