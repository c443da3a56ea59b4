#!/usr/bin/env bash
# spdx.sh - every source file carries its licence: an "SPDX-License-Identifier: GPL-3.0-or-later"
# line near its top (C and headers, shell, bash and Python scripts, CMake files, debian/rules). Exit 1
# naming each file without one.
#
# Usage: spdx.sh [TREE]        the files git tracks there (default: this checkout)
#        spdx.sh --files F...  just these files (the test of the test gives it one without)
set -u
if [ "${1:-}" = --files ]; then
    shift
    files=("$@")
else
    top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
    cd "$top" || exit 1
    mapfile -t files < <(git ls-files | grep -E '\.(c|h|h\.in|sh|bash|cmake|py)$|(^|/)CMakeLists\.txt$|^debian/rules$|^\.ci/run$' |
        grep -vE '^tests/(fuzz/corpus|unit/data)/')
fi
bad=0
for f in "${files[@]}"; do
    head -c 400 "$f" | grep -q 'SPDX-License-Identifier: GPL-3.0-or-later' ||
        { echo "spdx: $f has no SPDX-License-Identifier line"; bad=1; }
done
[ $bad -eq 0 ] && echo "spdx: ${#files[@]} files, each with its licence line"
exit $bad
