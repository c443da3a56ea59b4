#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# verify_cache.sh - check_postfix_verify and verify-dump on the stack's real verify(8) cache
# (btree), filled by probing a deliverable, an undeliverable and a deferred recipient of the
# relay domain through the sink: figures, thresholds, -v failures, the lock verify(8) holds,
# and verify-dump's filters, sorting and formats.
set -euo pipefail
# shellcheck source=lib/verify.bash
. "$(dirname "$0")/lib/verify.bash"
MAP=btree:$PP_POSTFIX_DATA_DIR/verify_cache

GOOD=exists@$PP_RELAY_DOMAIN
BAD=nobody-$$-$RANDOM@$PP_RELAY_DOMAIN
DEFER=$PP_SINK_TEMPFAIL
probe "$GOOD" "$BAD" "$DEFER"
wait_verified "$MAP" "$GOOD" "$BAD" "$DEFER"

perf() { grep -m1 -oP "(?<= $1=)[0-9.]+" <<<"${OUT%%$'\n'*}"; }
at_least() { [ "$(perf "$1")" -ge "$2" ]; }

# ---- the plugin ----
run "$PLUGIN" -C "$CONF" -t 10
check "OK on the live cache" all_of "rc_is 0" \
    '[[ $OUT == "POSTFIX_VERIFY OK - "*" entries ("*" deliverable, "*" deferred, "*" undeliverable, "*" in progress), newest result "*" ago | entries="* ]]'
check "counts of each status" all_of "at_least deliverable 1" "at_least undeliverable 1" \
    "at_least deferred 1" "at_least entries 3"
check "perfdata of every figure" all_of 'out_has "undeliverable_share="' 'out_has "%;;;0;100"' \
    'out_has " outstanding="' 'out_has " lost_probes="' 'out_has " expired="' \
    'out_has " newest_age="' 'out_has " cleanup_age="' 'out_has ";129600"'
check "verify(8) holds the lock: read without it, and without waiting" all_of \
    'out_has "$MAP read without the shared lock, held by pid "' 'out_has "(verify)"' \
    "at_once_of 10"
check "newest result is recent" all_of '[ "$(perf newest_age)" -lt 60 ]'

run "$PLUGIN" -C "$CONF" -v --failures 50
check "-v lists the recent failures with their text" all_of "rc_is 0" \
    "out_has \"undeliverable $BAD: host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <$BAD>: Recipient address rejected: User unknown (postprobe sink)\"" \
    "out_has \"deferred $DEFER: host 127.0.0.1[127.0.0.1] said: 450 4.2.0\""

run "$PLUGIN" -C "$CONF" -w 0
check "-w on the undeliverable share" all_of "rc_is 1" \
    '[[ $OUT == "POSTFIX_VERIFY WARNING - "*" undeliverable ("*"% of "*" with a result)"* ]]' \
    'out_has "undeliverable_share="' 'grep -qP "undeliverable_share=[0-9.]+%;0;;0;100" <<<"$OUT"'
run "$PLUGIN" -C "$CONF" --undeliverable-count 0,0
check "--undeliverable-count" all_of "rc_is 2" 'out_has "POSTFIX_VERIFY CRITICAL - "'
run "$PLUGIN" -C "$CONF" --update-age 60,120 --entries 1:,
check "--update-age and --entries within range" all_of "rc_is 0"
run "$PLUGIN" -C "$CONF" --entries 1000000:,
check "--entries below range" all_of "rc_is 1" 'out_has "POSTFIX_VERIFY WARNING - "'
run "$PLUGIN" -C "$CONF" --format json
check "json output" all_of "rc_is 0" 'python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d[\"state\"]==\"OK\"" "$OUT"'

# ---- while verify(8) writes: every read succeeds ----
(for i in $(seq 1 8); do probe "busy-$$-$i@$PP_RELAY_DOMAIN"; done) &
PROBER=$!
runs=0 bad=0
while kill -0 "$PROBER" 2>/dev/null; do
    rc=0
    "$PLUGIN" -C "$CONF" >/dev/null || rc=$?
    runs=$((runs + 1))
    [ "$rc" -eq 0 ] || bad=$((bad + 1))
done
wait "$PROBER" || true
check "read while verify(8) writes ($runs runs)" all_of '[ "$runs" -gt 5 ]' '[ "$bad" -eq 0 ]'

# ---- verify-dump ----
run "$DUMP" -C "$CONF" --no-header --address "^nobody-$$-"
check "dump: one line for the undeliverable address" all_of "rc_is 0" \
    '[ "$(wc -l <<<"$OUT")" -eq 1 ]' \
    "awk -F'\\t' -v a=\"$BAD\" 'NF==5 && \$2==\"undeliverable\" && \$3==a && \$4==\"-\" && \$5 ~ /550 5\\.1\\.1/ && \$1 ~ /^[0-9-]+ [0-9:]+\$/' <<<\"\$OUT\" | grep -q ."
run "$DUMP" -C "$CONF"
check "dump: a header line, then every entry" all_of "rc_is 0" \
    '[ "$(head -n 1 <<<"$OUT")" = "#updated	status	address	probed	text" ]' \
    "grep -qF \"$GOOD\" <<<\"\$OUT\"" "grep -qF \"$DEFER\" <<<\"\$OUT\""
run "$DUMP" -C "$CONF" --status deliverable --format json
check "dump: json, one object a line, status filter" all_of "rc_is 0" \
    'python3 -c "
import json, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
assert rows and all(r[\"status\"] == \"deliverable\" and r[\"status_code\"] == 0 for r in rows)
assert any(r[\"address\"] == sys.argv[2] for r in rows)
" "$OUT" "$GOOD"'
run "$DUMP" -C "$CONF" --text 'temporarily unavailable' --no-header
check "dump: --text" all_of "rc_is 0" "grep -qF \"$DEFER\" <<<\"\$OUT\"" \
    "! grep -qF \"$GOOD\" <<<\"\$OUT\""
run "$DUMP" -C "$CONF" --sort --no-header --format json
check "dump: --sort oldest first" all_of "rc_is 0" \
    'python3 -c "
import json, sys
t = [json.loads(l)[\"updated\"] for l in sys.argv[1].splitlines()]
assert len(t) >= 3 and t == sorted(t)
" "$OUT"'
run "$DUMP" -C "$CONF" --reverse --no-header --format json
check "dump: --reverse newest first" all_of 'python3 -c "
import json, sys
t = [json.loads(l)[\"updated\"] for l in sys.argv[1].splitlines()]
assert len(t) >= 3 and t == sorted(t, reverse=True)
" "$OUT"'
run "$DUMP" -C "$CONF" --status failed --no-header
check "dump: --status failed is deferred and undeliverable" all_of "rc_is 0" \
    "grep -qF \"$BAD\" <<<\"\$OUT\"" "grep -qF \"$DEFER\" <<<\"\$OUT\"" \
    "! grep -qP '\\tdeliverable\\t' <<<\"\$OUT\""
run "$DUMP" -C "$CONF" --address '(' 
check "dump: a bad regular expression" all_of "rc_is 3" \
    'out_is "VERIFY-DUMP UNKNOWN - --address: bad regular expression at offset 1: missing closing parenthesis"'

finish
