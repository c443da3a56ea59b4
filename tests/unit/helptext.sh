#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# helptext.sh PROGRAM... - every program's --help as issue 17 asks it: the range footer only
# where an option takes a range (RANGE or W,C), DAYS explained where an option takes DAYS,
# Examples (every plugin), each a line "  NAME ARGS" of its own whose options are in the
# Options list (a command never wrapped: no explanation line starts with an option), the exit
# states for the plugins (check_*), and a last line naming the licence and where to report
# bugs. Prints one FAIL line per breach and exits 1 on any.
set -uo pipefail
fails=0
fail() { printf 'FAIL %s: %s\n' "$name" "$1"; fails=$((fails + 1)); }

for prog in "$@"; do
    name=$(basename "$prog")
    if ! help=$("$prog" --help 2>&1); then
        fail "--help does not exit 0"
        continue
    fi
    options=$(sed -n '/^Options:$/,/^$/p' <<<"$help")
    examples=$(sed -n '/^Examples:$/,/^$/p' <<<"$help" | sed '1d;/^$/d')
    last=$(tail -n 1 <<<"$help")
    [[ $last =~ ^Report\ bugs\ at\ \<https?://[^\>]+\>\.\ Licence:\ GPL-3\.0-or-later ]] ||
        fail "last line names no licence and no bug address: '$last'"
    ranges=no
    grep -Eq '^ +(-[A-Za-z0-9], )?--[a-z0-9-]+=(RANGE|W,C)$' <<<"$options" && ranges=yes
    footer=no
    grep -q '^Ranges: ' <<<"$help" && footer=yes
    [ "$ranges" = "$footer" ] || fail "takes ranges: $ranges, but prints the range footer: $footer"
    if grep -Eq '^ +(-[A-Za-z0-9], )?--[a-z0-9-]+=DAYS$' <<<"$options" &&
        ! grep -q '^DAYS: ' <<<"$help"; then
        fail "takes DAYS and does not say what DAYS is"
    fi
    case $name in
    check_*)
        grep -q '^Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\.$' <<<"$help" ||
            fail "no exit status line"
        [ -n "$examples" ] || fail "no Examples"
        ;;
    esac
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        if [[ $line == "  $name "* ]]; then
            # bash's own matching: a grep per word is slow on a loaded machine
            for word in ${line#  "$name" }; do
                [[ $word =~ ^(--?[A-Za-z0-9][a-z0-9-]*) ]] || continue
                opt=${BASH_REMATCH[1]}
                if [[ $opt == --* ]]; then
                    re="(^|"$'\n'")( +-[A-Za-z0-9],)? +$opt([=[]|"$'\n'"|\$)"
                else
                    re="(^|"$'\n'")  $opt, "
                fi
                [[ $options =~ $re ]] ||
                    fail "example uses $opt, which is not in the Options list: $line"
            done
        elif [[ $line =~ ^\ {6}[^\ -] ]]; then
            : # the explanation of the example above
        else
            fail "not an example line (a command wrapped?): '$line'"
        fi
    done <<<"$examples"
done
[ "$fails" -eq 0 ] && echo "helptext: $# programs, all as they should be"
[ "$fails" -eq 0 ]
