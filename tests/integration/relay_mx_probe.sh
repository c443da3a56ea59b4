#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check_relay_mx --probe against the stack's real Postfix listeners: the sink refuses unknown
# recipients (OK), the main smtpd accepts a recipient of a domain it relays without
# verification (WARNING: backscatter risk), a port nobody listens on (CRITICAL: no MX host
# answers), a listener that never greets (per-step timeout). No DATA is ever sent, so
# nothing is queued.
set -euo pipefail
. "$(dirname "$0")/lib/relay_mx.bash"

queued() { postqueue -c "$PP_POSTFIX_CONFIG_DIR" -j 2>/dev/null | wc -l; }
before=$(queued)

# banner + EHLO only
run "$P" -s "$S" -D "good.$Z,$R" --probe --probe-port "$PP_SINK_PORT"
check "banner and EHLO" all_of "rc_is 0" 'out_has "RELAY_MX OK - 2 domains checked"' \
    'out_has "[OK] MX hosts answer SMTP: good.$Z (MX mx1.$Z (127.0.0.1): 220 in"'

# The sink refuses unknown users of every domain: RCPT no-such-user-pp@DOMAIN gets 550.
run "$P" -s "$S" -D "good.$Z,$R" --probe-rcpt no-such-user-pp --probe-port "$PP_SINK_PORT"
check "unknown recipient refused" all_of "rc_is 0" \
    'out_has "RELAY_MX OK - 2 domains checked, 0 failing, 0 with warnings"' \
    'out_has "[OK] MX hosts refuse unknown recipients: good.$Z (MX mx1.$Z: 550 5.1.1 <no-such-user-pp@good.$Z>: Recipient address rejected: User unknown (postprobe sink); MX mx2.$Z: 550"' \
    'out_has "$R (MX mail.$Z: 550 5.1.1 <no-such-user-pp@$R>"'

# The main smtpd relays $PP_UNREACHABLE_DOMAIN for mynetworks without verifying
# recipients: it accepts one that does not exist.
run "$P" -s "$S" -D "good.$Z" --probe-rcpt "no-such-user-pp@$PP_UNREACHABLE_DOMAIN" \
    --probe-port "$PP_SMTP_PORT" --helo probe.postprobe.test
check "unknown recipient accepted" all_of "rc_is 1" \
    'out_has "RELAY_MX WARNING - MX accepts unknown recipients (backscatter risk): good.$Z (MX mx1.$Z accepted RCPT TO:<no-such-user-pp@$PP_UNREACHABLE_DOMAIN> (250 2.1.5 Ok); MX mx2.$Z accepted"'

# Nobody listening: every MX host down.
closed=$((PP_SMTP_PORT + 7000))
while [ -n "$(ss -Hlnt "sport = :$closed")" ]; do closed=$((closed + 1)); done
run "$P" -s "$S" -D "good.$Z" --probe --probe-port "$closed"
check "closed SMTP port" all_of "rc_is 2" \
    'out_has "RELAY_MX CRITICAL - no MX host answers SMTP: good.$Z (none of its 2 MX hosts answers SMTP)"' \
    'out_has "[WARNING] MX host not answering SMTP: good.$Z (MX mx1.$Z (::1): connect: Connection refused; MX mx2.$Z (::1): connect: Connection refused)"'

# A listener that never greets: the banner step times out after --probe-timeout.
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(8); time.sleep(60)' "$closed" &
mute=$!
trap 'kill "$mute" 2>/dev/null || true' EXIT
for ((i = 0; i < 50; i++)); do
    [ -n "$(ss -Hlnt "sport = :$closed")" ] && break
    sleep 0.1
done
run "$P" -s "$S" -D "$R" --probe --probe-port "$closed" --probe-timeout 0.5 -t 10
check "mute SMTP server" all_of "rc_is 2" 'out_has "no MX host answers SMTP: $R"' \
    'out_has "MX mail.$Z (127.0.0.1): banner: timed out"' "at_once_of 10"
run "$P" -s "$S" -D "$R" --probe --probe-port "$closed" -t 2
check "mute SMTP server, within -t" all_of "rc_is 2" 'out_has "banner: timed out"' \
    "within_t 2"

# nothing was queued by the probes
run queued
check "nothing queued" out_is "$before"

finish
