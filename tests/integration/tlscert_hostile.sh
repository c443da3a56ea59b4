#!/usr/bin/env bash
# tlscert_hostile.sh - check_tls_cert against misbehaving servers on loopback
# (tests/tools/pp_hostile): silent, dripping, garbage, overlong lines, no STARTTLS, a STARTTLS
# reply with data injected behind it, a connection dropped or stalled in the TLS handshake, a
# refused port. Each must give the right state and one clear line within -t plus a second.
set -euo pipefail
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
. "$PP_SOURCE_DIR/tests/integration/lib/expect.bash"
. "$PP_SOURCE_DIR/tests/integration/lib/login.bash"

T=2
PORT=$(free_port 5)

# expect MODE RC TEXT [ARGS...]
expect() {
    local mode=$1 rc=$2 text=$3
    shift 3
    hostile "$PORT" "$mode"
    run "$PP_BUILD_DIR/plugins/check_tls_cert" -H 127.0.0.1 -p "$PORT" -t $T "$@"
    check "${*:+$* }against $mode: $text" all_of "rc_is $rc" "out_is \"$text\"" "within $((T + 1))"
    stop_servers
}

expect silent 2 "TLS CRITICAL - timed out after 1.8 s waiting for the banner" --starttls smtp
expect silent 2 "TLS CRITICAL - timed out after 1.8 s in the TLS handshake"
expect drip 2 "TLS CRITICAL - timed out after 1.8 s waiting for the banner" --starttls smtp
expect garbage 2 "TLS CRITICAL - unexpected banner: ???????? junk ?? HTTP/1.1 400 Bad Request" \
    --starttls smtp
expect garbage 2 "TLS CRITICAL - unexpected greeting: ???????? junk ?? HTTP/1.1 400 Bad Request" \
    --starttls imap
expect overlong 2 "TLS CRITICAL - server sent an overlong line as its banner (longer than 8192 bytes)" \
    --starttls smtp
expect banner554 2 "TLS CRITICAL - unexpected banner: 554 5.3.2 hostile.test go away" --starttls smtp
expect smtp-nostarttls 2 "TLS CRITICAL - server does not offer STARTTLS" --starttls smtp
expect imap-nostarttls 2 "TLS CRITICAL - server does not offer STARTTLS" --starttls imap
expect pop3-nostarttls 2 "TLS CRITICAL - server does not offer STLS" --starttls pop3
expect smtp-inject 2 \
    "TLS CRITICAL - server sent data after its reply to STARTTLS (a command injection, CVE-2011-0411)" \
    --starttls smtp
expect smtp-starttls-drop 2 "TLS CRITICAL - connection closed by the server in the TLS handshake after STARTTLS" \
    --starttls smtp
expect tls-drop 2 "TLS CRITICAL - connection closed by the server in the TLS handshake"
expect tls-silent 2 "TLS CRITICAL - timed out after 1.8 s in the TLS handshake"
expect smtp-nostarttls 2 "TLS CRITICAL - TLS handshake failed: wrong version number (a plaintext port?)"

run "$PP_BUILD_DIR/plugins/check_tls_cert" -H 127.0.0.1 -p "$(free_port 6)" -t $T
check "a refused port" all_of "rc_is 2" 'first_has "TLS CRITICAL - connection to 127.0.0.1 port "' \
    'first_has " refused"' "within 1"

finish
