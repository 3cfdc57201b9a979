#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.t: the tree passes the static checkers, each with nothing to say:
#   - checkpatch --strict (Linux 6.1's, from linux-source-6.1) on every
#     kmod/ file and the benchmark's module (selftests/bench/barewalk/kmod/):
#     no error, warning or check. The compat headers alone may test
#     LINUX_VERSION_CODE (that is what they are for: checkpatch's
#     LINUX_VERSION_CODE and CONSTANT_COMPARISON are ignored there);
#   - shellcheck -x on every tracked shell script and shell .t file;
#   - cppcheck (warning, portability, performance) on cli/ and on kmod/
#     (kmod/ without the kernel's headers: selftests/lint/kernel.cfg tells
#     it the list and VMA iterators);
#   - sparse: the module built for 6.1 with C=2 (every file checked) and
#     W=1, no sparse or compiler warning.
# Each checker's file count has a floor, so a check that found no files
# fails. A missing checker fails, naming its Debian package.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
readonly TOP
readonly KSRC_TAR="${GOSNAP_KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}"
readonly CP="$TOP/build/checkpatch"
readonly SPARSE_OUT="$TOP/build/lint-sparse-6.1"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT

# shellcheck source=selftests/lib/tap.sh
. "$TOP/selftests/lib/tap.sh"

tap_start

# have TOOL PACKAGE: TOOL is installed, else a failure naming PACKAGE.
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	not_ok "$1 is missing: install $2 (scripts/install-deps, or apt-get install $2)"
	return 1
}

# report DESC FILE: ok DESC if FILE is empty, else its first lines and not ok.
report() {
	if [[ -s "$2" ]]; then
		head -n 60 "$2" | diag
		not_ok "$1"
	else
		ok "$1"
	fi
}

# --- checkpatch --------------------------------------------------------------

# checkpatch.pl with the two files it reads beside itself, extracted once
# (build/, never committed), again when the source package changes.
extract_checkpatch() {
	local tmp
	[[ -r "$KSRC_TAR" ]] || return 1
	[[ "$CP/checkpatch.pl" -nt "$KSRC_TAR" ]] && return 0
	tmp="$(mktemp -d "$TOP/build/checkpatch.tmp.XXXXXX")"
	if tar -xJf "$KSRC_TAR" -C "$tmp" --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch; then
		touch "$tmp/checkpatch.pl"
		rm -rf "$CP"
		mv -T "$tmp" "$CP"
	else
		rm -rf "$tmp"
		return 1
	fi
}

mkdir -p "$TOP/build"
if ! extract_checkpatch; then
	not_ok "checkpatch: no $KSRC_TAR to take it from: install linux-source-6.1 (scripts/install-deps)"
else
	mapfile -t kfiles < <(cd "$TOP" && git ls-files 'kmod/*.c' 'kmod/*.h' \
		'selftests/bench/barewalk/kmod/*.c' 'selftests/bench/barewalk/kmod/*.h')
	for f in "${kfiles[@]}"; do
		ignore=()
		[[ "$f" != kmod/compat.h && "$f" != */barewalk_compat.h ]] ||
			ignore=(--ignore "LINUX_VERSION_CODE,CONSTANT_COMPARISON")
		# from its own folder: in a git work tree it would leave a cache file
		if (cd "$CP" && perl ./checkpatch.pl --strict --no-tree --quiet \
			--show-types ${ignore[@]+"${ignore[@]}"} -f "$TOP/$f") >"$W/cp" 2>&1; then
			ok "checkpatch --strict: $f"
		else
			diag <"$W/cp"
			not_ok "checkpatch --strict: $f"
		fi
	done
	if [[ ${#kfiles[@]} -lt 10 ]]; then
		not_ok "checkpatch checked ${#kfiles[@]} kmod/ files, fewer than 10"
	fi
fi

# --- shellcheck --------------------------------------------------------------

# Tracked shell files: *.sh, *.t and scripts whose #! names a shell.
shell_files() {
	local f first
	while IFS= read -r f; do
		[[ -f "$TOP/$f" ]] || continue
		first="$(head -n 1 "$TOP/$f")"
		case "$f" in
		*.sh) echo "$f" ;;
		*)
			[[ "$first" == '#!'* && "$first" =~ (^|[/ ])(ba)?sh([[:space:]]|$) ]] &&
				echo "$f"
			;;
		esac
	done < <(cd "$TOP" && git ls-files)
	return 0
}

if have shellcheck shellcheck; then
	mapfile -t sfiles < <(shell_files)
	(cd "$TOP" && shellcheck -x -P SCRIPTDIR "${sfiles[@]}") >"$W/sc" 2>&1 || true
	bad="$({ grep -E '^In [^ ]+ line' "$W/sc" || true; } | awk '{ print $2 }' | sort -u | xargs)"
	if [[ -n "$bad" ]]; then
		head -n 80 "$W/sc" | diag
		not_ok "shellcheck: ${#sfiles[@]} shell files, findings in: $bad"
	elif [[ -s "$W/sc" ]]; then
		diag <"$W/sc"
		not_ok "shellcheck ran on ${#sfiles[@]} shell files"
	else
		ok "shellcheck: ${#sfiles[@]} shell files, no finding"
	fi
	[[ ${#sfiles[@]} -ge 40 ]] ||
		not_ok "shellcheck saw ${#sfiles[@]} shell files, fewer than 40"
fi

# --- cppcheck ----------------------------------------------------------------

if have cppcheck cppcheck; then
	checker=(cppcheck --quiet --std=c11 --inline-suppr -j2
	     "--enable=warning,portability,performance" --error-exitcode=1)

	mapfile -t cfiles < <(cd "$TOP" && git ls-files 'cli/*.c')
	incs=(-I include)
	while IFS= read -r d; do
		incs+=(-I "$d")
	done < <(cd "$TOP" && git ls-files 'cli/*.h' | xargs -r -n 1 dirname | sort -u)
	(cd "$TOP" && "${checker[@]}" "${incs[@]}" "${cfiles[@]}") >"$W/cli" 2>&1 || true
	report "cppcheck: ${#cfiles[@]} cli/ files, no finding" "$W/cli"
	[[ ${#cfiles[@]} -ge 40 ]] ||
		not_ok "cppcheck saw ${#cfiles[@]} cli/ files, fewer than 40"

	mapfile -t kcfiles < <(cd "$TOP" && git ls-files 'kmod/*.c')
	(cd "$TOP" && "${checker[@]}" --library=selftests/lint/kernel.cfg -D__KERNEL__ \
		-I include -I kmod "${kcfiles[@]}") >"$W/kmod" 2>&1 || true
	report "cppcheck: ${#kcfiles[@]} kmod/ files, no finding" "$W/kmod"
	[[ ${#kcfiles[@]} -ge 10 ]] ||
		not_ok "cppcheck saw ${#kcfiles[@]} kmod/ files, fewer than 10"
fi

# --- sparse ------------------------------------------------------------------

if have sparse sparse; then
	if ! kdir="$("$TOP/selftests/vm/kernels" kdir 6.1 2>"$W/kdir")"; then
		diag <"$W/kdir"
		not_ok "sparse: the 6.1 kernel headers (selftests/vm/kernels kdir 6.1)"
	else
		mkdir -p "$SPARSE_OUT"
		(cd "$TOP" && rsync -a --delete-after --exclude='*.o' --exclude='*.ko' \
			--exclude='.*.cmd' --exclude='*.mod' --exclude='*.mod.c' \
			Kbuild kmod include "$SPARSE_OUT/")
		set +e
		GOSNAP_BUILD_DIR="$SPARSE_OUT" "$TOP/selftests/vm/kernels" make 6.1 \
			-C "$kdir" M="$SPARSE_OUT" C=2 W=1 modules >"$W/sparse" 2>&1
		rc=$?
		set -e
		checked="$(grep -cE '^ +CHECK +.*\.c$' "$W/sparse" || true)"
		grep -E 'warning:|error:' "$W/sparse" >"$W/sparse-found" || true
		if [[ $rc -ne 0 ]]; then
			tail -n 40 "$W/sparse" | diag
			not_ok "sparse: make C=2 W=1 for 6.1 failed (exit $rc)"
		else
			report "sparse: make C=2 W=1 for 6.1, $checked files checked, no warning" \
				"$W/sparse-found"
		fi
		kc="$(cd "$TOP" && git ls-files 'kmod/*.c' | wc -l)"
		[[ $checked -ge $kc && $kc -ge 10 ]] ||
			not_ok "sparse checked $checked files, fewer than kmod/'s $kc .c files"
	fi
fi

tap_finish_named lint
