#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_tls: real TLS handshake failures in both directions, counted by check_postfix_log.
# Inbound: two clients that ask the stack's smtpd for STARTTLS and then send bytes that are no
# TLS ClientHello (smtpd logs "SSL_accept error from ..."). Outbound: a message for a domain
# that the transport map (changed for this test, restored at exit) sends to a fake server that
# offers STARTTLS and answers the ClientHello with garbage (the smtp client logs "SSL_connect
# error to ..."); the message is removed from the queue at exit. check_postfix_log, run with a
# state file before and after, counts as tls_failures exactly the handshake failures that
# Postfix logged in between.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
. "$(dirname "$0")/lib/mailprobe.bash"
L=$PP_POSTFIX_MAILLOG
C=$PP_POSTFIX_CONFIG_DIR
scratch_state
DOMAIN=tlsfail.test
FAKE=$(free_port $((PP_SPARE_PORT + 1)))

# The fake server: STARTTLS offered, garbage where the ServerHello belongs.
python3 - "$FAKE" <<'PY' >"$tmp/fake.log" 2>&1 &
import socketserver, sys
class H(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 fake ESMTP\r\n")
        for line in self.rfile:
            cmd = line.strip().upper()
            if cmd.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250-fake\r\n250 STARTTLS\r\n")
            elif cmd == b"STARTTLS":
                self.wfile.write(b"220 go ahead\r\n")
                self.rfile.read(5)
                self.wfile.write(b"this is no ServerHello\r\n" * 4)
                return
            elif cmd == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
fake_pid=$!
on_exit "kill $fake_pid 2>/dev/null; queue_purge $DOMAIN"
for _ in $(seq 100); do [ -n "$(ss -Hltn "sport = :$FAKE")" ] && break; sleep 0.1; done

# bad_handshake: STARTTLS on the stack's smtpd, then no ClientHello.
bad_handshake() {
    local line
    exec 3<>"/dev/tcp/127.0.0.1/$PP_SMTP_PORT"
    read -r -t 10 line <&3
    printf 'EHLO tls-test.example\r\n' >&3
    while read -r -t 10 line <&3 && [[ $line == 250-* ]]; do :; done
    printf 'STARTTLS\r\n' >&3
    read -r -t 10 line <&3
    [[ $line == 220* ]] || { echo "no 220 to STARTTLS: $line"; return 1; }
    # smtpd fails the handshake at the first bytes and may reset the connection under them.
    printf 'this is no ClientHello\r\n\r\n' >&3 2>/dev/null || true
    read -r -t 10 line <&3 2>/dev/null || true
    exec 3<&- 3>&-
}

# The log exists (a test before may have left it moved away) and the position is saved.
send_to "$PP_ALICE_USER"
wait_lines "to=<$PP_ALICE_USER>" 1 "$L"
run pc
check "first run: position saved" all_of "rc_is 0" 'out_has "first run: position saved"'
start=$(stat -c %s "$L")
accepts=$(grep -c 'SSL_accept error from' "$L" || true)
connects=$(grep -c "SSL_connect error to 127.0.0.1\[127.0.0.1\]:$FAKE" "$L" || true)

live_save transport
printf '%s smtp:[127.0.0.1]:%s\n' "$DOMAIN" "$FAKE" >>"$C/transport"
live_reload
bad_handshake
bad_handshake
send_to "someone@$DOMAIN"
wait_lines "SSL_accept error from" $((accepts + 2)) "$L"
wait_lines "SSL_connect error to 127.0.0.1\[127.0.0.1\]:$FAKE" $((connects + 1)) "$L"
sleep 0.5

run pc
tail -c +$((start + 1)) "$L" >"$tmp/interval"
logged=$(grep -cE 'smtpd\[[0-9]+\]: SSL_accept error from|smtp\[[0-9]+\]: SSL_connect error to' \
    "$tmp/interval" || true)
inbound=$(grep -c 'SSL_accept error from' "$tmp/interval" || true)
check "Postfix logged both directions: $inbound inbound, $((logged - inbound)) outbound" \
    all_of "[ $inbound -ge 2 ]" "[ $((logged - inbound)) -ge 1 ]"
check "tls_failures: the $logged handshake failures Postfix logged" all_of "rc_is 0" \
    "[ \"\$(perf tls_failures)\" = $logged ]"
finish
