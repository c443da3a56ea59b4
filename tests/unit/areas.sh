#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# areas.sh - keeps common/'s plan true: every module sits in an area folder with a README
# whose "Uses:" line names the areas it may include; no file includes an area it does not
# name, the declared uses have no cycle, and every quoted include of a common/ header says
# its area ("queue/queue_scan.h"), in common/, plugins/, contrib/ and tests/.
#
# Usage: areas.sh [TREE]   (the source tree; default: this checkout). Exit 1 with one line
# per violation.
#        areas.sh --self-test   breaks a copy of the tree three ways (an include against the
# plan, a cycle of Uses:, a bare include in a plugin) and fails unless each is caught.
set -u
me=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
if [ "${1:-}" = --self-test ]; then
    src=$(cd "$(dirname "$0")/../.." && pwd)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    ok=0
    try() { # try WHAT EDIT...: a fresh copy, the edit, then the check must fail
        local what=$1
        shift
        rm -rf "$tmp/t" && mkdir -p "$tmp/t" && cp -r "$src/common" "$src/plugins" "$tmp/t/"
        (cd "$tmp/t" && eval "$@")
        if bash "$me" "$tmp/t" >"$tmp/out"; then
            echo "areas self-test: not caught: $what"
            ok=1
        else
            echo "areas self-test: caught $what: $(head -1 "$tmp/out")"
        fi
    }
    try "core including mail" 'echo "#include \"mail/mailconn.h\"" >> common/core/buf.c'
    try "a cycle" 'sed -i "s/^Uses:.*/Uses: core, relay/" common/dns/README.md'
    try "a bare include" 'echo "#include \"buf.h\"" >> plugins/check_postfix_queue.c'
    exit $ok
fi
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top/common" || { echo "areas: no common/ in $top"; exit 1; }
bad=0
fail() { echo "areas: $*"; bad=1; }

declare -A uses
for d in */; do
    a=${d%/}
    if [ ! -f "$a/README.md" ]; then
        fail "common/$a has no README.md"
        continue
    fi
    line=$(grep -m1 '^Uses:' "$a/README.md") || { fail "common/$a/README.md has no 'Uses:' line"; continue; }
    line=${line#Uses:}
    line=${line//,/ }
    uses[$a]=" ${line/nothing*/} "
done
for f in *; do
    [ -f "$f" ] && [ "$f" != CMakeLists.txt ] && fail "common/$f is in no area folder"
done

# Includes inside common/: own area, or one the README names.
for a in "${!uses[@]}"; do
    for f in "$a"/*.[ch] "$a"/*.h.in; do
        [ -f "$f" ] || continue
        while IFS= read -r inc; do
            to=${inc%%/*}
            [ "$to" = "$inc" ] && { fail "common/$f: #include \"$inc\" names no area"; continue; }
            [ -d "$to" ] || { fail "common/$f: #include \"$inc\": no area $to"; continue; }
            [ "$to" = "$a" ] && continue
            case ${uses[$a]} in
            *" $to "*) ;;
            *) fail "common/$f includes $inc, but common/$a/README.md does not name $to in Uses:" ;;
            esac
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
    done
done

# The declared uses form no cycle (an area uses only areas below it).
declare -A state
visit() { # visit AREA PATH
    local a=$1 u
    [ "${state[$a]:-}" = done ] && return
    if [ "${state[$a]:-}" = open ]; then fail "a cycle of Uses: $2 $a"; return; fi
    state[$a]=open
    for u in ${uses[$a]:-}; do
        [ -n "${uses[$u]+x}" ] || { fail "common/$a/README.md uses $u, which is no area"; continue; }
        visit "$u" "$2 $a ->"
    done
    state[$a]=done
}
for a in "${!uses[@]}"; do visit "$a" ""; done

# Outside common/: a quoted include is a local header of that folder or an area path.
headers=$(cd "$top/common" && ls */*.h | sed 's|.*/||' | sort -u)
cd "$top"
while IFS= read -r f; do
    while IFS= read -r inc; do
        [ -f "$(dirname "$f")/$inc" ] && continue
        case $inc in */*) [ -f "common/$inc" ] && continue ;; esac
        [ "$inc" = core/pp_version.h ] && continue
        if grep -qx "${inc##*/}" <<<"$headers"; then
            fail "$f: #include \"$inc\" (write the area: $(cd common && ls */"${inc##*/}"))"
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find plugins contrib tests -name '*.[ch]' 2>/dev/null)

[ $bad -eq 0 ] && echo "areas: $(ls -d common/*/ | wc -l) areas, every include within its plan"
exit $bad
