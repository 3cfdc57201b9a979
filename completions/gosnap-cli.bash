# SPDX-License-Identifier: GPL-2.0
# bash completion for gosnap-cli (docs/gosnap-cli.1): the commands, each
# command's options (read from its --help, so they never fall behind),
# and after --at the function names of the program to capture (the word
# after --, or /proc/PID/exe of --pid), from `gosnap-cli symbols`.
# `make install` puts it in share/bash-completion/completions.

_gosnap_cli_commands() {
	"$1" --help 2>/dev/null |
		awk '/^Commands/ { c = 1; next } c && /^  [a-z]/ { print $1 }'
}

_gosnap_cli() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cli=${COMP_WORDS[0]} cmd="" prog="" pid="" i w

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			w="--json --pretty --quiet --version --help"
		else
			w="$(_gosnap_cli_commands "$cli") help"
		fi
		mapfile -t COMPREPLY < <(compgen -W "$w" -- "$cur")
		return
	fi
	if [[ $prev == --at ]]; then
		for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
			case ${COMP_WORDS[i]} in
			--) prog=${COMP_WORDS[i + 1]}; break ;;
			--pid) pid=${COMP_WORDS[i + 1]} ;;
			esac
		done
		if [[ -z $prog && -n $pid ]]; then
			prog=/proc/$pid/exe
		elif [[ -n $prog && $prog != */* ]]; then
			prog=$(type -P "$prog")
		fi
		[[ -n $prog ]] || return
		mapfile -t COMPREPLY < <("$cli" symbols "$prog" "$cur*" 2>/dev/null |
			awk '!/^#/ && NR > 2 { print $NF }')
		return
	fi
	case $prev in
	-o | --output | --exe | --device | --svg | --dot | --pprof)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--mode)
		mapfile -t COMPREPLY < <(compgen -W "pages meta full" -- "$cur")
		return
		;;
	--facts)
		mapfile -t COMPREPLY < <(compgen -W "pte page" -- "$cur")
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		w=$("$cli" "$cmd" --help 2>&1 | grep -oE -- '--[a-z][a-z-]*' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$w" -- "$cur")
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -o filenames -F _gosnap_cli gosnap-cli
