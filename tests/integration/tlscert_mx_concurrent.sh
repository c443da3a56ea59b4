#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tlscert_mx_concurrent.sh - check_tls_cert --mx --dane fetches every MX host's chain (and
# TLSA records) concurrently and judges them in MX preference order: four.dane.test (four MX
# hosts, the stack's Postfix for each) in order; silent.dane.test, whose first MX never
# answers (it costs its whole -t slice: checked one after the other, the three good hosts
# behind it would time out too); slow.dane.test, four MX hosts behind relays that each take
# 0.3 s before Postfix answers, no slower than slowone.dane.test, one of them alone, by
# more than 2x (one after the other they take 4x). Records: tests/env/stack-dnssec.sh.
set -euo pipefail
. "$(dirname "$0")/lib/login.bash"

P=$PP_BUILD_DIR/plugins/check_tls_cert
Z=$PP_DANE_ZONE
MX=(-p "$PP_SMTP_PORT" --cafile "$PP_CA_CERT" --dane -s "127.0.0.1:$PP_DNS_PORT"
    --trust-anchor "$PP_DANE_TRUST_ANCHOR")
DANE_EE='DANE: TLSA 3 1 1 '

python3 "$(dirname "$0")/lib/slow_mx.py" "$PP_SMTP_PORT" "$PP_SMTP_PORT" 0.3 silent:127.0.0.2 \
    slow:127.0.0.3 slow:127.0.0.4 slow:127.0.0.5 slow:127.0.0.6 &
SERVER_PIDS+=($!)
for a in 2 3 4 5 6; do
    for ((i = 0; i < 100; i++)); do
        [ -n "$(ss -Hlnt "src = 127.0.0.$a" "sport = :$PP_SMTP_PORT")" ] && break
        sleep 0.05
    done
done

# in_order TEXT...: each TEXT is in the output, and after the one before it.
in_order() {
    local rest=$OUT t
    for t in "$@"; do
        [[ $rest == *"$t"* ]] || return 1
        rest=${rest#*"$t"}
    done
}

run "$P" --mx "four.$Z" "${MX[@]}"
check "four MX hosts, every one judged, in preference order" all_of "rc_is 0" \
    "first_has \"TLS OK - 4 MX hosts of four.$Z checked\"" \
    "in_order \"[OK] mx1.four.$Z: $DANE_EE\" \"[OK] mx2.four.$Z: $DANE_EE\" \
        \"[OK] mx3.four.$Z: $DANE_EE\" \"[OK] mx4.four.$Z: $DANE_EE\""

run "$P" --mx "silent.$Z" "${MX[@]}" -t 3
check "a silent first MX costs its -t slice, not the other hosts' checks" all_of "rc_is 2" \
    "first_has \"mx0.silent.$Z: timed out after\"" 'within_t 3' \
    "in_order \"[CRITICAL] mx0.silent.$Z: timed out\" \"[OK] mx1.four.$Z: $DANE_EE\" \
        \"[OK] mx2.four.$Z: $DANE_EE\" \"[OK] mx3.four.$Z: $DANE_EE\""

# Medians of three runs each: four slow hosts against one.
median_usecs() {
    local t=() i
    for i in 1 2 3; do
        run "$P" --mx "$1" "${MX[@]}"
        [ "$RC" = 0 ] || { echo "$1: $OUT" >&2; return 1; }
        t+=("$USECS")
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}
ONE=$(median_usecs "slowone.$Z")
FOUR=$(median_usecs "slow.$Z")
echo "slowone: $ONE us, slow (4 hosts): $FOUR us (medians of 3)"
check "four slow MX hosts take less than twice one" \
    all_of "[ $ONE -ge 300000 ]" "[ $FOUR -lt $((2 * ONE)) ]"

finish
