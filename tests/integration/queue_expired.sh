#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# queue_expired.sh - force-expired messages (postsuper -e, mode 0710) as Postfix sees them:
# three held messages of this run, two expired with postsuper -e; then check_postfix_queue
# (reading the files and through postqueue -j), pfqueue (both sources) and postqueue -j
# agree on the held and the force-expired counts, and pfqueue acts on them (--expired).
set -euo pipefail
# shellcheck source=lib/pfqueue.bash
. "$(dirname "$0")/lib/pfqueue.bash"

T=$TOKEN
P=$PP_BUILD_DIR/plugins/check_postfix_queue
inject "a@x.$T.example" "e1-$T@hold.test" "$T one"
inject "b@x.$T.example" "e2-$T@hold.test" "$T two"
inject "c@x.$T.example" "e3-$T@hold.test" "$T three"
settle hold 3
ids_where '.recipients[0].address | test("^e[12]-")' | postsuper -c "$CONF" -e - 2>/dev/null

held() { postqueue -c "$CONF" -j | jq -s "map(select(.queue_name == \"hold\" $1)) | length"; }
HELD=$(held "") EXPIRED=$(held "and .forced_expire")
# No pipe from $OUT: head leaving early would kill printf with SIGPIPE under pipefail.
perf() {
    local first=${OUT%%$'\n'*} re="[ |]$1=([0-9]*)"
    [[ $first =~ $re ]] && printf '%s\n' "${BASH_REMATCH[1]}" || echo
}
check "setup: postqueue -j sees two of this run's held messages force-expired" \
    test "$(ids_where '.forced_expire' | wc -l)" = 2

for src in direct showq; do
    run "$P" -C "$CONF" --hold=, --source=$src hold
    check "check_postfix_queue --source=$src: hold as postqueue -j counts it" \
        all_of "rc_is 0" '[ "$(perf hold)" = "$HELD" ]' '[ "$(perf hold_expired)" = "$EXPIRED" ]'
done
for src in "" --postqueue; do
    run "$PFQ" -C "$CONF" --from "x\.$T\." --no-header $src
    check "pfqueue ${src:-(files)}: all three listed, two flagged expired" \
        all_of "rc_is 0" '[ "$(printf "%s\n" "$OUT" | wc -l)" = 3 ]' \
        '[ "$(printf "%s\n" "$OUT" | cut -f12 | grep -c expired)" = 2 ]'
done
run "$PFQ" -C "$CONF" --from "x\.$T\." --expired --release --yes
check "pfqueue --expired --release: postsuper releases the two" \
    all_of "rc_is 0" '[[ $ERR == *"postsuper: Released from hold: 2 messages"* ]]'
finish
