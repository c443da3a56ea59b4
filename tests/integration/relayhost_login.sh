#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# relayhost_login.sh - check_smtp_login --relayhost against a second private Postfix instance
# (made, started and stopped here) whose relayhost is the stack's submission service, with a
# real postmap'd sasl_passwd (mode 600), sender-dependent next hops and credentials and a
# mechanism filter: a good login, the sender-dependent one, a wrong password, a missing entry,
# a map the check cannot read, no relay host, a relay host that is down, an MX next hop. Postfix
# is the referee: mail sent through the instance arrives (or its log shows the refused login)
# as the plugin said.
set -euo pipefail
. "$(dirname "$0")/lib/common.bash"
first_has() { [[ ${OUT%%$'\n'*} == *"$1"* ]]; }

P=$PP_BUILD_DIR/plugins/check_smtp_login
R=$PP_STACK_DIR/relay2
C=$R/conf
SUB=$PP_SUBMISSION_PORT

stop_instance() { postfix -c "$C" stop >/dev/null 2>&1 || true; }
trap 'stop_instance; rm -rf "$R"' EXIT
rm -rf "$R"
mkdir -p "$C" "$R/queue" "$R/data"
chown postfix: "$R/data"
chmod 755 "$R" "$C" "$R/queue"
cat >"$C/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $C
queue_directory = $R/queue
data_directory = $R/data
maillog_file = $R/maillog
maillog_file_prefixes = $R
syslog_name = postfix-relay2
myhostname = relay2.postprobe.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
alias_maps =
alias_database =
smtp_dns_support_level = disabled
default_transport = smtp
relayhost = [localhost]:$SUB
sender_dependent_relayhost_maps = hash:$C/sender_relay
sender_dependent_default_transport_maps = hash:$C/sender_transport
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = hash:$C/sasl_passwd
smtp_sender_dependent_authentication = yes
smtp_sasl_security_options = noanonymous
smtp_sasl_mechanism_filter = plain, login
smtp_tls_security_level = secure
smtp_tls_CAfile = $PP_CA_CERT
EOF
cat >"$C/master.cf" <<EOF
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
smtpip    unix  -       -       n       -       -       smtp
  -o smtp_sasl_password_maps=hash:$C/sasl_passwd_ip
  -o smtp_sasl_mechanism_filter=login
EOF
cat >"$C/sasl_passwd" <<EOF
[localhost]:$SUB        $PP_ALICE_USER:$PP_ALICE_PASSWORD
$PP_BOB_USER            $PP_BOB_USER:$PP_BOB_PASSWORD
@wrong.test             $PP_ALICE_USER:not-the-password
mail.postprobe.test     $PP_ALICE_USER:$PP_ALICE_PASSWORD
@down.test              $PP_ALICE_USER:$PP_ALICE_PASSWORD
EOF
cat >"$C/sender_relay" <<EOF
$PP_BOB_USER    [localhost]:$SUB
@wrong.test     [localhost]:$SUB
@missing.test   [127.0.0.1]:$SUB
@down.test      [localhost]:1
EOF
# The admin notes' second outbound path: a transport with its own password map and filter.
cat >"$C/sender_transport" <<EOF
@smtpip.test    smtpip:[localhost]:$SUB
EOF
cat >"$C/sasl_passwd_ip" <<EOF
[localhost]:$SUB        $PP_BOB_USER:$PP_BOB_PASSWORD
EOF
chmod 600 "$C/sasl_passwd" "$C/sasl_passwd_ip"
postmap -c "$C" "hash:$C/sasl_passwd" "hash:$C/sender_relay" "hash:$C/sender_transport" \
    "hash:$C/sasl_passwd_ip"
chmod 600 "$C/sasl_passwd.db" "$C/sasl_passwd_ip.db"
touch -d '-1 minute' "$C"/*
postfix -c "$C" check
postfix -c "$C" start >/dev/null 2>&1

SECRETS_RE="$PP_ALICE_PASSWORD|$PP_BOB_PASSWORD|not-the-password"
no_secret() { ! [[ $OUT =~ $SECRETS_RE ]]; }

# send_mail SENDER TAG: one message through the instance to alice of the stack.
send_mail() {
    printf 'Subject: relayhost %s\n\nrelayhost_login %s\n' "$2" "$2" |
        sendmail -C "$C" -f "$1" "$PP_ALICE_USER"
}

# delivered TAG: the stack put the message tagged TAG in alice's maildir (5 s at most).
delivered() {
    local i
    for ((i = 0; i < 50; i++)); do
        grep -rqs "relayhost_login $1" "$PP_ALICE_MAILDIR/new" && return 0
        sleep 0.1
    done
    return 1
}

# logged TEXT: the instance's log shows TEXT (5 s at most).
logged() {
    local i
    for ((i = 0; i < 50; i++)); do
        grep -qs -- "$1" "$R/maillog" && return 0
        sleep 0.1
    done
    return 1
}

TAG=$$-$RANDOM
run "$P" --relayhost -C "$C"
check "relayhost: Postfix's own login" all_of "rc_is 0" \
    "first_has \"SMTP OK - $PP_ALICE_USER logged in (STARTTLS, AUTH PLAIN)\"" \
    "first_has \"relay host [localhost]:$SUB\"" \
    "out_has \"credentials from hash:$C/sasl_passwd key [localhost]:$SUB\"" \
    'out_has "TLS level secure"' 'no_secret'
send_mail "root@relay2.postprobe.test" "good-$TAG"
check "Postfix agrees: the message went through the relay host" delivered "good-$TAG"

run "$P" --relayhost -C "$C" --sender "$PP_BOB_USER"
check "sender-dependent relay host and credentials" all_of "rc_is 0" \
    "first_has \"SMTP OK - $PP_BOB_USER logged in (STARTTLS, AUTH PLAIN)\"" \
    "out_has \"from sender_dependent_relayhost_maps\"" \
    "out_has \"key $PP_BOB_USER\"" 'no_secret'
send_mail "$PP_BOB_USER" "bob-$TAG"
check "Postfix agrees: bob's message went through" delivered "bob-$TAG"

run "$P" --relayhost -C "$C" --sender someone@smtpip.test
check "sender-dependent transport: its master.cf -o password map and mechanism filter" \
    all_of "rc_is 0" "first_has \"SMTP OK - $PP_BOB_USER logged in (STARTTLS, AUTH LOGIN)\"" \
    "out_has \"credentials from hash:$C/sasl_passwd_ip key [localhost]:$SUB\"" 'no_secret'
send_mail someone@smtpip.test "smtpip-$TAG"
check "Postfix agrees: the smtpip message went through" delivered "smtpip-$TAG"

run "$P" --relayhost -C "$C" --sender someone@wrong.test
check "a wrong password is CRITICAL naming the relay and the reply" all_of "rc_is 2" \
    "first_has \"AUTH PLAIN rejected for $PP_ALICE_USER: 535 5.7.8\"" \
    "first_has \"relay host [localhost]:$SUB\"" 'out_has "key @wrong.test"' 'no_secret'
send_mail someone@wrong.test "wrong-$TAG"
check "Postfix agrees: its log shows the refused login" logged "SASL authentication failed"

run "$P" --relayhost -C "$C" --sender someone@missing.test
check "no map entry: UNKNOWN naming the keys tried" all_of "rc_is 3" \
    "first_has \"for the keys someone@missing.test, @missing.test, 127.0.0.1, [127.0.0.1]:$SUB\""

run "$P" --relayhost -C "$C" --sender someone@down.test
check "relay host down: CRITICAL" all_of "rc_is 2" \
    'first_has "connection to localhost port 1 refused"' 'first_has "relay host [localhost]:1"'

run runuser -u nobody -- "$P" --relayhost -C "$C"
check "a map the check cannot read: UNKNOWN, said clearly" all_of "rc_is 3" \
    "first_has \"cannot look up in hash:$C/sasl_passwd\"" 'first_has "Permission denied"' \
    'first_has "run it through sudo"'

cp -a "$C" "$R/norelay"
postconf -c "$R/norelay" -e "config_directory = $R/norelay" "relayhost ="
run "$P" --relayhost -C "$R/norelay"
check "no relay host configured: UNKNOWN" all_of "rc_is 3" \
    'first_has "no relay host: relayhost is empty"'

cp -a "$C" "$R/may"
postconf -c "$R/may" -e "config_directory = $R/may" "smtp_tls_security_level = may" \
    "smtp_sasl_mechanism_filter =" "smtp_sasl_security_options = noplaintext, noanonymous"
run "$P" --relayhost -C "$R/may"
check "may: STARTTLS as offered, not verified; noplaintext leaves SCRAM" all_of "rc_is 0" \
    'first_has "(STARTTLS, AUTH SCRAM-SHA-256)"' 'out_has "(certificate not verified)"' \
    'out_has "TLS level may"'

cp -a "$C" "$R/mx"
postconf -c "$R/mx" -e "config_directory = $R/mx" "relayhost = relay.postprobe.test:$SUB" \
    "smtp_dns_support_level = enabled"
run "$P" --relayhost -C "$R/mx" --dns-server "127.0.0.1:$PP_DNS_PORT" -4
check "secure: the certificate must be for the next hop (relay.postprobe.test), not its MX" \
    all_of "rc_is 2" 'first_has "the certificate is not for relay.postprobe.test"'
postconf -c "$R/mx" -e "smtp_tls_security_level = verify"
run "$P" --relayhost -C "$R/mx" --dns-server "127.0.0.1:$PP_DNS_PORT" -4
check "unbracketed next hop: through its MX host, credentials for the MX host's name" \
    all_of "rc_is 0" "first_has \"relay host relay.postprobe.test:$SUB\"" \
    'out_has "key mail.postprobe.test"' 'out_has "127.0.0.1 port"' 'out_has "level verify"'

run "$P" --relayhost -C "$C" -H 127.0.0.1
check "-H with --relayhost: UNKNOWN" all_of "rc_is 3" 'first_has "-H does not apply"'

finish
