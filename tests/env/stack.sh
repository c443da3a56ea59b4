#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# stack.sh - start, stop and inspect the loopback mail stack that postprobe's integration tests
# run against:
#
#   tests/env/stack.sh up      generate certificates and configs, start everything, wait until
#                              every service answers, write $PP_STACK_DIR/stack.env
#   tests/env/stack.sh down [--keep]
#                              stop everything by pid, wait for it to exit, remove the run dir
#                              (--keep leaves the run dir, logs and queue in place)
#   tests/env/stack.sh status  print what runs; exit 0 only when everything is up
#
# The stack is a private Postfix instance (postfix -c DIR), a private Dovecot (IMAP, POP3,
# LMTP, SASL auth), nsd (a test zone with MX/TLSA edge cases) and snmpd (v2c + v3, extend
# entries). Everything listens on loopback only and lives under one run directory
# (${PP_STACK_DIR:-/tmp/postprobe-stack}); nothing under /etc/postfix, /etc/dovecot, /etc/nsd,
# /etc/snmp or the system's mail queue is touched. Must run as root (Postfix and Dovecot start
# as root and drop privileges themselves). Packages: tests/env/install-deps.sh. What the stack
# offers (ports, users, DNS names, recipes): tests/env/README.md.
#
# Postfix runs without chroot (every master.cf service has chroot = n), so it needs no copies of
# /etc files; Dovecot's LMTP and auth sockets still sit in <queue_directory>/private, where a
# chrooted Postfix would also find them. Mail is stored by Dovecot as the system user "vmail",
# created here if missing.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Settings (all overridable from the environment)
# ---------------------------------------------------------------------------------------------
RUN=${PP_STACK_DIR:-/tmp/postprobe-stack}
# Every port is PP_PORT_BASE (default 20000) plus the service's usual number, unless set.
PP_PORT_BASE=${PP_PORT_BASE:-20000}
PP_SMTP_PORT=${PP_SMTP_PORT:-$((PP_PORT_BASE + 25))}             # smtpd, STARTTLS offered, no AUTH
PP_SUBMISSION_PORT=${PP_SUBMISSION_PORT:-$((PP_PORT_BASE + 587))} # smtpd, STARTTLS required, AUTH
PP_SMTPS_PORT=${PP_SMTPS_PORT:-$((PP_PORT_BASE + 465))}           # smtpd, implicit TLS, AUTH
PP_SINK_PORT=${PP_SINK_PORT:-$((PP_PORT_BASE + 26))}             # smtpd "sink" next hop of relay.postprobe.test
PP_IMAP_PORT=${PP_IMAP_PORT:-$((PP_PORT_BASE + 143))}
PP_IMAPS_PORT=${PP_IMAPS_PORT:-$((PP_PORT_BASE + 993))}
PP_POP3_PORT=${PP_POP3_PORT:-$((PP_PORT_BASE + 110))}
PP_POP3S_PORT=${PP_POP3S_PORT:-$((PP_PORT_BASE + 995))}
PP_DNS_PORT=${PP_DNS_PORT:-$((PP_PORT_BASE + 53))}
PP_SNMP_PORT=${PP_SNMP_PORT:-$((PP_PORT_BASE + 161))}
PP_SPARE_PORT=${PP_SPARE_PORT:-$((PP_PORT_BASE + 27))}           # kept free: a test's listener
# Postfix's own resolver (see "Postfix's resolver" below): nsd on this loopback address, port
# 53, one address per PP_PORT_BASE so that stacks side by side each have one.
PP_RESOLVER_ADDR=${PP_RESOLVER_ADDR:-127.53.$((PP_PORT_BASE / 256 % 256)).$((PP_PORT_BASE % 256))}
READY_TIMEOUT=${PP_READY_TIMEOUT:-20}           # seconds to wait for all services to answer

DOMAIN=postprobe.test
MAILHOST=mail.postprobe.test
RELAY_DOMAIN=relay.postprobe.test
SERVFAIL_ZONE=servfail.test
DNSBL_ZONE=dnsbl.test       # DNS block lists made for check_dnsbl's tests
DQS_ZONE=dq.spamhaus.net    # Spamhaus' Data Query Service names, for --dqs-key-file
RBL_LIST=mta.$DNSBL_ZONE    # a DNSBL for Postfix's reject_rbl_client and postscreen
UNREACHABLE_DOMAIN=unreachable.test
HOLD_DOMAIN=hold.test
SNMP_COMMUNITY=pp-community
SNMP_V3_USER=ppv3user
VMAIL_USER=vmail

CERTS=$RUN/certs
PF=$RUN/postfix
PF_CONF=$PF/conf
PF_QUEUE=$PF/queue
PF_DATA=$PF/data
DC=$RUN/dovecot
MAILDIRS=$RUN/mail
NSD=$RUN/nsd
SNMP=$RUN/snmpd
SECRETS=$RUN/secrets
ENV_FILE=$RUN/stack.env

TCP_PORT_VARS=(PP_SMTP_PORT PP_SUBMISSION_PORT PP_SMTPS_PORT PP_SINK_PORT PP_SPARE_PORT
               PP_IMAP_PORT PP_IMAPS_PORT PP_POP3_PORT PP_POP3S_PORT PP_DNS_PORT)
UDP_PORT_VARS=(PP_DNS_PORT PP_SNMP_PORT)

# The signed zones, unbound and DANE's TLS servers (settings, setup, start; see that file).
# shellcheck source=tests/env/stack-dnssec.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack-dnssec.sh"

export MIBS=                       # Debian ships no MIB files; numeric OIDs only
export SNMP_PERSISTENT_DIR=$SNMP/persist

log()  { printf 'stack: %s\n' "$*"; }
die()  { printf 'stack: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

# comm_is PID COMM: PID is a live process whose command name starts with COMM (nsd renames
# its processes to "nsd: xfrd", "nsd: main", ...).
comm_is() {
    local c
    c=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
    [[ $c == "$2"* ]]
}

# pid_alive PIDFILE COMM: the pid in PIDFILE is a live process named COMM*.
pid_alive() {
    local pidfile=$1 comm=$2 pid
    [ -s "$pidfile" ] || return 1
    pid=$(awk '{print $1; exit}' "$pidfile")
    [ -n "$pid" ] && comm_is "$pid" "$comm"
}

pid_of() { awk '{print $1; exit}' "$1" 2>/dev/null || true; }

# port_taken PROTO PORT: something listens on PORT (any address) for tcp or udp.
port_taken() {
    local opt=-lnt
    [ "$1" = udp ] && opt=-lnu
    [ -n "$(ss -H $opt "sport = :$2" 2>/dev/null)" ]
}

# random_secret: 16 hex characters (long enough for SNMPv3's 8-character minimum).
random_secret() { openssl rand -hex 8; }

# session_pids SID: pids of the live processes in session SID (a daemon and the children it
# forked). Zombies are left out: exited daemons are reparented to pid 1, which reaps them late.
session_pids() { ps -o pid=,stat= -s "$1" 2>/dev/null | awk '$2 !~ /^Z/ {print $1}' || true; }

# session_of PID: the session id of PID (each daemon runs in a session of its own).
session_of() { ps -o sid= -p "$1" 2>/dev/null | tr -d ' ' || true; }

# wait_sessions_gone SID...: wait up to 10 s until no process of these sessions is left, then
# SIGKILL the leftovers. Only processes of these sessions (started by this script) are touched.
wait_sessions_gone() {
    local i sid left
    for ((i = 0; i < 100; i++)); do
        left=""
        for sid in "$@"; do left+=" $(session_pids "$sid")"; done
        [ -z "${left// /}" ] && return 0
        sleep 0.1
    done
    log "processes still running after 10 s, killing:$left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# Certificates: a test CA and a server certificate for mail.postprobe.test
# ---------------------------------------------------------------------------------------------
make_certs() {
    mkdir -p "$CERTS"
    chmod 755 "$CERTS"
    openssl req -x509 -newkey rsa:2048 -sha256 -days 30 -nodes \
        -keyout "$CERTS/ca.key" -out "$CERTS/ca.crt" -subj "/O=postprobe/CN=postprobe test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -sha256 -nodes \
        -keyout "$CERTS/server.key" -out "$CERTS/server.csr" \
        -subj "/O=postprobe/CN=$MAILHOST" 2>/dev/null
    cat >"$CERTS/server.ext" <<EOF
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$MAILHOST, DNS:localhost, IP:127.0.0.1, IP:::1, DNS:*.sts.$DOMAIN
EOF
    openssl x509 -req -in "$CERTS/server.csr" -CA "$CERTS/ca.crt" -CAkey "$CERTS/ca.key" \
        -CAcreateserial -days 30 -sha256 -extfile "$CERTS/server.ext" \
        -out "$CERTS/server.crt" 2>/dev/null
    cat "$CERTS/server.crt" "$CERTS/ca.crt" >"$CERTS/server-chain.crt"
    chmod 600 "$CERTS/ca.key" "$CERTS/server.key"
    chmod 644 "$CERTS/ca.crt" "$CERTS/server.crt" "$CERTS/server-chain.crt"
    rm -f "$CERTS/server.csr" "$CERTS/ca.srl"
}

# tlsa_spki_sha256 CERT: TLSA "x 1 1" data (SHA-256 of the DER SubjectPublicKeyInfo).
tlsa_spki_sha256() {
    openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
        openssl dgst -sha256 -r | cut -d' ' -f1
}

# tlsa_cert_sha256 CERT: TLSA "x 0 1" data (SHA-256 of the whole DER certificate).
tlsa_cert_sha256() {
    openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}

# ---------------------------------------------------------------------------------------------
# Users and secrets
# ---------------------------------------------------------------------------------------------
# ensure_vmail_user: create the system user/group "vmail" that owns the maildirs, once. A
# concurrent "up" of another stack may create it first; that is fine.
ensure_vmail_user() {
    getent group "$VMAIL_USER" >/dev/null || groupadd --system "$VMAIL_USER" 2>/dev/null ||
        getent group "$VMAIL_USER" >/dev/null || die "cannot create group $VMAIL_USER"
    getent passwd "$VMAIL_USER" >/dev/null ||
        useradd --system --gid "$VMAIL_USER" --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin --comment "postprobe test mail" "$VMAIL_USER" 2>/dev/null ||
        getent passwd "$VMAIL_USER" >/dev/null || die "cannot create user $VMAIL_USER"
}

make_secrets() {
    mkdir -p "$SECRETS"
    chmod 700 "$SECRETS"
    ALICE_PASS=alice-$(random_secret)
    BOB_PASS=bob-$(random_secret)
    SNMP_V3_AUTH_PASS=auth-$(random_secret)
    SNMP_V3_PRIV_PASS=priv-$(random_secret)
    printf 'user = %s\npassword = %s\n' "alice@$DOMAIN" "$ALICE_PASS" >"$SECRETS/alice.auth"
    printf 'user = %s\npassword = %s\n' "bob@$DOMAIN" "$BOB_PASS" >"$SECRETS/bob.auth"
    DQS_KEY=$(openssl rand -hex 13)
    printf '# Spamhaus DQS key of the test stack\n%s\n' "$DQS_KEY" >"$SECRETS/dqs.key"
    chmod 600 "$SECRETS/alice.auth" "$SECRETS/bob.auth" "$SECRETS/dqs.key"
}

# ---------------------------------------------------------------------------------------------
# Postfix
# ---------------------------------------------------------------------------------------------
write_postfix_main_cf() {
    cat >"$PF_CONF/main.cf" <<EOF
# Private Postfix instance of the postprobe test stack (generated by tests/env/stack.sh).
compatibility_level = 3.6
config_directory = $PF_CONF
queue_directory = $PF_QUEUE
data_directory = $PF_DATA
maillog_file = $PF/maillog
maillog_file_prefixes = $RUN
syslog_name = postfix-pp

myhostname = $MAILHOST
mydomain = $DOMAIN
myorigin = \$mydomain
mydestination =
inet_interfaces = loopback-only
inet_protocols = all
mynetworks = 127.0.0.0/8 [::1]/128
smtpd_banner = \$myhostname ESMTP postprobe test stack
biff = no
append_dot_mydomain = no
readme_directory = no
delay_warning_time = 0

# Never resolve or reach anything off this host: no DNS, no local(8) delivery, and every
# destination without an explicit loopback transport is deferred by the "retry" error service.
smtp_dns_support_level = disabled
alias_maps =
alias_database =
local_recipient_maps =
local_transport = error:local delivery is disabled in the postprobe test stack
default_transport = retry:no outbound delivery from the postprobe test stack
relay_transport = \$default_transport
transport_maps = texthash:$PF_CONF/transport

# postprobe.test: Dovecot virtual mailboxes over LMTP.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$PF_CONF/vmailbox
virtual_alias_maps = texthash:$PF_CONF/virtual
virtual_transport = lmtp:unix:private/dovecot-lmtp

# relay.postprobe.test: relayed to the sink listener, recipients verified by probes.
relay_domains = $RELAY_DOMAIN
unverified_recipient_reject_code = 550
# smtpd re-asks verify(8) every poll delay (default 3 s, up to 3 times) while a probe runs; the
# loopback probe takes milliseconds, so answer the client after 1 s instead of 3 s.
address_verify_poll_delay = 1s

# TLS with the stack's generated certificate (chain includes the test CA).
smtpd_tls_cert_file = $CERTS/server-chain.crt
smtpd_tls_key_file = $CERTS/server.key
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtp_tls_security_level = may
smtp_tls_CAfile = $CERTS/ca.crt
smtp_tls_loglevel = 1

# SASL through Dovecot; AUTH is enabled per listener in master.cf (submission, smtps).
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_tls_auth_only = yes

smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination
smtpd_recipient_restrictions =
    check_recipient_access texthash:$PF_CONF/verify_domains,
    check_recipient_access texthash:$PF_CONF/recipient_access,
    permit_mynetworks,
    permit_sasl_authenticated,
    reject_unauth_destination

# Used by the submission/smtps listeners (master.cf -o ...=\$name).
pp_submission_restrictions = permit_sasl_authenticated, reject
# Used by the sink listener: accept only the listed recipients, 550 (or 450) for the rest.
pp_sink_recipient_restrictions =
    check_recipient_access texthash:$PF_CONF/sink_recipients,
    check_recipient_access regexp:$PF_CONF/sink_reject.regexp,
    reject
EOF
}

write_postfix_master_cf() {
    cat >"$PF_CONF/master.cf" <<EOF
# Private Postfix instance of the postprobe test stack (generated by tests/env/stack.sh).
# No service is chrooted (chroot = n); all listeners are on loopback.
# service         type  private unpriv chroot wakeup maxproc command + args
127.0.0.1:$PP_SMTP_PORT  inet n - n - - smtpd
[::1]:$PP_SMTP_PORT      inet n - n - - smtpd
127.0.0.1:$PP_SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix-pp/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=\$pp_submission_restrictions
  -o smtpd_relay_restrictions=\$pp_submission_restrictions
  -o smtpd_recipient_restrictions=\$pp_submission_restrictions
127.0.0.1:$PP_SMTPS_PORT inet n - n - - smtpd
  -o syslog_name=postfix-pp/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_sasl_mechanism_filter=plain,login
  -o smtpd_client_restrictions=\$pp_submission_restrictions
  -o smtpd_relay_restrictions=\$pp_submission_restrictions
  -o smtpd_recipient_restrictions=\$pp_submission_restrictions
127.0.0.1:$PP_SINK_PORT  inet n - n - - smtpd
  -o syslog_name=postfix-pp/sink
  -o myhostname=sink.postprobe.test
  -o { smtpd_banner = \$myhostname ESMTP postprobe SMTP sink }
  -o smtpd_sasl_auth_enable=no
  -o smtpd_client_restrictions=
  -o smtpd_helo_restrictions=
  -o smtpd_sender_restrictions=
  -o smtpd_relay_restrictions=
  -o smtpd_recipient_restrictions=\$pp_sink_recipient_restrictions
  -o content_filter=discard:
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
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
  -o syslog_name=postfix-pp/\$service_name
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

write_postfix_maps() {
    cat >"$PF_CONF/vmailbox" <<EOF
alice@$DOMAIN   $DOMAIN/alice/
bob@$DOMAIN     $DOMAIN/bob/
EOF
    cat >"$PF_CONF/virtual" <<EOF
postmaster@$DOMAIN  alice@$DOMAIN
abuse@$DOMAIN       alice@$DOMAIN
root@$DOMAIN        alice@$DOMAIN
EOF
    cat >"$PF_CONF/transport" <<EOF
$RELAY_DOMAIN           smtp:[127.0.0.1]:$PP_SINK_PORT
$UNREACHABLE_DOMAIN     smtp:[127.0.0.1]:1
.$UNREACHABLE_DOMAIN    smtp:[127.0.0.1]:1
$HOLD_DOMAIN            smtp:[127.0.0.1]:1
.$HOLD_DOMAIN           smtp:[127.0.0.1]:1
EOF
    # Per-domain use of reject_unverified_recipient (as in ADDRESS_VERIFICATION_README).
    cat >"$PF_CONF/verify_domains" <<EOF
$RELAY_DOMAIN   reject_unverified_recipient
EOF
    # Mail for (sub)domains of hold.test goes straight to the hold queue.
    cat >"$PF_CONF/recipient_access" <<EOF
$HOLD_DOMAIN    HOLD put on hold by the postprobe test stack
EOF
    cat >"$PF_CONF/sink_recipients" <<EOF
exists@$RELAY_DOMAIN      OK
alice@$RELAY_DOMAIN       OK
postmaster@$RELAY_DOMAIN  OK
EOF
    cat >"$PF_CONF/sink_reject.regexp" <<EOF
/^tempfail@/    450 4.2.0 Mailbox temporarily unavailable (postprobe sink)
/^/             550 5.1.1 User unknown (postprobe sink)
EOF
}

setup_postfix() {
    mkdir -p "$PF_CONF" "$PF_QUEUE" "$PF_DATA"
    chmod 755 "$PF" "$PF_CONF" "$PF_QUEUE"
    chown postfix: "$PF_DATA"
    chmod 700 "$PF_DATA"
    write_postfix_main_cf
    write_postfix_master_cf
    write_postfix_maps
    # Postfix sleeps up to 2.5 s when main.cf was written within the last seconds (it waits
    # for the file to settle); backdate the generated files.
    touch -d '-1 minute' "$PF_CONF"/*
    # Creates the queue subdirectories (private/ is needed by Dovecot's sockets) and
    # validates the configuration.
    postfix -c "$PF_CONF" check >>"$PF/start.log" 2>&1 ||
        die "postfix -c $PF_CONF check failed: $(tail -n 5 "$PF/start.log")"
}

# Postfix's resolver. Postfix asks the DNS (reject_rbl_client, postscreen's DNSBL sites)
# through libc, which reads /etc/resolv.conf and knows only port 53; the system's file must not
# change. So when port 53 of $PP_RESOLVER_ADDR (a loopback address of this stack's own) is free
# and mount namespaces work, nsd listens there too, and Postfix's master starts in a mount
# namespace of its own (unshare -m, private propagation) where $PF/resolv.conf is bind-mounted
# on /etc/resolv.conf. Nothing outside the namespace sees that mount, and it goes away with the
# last Postfix process; postfix stop/reload/flush from outside work as before (pid file,
# signals, queue sockets). Names outside nsd's zones get REFUSED at once. When it cannot be
# had, Postfix uses the system's resolver, and stack.env says why (PP_POSTFIX_RESOLVER_WHY).
PP_POSTFIX_RESOLVER=${PP_POSTFIX_RESOLVER:-}
PP_POSTFIX_RESOLVER_WHY=${PP_POSTFIX_RESOLVER_WHY:-}

# resolver_choose: sets PP_POSTFIX_RESOLVER, or PP_POSTFIX_RESOLVER_WHY.
resolver_choose() {
    local taken
    taken=$({ ss -Hlnu 'sport = :53'; ss -Hlnt 'sport = :53'; } 2>/dev/null | awk -v a="$1" \
        '$4 == a ":53" || $4 ~ /^(0\.0\.0\.0|\*|\[::\]):53$/ { print $4; exit }')
    PP_POSTFIX_RESOLVER='' PP_POSTFIX_RESOLVER_WHY=''
    if [ -n "$taken" ]; then
        PP_POSTFIX_RESOLVER_WHY="port 53 is taken ($taken listens)"
    elif ! unshare -m --propagation private true 2>/dev/null; then
        PP_POSTFIX_RESOLVER_WHY="no mount namespace here (unshare -m failed)"
    else
        PP_POSTFIX_RESOLVER=$1
    fi
}

start_postfix() {
    local cmd=(postfix -c "$PF_CONF" start)
    if [ -n "$PP_POSTFIX_RESOLVER" ]; then
        printf '# resolv.conf of the test stack'"'"'s Postfix (stack.sh)\nnameserver %s\n' \
            "$PP_POSTFIX_RESOLVER" >"$PF/resolv.conf"
        chmod 644 "$PF/resolv.conf"
        # shellcheck disable=SC2016  # the inner script expands its own arguments
        cmd=(unshare -m --propagation private sh -c \
            'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' _ "$PF/resolv.conf" \
            "${cmd[@]}")
    fi
    "${cmd[@]}" </dev/null >>"$PF/start.log" 2>&1 ||
        die "postfix did not start: $(tail -n 5 "$PF/start.log"; tail -n 5 "$PF/maillog" 2>/dev/null)"
}

# ---------------------------------------------------------------------------------------------
# Dovecot
# ---------------------------------------------------------------------------------------------
write_dovecot_conf() {
    local vmail_uid
    vmail_uid=$(id -u "$VMAIL_USER")
    cat >"$DC/users" <<EOF
alice@$DOMAIN:{PLAIN}$ALICE_PASS::::::
bob@$DOMAIN:{PLAIN}$BOB_PASS::::::
EOF
    chown root:dovecot "$DC/users"
    chmod 640 "$DC/users"
    cat >"$DC/dovecot.conf" <<EOF
# Private Dovecot of the postprobe test stack (generated by tests/env/stack.sh).
instance_name = postprobe
base_dir = $DC/run
state_dir = $DC/state
log_path = $DC/log
protocols = imap pop3 lmtp
listen = 127.0.0.1, ::1
shutdown_clients = yes

ssl = yes
ssl_cert = <$CERTS/server-chain.crt
ssl_key = <$CERTS/server.key
ssl_min_protocol = TLSv1.2

auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
# Fail wrong-password logins at once (the default delay is 2 s).
auth_failure_delay = 0
auth_default_realm = $DOMAIN
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DC/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DC/users
  default_fields = uid=$VMAIL_USER gid=$VMAIL_USER home=$MAILDIRS/%d/%n
}
first_valid_uid = $vmail_uid
mail_location = maildir:~/Maildir

service imap-login {
  inet_listener imap {
    port = $PP_IMAP_PORT
  }
  inet_listener imaps {
    port = $PP_IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $PP_POP3_PORT
  }
  inet_listener pop3s {
    port = $PP_POP3S_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener $PF_QUEUE/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
# No per-IP authentication penalty: every client here is 127.0.0.1, and one deliberate
# wrong-password test would otherwise slow down every later login (Postfix SASL too) by 2-15 s.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener $PF_QUEUE/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
protocol lmtp {
  postmaster_address = postmaster@$DOMAIN
}
# Every test client is one user from 127.0.0.1: the default of 10 sessions per user and IP
# refuses the parallel-load test's logins with -ERR [IN-USE].
protocol imap {
  mail_max_userip_connections = 500
}
protocol pop3 {
  mail_max_userip_connections = 500
}
EOF
}

setup_dovecot() {
    ensure_vmail_user
    mkdir -p "$DC/run" "$DC/state" "$MAILDIRS/$DOMAIN"
    chown -R "$VMAIL_USER:$VMAIL_USER" "$MAILDIRS"
    chmod 750 "$MAILDIRS"
    write_dovecot_conf
}

start_dovecot() {
    # Dovecot keeps its caller's stdio open: give it a log file instead of our pipes.
    dovecot -c "$DC/dovecot.conf" </dev/null >>"$DC/stdio.log" 2>&1 ||
        die "dovecot did not start: $(tail -n 5 "$DC/stdio.log"; tail -n 5 "$DC/log" 2>/dev/null)"
}

# ---------------------------------------------------------------------------------------------
# nsd
# ---------------------------------------------------------------------------------------------
write_zone() {
    local spki ca_hash
    spki=$(tlsa_spki_sha256 "$CERTS/server.crt")
    ca_hash=$(tlsa_cert_sha256 "$CERTS/ca.crt")
    {
        cat <<EOF
\$ORIGIN $DOMAIN.
\$TTL 300
@            IN SOA  ns.$DOMAIN. hostmaster.$DOMAIN. ( 1 3600 600 86400 60 )
@            IN NS   ns.$DOMAIN.
@            IN MX   10 mail.$DOMAIN.
ns           IN A    127.0.0.1
mail         IN A    127.0.0.1
mail         IN AAAA ::1

; healthy: two MX hosts, each with A and AAAA
good         IN MX   10 mx1.$DOMAIN.
good         IN MX   20 mx2.$DOMAIN.
mx1          IN A    127.0.0.1
mx1          IN AAAA ::1
mx2          IN A    127.0.0.1
mx2          IN AAAA ::1
; no MX, only address records (implicit MX, RFC 5321 5.1)
implicit     IN A    127.0.0.1
implicit     IN AAAA ::1
; MX target is a CNAME (RFC 2181 10.3 violation)
cname-mx     IN MX   10 alias.$DOMAIN.
alias        IN CNAME mail.$DOMAIN.
; MX target exists but has no A/AAAA (NODATA)
noaddr-mx    IN MX   10 noaddr-target.$DOMAIN.
noaddr-target IN TXT "no address records here"
; MX target does not exist at all (NXDOMAIN)
dangling-mx  IN MX   10 does-not-exist.$DOMAIN.
; null MX (RFC 7505)
nullmx       IN MX   0 .
; MX target with only an IPv6 address
v6only-mx    IN MX   10 v6only-host.$DOMAIN.
v6only-host  IN AAAA ::1
; MX target written as an IP literal (a name of four numeric labels)
iplit-mx     IN MX   10 127.0.0.1.
; relay domain of the Postfix instance
relay        IN MX   10 mail.$DOMAIN.

; DANE: TLSA for mail.$DOMAIN on the standard and on the stack's test ports
; 3 1 1 = SHA-256 of the server certificate's SPKI; 2 0 1 = SHA-256 of the test CA certificate
EOF
        local port
        for port in 25 587 465 143 993 110 995 "$PP_SMTP_PORT" "$PP_SUBMISSION_PORT" \
            "$PP_SMTPS_PORT" "$PP_IMAP_PORT" "$PP_IMAPS_PORT" "$PP_POP3_PORT" "$PP_POP3S_PORT"; do
            printf '_%s._tcp.mail IN TLSA 3 1 1 %s\n' "$port" "$spki"
            printf '_%s._tcp.mail IN TLSA 2 0 1 %s\n' "$port" "$ca_hash"
        done
        cat <<EOF
; a host whose TLSA record does not match its certificate
badtlsa      IN A    127.0.0.1
badtlsa      IN AAAA ::1
badtlsa      IN MX   10 badtlsa.$DOMAIN.
_25._tcp.badtlsa IN TLSA 3 1 1 $(printf '%064d' 0 | tr 0 a)
_$PP_SMTP_PORT._tcp.badtlsa IN TLSA 3 1 1 $(printf '%064d' 0 | tr 0 a)
EOF
        mta_sts_records
    } >"$NSD/$DOMAIN.zone"
    # A zone nsd is configured for but cannot load: nsd answers SERVFAIL for it.
    cat >"$NSD/$SERVFAIL_ZONE.zone" <<EOF
\$ORIGIN $SERVFAIL_ZONE.
\$TTL 300
@ IN SOA ns.$SERVFAIL_ZONE. hostmaster.$SERVFAIL_ZONE. ( 1 3600 600 86400 60 )
@ IN THIS-IS-NOT-A-RECORD-TYPE broken
EOF
}

# mta_sts_records: the MTA-STS and TLS-RPT records of the domains under sts.$DOMAIN, for
# check_mta_sts (tests/integration/mta_sts.sh serves their policies). Their MX hosts
# mx1.sts and mx2.sts are the stack's Postfix, whose certificate covers *.sts.$DOMAIN.
mta_sts_records() {
    local d
    cat <<EOF
; MTA-STS (RFC 8461) and TLS-RPT (RFC 8460)
mx1.sts      IN A    127.0.0.1
mx2.sts      IN A    127.0.0.1
EOF
    for d in enforce testing nomatch notfound redirect html big expired silent twice badrpt; do
        printf '%s.sts IN MX 10 mx1.sts.%s.\n' "$d" "$DOMAIN"
        printf '%s.sts IN MX 20 mx2.sts.%s.\n' "$d" "$DOMAIN"
        printf '_mta-sts.%s.sts IN TXT "v=STSv1; id=%s2026"\n' "$d" "$d"
        [ "$d" = testing ] || [ "$d" = badrpt ] ||
            printf '_smtp._tls.%s.sts IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@%s"\n' "$d" "$DOMAIN"
    done
    cat <<EOF
_mta-sts.twice.sts IN TXT "v=STSv1; id=second"
_smtp._tls.badrpt.sts IN TXT "v=TLSRPTv1; rua=tlsrpt@$DOMAIN"
; a domain without MTA-STS
nosts.sts    IN MX   10 mx1.sts.$DOMAIN.
EOF
}

# nibbles HEX32: the reversed nibbles of a full IPv6 address (32 hex digits), dotted.
nibbles() {
    local h=$1 out= i
    for ((i = ${#h} - 1; i >= 0; i--)); do out+="${h:i:1}."; done
    printf '%s' "${out%.}"
}

# The DNS block lists of check_dnsbl's tests, as names under $DNSBL_ZONE (documented in
# tests/env/README.md): each "list" is a subdomain.
write_dnsbl_zone() {
    local v6_1 v6_10
    v6_1=$(nibbles 20010db8000000000000000000000001)  # 2001:db8::1
    v6_10=$(nibbles 20010db8000000000000000000000010) # 2001:db8::10
    cat >"$NSD/$DNSBL_ZONE.zone" <<EOF
\$ORIGIN $DNSBL_ZONE.
\$TTL 300
@ IN SOA ns.$DOMAIN. hostmaster.$DOMAIN. ( 1 3600 600 86400 60 )
@ IN NS  ns.$DOMAIN.
; hosts for -H NAME: one listed on bl (both addresses), one clean
listed-host IN A    192.0.2.1
listed-host IN AAAA 2001:db8::1
clean-host  IN A    192.0.2.2
clean-host  IN AAAA 2001:db8::2

; bl: an address list with its RFC 5782 test point; lists 192.0.2.1 and 2001:db8::1 (TXT)
2.0.0.127.bl   IN A   127.0.0.2
2.0.0.127.bl   IN TXT "RFC 5782 test point"
1.2.0.192.bl   IN A   127.0.0.2
1.2.0.192.bl   IN TXT "Listed: see https://bl.$DNSBL_ZONE/query/192.0.2.1"
$v6_1.bl IN A   127.0.0.2
$v6_1.bl IN TXT "Listed: see https://bl.$DNSBL_ZONE/query/2001:db8::1"
; bl2: a second list that lists 192.0.2.1 (code 127.0.0.3, no TXT)
2.0.0.127.bl2  IN A   127.0.0.2
1.2.0.192.bl2  IN A   127.0.0.3

; zen: read as zen.spamhaus.org (-z zen.$DNSBL_ZONE=zen.spamhaus.org); each code once
2.0.0.127.zen  IN A   127.0.0.2
2.0.0.127.zen  IN A   127.0.0.4
2.0.0.127.zen  IN A   127.0.0.10
10.2.0.192.zen IN A   127.0.0.2
10.2.0.192.zen IN TXT "https://check.spamhaus.org/sbl/query/SBL000001"
11.2.0.192.zen IN A   127.0.0.3
12.2.0.192.zen IN A   127.0.0.4
13.2.0.192.zen IN A   127.0.0.2
13.2.0.192.zen IN A   127.0.0.9
14.2.0.192.zen IN A   127.0.0.10
14.2.0.192.zen IN TXT "https://check.spamhaus.org/pbl/query/PBL000001"
15.2.0.192.zen IN A   127.0.0.11
$v6_10.zen IN A   127.0.0.4
$v6_10.zen IN TXT "https://check.spamhaus.org/xbl/query/2001:db8::10"

; Spamhaus' error codes, answered to every query as Spamhaus answers a refused resolver
*.typo         IN A   127.255.255.252
*.pubres       IN A   127.255.255.254
*.ratelimit    IN A   127.255.255.255
; an expired list whose domain now lists everything (127.0.0.1 and "invalid" too)
*.wild         IN A   127.0.0.2
; a list without test point (dead, or refusing this resolver); it lists 192.0.2.1
1.2.0.192.notest IN A 127.0.0.2
; a resolver that rewrites NXDOMAIN to an address of its own
*.outside      IN A   192.0.2.99

; dom: a domain list with its test points; lists listed-domain.example (TXT)
test.dom                  IN A   127.0.0.2
listed-domain.example.dom IN A   127.0.0.2
listed-domain.example.dom IN TXT "Domain listed: https://dom.$DNSBL_ZONE/listed-domain.example"
; dbl: read as dbl.spamhaus.org (test point dbltest.com)
dbltest.com.dbl           IN A   127.0.1.2
spam.example.dbl          IN A   127.0.1.2
spam.example.dbl          IN TXT "https://check.spamhaus.org/dbl/query/spam.example"
phish.example.dbl         IN A   127.0.1.4
; uribl: read as multi.uribl.com (test point test.uribl.com); urirefused: query refused
test.uribl.com.uribl      IN A   127.0.0.14
black.example.uribl       IN A   127.0.0.2
grey.example.uribl        IN A   127.0.0.4
*.urirefused              IN A   127.0.0.1
; mta: the list of the stack's Postfix (PP_RBL_LIST); lists 127.0.0.1, its test point 127.0.0.2
2.0.0.127.mta  IN A   127.0.0.2
1.0.0.127.mta  IN A   127.0.0.2
1.0.0.127.mta  IN TXT "Listed by the postprobe test stack"
EOF
    # Spamhaus' Data Query Service for the stack's key (\$SECRETS/dqs.key) only.
    cat >"$NSD/$DQS_ZONE.zone" <<EOF
\$ORIGIN $DQS_ZONE.
\$TTL 300
@ IN SOA ns.$DOMAIN. hostmaster.$DOMAIN. ( 1 3600 600 86400 60 )
@ IN NS  ns.$DOMAIN.
2.0.0.127.$DQS_KEY.zen IN A   127.0.0.2
1.2.0.192.$DQS_KEY.zen IN A   127.0.0.2
1.2.0.192.$DQS_KEY.zen IN TXT "DQS: https://check.spamhaus.org/sbl/query/SBL000002"
dbltest.com.$DQS_KEY.dbl IN A 127.0.1.2
EOF
}

write_nsd_conf() {
    cat >"$NSD/nsd.conf" <<EOF
# nsd of the postprobe test stack (generated by tests/env/stack.sh).
server:
    ip-address: 127.0.0.1@$PP_DNS_PORT
    ip-address: ::1@$PP_DNS_PORT
    port: $PP_DNS_PORT
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$NSD"
    zonelistfile: "$NSD/zone.list"
    xfrdfile: "$NSD/xfrd.state"
    xfrdir: "$NSD/xfr"
    pidfile: "$NSD/nsd.pid"
    logfile: "$NSD/log"
    verbosity: 1
    hide-version: yes
    refuse-any: no
    # No response rate limiting: a DNSBL check's burst of NXDOMAIN answers is its normal load
    # (with nsd's default of 200 a second, answers are dropped and the client retries).
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
${PP_POSTFIX_RESOLVER:+    ip-address: $PP_POSTFIX_RESOLVER@53
}remote-control:
    control-enable: no
zone:
    name: "$DOMAIN"
    zonefile: "$DOMAIN.zone"
zone:
    name: "$SERVFAIL_ZONE"
    zonefile: "$SERVFAIL_ZONE.zone"
zone:
    name: "$DNSBL_ZONE"
    zonefile: "$DNSBL_ZONE.zone"
zone:
    name: "$DQS_ZONE"
    zonefile: "$DQS_ZONE.zone"
EOF
}

setup_nsd() {
    mkdir -p "$NSD/xfr"
    write_zone
    write_dnsbl_zone
    write_nsd_conf
    nsd-checkconf "$NSD/nsd.conf" || die "nsd-checkconf rejected $NSD/nsd.conf"
    local z
    for z in "$DOMAIN" "$DNSBL_ZONE" "$DQS_ZONE"; do
        nsd-checkzone "$z" "$NSD/$z.zone" >/dev/null || die "nsd-checkzone rejected $NSD/$z.zone"
    done
}

start_nsd() {
    # setsid: its own session, so "down" can find and stop every process nsd forked.
    setsid nsd -d -c "$NSD/nsd.conf" </dev/null >>"$NSD/stdio.log" 2>&1 &
}

# ---------------------------------------------------------------------------------------------
# snmpd
# ---------------------------------------------------------------------------------------------
write_snmp_extend_scripts() {
    cat >"$SNMP/pp_ok.sh" <<'EOF'
#!/bin/sh
echo "TEST OK - fine | x=1"
exit 0
EOF
    cat >"$SNMP/pp_warn.sh" <<'EOF'
#!/bin/sh
echo "TEST WARNING - degraded | x=5"
exit 1
EOF
    cat >"$SNMP/pp_crit.sh" <<'EOF'
#!/bin/sh
echo "TEST CRITICAL - broken | x=9"
echo "second line of output"
exit 2
EOF
    # Extends that snmpd reports wrongly or cannot send (issue 19 items 8, 9): ppx_big prints
    # about 80 KB (more than one UDP datagram holds, less than the 100 KB snmpd reads) and
    # exits 2; ppx_killed dies by SIGKILL after a CRITICAL line (snmpd reports WEXITSTATUS,
    # 0); ppx_sh127 runs a missing command through sh (exit 127); extend ppx_missing (in
    # snmpd.conf) names a file that does not exist (snmpd reports 1 and no output).
    {
        echo "TEST CRITICAL - big output | x=9"
        seq -f 'line %g of a long output, padded to be long enough .......................' \
            1 1000
        echo "| lines=1001"
    } >"$SNMP/ppx_big.txt"
    cat >"$SNMP/ppx_big.sh" <<EOF
#!/bin/sh
cat $SNMP/ppx_big.txt
exit 2
EOF
    cat >"$SNMP/ppx_killed.sh" <<'EOF'
#!/bin/sh
echo "TEST CRITICAL - about to be killed | x=9"
kill -KILL $$
EOF
    cat >"$SNMP/ppx_sh127.sh" <<EOF
#!/bin/sh
exec $SNMP/no-such-command
EOF
    chmod 755 "$SNMP"/pp_*.sh "$SNMP"/ppx_*.sh
}

write_snmpd_conf() {
    cat >"$SNMP/snmpd.conf" <<EOF
# snmpd of the postprobe test stack (generated by tests/env/stack.sh).
sysLocation postprobe test stack
sysContact  postmaster@$DOMAIN
sysServices 72
rocommunity $SNMP_COMMUNITY 127.0.0.1
createUser $SNMP_V3_USER SHA "$SNMP_V3_AUTH_PASS" AES "$SNMP_V3_PRIV_PASS"
rouser $SNMP_V3_USER authpriv
extend pp_ok   $SNMP/pp_ok.sh
extend pp_warn $SNMP/pp_warn.sh
extend pp_crit $SNMP/pp_crit.sh
extend ppx_big     $SNMP/ppx_big.sh
extend ppx_killed  $SNMP/ppx_killed.sh
extend ppx_sh127   $SNMP/ppx_sh127.sh
extend ppx_missing $SNMP/no-such-command
EOF
    chmod 600 "$SNMP/snmpd.conf"
}

setup_snmpd() {
    mkdir -p "$SNMP/persist" "$SNMP/client-persist"
    chmod 700 "$SNMP/persist"
    write_snmp_extend_scripts
    write_snmpd_conf
}

start_snmpd() {
    # -I -smux: no SMUX module, which would otherwise listen on TCP port 199 of every address.
    setsid snmpd -f -C -I -smux -c "$SNMP/snmpd.conf" -Lf "$SNMP/log" -p "$SNMP/snmpd.pid" \
        "udp:127.0.0.1:$PP_SNMP_PORT" </dev/null >>"$SNMP/stdio.log" 2>&1 &
}

# snmp_oid_for BRANCH NAME: numeric nsExtend OID for extend NAME (BRANCH 2 = OutputFull,
# 4 = Result, 1 = Output1Line, 3 = OutNumLines).
snmp_oid_for() {
    local branch=$1 name=$2 oid i
    oid=.1.3.6.1.4.1.8072.1.3.2.3.1.$branch.${#name}
    for ((i = 0; i < ${#name}; i++)); do
        oid+=.$(printf '%d' "'${name:i:1}")
    done
    printf '%s\n' "$oid"
}

# ---------------------------------------------------------------------------------------------
# Readiness
# ---------------------------------------------------------------------------------------------

# banner_ok PORT PREFIX: a plain-text server on 127.0.0.1:PORT greets with PREFIX.
banner_ok() {
    # shellcheck disable=SC2016  # the inner script expands its own arguments
    timeout 2 bash -c '
        exec 3<>/dev/tcp/127.0.0.1/$1 || exit 1
        IFS= read -r line <&3 || exit 1
        printf "QUIT\r\n" >&3
        [[ $line == "$2"* ]]' _ "$1" "$2" 2>/dev/null
}

# tls_ok PORT: an implicit-TLS server on 127.0.0.1:PORT completes a verified handshake.
tls_ok() {
    timeout 3 openssl s_client -connect "127.0.0.1:$1" -CAfile "$CERTS/ca.crt" \
        -verify_return_error -verify_hostname "$MAILHOST" -brief </dev/null >/dev/null 2>&1
}

dns_ok() {
    dig +time=1 +tries=1 +short @127.0.0.1 -p "$PP_DNS_PORT" "$DOMAIN" SOA 2>/dev/null |
        grep -q "ns.$DOMAIN"
}

resolver_ok() {
    dig +time=1 +tries=1 +short @"$PP_POSTFIX_RESOLVER" "1.0.0.127.$RBL_LIST" A 2>/dev/null |
        grep -q '^127\.0\.0\.2$'
}

snmp_ok() {
    snmpget -v2c -c "$SNMP_COMMUNITY" -t 1 -r 0 -On "127.0.0.1:$PP_SNMP_PORT" \
        .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1
}

# unix_listening PATH: a process listens on the unix socket PATH.
unix_listening() { ss -Hlx | awk -v p="$1" '$5 == p { found = 1 } END { exit !found }'; }

sockets_ok() {
    unix_listening "$PF_QUEUE/private/dovecot-lmtp" && unix_listening "$PF_QUEUE/private/auth"
}

# service_checks: "name|command" pairs; each command succeeds when the service answers.
service_checks() {
    cat <<EOF
smtp:$PP_SMTP_PORT|banner_ok $PP_SMTP_PORT 220
submission:$PP_SUBMISSION_PORT|banner_ok $PP_SUBMISSION_PORT 220
smtps:$PP_SMTPS_PORT|tls_ok $PP_SMTPS_PORT
sink:$PP_SINK_PORT|banner_ok $PP_SINK_PORT "220 sink.postprobe.test"
imap:$PP_IMAP_PORT|banner_ok $PP_IMAP_PORT "* OK"
imaps:$PP_IMAPS_PORT|tls_ok $PP_IMAPS_PORT
pop3:$PP_POP3_PORT|banner_ok $PP_POP3_PORT "+OK"
pop3s:$PP_POP3S_PORT|tls_ok $PP_POP3S_PORT
dovecot-sockets|sockets_ok
dns:$PP_DNS_PORT|dns_ok
snmp:$PP_SNMP_PORT|snmp_ok
EOF
    [ -z "$PP_POSTFIX_RESOLVER" ] || echo "resolver:$PP_POSTFIX_RESOLVER:53|resolver_ok"
    dnssec_service_checks
}

# wait_ready: poll every service until all answer or READY_TIMEOUT passes.
wait_ready() {
    local deadline=$((SECONDS + READY_TIMEOUT)) pending name cmd
    while :; do
        pending=()
        while IFS='|' read -r name cmd; do
            eval "$cmd" || pending+=("$name")
        done < <(service_checks)
        [ ${#pending[@]} -eq 0 ] && return 0
        if [ $SECONDS -ge $deadline ]; then
            printf 'stack: ERROR: not answering after %ss: %s (logs under %s)\n' \
                "$READY_TIMEOUT" "${pending[*]}" "$RUN" >&2
            return 1
        fi
        sleep 0.1
    done
}

all_ready() {
    local name cmd
    while IFS='|' read -r name cmd; do
        eval "$cmd" || return 1
    done < <(service_checks)
}

# ---------------------------------------------------------------------------------------------
# stack.env
# ---------------------------------------------------------------------------------------------
write_env() {
    local tmp=$ENV_FILE.tmp v
    {
        echo "# postprobe test stack, written by tests/env/stack.sh up at $(date -u +%FT%TZ)"
        emit() { printf 'export %s=%q\n' "$1" "$2"; }
        emit PP_STACK_DIR "$RUN"
        emit PP_HOST 127.0.0.1
        emit PP_HOST6 ::1
        for v in "${TCP_PORT_VARS[@]}" PP_SNMP_PORT; do emit "$v" "${!v}"; done
        emit PP_POSTFIX_CONFIG_DIR "$PF_CONF"
        emit PP_POSTFIX_QUEUE_DIR "$PF_QUEUE"
        emit PP_POSTFIX_DATA_DIR "$PF_DATA"
        emit PP_POSTFIX_MAILLOG "$PF/maillog"
        emit PP_VERIFY_CACHE "$PF_DATA/verify_cache.db"
        emit PP_CA_CERT "$CERTS/ca.crt"
        emit PP_CA_KEY "$CERTS/ca.key"
        emit PP_SERVER_CERT "$CERTS/server.crt"
        emit PP_SERVER_CHAIN "$CERTS/server-chain.crt"
        emit PP_SERVER_KEY "$CERTS/server.key"
        emit PP_SERVER_NAME "$MAILHOST"
        emit PP_SINK_NAME sink.postprobe.test
        emit PP_DOMAIN "$DOMAIN"
        emit PP_RELAY_DOMAIN "$RELAY_DOMAIN"
        emit PP_SINK_ACCEPTS "exists@$RELAY_DOMAIN alice@$RELAY_DOMAIN postmaster@$RELAY_DOMAIN"
        emit PP_SINK_TEMPFAIL "tempfail@$RELAY_DOMAIN"
        emit PP_UNREACHABLE_DOMAIN "$UNREACHABLE_DOMAIN"
        emit PP_HOLD_DOMAIN "$HOLD_DOMAIN"
        emit PP_ALICE_USER "alice@$DOMAIN"
        emit PP_ALICE_PASSWORD "$ALICE_PASS"
        emit PP_ALICE_AUTHFILE "$SECRETS/alice.auth"
        emit PP_ALICE_MAILDIR "$MAILDIRS/$DOMAIN/alice/Maildir"
        emit PP_BOB_USER "bob@$DOMAIN"
        emit PP_BOB_PASSWORD "$BOB_PASS"
        emit PP_BOB_AUTHFILE "$SECRETS/bob.auth"
        emit PP_BOB_MAILDIR "$MAILDIRS/$DOMAIN/bob/Maildir"
        emit PP_DOVECOT_CONFIG "$DC/dovecot.conf"
        emit PP_DOVECOT_LOG "$DC/log"
        emit PP_DNS_ZONE "$DOMAIN"
        emit PP_DNS_SERVFAIL_ZONE "$SERVFAIL_ZONE"
        emit PP_NSD_CONFIG "$NSD/nsd.conf"
        emit PP_DNSBL_ZONE "$DNSBL_ZONE"
        emit PP_DQS_KEY_FILE "$SECRETS/dqs.key"
        emit PP_RBL_LIST "$RBL_LIST"
        emit PP_POSTFIX_RESOLVER "$PP_POSTFIX_RESOLVER"
        emit PP_POSTFIX_RESOLVER_WHY "$PP_POSTFIX_RESOLVER_WHY"
        emit PP_SNMP_COMMUNITY "$SNMP_COMMUNITY"
        emit PP_SNMP_V3_USER "$SNMP_V3_USER"
        emit PP_SNMP_V3_AUTH_PROTO SHA
        emit PP_SNMP_V3_AUTH_PASSWORD "$SNMP_V3_AUTH_PASS"
        emit PP_SNMP_V3_PRIV_PROTO AES
        emit PP_SNMP_V3_PRIV_PASSWORD "$SNMP_V3_PRIV_PASS"
        emit PP_SNMP_OID_OK_OUTPUT "$(snmp_oid_for 2 pp_ok)"
        emit PP_SNMP_OID_OK_RESULT "$(snmp_oid_for 4 pp_ok)"
        emit PP_SNMP_OID_WARN_OUTPUT "$(snmp_oid_for 2 pp_warn)"
        emit PP_SNMP_OID_WARN_RESULT "$(snmp_oid_for 4 pp_warn)"
        emit PP_SNMP_OID_CRIT_OUTPUT "$(snmp_oid_for 2 pp_crit)"
        emit PP_SNMP_OID_CRIT_RESULT "$(snmp_oid_for 4 pp_crit)"
        echo "# For net-snmp tools and libraries: no MIB files to load; keep their persistent"
        echo "# state (cert_indexes, ...) out of /var/lib/snmp."
        emit MIBS ""
        emit SNMP_PERSISTENT_DIR "$SNMP/client-persist"
        dnssec_env
    } >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

# load_running_ports: when a stack is up, its ports are the ones in its stack.env.
load_running_ports() {
    if [ -r "$ENV_FILE" ]; then
        # shellcheck disable=SC1090
        . "$ENV_FILE"
    fi
}

processes_ok() {
    local entry
    while IFS= read -r entry; do
        pid_alive "${entry%:*}" "${entry##*:}" || return 1
    done < <(daemons)
}

check_ports_free() {
    local v busy=() dups
    dups=$(for v in "${TCP_PORT_VARS[@]}" PP_SNMP_PORT; do echo "${!v}"; done | sort | uniq -d)
    [ -z "$dups" ] || die "the same port is configured for two services: ${dups//$'\n'/ }"
    for v in "${TCP_PORT_VARS[@]}"; do
        port_taken tcp "${!v}" && busy+=("$v=${!v}/tcp")
    done
    for v in "${UDP_PORT_VARS[@]}"; do
        port_taken udp "${!v}" && busy+=("$v=${!v}/udp")
    done
    if [ ${#busy[@]} -gt 0 ]; then
        die "port already in use: ${busy[*]} (something else listens there; pick another" \
            "port with the named variable, e.g. ${busy[0]%%=*}=NNNNN)"
    fi
}

cmd_up() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (Postfix and Dovecot start as root)"
    if [ -d "$RUN" ]; then
        load_running_ports
        if processes_ok && all_ready; then
            log "already up and healthy in $RUN (env: $ENV_FILE)"
            return 0
        fi
        log "found an incomplete stack in $RUN; tearing it down first"
        cmd_down
    fi
    check_ports_free
    resolver_choose "$PP_RESOLVER_ADDR"
    local t0=$SECONDS
    mkdir -p "$RUN"
    chmod 755 "$RUN"
    make_certs
    make_secrets
    setup_postfix
    setup_dovecot
    setup_nsd
    setup_dnssec
    setup_snmpd
    start_dovecot          # first: its sockets go into Postfix's private/ before Postfix runs
    start_postfix
    start_nsd
    start_dnssec
    start_snmpd
    if ! wait_ready; then
        show_logs >&2
        die "stack did not become ready; logs are under $RUN; clean up with: $0 down"
    fi
    write_env
    log "up in $((SECONDS - t0))s; run dir $RUN; env: $ENV_FILE"
    if [ -n "$PP_POSTFIX_RESOLVER" ]; then
        log "Postfix resolves through nsd on $PP_POSTFIX_RESOLVER (own mount namespace)"
    else
        log "Postfix uses the system's resolver: $PP_POSTFIX_RESOLVER_WHY"
    fi
}

# show_logs: the last lines of every daemon's log, for a failed start.
show_logs() {
    local f
    for f in "$PF/start.log" "$PF/maillog" "$DC/stdio.log" "$DC/log" "$NSD/log" \
        "$NSD/stdio.log" "$SNMP/log" "$SNMP/stdio.log"; do
        [ -s "$f" ] || continue
        echo "---- $f (last 15 lines)"
        tail -n 15 "$f"
    done
}

# daemons: "pidfile:command-name" of every daemon of the stack.
daemons() {
    printf '%s\n' "$PF_QUEUE/pid/master.pid:master" "$DC/run/master.pid:dovecot" \
        "$NSD/nsd.pid:nsd" "$SNMP/snmpd.pid:snmpd"
    dnssec_daemons
}

# stop_daemons: SIGTERM every running daemon of the stack (Postfix through "postfix stop"),
# then wait for all their processes to exit.
stop_daemons() {
    local entry pidfile comm pid sids=()
    while IFS= read -r entry; do
        pidfile=${entry%:*} comm=${entry##*:}
        pid_alive "$pidfile" "$comm" || continue
        pid=$(pid_of "$pidfile")
        sids+=("$(session_of "$pid")")
        if [ "$comm" = master ]; then
            postfix -c "$PF_CONF" stop </dev/null >>"$PF/start.log" 2>&1 || kill -TERM "$pid"
        else
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done < <(daemons)
    [ ${#sids[@]} -eq 0 ] || wait_sessions_gone "${sids[@]}"
}

cmd_down() {
    local keep=${1:-}
    if [ ! -d "$RUN" ]; then
        log "not running (no $RUN)"
        return 0
    fi
    stop_daemons
    if [ "$keep" = --keep ]; then
        rm -f "$ENV_FILE"
        log "stopped; kept $RUN"
    else
        rm -rf "$RUN"
        log "stopped; removed $RUN"
    fi
}

status_line() { printf '  %-16s %s\n' "$1" "$2"; }

cmd_status() {
    if [ ! -d "$RUN" ]; then
        echo "postprobe stack: not running (no $RUN)"
        return 1
    fi
    load_running_ports
    local ok=0 pidfile comm name cmd
    echo "postprobe stack in $RUN:"
    while IFS= read -r pidfile; do
        comm=${pidfile##*:}
        pidfile=${pidfile%:*}
        if pid_alive "$pidfile" "$comm"; then
            status_line "$comm" "running, pid $(pid_of "$pidfile")"
        else
            status_line "$comm" "NOT running"
            ok=1
        fi
    done < <(daemons)
    while IFS='|' read -r name cmd; do
        if eval "$cmd"; then
            status_line "$name" answering
        else
            status_line "$name" "NOT answering"
            ok=1
        fi
    done < <(service_checks)
    [ -r "$ENV_FILE" ] || { status_line stack.env missing; ok=1; }
    return $ok
}

main() {
    case ${1:-} in
        up) cmd_up ;;
        down) cmd_down "${2:-}" ;;
        status) cmd_status ;;
        *) echo "usage: $0 up | down [--keep] | status" >&2; exit 2 ;;
    esac
}

main "$@"
