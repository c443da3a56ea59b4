#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# completion.sh NAME PROGRAM OUT - a bash completion for NAME, made from PROGRAM --help (which
# postprobe's options table prints): its short and long options, file names after the options
# whose value is a FILE, PEM, PATH or DIR, and the listed words after --format.
set -eu
name=$1 prog=$2 out=$3
# Option lines: "  -x, --name[=ARG]" or "      --name[=ARG]" (descriptions sit deeper).
"$prog" --help | awk -v name="$name" '
/^  -[A-Za-z0-9], --[a-z0-9-]/ || /^      --[a-z0-9-]/ {
    line = $0
    sub(/^ +/, "", line)
    short = ""
    if (line ~ /^-[A-Za-z0-9], /) { short = substr(line, 1, 2); line = substr(line, 5) }
    long = line
    sub(/[=[ ].*/, "", long)
    opts = opts (short == "" ? "" : short " ") long " "
    if (line ~ /=(FILE|PEM|PATH|DIR)/)
        files = files (files == "" ? "" : "|") (short == "" ? "" : short "|") long
}
END {
    fn = "_postprobe_" name
    gsub(/[^A-Za-z0-9_]/, "_", fn)
    print "# bash completion for " name ", made from its --help by postprobe'"'"'s cmake/completion.sh"
    print fn "() {"
    print "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}"
    print "    case $prev in"
    if (files != "")
        print "    " files ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;"
    print "    --format) COMPREPLY=($(compgen -W \"nagios json openmetrics\" -- \"$cur\")); return ;;"
    print "    esac"
    sub(/ $/, "", opts)
    print "    COMPREPLY=($(compgen -W \"" opts "\" -- \"$cur\"))"
    print "}"
    print "complete -F " fn " " name
}' >"$out"
