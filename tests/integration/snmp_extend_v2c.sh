#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# snmp_extend_v2c.sh - check_snmp_extend over SNMPv2c against the stack's snmpd: the same
# state, output and perfdata as running each extend's script directly; --all; the community
# from the environment and from an authfile; an unknown extend; a closed port answered within
# -t; the --unreachable-state and --error-state choices; nothing on stderr (no MIB noise).
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/snmp.bash"

for x in ok warn crit; do
    same_as_direct "v2c pp_$x same as direct" "$SCRIPTS/pp_$x.sh" \
        "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY" -n "pp_$x"
done

run "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY" --all pp_ -v
check "--all: worst state, each extend in the long output" all_of "rc_is 2" stderr_empty \
    'out_is "EXTEND CRITICAL - pp_crit: TEST CRITICAL - broken, 3 extends: 1 critical, 1 warning, 0 unknown, 1 ok | pp_ok::x=1 pp_crit::x=9 pp_warn::x=5
[OK] pp_ok: TEST OK - fine
[CRITICAL] pp_crit: TEST CRITICAL - broken
    second line of output
[WARNING] pp_warn: TEST WARNING - degraded"'
run "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY" --all pp_w
check "--all with a narrower prefix" all_of "rc_is 1" \
    'out_is "EXTEND WARNING - pp_warn: TEST WARNING - degraded, 1 extends: 0 critical, 1 warning, 0 unknown, 0 ok | pp_warn::x=5
[WARNING] pp_warn: TEST WARNING - degraded"'
run "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY" --all nomatch_
check "--all with no match is UNKNOWN" all_of "rc_is 3" \
    'out_is "EXTEND UNKNOWN - no extend whose name starts with '"'"'nomatch_'"'"'"'

run "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY" -n pp_crit --format json
check "json rendering keeps state, text and perfdata" all_of "rc_is 2" \
    'out_has "\"state\":\"CRITICAL\""' 'out_has "\"text\":\"TEST CRITICAL - broken\""' \
    'out_has "\"label\":\"x\",\"value\":9"'

run env POSTPROBE_SNMP_COMMUNITY="$PP_SNMP_COMMUNITY" "$P" "${AGENT[@]}" -n pp_ok
check "community from POSTPROBE_SNMP_COMMUNITY" all_of "rc_is 0" 'out_is "TEST OK - fine | x=1"'
AUTH=$(mktemp)
trap 'rm -f "$AUTH"' EXIT
printf 'password = %s\n' "$PP_SNMP_COMMUNITY" >"$AUTH"
chmod 600 "$AUTH"
run "$P" "${AGENT[@]}" --authfile "$AUTH" -n pp_warn
check "community from --authfile" all_of "rc_is 1" 'out_is "TEST WARNING - degraded | x=5"'

run "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY" -n no_such_extend
check "unknown extend is UNKNOWN" all_of "rc_is 3" stderr_empty \
    'out_is "EXTEND UNKNOWN - udp:127.0.0.1:$PP_SNMP_PORT has no extend named '"'"'no_such_extend'"'"' (or this user may not read it)"'
run "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY" -n no_such_extend --error-state warning
check "--error-state applies to an unknown extend" rc_is 1

# A port where nothing listens: the plugin must still answer itself, inside -t.
CLOSED=$(closed_udp_port)
run "$P" -H 127.0.0.1 -p "$CLOSED" -C "$PP_SNMP_COMMUNITY" -n pp_ok -t 2
check "closed port: UNKNOWN within -t" all_of "rc_is 3" "within_t 2" stderr_empty \
    'out_has "EXTEND UNKNOWN - no answer from udp:127.0.0.1:$CLOSED within"'
run "$P" -H 127.0.0.1 -p "$CLOSED" -C "$PP_SNMP_COMMUNITY" -n pp_ok -t 1 --unreachable-state critical
check "--unreachable-state critical" all_of "rc_is 2" "within_t 1" \
    'out_has "EXTEND CRITICAL - no answer"'
run "$P" "${AGENT[@]}" -C wrong-community -n pp_ok -t 1
check "wrong community: no answer, within -t" all_of "rc_is 3" "within_t 1" \
    'out_has "community not accepted"'

run "$P" "${AGENT[@]}" -C "$PP_SNMP_COMMUNITY"
check "neither -n nor --all" all_of "rc_is 3" \
    'out_is "EXTEND UNKNOWN - give either -n EXTEND or --all PREFIX (see --help)"'
run "$P" "${AGENT[@]}" -n pp_ok
check "no community" all_of "rc_is 3" 'out_has "no community"'
finish
