#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# verify_lmdb.sh - the stack's verify(8) switched to an LMDB cache (what Postfix 3.11 makes
# the default), filled by real probes, read by check_postfix_verify and verify-dump. LMDB
# writers lock per update, so the reader gets its shared lock. address_verify_map is restored
# and Postfix reloaded at the end.
set -euo pipefail
# shellcheck source=lib/verify.bash
. "$(dirname "$0")/lib/verify.bash"
CACHE=$PP_POSTFIX_DATA_DIR/pp_test_verify_lmdb

SAVED=$(postconf -c "$CONF" -n address_verify_map)
restore() {
    if [ -n "$SAVED" ]; then
        postconf -c "$CONF" -e "$SAVED"
    else
        postconf -c "$CONF" -X address_verify_map
    fi
    postfix -c "$CONF" reload 2>/dev/null || true
    rm -f "$CACHE.lmdb" "$CACHE.lmdb-lock"
}
trap restore EXIT
postconf -c "$CONF" -e "address_verify_map = lmdb:$CACHE"
postfix -c "$CONF" reload 2>/dev/null

GOOD=alice@$PP_RELAY_DOMAIN
BAD=lmdb-nobody-$$@$PP_RELAY_DOMAIN
probe "$GOOD" "$BAD"
wait_verified "lmdb:$CACHE" "$GOOD" "$BAD"

run "$PLUGIN" -C "$CONF" -v
check "the lmdb cache written by verify(8)" all_of "rc_is 0" \
    '[[ $OUT == "POSTFIX_VERIFY OK - 2 entries (1 deliverable, 0 deferred, 1 undeliverable, 0 in progress), newest result "* ]]' \
    'out_has "entries=2;;;0 deliverable=1;;;0 deferred=0;;;0 undeliverable=1;;;0"' \
    "out_has \"undeliverable $BAD: host 127.0.0.1[127.0.0.1] said: 550 5.1.1\"" \
    '! out_has "without the shared lock"'
run "$DUMP" -C "$CONF" --no-header --status deliverable
check "verify-dump reads it too" all_of "rc_is 0" \
    "grep -qP \"^[0-9-]+ [0-9:]+\\tdeliverable\\t$GOOD\\t-\\t250 2.1.5 Ok\$\" <<<\"\$OUT\""

finish
