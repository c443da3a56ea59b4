#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bad_values.sh - every option that takes a value, of every plugin and contrib tool, given
# absurd values (empty, negative, zero, huge, not a number, 3000 bytes, a missing path, a
# directory) next to sane options pointing at nothing (a closed port, the stack's config):
# no crash, no hang, exit 0-3 with a status line first and nothing on stderr, within -t + 1 s,
# and nothing written in the working directory. Half of the tools each in two processes.
set -euo pipefail
. "$(dirname "$0")/lib/common.bash"

# The tools in two halves at once, each a run of this script with PP_BAD_VALUES_HALF 0 or 1:
# the runs are short and mostly start-up, and one at a time they took 5 minutes under ASan.
if [ -z "${PP_BAD_VALUES_HALF:-}" ]; then
    out=$(mktemp -d)
    on_exit "rm -rf '$out'"
    PP_BAD_VALUES_HALF=0 bash "$0" >"$out/0" 2>&1 &
    first=$!
    rc=0
    PP_BAD_VALUES_HALF=1 bash "$0" >"$out/1" 2>&1 || rc=1
    wait "$first" || rc=1
    cat "$out/0" "$out/1"
    exit "$rc"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
TOOLS=("$PP_BUILD_DIR"/plugins/check_* "$PP_BUILD_DIR"/contrib/{pfqueue,verify-dump,pftrace})
CONF=$PP_POSTFIX_CONFIG_DIR

# a_state NAME: exit 0-3, a status line first, nothing on stderr, within -t 2 + 1 s. The
# contrib tools print a listing (maybe empty) when they succeed; pftrace, like grep, exits 1
# with nothing printed when no message matched.
a_state() {
    check "$1" all_of "[ \$RC -le 3 ]" stderr_empty "faster_than 3" \
        '[[ $OUT =~ ^[A-Z0-9_-]+\ (OK|WARNING|CRITICAL|UNKNOWN)\ -\ . ]] || [[ $RC -eq 0 && $t == */contrib/* ]] || [[ $RC -eq 1 && -z $OUT && $t == */pftrace ]]'
}

long=$(printf '%3000s' | tr ' ' x)
for i in "${!TOOLS[@]}"; do
    [ $((i % 2)) = "$PP_BAD_VALUES_HALF" ] || continue
    t=${TOOLS[$i]}
    n=${t##*/}
    help=$("$t" --help)
    base=(-t 2)
    [[ $help != *"-H, --host"* ]] || base+=(-H 127.0.0.1)
    [[ $help != *"-p, --port"* ]] || base+=(-p 1)
    [[ $help != *"--config-dir"* ]] || base+=(-C "$CONF")
    # --state-file is where a plugin is told to write: a path given there is made, not absurd.
    for o in $("$t" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+=' | grep -oE -- '--[a-z0-9-]+' |
        grep -vxE -- '--(hostname|host|config-dir|timeout|port|state-file)'); do
        vals=("" -1 0 1e308 abc "$long" /nonexistent /tmp)
        # --output makes the file it names (as root even /nonexistent): only unwritable paths.
        [ "$o" != --output ] || vals=("" /nonexistent/dir/file /tmp "/tmp/$long")
        for v in "${vals[@]}"; do
            run "$t" "${base[@]}" "$o=$v"
            a_state "$n $o=${v:0:24}"
        done
    done
done

check "nothing written in the working directory" [ -z "$(ls -A "$work")" ]
finish
