#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# deps.t: every tool the build and the tests use comes from a package that
# scripts/install-deps installs, so a fresh machine has them all.
#
# The committed table selftests/deps says which package provides each tool
# ("TOOL PACKAGE"; TOOL a command or an absolute path, globs allowed). The
# test checks, against three independent sources:
#   - the scripts: every word of the project's shell scripts and Makefiles
#     that is a command on this machine's PATH (or an absolute path to a
#     file) and whose package is not part of a minimal Debian system
#     (Priority required, or apt and what apt depends on) must be a TOOL of
#     the table: a tool used but not listed fails, naming its package;
#   - dpkg: each TOOL must exist here and `dpkg -S` must name PACKAGE as
#     its owner (or a package PACKAGE directly depends on, as gcc -> gcc-12);
#     a missing tool fails, naming the command that installs it;
#   - scripts/install-deps: each PACKAGE must be in its list.
# Words that the scan finds but that are not tools the host runs (guest
# commands, words in messages) are listed in the table as "ignore WORD
# REASON".
import glob
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE = os.path.join(TOP, "selftests", "deps")
INSTALL_DEPS = os.path.join(TOP, "scripts", "install-deps")
# Scripts that run inside the test VM (busybox), not on the host.
GUEST_ONLY = re.compile(r"(^|/)(guest\.sh|embed-guest\.sh)$")
# Debian's own directories: a tool found only elsewhere (pyenv, /usr/local)
# is not what a fresh machine has.
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"

n = 0
failed = 0


def ok(desc):
    global n
    n += 1
    print(f"ok {n} {desc}")


def not_ok(desc, diag=()):
    global n, failed
    n += 1
    failed += 1
    for line in diag:
        print(f"# {line}")
    print(f"not ok {n} {desc}")


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def install_deps_packages():
    """The PACKAGES array of scripts/install-deps, comments dropped."""
    text = open(INSTALL_DEPS).read()
    m = re.search(r"^readonly PACKAGES=\((.*?)^\)", text, re.S | re.M)
    pkgs = set()
    for line in m.group(1).splitlines():
        pkgs.update(line.split("#", 1)[0].split())
    # install-deps adds npm itself when no npm command exists.
    if re.search(r"missing\+=\(npm\)|\|\| echo npm$", text, re.M):
        pkgs.add("npm")
    return pkgs


def read_table():
    tools, ignore = {}, {}
    for line in open(TABLE):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split(None, 2)
        if f[0] == "ignore":
            ignore[f[1]] = f[2] if len(f) > 2 else ""
        else:
            tools[f[0]] = f[1:]
    return tools, ignore


def chain(path):
    """path, then each file its symlinks (alternatives) lead to."""
    res = [path]
    while os.path.islink(res[-1]) and len(res) < 10:
        nxt = os.path.normpath(os.path.join(os.path.dirname(res[-1]),
                                            os.readlink(res[-1])))
        if nxt in res:
            break
        res.append(nxt)
    real = os.path.realpath(path)
    if real not in res:
        res.append(real)
    # merged /usr: dpkg may know the file as /bin/X while PATH finds /usr/bin/X
    for c in list(res):
        for a, b in (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/"), ("/usr/lib/", "/lib/")):
            for x, y in ((a, b), (b, a)):
                if c.startswith(x) and c.replace(x, y, 1) not in res:
                    res.append(c.replace(x, y, 1))
    return res


OWNER_CACHE = {}


def owners(paths):
    """{path: owning package} for paths, through their symlinks; one dpkg -S
    call for all (it reads every package's file list each time)."""
    todo = sorted({c for p in paths for c in chain(p)} - set(OWNER_CACHE))
    if todo:
        out = run("dpkg", "-S", *todo).stdout
        for line in out.splitlines():
            if line.startswith("diversion "):
                continue
            pkg, _, path = line.partition(": ")
            OWNER_CACHE[path] = pkg.split(",")[0].split(":")[0].strip()
        for c in todo:
            OWNER_CACHE.setdefault(c, None)
    res = {}
    for p in paths:
        res[p] = next((OWNER_CACHE[c] for c in chain(p) if OWNER_CACHE[c]), None)
    return res


def owner_of(path):
    return owners([path])[path]


def pkg_field(pkg, field):
    return run("dpkg-query", "-W", "-f", "${" + field + "}", pkg).stdout


def minbase_packages():
    """What debootstrap --variant=minbase installs: Priority required and
    apt with everything it depends on."""
    out = run("dpkg-query", "-W", "-f", "${Package} ${Priority} ${Essential}\n").stdout
    base = {l.split()[0] for l in out.splitlines()
            if len(l.split()) > 1 and (l.split()[1] == "required" or l.endswith(" yes"))}
    out = run("apt-cache", "depends", "--recurse", "--installed", "--no-recommends",
              "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
              "--no-enhances", "apt").stdout
    for line in out.splitlines():
        w = line.strip().split()[-1].strip("<>").split(":")[0]
        if w:
            base.add(w)
    return base


def scripts():
    """Tracked shell scripts and Makefiles that run on the host."""
    files = run("git", "-C", TOP, "ls-files").stdout.split()
    res = []
    for f in files:
        if GUEST_ONLY.search(f) or f.startswith(("kmod/", "docs/", "include/")):
            continue
        path = os.path.join(TOP, f)
        base = os.path.basename(f)
        if base in ("Makefile", "Kbuild") or f.endswith((".sh", ".t")):
            res.append(f)
            continue
        try:
            with open(path, "rb") as fh:
                first = fh.readline()
        except OSError:
            continue
        if first.startswith(b"#!") and (b"sh" in first) and b"python" not in first:
            res.append(f)
    return res


def words_of(f):
    """Words that could be commands, and absolute paths, in f (comments
    dropped)."""
    words, paths = set(), set()
    for line in open(os.path.join(TOP, f), errors="replace"):
        # a comment: "#" at the start of a word (not $#, not ${#...})
        line = re.sub(r"(^|\s)#.*", "", line)
        for w in re.findall(r"(?<![\w$/.-])[a-z][a-z0-9_+.-]*[a-z0-9+]", line):
            words.add(w)
        for p in re.findall(r"(?<![\w$])/(?:usr|bin|sbin|lib|lib64)/[\w./+*-]+", line):
            paths.add(p)
    return words, paths


def main():
    print("TAP version 13")
    pkgs = install_deps_packages()
    tools, ignore = read_table()
    base = minbase_packages()

    # 1. table -> install-deps
    for tool, (pkg, *flags) in sorted(tools.items()):
        if pkg in pkgs:
            ok(f"{tool}: its package {pkg} is in scripts/install-deps")
        else:
            not_ok(f"{tool}: its package {pkg} is not in scripts/install-deps")

    # 2. table -> dpkg
    owners([shutil.which(t, path=SYSTEM_PATH) or t for t in tools
            if shutil.which(t, path=SYSTEM_PATH) or os.path.exists(t)])
    for tool, (pkg, *flags) in sorted(tools.items()):
        if tool.startswith("/"):
            found = sorted(glob.glob(tool))
            path = found[0] if found else None
        else:
            path = shutil.which(tool, path=SYSTEM_PATH)
        if not path:
            not_ok(f"{tool} is missing: install {pkg} (scripts/install-deps, "
                   f"or apt-get install {pkg})")
            continue
        if "any-source" in flags:
            ok(f"{tool} is installed ({path}; any source will do)")
            continue
        o = owner_of(path)
        deps = re.findall(r"(?:^|[,|]\s*)([a-z0-9][a-z0-9+.-]*)", pkg_field(pkg, "Depends") + "," +
                          pkg_field(pkg, "Pre-Depends"))
        if o == pkg or o in deps:
            ok(f"{tool} ({path}) comes from {pkg}" + (f" (via {o})" if o != pkg else ""))
        else:
            not_ok(f"{tool} ({path}) comes from {o}, not {pkg} as selftests/deps says")

    # 3. scripts -> table
    listed_cmds = {t for t in tools if not t.startswith("/")}
    # bash's own builtins and keywords (kill, time, test...) run no program
    builtins = set(run("bash", "-c", "compgen -b; compgen -k").stdout.split())
    listed_paths = [t for t in tools if t.startswith("/")]
    uses = {}
    for f in scripts():
        words, paths = words_of(f)
        for w in words:
            if w in ignore or w in listed_cmds or w in builtins:
                continue
            p = shutil.which(w, path=SYSTEM_PATH)
            if p:
                uses.setdefault(p, set()).add(f)
        for p in paths:
            if "*" in p:	# a pattern of the script's own (go-*/bin/go)
                continue
            if re.match(r"/(usr/)?s?bin/", p) and os.path.basename(p) in listed_cmds:
                continue
            if any(glob.fnmatch.fnmatch(p, t) or p == t for t in listed_paths):
                continue
            if p in ignore:
                continue
            for q in glob.glob(p):
                if os.path.isfile(q):
                    uses.setdefault(q, set()).add(f)
    unlisted = []
    own = owners(list(uses))
    for p, fs in sorted(uses.items()):
        o = own[p]
        if o is None or o in base:
            continue
        unlisted.append(f"{os.path.basename(p) if p.startswith(('/usr/bin', '/bin', '/usr/sbin', '/sbin')) else p}"
                        f" (package {o}) used by {', '.join(sorted(fs)[:3])}")
    if unlisted:
        not_ok(f"{len(unlisted)} tools the scripts use are not in selftests/deps "
               "(add 'TOOL PACKAGE' there and PACKAGE to scripts/install-deps)", unlisted)
    else:
        ok(f"every tool the {len(scripts())} scripts use is in selftests/deps or in a "
           f"minimal Debian ({len(base)} packages)")
    if len(tools) < 20:
        not_ok(f"selftests/deps lists {len(tools)} tools, fewer than 20: not read?")

    print(f"1..{n}")
    return 1 if failed else 0


sys.exit(main())
