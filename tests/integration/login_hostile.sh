#!/usr/bin/env bash
# login_hostile.sh - the login plugins against misbehaving servers on loopback
# (tests/tools/pp_hostile): silent, dripping a byte a second, garbage, an overlong line, a
# refusing banner, no STARTTLS, a connection dropped in the TLS handshake. Each must give the
# right state and one clear first line within -t plus a second.
set -euo pipefail
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
. "$PP_SOURCE_DIR/tests/integration/lib/expect.bash"
. "$PP_SOURCE_DIR/tests/integration/lib/login.bash"

T=2
PORT=$(free_port 3)

# expect PLUGIN MODE RC TEXT [ARGS...]: PLUGIN against a MODE server.
expect() {
    local plugin=$1 mode=$2 rc=$3 text=$4
    shift 4
    hostile "$PORT" "$mode"
    run "$PP_BUILD_DIR/plugins/$plugin" -H 127.0.0.1 -p "$PORT" -t $T "$@"
    check "$plugin ${*:+$* }against $mode: $text" all_of "rc_is $rc" "first_has \"$text\"" \
        "within $((T + 1))" "[[ \$OUT != *'(null)'* ]]"
    stop_servers
}

S=check_smtp_login
expect $S silent 2 "SMTP CRITICAL - timed out after 1.8 s waiting for the banner"
expect $S drip 2 "SMTP CRITICAL - timed out after 1.8 s waiting for the banner"
expect $S garbage 2 "SMTP CRITICAL - unexpected banner: ???????? junk ?? HTTP/1.1 400 Bad Request"
expect $S overlong 2 "SMTP CRITICAL - server sent an overlong line as its banner (longer than 8192 bytes)"
expect $S banner554 2 "SMTP CRITICAL - unexpected banner: 554 5.3.2 hostile.test go away"
expect $S smtp-nostarttls 2 "SMTP CRITICAL - server does not offer STARTTLS" -S
expect $S smtp-nostarttls 2 "SMTP CRITICAL - server offers no AUTH" -U a -P b
expect $S smtp-starttls-drop 2 \
    "SMTP CRITICAL - connection closed by the server in the TLS handshake after STARTTLS" -S
expect $S tls-drop 2 "SMTP CRITICAL - connection closed by the server in the TLS handshake" -s
expect $S tls-silent 2 "SMTP CRITICAL - timed out after 1.8 s in the TLS handshake" -s

I=check_imap_login
expect $I silent 2 "IMAP CRITICAL - timed out after 1.8 s waiting for the greeting"
expect $I garbage 2 "IMAP CRITICAL - unexpected greeting: ???????? junk"
expect $I banner554 2 "IMAP CRITICAL - unexpected greeting: 554 5.3.2"
expect $I imap-nostarttls 2 "IMAP CRITICAL - server does not offer STARTTLS" -S
expect $I tls-drop 2 "IMAP CRITICAL - connection closed by the server in the TLS handshake" -s

O=check_pop3_login
expect $O silent 2 "POP3 CRITICAL - timed out after 1.8 s waiting for the greeting"
expect $O garbage 2 "POP3 CRITICAL - unexpected greeting: ???????? junk"
expect $O pop3-nostarttls 2 "POP3 CRITICAL - server does not offer STLS" -S
expect $O pop3-nostarttls 2 "POP3 CRITICAL - AUTH USER/PASS rejected for a: -ERR not supported here" \
    -U a -P b

finish
