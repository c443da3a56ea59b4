#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile_dns.sh - the plugins that ask DNS or SNMP, against misbehaving loopback servers
# (tests/hostile/hostile_server): a DNS server that never answers, one that answers with the
# TC bit and then cuts its TCP answer short, one whose answer ends inside a record, one that
# answers junk (a wrong id: ignored, as a spoofed answer must be); check_relay_mx's SMTP
# probes against silent, dripping, overlong, refusing and busy MX hosts; an SNMP agent that
# never answers or answers junk. Each ends within -t + 1 s with one clear line: UNKNOWN when
# the lookup itself failed, CRITICAL when what it checks is broken.
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"

P=$PP_BUILD_DIR/plugins
D=good.postprobe.test
TLSA=_$PP_SMTP_PORT._tcp.mail.postprobe.test

for mode in silent truncated cut garbage; do
    case $mode in
    cut) why="bad answer from 127.0.0.1:PORT: record 1 of the answer section is cut short" ;;
    *) why="no answer from 127.0.0.1:PORT before the time limit" ;;
    esac
    # check_tls_cert --dane asks through libunbound (DNSSEC validation), in its words.
    case $mode in
    cut) tls_why="malformed answer: " ;;
    *) tls_why="no validated answer for $TLSA TLSA from 127.0.0.1@PORT in time" ;;
    esac
    hostile_up dns "$mode"
    why=${why/PORT/$HPORT}
    tls_why=${tls_why/PORT/$HPORT}
    run "$P/check_relay_mx" -t $T -D $D -s "127.0.0.1:$HPORT" --no-audit
    expect_state "check_relay_mx, DNS server $mode" 3 RELAY_MX "DNS lookup failed: $D (MX lookup"
    check "check_relay_mx, DNS server $mode: the reason" out_has "$why"
    run "$P/check_tls_cert" -t $T -H 127.0.0.1 --hostname mail.postprobe.test \
        -p "$PP_SMTP_PORT" --starttls=smtp --cafile "$PP_CA_CERT" --dane -s "127.0.0.1:$HPORT"
    expect_state "check_tls_cert --dane, DNS server $mode" 3 TLS \
        "TLSA lookup for $TLSA failed: $tls_why"
    check "check_tls_cert --dane, DNS server $mode: not taken for no records" \
        all_of '! out_has "no TLSA records"'
    run "$P/check_smtp_av" -t $T -D $D --dns-server "127.0.0.1:$HPORT" --from "$PP_BOB_USER" \
        --to "$PP_ALICE_USER"
    expect_state "check_smtp_av -D, DNS server $mode" 3 ANTIVIRUS "cannot find the MX of $D"
    check "check_smtp_av -D, DNS server $mode: the reason" out_has "$why"
    hostile_down
done

for mode in silent drip longline reject busy; do
    summary="no MX host answers SMTP: $D (none of its 2 MX hosts answers SMTP)"
    case $mode in
    silent | drip) why="timed out" ;;
    longline) why="banner: not an SMTP reply: 220 xxx" ;;
    reject) why="banner: 554 5.3.2" ;;
    busy) why="banner: 421 4.3.2" ;;
    esac
    case $mode in reject | busy) summary="MX refuses SMTP: $D ($why" ;; esac
    hostile_up smtp "$mode"
    run "$P/check_relay_mx" -t $T -v -D $D -s "127.0.0.1:$PP_DNS_PORT" --no-audit --probe \
        --probe-port "$HPORT"
    expect_state "check_relay_mx --probe, MX $mode" 2 RELAY_MX "$summary"
    check "check_relay_mx --probe, MX $mode: the reason in the long output" out_has "$why"
    hostile_down
done

for mode in silent garbage; do
    hostile_up udp "$mode"
    run "$P/check_snmp_extend" -t $T -H 127.0.0.1 -p "$HPORT" -C "$PP_SNMP_COMMUNITY" -n pp_ok
    expect_state "check_snmp_extend, agent $mode" 3 EXTEND "no answer from udp:127.0.0.1:$HPORT"
    run "$P/check_snmp_extend" -t $T -H 127.0.0.1 -p "$HPORT" -P 3 -u "$PP_SNMP_V3_USER" \
        -l authPriv -a SHA -A "$PP_SNMP_V3_AUTH_PASSWORD" -x AES -X "$PP_SNMP_V3_PRIV_PASSWORD" \
        -n pp_ok
    expect_state "check_snmp_extend -P 3, agent $mode" 3 EXTEND "no answer from udp:127.0.0.1:$HPORT"
    hostile_down
done
finish
