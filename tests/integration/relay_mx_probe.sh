#!/usr/bin/env bash
# check_relay_mx --probe against the stack's real Postfix listeners: the sink refuses unknown
# recipients (OK), the main smtpd accepts a recipient of a domain it relays without
# verification (WARNING: backscatter risk), a port nobody listens on (CRITICAL: no MX host
# answers), a listener that never greets (per-step timeout). No DATA is ever sent, so
# nothing is queued.
set -euo pipefail
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
P=$PP_BUILD_DIR/plugins/check_relay_mx
S=127.0.0.1:$PP_DNS_PORT
Z=$PP_DNS_ZONE
R=$PP_RELAY_DOMAIN
fails=0

expect() {
    local code=$1 pats=() out rc=0
    shift
    while [ "$1" != -- ]; do pats+=("$1"); shift; done
    shift
    out=$("$P" "$@" 2>&1) || rc=$?
    if [ "$rc" != "$code" ]; then
        printf 'FAIL: exit %s, not %s: %s\n%s\n' "$rc" "$code" "$*" "$out"
        fails=$((fails + 1))
        return
    fi
    local p
    for p in "${pats[@]}"; do
        if ! grep -qF -- "$p" <<<"$out"; then
            printf 'FAIL: no "%s" in the output of: %s\n%s\n' "$p" "$*" "$out"
            fails=$((fails + 1))
            return
        fi
    done
    printf 'ok: %s\n' "$*"
}

queued() { postqueue -c "$PP_POSTFIX_CONFIG_DIR" -j 2>/dev/null | wc -l; }
before=$(queued)

# banner + EHLO only
expect 0 "RELAY_MX OK - 2 domains checked" \
    "[OK] MX hosts answer SMTP: good.$Z (MX mx1.$Z (127.0.0.1): 220 in" \
    -- -s "$S" -D "good.$Z,$R" --probe --probe-port "$PP_SINK_PORT"

# The sink refuses unknown users of every domain: RCPT nobody-...@DOMAIN gets 550.
expect 0 "RELAY_MX OK - 2 domains checked, 0 failing, 0 with warnings" \
    "[OK] MX hosts refuse unknown recipients: good.$Z (MX mx1.$Z: 550 5.1.1 <no-such-user-pp@good.$Z>: Recipient address rejected: User unknown (postprobe sink); MX mx2.$Z: 550" \
    "$R (MX mail.$Z: 550 5.1.1 <no-such-user-pp@$R>" \
    -- -s "$S" -D "good.$Z,$R" --probe-rcpt no-such-user-pp --probe-port "$PP_SINK_PORT"

# The main smtpd relays $PP_UNREACHABLE_DOMAIN for mynetworks without verifying
# recipients: it accepts one that does not exist.
expect 1 "RELAY_MX WARNING - MX accepts unknown recipients (backscatter risk): good.$Z (MX mx1.$Z accepted RCPT TO:<no-such-user-pp@$PP_UNREACHABLE_DOMAIN> (250 2.1.5 Ok); MX mx2.$Z accepted" \
    -- -s "$S" -D "good.$Z" --probe-rcpt "no-such-user-pp@$PP_UNREACHABLE_DOMAIN" \
    --probe-port "$PP_SMTP_PORT" --helo probe.postprobe.test

# Nobody listening: every MX host down.
closed=$((PP_SMTP_PORT + 7000))
expect 2 "RELAY_MX CRITICAL - no MX host answers SMTP: good.$Z (none of its 2 MX hosts answers SMTP)" \
    "[WARNING] MX host not answering SMTP: good.$Z (MX mx1.$Z (::1): connect: Connection refused; MX mx2.$Z (::1): connect: Connection refused)" \
    -- -s "$S" -D "good.$Z" --probe --probe-port "$closed"

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
start=$(date +%s%N)
expect 2 "no MX host answers SMTP: relay.postprobe.test" \
    "MX mail.$Z (127.0.0.1): banner: timed out" \
    -- -s "$S" -D "$R" --probe --probe-port "$closed" --probe-timeout 0.5
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 1500 ] || { echo "FAIL: the mute listener took $ms ms"; fails=$((fails + 1)); }
# ... and never past -t
expect 2 "banner: timed out" -- -s "$S" -D "$R" --probe --probe-port "$closed" -t 2

# nothing was queued by the probes
after=$(queued)
[ "$after" = "$before" ] || { echo "FAIL: the queue went from $before to $after messages"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all relay_mx_probe checks passed"
