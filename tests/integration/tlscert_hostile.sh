#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tlscert_hostile.sh - check_tls_cert against the misbehaving servers hostile_mail.sh does not
# cover (tests/hostile/hostile_server): a greeting of binary junk, no STARTTLS, data injected
# behind the reply to STARTTLS, a plaintext server where TLS is expected, a refused port.
# Each must give the right state and one clear line within -t plus a second.
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"

P=$PP_BUILD_DIR/plugins/check_tls_cert

# tlscert TEXT [ARGS]: check_tls_cert against the running server.
tlscert() {
    local text=$1
    shift
    run "$P" -H 127.0.0.1 -p "$HPORT" -t $T "$@"
    expect_state "check_tls_cert ${*:+$* }: $text" 2 TLS "$text"
}

for proto in smtp imap pop3; do
    greet=greeting stls=STARTTLS
    [ $proto = smtp ] && greet=banner
    [ $proto = pop3 ] && stls=STLS
    hostile_up $proto garbage
    tlscert "unexpected $greet: ???????? junk ? HTTP/1.1 400 Bad Request" --starttls $proto
    hostile_down
    hostile_up $proto nostarttls
    tlscert "server does not offer $stls" --starttls $proto
    tlscert "TLS handshake failed: wrong version number (a plaintext port?)"
    hostile_down
    hostile_up $proto starttls-inject
    tlscert "server sent data after its reply to $stls (a command injection, CVE-2011-0411)" \
        --starttls $proto
    hostile_down
done

hostile_up smtp silent
port=$HPORT
hostile_down
run "$P" -H 127.0.0.1 -p "$port" -t $T
expect_state "check_tls_cert against a closed port" 2 TLS "connection to 127.0.0.1 port $port refused"

finish
