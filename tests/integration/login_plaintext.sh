#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# login_plaintext.sh - no credential in the clear: the login plugins and the IMAP leg of the
# end-to-end checks against a server that offers AUTH PLAIN LOGIN (IMAP AUTH=PLAIN, POP3 USER
# and SASL PLAIN) without STARTTLS (tests/hostile/hostile_server plainauth, which records
# every AUTH/AUTHENTICATE/LOGIN/USER/PASS/APOP line that reaches it). Without
# --allow-plaintext nothing is sent and the state is CRITICAL with the issue's line; with it,
# still nothing unless -A names a mechanism; then, and only then, the line arrives.
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"

P=$PP_BUILD_DIR/plugins
AUTH=(--authfile "$PP_ALICE_AUTHFILE")
ADDR=(--from "$PP_ALICE_USER" --to "$PP_ALICE_USER")
NOTLS="127.0.0.1 offers no TLS: refusing to send credentials in the clear (--allow-plaintext to allow)"
creds() { cat "$HREADY.creds" 2>/dev/null | tr '\n' ' '; }
none_arrived() { [ -z "$(creds)" ]; }
first_is() { local f=${OUT%%$'\n'*}; [[ ${f%% | *} == "$1" ]]; }
trap 'hostile_down; rm -f "$HREADY.creds"' EXIT

for proto in smtp imap pop3; do
    service=${proto^^}
    hostile_up "$proto" plainauth
    rm -f "$HREADY.creds"
    run "$P/check_${proto}_login" -H 127.0.0.1 -p "$HPORT" -t $T "${AUTH[@]}"
    expect_state "check_${proto}_login without TLS" 2 "$service" "$NOTLS"
    check "check_${proto}_login: the issue's line, exactly" \
        first_is "$service CRITICAL - $NOTLS"
    check "check_${proto}_login: no credential line reached the server" none_arrived

    run "$P/check_${proto}_login" -H 127.0.0.1 -p "$HPORT" -t $T "${AUTH[@]}" --allow-plaintext
    expect_state "check_${proto}_login --allow-plaintext, only PLAIN offered" 2 "$service" \
        "no challenge-response mechanism without TLS"
    check "check_${proto}_login --allow-plaintext: still nothing sent" none_arrived

    mech=PLAIN
    [ "$proto" = pop3 ] && mech=+USER
    run "$P/check_${proto}_login" -H 127.0.0.1 -p "$HPORT" -t $T "${AUTH[@]}" --allow-plaintext \
        -A "$mech"
    check "check_${proto}_login --allow-plaintext -A $mech: sent, as asked (the test can see it)" \
        all_of "rc_is 2" '[ -n "$(creds)" ]'
    hostile_down
done

# The IMAP leg of the end-to-end checks: plaintext only when asked, and even then no login.
hostile_up imap plainauth
rm -f "$HREADY.creds"
run "$P/check_mail_roundtrip" -t $T -H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$HPORT" \
    --imap-plaintext --imap-authfile "$PP_ALICE_AUTHFILE" "${ADDR[@]}"
expect_state "check_mail_roundtrip, IMAP leg without TLS" 2 ROUNDTRIP "IMAP leg: $NOTLS"
run "$P/check_smtp_av" -t $T -H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$HPORT" \
    --imap-plaintext --imap-authfile "$PP_ALICE_AUTHFILE" "${ADDR[@]}"
expect_state "check_smtp_av, IMAP leg without TLS" 2 ANTIVIRUS "IMAP leg: $NOTLS"
check "the IMAP legs sent no credential line" none_arrived
run "$P/check_mail_roundtrip" -t $T -H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$HPORT" \
    --imap-authfile "$PP_ALICE_AUTHFILE" "${ADDR[@]}"
expect_state "check_mail_roundtrip, IMAP leg by default: STARTTLS, which the server lacks" 2 \
    ROUNDTRIP "IMAP leg: server does not offer STARTTLS"
check "... and no credential line either" none_arrived
hostile_down

# A CR or LF in what reaches a command is UNKNOWN before any connection.
run "$P/check_smtp_login" -H 127.0.0.1 -p 1 -F $'client.test\r\nRSET'
check "a line break in --fqdn" all_of "rc_is 3" \
    'out_has "SMTP UNKNOWN - the EHLO name (-F) holds a line break (CR or LF)"'
POSTPROBE_USER=alice POSTPROBE_PASSWORD=$'pw\nQUIT' run "$P/check_pop3_login" -H 127.0.0.1 -p 1 -s
check "a line break in a password from the environment" all_of "rc_is 3" \
    'out_has "POP3 UNKNOWN - the password holds a line break"' '! out_has QUIT'
finish
