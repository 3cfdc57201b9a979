# SPDX-License-Identifier: GPL-2.0
#
# make            build gosnap.ko (against KDIR) and cli/gosnap-cli
# make static     cli/gosnap-cli-static, linked statically (copy it anywhere)
# make demo       boot the test VM, freeze a Go program at its first GC start,
#                 show its heap, goroutines and heat map (first of KERNELS)
# make docs       boot the test VM, capture a Go program's start-up with Go 1.19,
#                 1.22 and 1.27 and write docs/go-startup-memory.md from those
#                 captures (docs/gen/startup-guide; first of KERNELS)
# make check-host the host tests alone (static checks, unit and CLI tests), no VM
# make check      unit tests + VM tests on 6.1 (KERNELS="6.1 6.12 7.3" for more)
# make check-all  the same on every test kernel
# make stress     the ioctl fuzzer, 10 million calls (STRESS_CALLS=), on the
#                 debug kernel (KERNELS=6.1-debug unless given)
# make bench      gosnap against a bare page-table walk, pagemap scanning and
#                 gcore over target sizes, in the test VM; table, curves
#                 (build/bench/report.svg) and the walk guard
#                 (BENCH_RUNS=3, KERNELS="6.1 7.3" unless given; Go heaps of
#                 64 MiB to 4 GiB, a 10 GiB guest: BENCH_SMALL=1 for 64 and
#                 512 MiB only);
#                 then objects on a 1 GiB heap of 10 million objects
#                 (selftests/objects/measure-cost, docs/performance.md)
# make install    gosnap-cli, its man page and the ABI header under
#                 $(DESTDIR)$(PREFIX) (default /usr/local); the module is
#                 installed by its kernel's tools (see README)
# make modules_install  gosnap.ko into $(DESTDIR)/lib/modules/$(KREL)/updates
#                 (KREL: KDIR's kernel release, default `uname -r`), then
#                 depmod unless DESTDIR is set (docs/install.md)
# make deb        the gosnap-dkms and gosnap-cli .deb packages in build/deb/,
#                 built from a copy of the tracked files (build/deb/src) with
#                 Debian's tools (dpkg-buildpackage, debhelper, dh-dkms)
# make regen      regenerate the per-Go-release tables (layouts, their index,
#                 wait reasons) from each toolchain's runtime source
#                 (scripts/regen-go-tables; docs/porting.md)
# make check-fresh  make demo and make check in a brand-new minimal Debian 12
#                 chroot (scripts/check-fresh; root; WIPE=1 starts from nothing)
#
# KDIR defaults to the running kernel's build tree and, where there is none
# (build machines, CI), to the 6.1 test kernel's headers, fetched on demand.

KVER	?= $(shell uname -r)
KERNELS	?= 6.1
W	?= 1
export GOSNAP_CACHE ?= $(if $(wildcard /var/cache),/var/cache/gosnap,$(HOME)/.cache/gosnap)

default_kdir = $(if $(wildcard /lib/modules/$(KVER)/build/Makefile),/lib/modules/$(KVER)/build,$(shell selftests/vm/kernels kdir 6.1))

PREFIX	?= /usr/local

.PHONY: all module cli static deps check check-host check-all demo fuzz stress bench install clean \
	modules_install deb

all: module cli

module:
	$(MAKE) -C $(if $(KDIR),$(KDIR),$(default_kdir)) M=$(CURDIR) W=$(W) modules

cli:
	$(MAKE) -C cli

static:
	$(MAKE) -C cli static

deps:
	@scripts/install-deps

check: deps
	@selftests/run-tests --kernels "$(KERNELS)"

check-host: deps
	@selftests/run-tests --host-only

check-all:
	@$(MAKE) --no-print-directory check KERNELS="6.1 6.12 7.3 6.1-debug"

.PHONY: regen
regen:
	@scripts/regen-go-tables

.PHONY: check-fresh
check-fresh:
	@scripts/check-fresh $(if $(WIPE),--wipe)

demo: deps
	@selftests/demo --kernel $(firstword $(KERNELS))

.PHONY: docs
docs: deps
	@docs/gen/startup-guide --kernel $(firstword $(KERNELS))

fuzz: deps
	@selftests/run-tests --fuzz-seconds 300 --only '^fuzz\.t$$'

stress: deps
	@calls=$(or $(STRESS_CALLS),10000000); \
	GOSNAP_FUZZ_CALLS=$$calls GOSNAP_TEST_TIMEOUT=$$((calls / 20 + 1800)) selftests/run-tests \
		--kernels "$(if $(filter command line environment,$(origin KERNELS)),$(KERNELS),6.1-debug)" \
		--only ioctl-fuzz

bench: deps
	@for k in $(if $(filter command line environment,$(origin KERNELS)),$(KERNELS),6.1 7.3); do \
		selftests/bench/run --kernel $$k --runs $(or $(BENCH_RUNS),3) \
			$(if $(BENCH_SMALL),,--big) || exit 1; \
		GOSNAP_KERNEL=$$k selftests/objects/measure-cost || exit 1; done

install: cli
	install -D -m 0755 cli/gosnap-cli $(DESTDIR)$(PREFIX)/bin/gosnap-cli
	install -D -m 0644 docs/gosnap-cli.1 $(DESTDIR)$(PREFIX)/share/man/man1/gosnap-cli.1
	install -D -m 0644 include/uapi/linux/gosnap.h $(DESTDIR)$(PREFIX)/include/linux/gosnap.h
	install -D -m 0644 completions/gosnap-cli.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/gosnap-cli

# The release the module was built for: its vermagic, not the running kernel.
KREL	?= $(shell modinfo -F vermagic gosnap.ko 2>/dev/null | cut -d' ' -f1)

modules_install: module
	@[ -n "$(KREL)" ] || { echo "modules_install: no kernel release in gosnap.ko's vermagic" >&2; exit 1; }
	install -D -m 0644 gosnap.ko $(DESTDIR)/lib/modules/$(KREL)/updates/gosnap.ko
	$(if $(DESTDIR),,depmod -a $(KREL))

# Tracked files only (plus local edits to them), so untracked files in the
# checkout never reach a package; outside git (an unpacked source tree),
# every file but build/. dpkg-buildpackage leaves its output in the
# copy's parent, build/deb/.
DEB_FILES = $(if $(wildcard .git),git ls-files -z,find . -path ./build -prune -o \( -type f -o -type l \) -print0)

deb:
	rm -rf build/deb
	mkdir -p build/deb/src
	$(DEB_FILES) | tar --null --ignore-failed-read -T - -cf - | tar -C build/deb/src -xf -
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	@ls build/deb/*.deb

clean:
	-$(MAKE) -C $(if $(KDIR),$(KDIR),$(default_kdir)) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C cli clean
	rm -rf build
