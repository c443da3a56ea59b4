#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# login_hostile.sh - the login plugins against the misbehaving servers hostile_mail.sh does
# not cover (tests/hostile/hostile_server): a greeting of binary junk, a server without
# STARTTLS or AUTH, data injected behind the reply to STARTTLS. Each must give the right
# state and one clear line within -t plus a second (lib/hostile.bash: expect_state).
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"

P=$PP_BUILD_DIR/plugins

# login PROTO TEXT [ARGS]: check_PROTO_login against the running server.
login() {
    local proto=$1 text=$2 service=${1^^}
    shift 2
    run "$P/check_${proto}_login" -H 127.0.0.1 -p "$HPORT" -t $T "$@"
    expect_state "check_${proto}_login ${*:+$* }: $text" 2 "$service" "$text"
}

for proto in smtp imap pop3; do
    greet=greeting stls=STARTTLS
    [ $proto = smtp ] && greet=banner
    [ $proto = pop3 ] && stls=STLS
    hostile_up $proto garbage
    login $proto "unexpected $greet: ???????? junk ? HTTP/1.1 400 Bad Request"
    hostile_down
    hostile_up $proto nostarttls
    login $proto "server does not offer $stls" -S
    hostile_down
    hostile_up $proto starttls-inject
    login $proto "server sent data after its reply to $stls (a command injection, CVE-2011-0411)" -S
    hostile_down
done

hostile_up smtp silent
run "$P/check_smtp_login" -H 127.0.0.1 -p "$HPORT" -t $T:warning
expect_state "-t $T:warning gives a silent server that state" 1 SMTP \
    "timed out after {s} s waiting for the banner"
run "$PP_BUILD_DIR/plugins/check_tls_cert" -H 127.0.0.1 -p "$HPORT" -t $T:ok --starttls smtp
expect_state "check_tls_cert -t $T:ok likewise" 0 TLS "timed out after {s} s waiting for the banner"
hostile_down

hostile_up smtp nostarttls
login smtp "server offers no AUTH" -U someone -P secret --allow-plaintext
hostile_down
hostile_up imap nostarttls
login imap "AUTH PLAIN rejected for someone: pp2 NO refused" -U someone -P secret \
    --allow-plaintext -A PLAIN
hostile_down
hostile_up pop3 nostarttls
login pop3 "AUTH USER/PASS rejected for someone: -ERR refused" -U someone -P secret \
    --allow-plaintext -A +USER
hostile_down

finish
