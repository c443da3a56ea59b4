#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# snmp_extend_limits.sh - check_snmp_extend where snmpd's own answer misleads (issue 19 items
# 8, 9), over v2c and v3 against the stack's snmpd, which is the referee: snmpget shows that
# ppx_big's full output (about 76 KB) does not come (v2c: no answer, v3: tooBig), yet the
# plugin gives the same state and output as running the script directly; snmpget shows
# ppx_killed (SIGKILL after a CRITICAL line) as exit status 0, ppx_missing (no such file) as
# 1 with no output, ppx_sh127 as 127, and the plugin says UNKNOWN (--error-state) and why.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/snmp.bash"
V2=(-C "$PP_SNMP_COMMUNITY")
V3=(-u "$PP_SNMP_V3_USER" -l authPriv -a "$PP_SNMP_V3_AUTH_PROTO" -A "$PP_SNMP_V3_AUTH_PASSWORD"
    -x "$PP_SNMP_V3_PRIV_PROTO" -X "$PP_SNMP_V3_PRIV_PASSWORD")
SNMP_V2=(-v2c -c "$PP_SNMP_COMMUNITY")
SNMP_V3=(-v3 -l authPriv -u "$PP_SNMP_V3_USER" -a SHA -A "$PP_SNMP_V3_AUTH_PASSWORD" -x AES
    -X "$PP_SNMP_V3_PRIV_PASSWORD")

# oid BRANCH NAME: nsExtendOutput1Table column BRANCH (2 full output, 4 result) of NAME.
oid() {
    local o=.1.3.6.1.4.1.8072.1.3.2.3.1.$1.${#2} i
    for ((i = 0; i < ${#2}; i++)); do o+=.$(printf '%d' "'${2:i:1}"); done
    printf '%s\n' "$o"
}
# agent SNMP_V2|SNMP_V3 OID...: what snmpd itself answers (values only).
agent() {
    declare -n version=$1
    shift
    snmpget "${version[@]}" -t 1 -r 0 -Oqv "127.0.0.1:$PP_SNMP_PORT" "$@" 2>&1
}

run agent SNMP_V2 "$(oid 2 ppx_big)"
check "snmpd (v2c) cannot send ppx_big's full output" out_has "Timeout: No Response"
run agent SNMP_V3 "$(oid 2 ppx_big)"
check "snmpd (v3) answers tooBig for ppx_big's full output" out_has "tooBig"
# v2c: the read of the full output gets no answer, and waits half of what -t leaves.
for v in V2 V3; do
    declare -n creds=$v
    same_as_direct "$v ppx_big: the state and every byte of the output, line by line" \
        "$SCRIPTS/ppx_big.sh" "$P" "${AGENT[@]}" "${creds[@]}" -n ppx_big -t 3
    check "$v ppx_big within -t" within_t 3
done
run "$P" "${AGENT[@]}" "${V3[@]}" -n ppx_big --format json
check "ppx_big json: CRITICAL, both perfdata parts, and why it came line by line" \
    all_of "rc_is 2" 'out_has "\"label\":\"x\",\"value\":9"' \
    'out_has "\"label\":\"lines\",\"value\":1001"' \
    'out_has "its output of 1002 lines is too large for one SNMP message (the agent answered tooBig), so it was read line by line"'

run agent SNMP_V2 "$(oid 4 ppx_killed)"
check "snmpd reports ppx_killed (SIGKILL) as exit status 0" out_is 0
run agent SNMP_V2 "$(oid 4 ppx_missing)" "$(oid 2 ppx_missing)"
check "snmpd reports ppx_missing as 1 with no output" out_is '1
""'
run agent SNMP_V2 "$(oid 4 ppx_sh127)"
check "snmpd reports ppx_sh127 as 127" out_is 127
for v in V2 V3; do
    declare -n creds=$v
    run "$P" "${AGENT[@]}" "${creds[@]}" -n ppx_killed
    check "$v killed by a signal: UNKNOWN, not OK, perfdata kept" all_of "rc_is 3" stderr_empty \
        'out_is "EXTEND UNKNOWN - extend '"'ppx_killed'"' exited with 0 (OK), but its output says CRITICAL (snmpd reports a command killed by a signal as 0): TEST CRITICAL - about to be killed | x=9"'
    run "$P" "${AGENT[@]}" "${creds[@]}" -n ppx_missing
    check "$v missing command: UNKNOWN, not WARNING, and named" all_of "rc_is 3" \
        'out_has "EXTEND UNKNOWN - extend '"'ppx_missing'"' printed nothing and exited with 1: snmpd reports this for a command it cannot run (missing or not executable)"'
    run "$P" "${AGENT[@]}" "${creds[@]}" -n ppx_sh127
    check "$v exit 127: command not found" all_of "rc_is 3" \
        'out_has "exited with 127: the shell that ran it found no such command: "'
done
run "$P" "${AGENT[@]}" "${V2[@]}" -n ppx_killed --error-state critical
check "--error-state applies to a result snmpd misreports" rc_is 2
run "$P" "${AGENT[@]}" "${V3[@]}" --all ppx_ -t 8
check "--all: ppx_big's CRITICAL comes through, the others are UNKNOWN" all_of "rc_is 2" \
    'out_has "4 extends: 1 critical, 0 warning, 3 unknown, 0 ok"' \
    'out_has "[CRITICAL] ppx_big: TEST CRITICAL - big output"' \
    'out_has "[UNKNOWN] ppx_killed: exited with 0 (OK), but its output says CRITICAL"'
finish
