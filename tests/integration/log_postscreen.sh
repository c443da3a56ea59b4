#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_postscreen: postscreen's real verdicts, counted by check_postfix_log. A postscreen on
# the stack's spare port (added for this test with its dnsblog and the smtpd it hands clients
# to, removed at exit; no allowlist, DNSBL PP_RBL_LIST and the pregreet test, both enforced,
# a 2 s greet wait instead of 6 s) sees four clients, each from a loopback address of its own
# (postscreen keeps its verdicts per address): a new one that waits for the greeting (PASS
# NEW, then handed to smtpd), the same one again (PASS OLD), 127.0.0.1, which the DNSBL lists
# (DNSBL rank 1, its RCPT rejected), and a new one that talks first (PREGREET, its RCPT
# rejected). The replies are postscreen's and smtpd's own; check_postfix_log with a state
# file counts exactly these in the interval; pflogsumm agrees on the rejects. The DNSBL needs
# the stack's own resolver: without one this test SKIPs (exit 77) with the reason.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
need_postfix_resolver
L=$PP_POSTFIX_MAILLOG
scratch_state
# session ADDR: MAIL and RCPT from ADDR through postscreen; the server's replies.
session() {
    swaks --server "$SPARE" --local-interface "$1" --quit-after RCPT \
        --from "logtest@$PP_DOMAIN" --to "$PP_ALICE_USER" --timeout 10 2>&1 |
        sed -n 's/^ *<[-*~]* *//p' || true
}
# pregreet ADDR: EHLO from ADDR before the greeting (postscreen reads and drops it), then
# after it EHLO, MAIL, RCPT, QUIT; the replies.
pregreet() {
    python3 - "$1" "$PP_SPARE_PORT" "$PP_ALICE_USER" <<'EOF'
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
s.settimeout(10)
s.connect(("127.0.0.1", int(sys.argv[2])))
s.sendall(b"EHLO pregreet.example\r\n")
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline().decode(errors="replace")
        print(line.rstrip())
        if len(line) < 4 or line[3] != "-":
            return
reply()  # the greeting (postscreen's "220-" teaser, then "220 ")
for cmd in ("EHLO pregreet.example", "MAIL FROM:<pregreet@example.com>", "RCPT TO:<%s>" % sys.argv[3], "QUIT"):
    s.sendall(cmd.encode() + b"\r\n")
    reply()
EOF
}
# postscreen keeps its verdicts in its cache: this test's postscreen starts without one.
rm -f "$PP_POSTFIX_DATA_DIR/postscreen_cache.db"
live_services "pp-ps-smtpd/pass=pp-ps-smtpd pass - - n - - smtpd" \
    "dnsblog/unix=dnsblog unix - - n - 0 dnsblog"
spare_service postscreen smtpd_service_name=pp-ps-smtpd postscreen_access_list= \
    "postscreen_dnsbl_sites=$PP_RBL_LIST" postscreen_dnsbl_action=enforce \
    postscreen_greet_action=enforce postscreen_greet_wait=2s
# postscreen counts only the DNSBL answers that came within the greet wait: start dnsblog
# (a connection that hangs up at once) and wait for its answer, before the interval.
listed="dnsblog\[[0-9]*\]: addr 127.0.0.1 listed by domain $PP_RBL_LIST"
n=$(grep -c "$listed" "$L" || true)
timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$PP_SPARE_PORT" || true
wait_lines "$listed" $((n + 1)) "$L"
# The log exists (a test before may have left it moved away) and the position is saved.
send_to "$PP_ALICE_USER"
wait_lines "to=<$PP_ALICE_USER>" 1 "$L"
run pc
check "first run: position saved" all_of "rc_is 0" 'out_has "first run: position saved"'
start=$(stat -c %s "$L")
new=127.200.0.1
early=127.200.0.2
session "$new" >"$tmp/new" &
session 127.0.0.1 >"$tmp/listed" &
pregreet "$early" >"$tmp/early" 2>&1 &
wait
session "$new" >"$tmp/old"
check "a new client: smtpd takes its RCPT" grep -q '^250 .*Ok' "$tmp/new"
check "the same again: smtpd takes its RCPT" grep -q '^250 .*Ok' "$tmp/old"
check "127.0.0.1: postscreen's DNSBL reject" grep -qF \
    "550 5.7.1 Service unavailable; client [127.0.0.1] blocked using $PP_RBL_LIST" "$tmp/listed"
check "the pregreeter: postscreen's protocol error" grep -q '^550 5.5.1 Protocol error' \
    "$tmp/early"
wait_lines "PASS OLD \[$new\]" 1 "$L"
wait_lines "reject: RCPT from \[$early\]" 1 "$L"
sleep 0.5

run pc
check "postscreen's counts: PASS NEW, PASS OLD, DNSBL, PREGREET one each" all_of "rc_is 0" \
    '[ "$(perf postscreen_pass_new)" = 1 ]' '[ "$(perf postscreen_pass_old)" = 1 ]' \
    '[ "$(perf postscreen_dnsbl)" = 1 ]' '[ "$(perf postscreen_pregreet)" = 1 ]'
check "its two rejects, by reason" all_of '[ "$(perf rejected)" = 2 ]' \
    'out_has "550 RBL $PP_RBL_LIST: 1"' 'out_has "550 protocol error: 1"'
tail -c +$((start + 1)) "$L" >"$tmp/interval"
for what in PASS\ NEW PASS\ OLD DNSBL\ rank PREGREET; do
    n=$(grep -c "postscreen\[[0-9]*\]: $what " "$tmp/interval" || true)
    check "Postfix's log: $what once ($n)" [ "$n" = 1 ]
done
theirs=$(pflogsumm_total rejected "$tmp/interval")
check "pflogsumm on the same lines: $theirs rejected" [ "$theirs" = 2 ]
finish
