# SPDX-License-Identifier: GPL-3.0-or-later
# hostile.bash - misbehaving loopback servers for the hostile_*.sh tests (sourced; sources
# common.bash).
#
#   T                          2: the -t the tests give the plugins, expect_state's default
#   hostile_up PROTO MODE      starts tests/hostile/hostile_server PROTO MODE on a free
#                              loopback port, sets $HPORT, waits until it listens
#   hostile_down               stops it (and its connection children)
#   expect_state NAME RC SERVICE TEXT [T]
#                              checks the last run (lib/expect.bash): exit code RC, a first
#                              line "SERVICE STATE - ..." holding TEXT, nothing on stderr,
#                              no "(null)", and an end within T (default $T) + 1 seconds
# Every server is stopped when the script exits.
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
T=2
HOSTILE_SERVER=$PP_BUILD_DIR/tests/hostile/hostile_server
HPID=
HPORT=
HREADY=$(mktemp -u /tmp/pp-hostile.XXXXXX)
trap 'hostile_down' EXIT

hostile_up() {
    local p=$((PP_SMTP_PORT + 700))
    while [ -n "$(ss -Hlnt "sport = :$p" 2>/dev/null)$(ss -Hlnu "sport = :$p" 2>/dev/null)" ]; do
        p=$((p + 1))
    done
    HPORT=$p
    rm -f "$HREADY"
    "$HOSTILE_SERVER" -r "$HREADY" -l 300 "$1" "$2" "$HPORT" &
    HPID=$!
    local i
    for i in $(seq 50); do
        [ -e "$HREADY" ] && return 0
        sleep 0.1
    done
    echo "hostile_server $1 $2 did not start" >&2
    return 1
}

hostile_down() {
    if [ -n "$HPID" ]; then
        kill "$HPID" 2>/dev/null || true
        wait "$HPID" 2>/dev/null || true
    fi
    HPID=
    rm -f "$HREADY"
}

state_name() {
    case $1 in 0) echo OK ;; 1) echo WARNING ;; 2) echo CRITICAL ;; *) echo UNKNOWN ;; esac
}

# has_text LINE TEXT: LINE contains TEXT, where {s} in TEXT stands for a measured number of
# seconds (a message may say how long the plugin waited; a test asserts bounds, not digits).
has_text() {
    local re
    re=$(printf '%s' "$2" | sed 's/[][\.*^$(){}+?|/]/\\&/g; s/\\{s\\}/[0-9]+(\\.[0-9]+)?/g')
    [[ $1 =~ $re ]]
}

expect_state() {
    local name=$1 rc=$2 service=$3 text=$4 t=${5:-$T}
    local first=${OUT%%$'\n'*}
    check "$name" all_of "rc_is $rc" stderr_empty "within_t $t" \
        "[[ \$first == '$service $(state_name "$rc") - '* ]]" \
        "has_text \"\$first\" \"\$text\"" "[[ \$OUT != *'(null)'* ]]"
}
