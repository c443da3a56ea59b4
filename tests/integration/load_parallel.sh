#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# load_parallel.sh - 200 plugin runs started at once against the stack, as a busy Nagios
# starts them: logins over SMTP submission, IMAPS and POP3, TLS certificates, relay MX
# checks, SNMP extends, queue, verify cache and map checks, end-to-end probes. Each kind is
# first run alone; under load every run must end with the state it had alone, and
# afterwards no process started by the runs (found by a marker in their environment) may be
# left, nor a TCP connection to the stack's ports other than TIME-WAIT.
set -euo pipefail
. "$(dirname "$0")/lib/common.bash"

P=$PP_BUILD_DIR/plugins
CONF=$PP_POSTFIX_CONFIG_DIR
out=$(mktemp -d)
since=$(date +%s)
trap 'box_expunge "$PP_ALICE_USER" savedsince "$since" || true; rm -rf "$out"' EXIT
sleep 1
marker=PP_LOAD_RUN=$$.$RANDOM

AUTH=(--authfile "$PP_ALICE_AUTHFILE" --cafile "$PP_CA_CERT")
BOB=(--authfile "$PP_BOB_AUTHFILE" --cafile "$PP_CA_CERT")
# kind: how many runs, then the command (-t 60: the load may slow a run, not fail it; @N@
# numbers the runs). Dovecot allows 10 IMAP sessions per user and address
# (mail_max_userip_connections): the IMAP logins are bob's, the end-to-end probes alice's,
# each with its own tag, as separate Nagios services would have.
KINDS=(
    "45|$P/check_smtp_login -t 60 -H 127.0.0.1 -p $PP_SUBMISSION_PORT -S ${AUTH[*]}"
    "10|$P/check_imap_login -t 60 -H 127.0.0.1 -p $PP_IMAPS_PORT -s ${BOB[*]}"
    "30|$P/check_pop3_login -t 60 -H 127.0.0.1 -p $PP_POP3_PORT -S ${AUTH[*]}"
    "30|$P/check_tls_cert -t 60 -H 127.0.0.1 -p $PP_SMTPS_PORT --cafile $PP_CA_CERT"
    "25|$P/check_relay_mx -t 60 -s 127.0.0.1:$PP_DNS_PORT -D good.postprobe.test -D implicit.postprobe.test --no-audit"
    "20|$P/check_snmp_extend -t 60 -H 127.0.0.1 -p $PP_SNMP_PORT -C $PP_SNMP_COMMUNITY -n pp_warn"
    "15|$P/check_postfix_queue -t 60 -C $CONF"
    "10|$P/check_postfix_maps -t 60 -C $CONF"
    "10|$P/check_postfix_queue -t 60 -C $CONF --source showq"
    "5|$P/check_mail_roundtrip -t 60 -H 127.0.0.1 -p $PP_SUBMISSION_PORT -S ${AUTH[*]} --imap-port $PP_IMAPS_PORT --imap-ssl --from $PP_ALICE_USER --to $PP_ALICE_USER --tag load@N@"
)

alone=()
for k in "${!KINDS[@]}"; do
    cmd=${KINDS[$k]#*|}
    rc=0
    # shellcheck disable=SC2086
    ${cmd//@N@/0} >/dev/null 2>&1 || rc=$?
    alone[$k]=$rc
done

# Connections to the stack already open (a previous test's, closing): not ours.
ports="$PP_SUBMISSION_PORT|$PP_IMAPS_PORT|$PP_POP3_PORT|$PP_SMTPS_PORT|$PP_SMTP_PORT|$PP_IMAP_PORT"
open_conns() {
    ss -Htan | awk -v p=":($ports)\$" '$1 != "LISTEN" && $1 != "TIME-WAIT" && ($4 ~ p || $5 ~ p) {print $4, $5}' | sort
}
conns_before=$(open_conns)

t0=$(date +%s.%N)
n=0
for k in "${!KINDS[@]}"; do
    count=${KINDS[$k]%%|*} cmd=${KINDS[$k]#*|}
    for i in $(seq "$count"); do
        # shellcheck disable=SC2086
        (
            rc=0
            env "$marker" ${cmd//@N@/$i} >"$out/$k.$i.out" 2>"$out/$k.$i.err" || rc=$?
            echo $rc >"$out/$k.$i.rc"
        ) &
        n=$((n + 1))
    done
done
wait
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "load_parallel: $n runs at once took $secs s"
check "200 runs started" [ "$n" -eq 200 ]

for k in "${!KINDS[@]}"; do
    count=${KINDS[$k]%%|*} cmd=${KINDS[$k]#*|}
    name=${cmd%% *}
    name=${name##*/}
    bad=0 first=
    for i in $(seq "$count"); do
        if [ "$(cat "$out/$k.$i.rc")" != "${alone[$k]}" ] || [ -s "$out/$k.$i.err" ]; then
            bad=$((bad + 1))
            [ -n "$first" ] || first="rc $(cat "$out/$k.$i.rc"): $(head -1 "$out/$k.$i.out") $(head -c 200 "$out/$k.$i.err")"
        fi
    done
    OUT=$first RC=$bad
    check "$count x $name under load: exit ${alone[$k]} as alone" [ "$bad" -eq 0 ]
done

# Nothing left behind: no process carrying the marker, no open connection to the stack.
left=$(grep -lsa "$marker" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\n' ' ' || true)
OUT="processes left: $left"
check "no process left by the runs" [ -z "$left" ]
for _ in $(seq 50); do
    left=$(comm -13 <(echo "$conns_before") <(open_conns))
    [ -z "$left" ] && break
    sleep 0.2
done
OUT=$left
check "no connection to the stack left open" [ -z "$left" ]
finish
