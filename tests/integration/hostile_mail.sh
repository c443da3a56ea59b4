#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile_mail.sh - check_smtp_login, check_imap_login, check_pop3_login and check_tls_cert
# against misbehaving SMTP, IMAP and POP3 servers on loopback (tests/hostile/hostile_server):
# silent, a greeting dripped a byte a second, a 100 KB greeting line, a refusing greeting
# (554 / * BYE / -ERR), a busy one (421) that hangs up, STARTTLS accepted then the connection
# closed or answered with bytes that are not TLS, and on implicit-TLS ports silence, a close
# and garbage after the ClientHello. Each ends within -t + 1 s with one clear CRITICAL line.
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"

P=$PP_BUILD_DIR/plugins
AUTH=(--authfile "$PP_ALICE_AUTHFILE" --cafile "$PP_CA_CERT")

# login PROTO MODE TEXT [ARGS]: check_PROTO_login against a PROTO server in MODE.
login() {
    local proto=$1 mode=$2 text=$3 service=${1^^}
    shift 3
    run "$P/check_${proto}_login" -H 127.0.0.1 -p "$HPORT" -t $T "${AUTH[@]}" "$@"
    expect_state "check_${proto}_login $* against $proto $mode" 2 "$service" "$text"
}

# tlscert PROTO MODE TEXT: check_tls_cert --starttls=PROTO against the same server.
tlscert() {
    run "$P/check_tls_cert" -H 127.0.0.1 -p "$HPORT" -t $T --cafile "$PP_CA_CERT" \
        --starttls="$1"
    expect_state "check_tls_cert --starttls=$1 against $1 $2" 2 TLS "$3"
}

for proto in smtp imap pop3; do
    case $proto in
    smtp) greet=banner refuse="unexpected banner: 554 5.3.2" busy="unexpected banner: 421 4.3.2"
          tls_refuse="banner: 554 5.3.2" tls_busy="banner: 421 4.3.2" stls=STARTTLS ;;
    imap) greet=greeting refuse="unexpected greeting: * BYE" busy=$refuse stls=STARTTLS
          tls_refuse="BYE" tls_busy="BYE" ;;
    pop3) greet=greeting refuse="unexpected greeting: -ERR" busy=$refuse stls=STLS
          tls_refuse="-ERR" tls_busy="-ERR" ;;
    esac
    hostile_up "$proto" silent
    login "$proto" silent "timed out after {s} s waiting for the $greet"
    login "$proto" silent "timed out after {s} s waiting for the $greet" -S
    tlscert "$proto" silent "timed out after {s} s"
    hostile_down
    hostile_up "$proto" drip
    login "$proto" drip "timed out after {s} s waiting for the $greet"
    tlscert "$proto" drip "timed out after {s} s"
    hostile_down
    hostile_up "$proto" longline
    login "$proto" longline "server sent an overlong line"
    tlscert "$proto" longline "longer than 8192 bytes"
    hostile_down
    hostile_up "$proto" reject
    login "$proto" reject "$refuse"
    tlscert "$proto" reject "$tls_refuse"
    hostile_down
    hostile_up "$proto" busy
    login "$proto" busy "$busy"
    tlscert "$proto" busy "$tls_busy"
    hostile_down
    hostile_up "$proto" starttls-close
    login "$proto" starttls-close "connection closed by the server in the TLS handshake after $stls" -S
    tlscert "$proto" starttls-close "connection closed by the server in the TLS handshake"
    hostile_down
    hostile_up "$proto" starttls-garbage
    login "$proto" starttls-garbage "TLS handshake failed" -S
    tlscert "$proto" starttls-garbage "TLS handshake failed"
    hostile_down
done

# Implicit TLS (SMTPS, IMAPS, POP3S).
for mode in silent tls-close tls-garbage; do
    case $mode in
    silent) text="timed out after {s} s in the TLS handshake" ;;
    tls-close) text="connection closed by the server in the TLS handshake" ;;
    tls-garbage) text="TLS handshake failed" ;;
    esac
    hostile_up tls "$mode"
    for proto in smtp imap pop3; do
        login "$proto" "implicit TLS, $mode" "$text" -s
    done
    run "$P/check_tls_cert" -H 127.0.0.1 -p "$HPORT" -t $T --cafile "$PP_CA_CERT"
    expect_state "check_tls_cert against implicit TLS, $mode" 2 TLS "${text% in the TLS handshake}"
    hostile_down
done
finish
