#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# snmp_extend_v3.sh - check_snmp_extend over SNMPv3 (USM, SHA/AES authPriv) against the
# stack's snmpd: the same state, output and perfdata as running the scripts directly, with
# the credentials on the command line (then hidden from ps), in an authfile or in the
# environment; a wrong authentication password fails at once, a wrong privacy password gets
# no answer (within -t); an unknown user and a level the agent refuses are UNKNOWN.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/snmp.bash"
V3=(-u "$PP_SNMP_V3_USER" -l authPriv -a "$PP_SNMP_V3_AUTH_PROTO" -A "$PP_SNMP_V3_AUTH_PASSWORD"
    -x "$PP_SNMP_V3_PRIV_PROTO" -X "$PP_SNMP_V3_PRIV_PASSWORD")

for x in ok warn crit; do
    same_as_direct "v3 authPriv pp_$x same as direct" "$SCRIPTS/pp_$x.sh" \
        "$P" "${AGENT[@]}" "${V3[@]}" -n "pp_$x"
done

AUTH=$(mktemp)
trap 'rm -f "$AUTH"' EXIT
printf 'user = %s\npassword = %s\npriv_password = %s\n' "$PP_SNMP_V3_USER" \
    "$PP_SNMP_V3_AUTH_PASSWORD" "$PP_SNMP_V3_PRIV_PASSWORD" >"$AUTH"
chmod 600 "$AUTH"
same_as_direct "v3 credentials from --authfile" "$SCRIPTS/pp_crit.sh" \
    "$P" "${AGENT[@]}" --authfile "$AUTH" -n pp_crit
same_as_direct "v3 credentials from the environment" "$SCRIPTS/pp_warn.sh" \
    env POSTPROBE_SNMP_USER="$PP_SNMP_V3_USER" \
    POSTPROBE_SNMP_AUTH_PASSWORD="$PP_SNMP_V3_AUTH_PASSWORD" \
    POSTPROBE_SNMP_PRIV_PASSWORD="$PP_SNMP_V3_PRIV_PASSWORD" "$P" "${AGENT[@]}" -n pp_warn
run "$P" "${AGENT[@]}" --authfile "$AUTH" --all pp_
check "v3 --all" all_of "rc_is 2" 'out_has "3 extends: 1 critical, 1 warning, 0 unknown, 1 ok"'
chmod 644 "$AUTH"
run "$P" "${AGENT[@]}" --authfile "$AUTH" -n pp_ok
check "an authfile others may read is refused" all_of "rc_is 3" 'out_has "has mode 644"'

run "$P" "${AGENT[@]}" -u "$PP_SNMP_V3_USER" -A wrong-auth-password -X "$PP_SNMP_V3_PRIV_PASSWORD" \
    -n pp_ok -t 10
check "wrong auth password: UNKNOWN at once" all_of "rc_is 3" "at_once_of 10" stderr_empty \
    'out_is "EXTEND UNKNOWN - udp:127.0.0.1:$PP_SNMP_PORT: Authentication failure (incorrect password, community or key)"'
run "$P" "${AGENT[@]}" -u "$PP_SNMP_V3_USER" -A wrong-auth-password -X "$PP_SNMP_V3_PRIV_PASSWORD" \
    -n pp_ok --error-state critical
check "wrong auth password with --error-state critical" rc_is 2
run "$P" "${AGENT[@]}" -u "$PP_SNMP_V3_USER" -A "$PP_SNMP_V3_AUTH_PASSWORD" \
    -X wrong-priv-password -n pp_ok -t 2
check "wrong priv password: no answer, UNKNOWN within -t" all_of "rc_is 3" "within_t 2" \
    'out_has "EXTEND UNKNOWN - no answer from udp:127.0.0.1:$PP_SNMP_PORT within"' \
    'out_has "wrong privacy password"'
run "$P" "${AGENT[@]}" -u nosuchuser -A "$PP_SNMP_V3_AUTH_PASSWORD" -n pp_ok
check "unknown user" all_of "rc_is 3" 'out_has ": Unknown user name"'
run "$P" "${AGENT[@]}" -u "$PP_SNMP_V3_USER" -A "$PP_SNMP_V3_AUTH_PASSWORD" -n pp_ok
check "authNoPriv where the agent requires authPriv" all_of "rc_is 3" \
    'out_has "answered: authorizationError"'
run "$P" "${AGENT[@]}" -u "$PP_SNMP_V3_USER" -A short -n pp_ok
check "short password refused before sending" all_of "rc_is 3" 'out_has "at least 8 characters"'
run "$P" "${AGENT[@]}" "${V3[@]}" -a SHA-999 -n pp_ok
check "unknown auth protocol" all_of "rc_is 3" 'out_has "unknown authentication protocol"'

# Passwords given with -A/-X are blanked in the process's arguments while it runs.
CLOSED=$(closed_udp_port)
"$P" -H 127.0.0.1 -p "$CLOSED" "${V3[@]}" -n pp_ok -t 3 >/dev/null &
pid=$!
sleep 0.5
args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
wait $pid || true
scrubbed() { [[ $args != *"$PP_SNMP_V3_AUTH_PASSWORD"* && $args != *"$PP_SNMP_V3_PRIV_PASSWORD"* && $args == *" -A xxxx"* ]]; }
OUT=$args
check "passwords scrubbed from the command line" scrubbed
finish
