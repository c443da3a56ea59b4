# SPDX-License-Identifier: GPL-3.0-or-later
# mailprobe.bash - for the end-to-end tests of check_mail_roundtrip and check_smtp_av
# (sourced, not a test itself; sources common.bash).
#
#   pf_change KEY=VALUE...     postconf -e on the stack's Postfix and reload; the first call
#                              saves main.cf and master.cf, restored (and reloaded) at exit
#   pf_service NAME/TYPE LINE  adds a master.cf service (postconf -M -e), undone likewise
#   echo_setup DOMAIN          mail to any address @DOMAIN is answered by echo_responder.sh
#                              (a pipe service running as nobody), undone at exit
#   silent_server PORT         a listener on 127.0.0.1:PORT that accepts and never speaks;
#                              killed at exit
#   fake_imap PORT VERB        an IMAP server on 127.0.0.1:PORT that takes any login, has an
#                              empty INBOX and hangs up when it gets the command VERB
#   free_port                  a loopback TCP port where nothing listens
#   maildir_count MAILDIR      messages in MAILDIR (new/ and cur/)
#   box_has MAILDIR N          MAILDIR holds N messages
#   maildir_clear MAILDIR      expunges them through Dovecot (box_expunge: alice's or bob's)
#   queue_purge RCPT_DOMAIN    deletes the queued messages with a recipient in that domain
#   wait_for CMD...            (up to 10 s) until CMD succeeds
#   line1_re REGEX             the first line of $OUT matches the extended REGEX
#   eicar, eicar_holders       the EICAR test file and the files holding it (lib/eicar.bash)
#   add_exit CMD               runs CMD at exit (common.bash's on_exit)
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
# shellcheck source=lib/eicar.bash
. "$(dirname "${BASH_SOURCE[0]}")/eicar.bash"
PF_DIR=$PP_POSTFIX_CONFIG_DIR
MP_SAVE=
add_exit() { on_exit "$1"; }

# Postfix waits up to 2.5 s for a main.cf written in the last seconds to settle: backdate it.
pf_reload() {
    touch -d '-1 minute' "$PF_DIR/main.cf" "$PF_DIR/master.cf"
    postfix -c "$PF_DIR" reload >/dev/null 2>&1
    sleep 0.5
}

pf_save() {
    [ -n "$MP_SAVE" ] && return
    MP_SAVE=$(mktemp -d)
    cp -p "$PF_DIR/main.cf" "$PF_DIR/master.cf" "$MP_SAVE/"
    add_exit 'cp -p "$MP_SAVE/main.cf" "$MP_SAVE/master.cf" "$PF_DIR/"; pf_reload; rm -rf "$MP_SAVE"'
}

pf_change() {
    pf_save
    postconf -c "$PF_DIR" -e "$@"
    pf_reload
}

pf_service() {
    pf_save
    postconf -c "$PF_DIR" -M -e "$1 = $2"
    pf_reload
}

echo_setup() {
    local dir=$PP_STACK_DIR/echo-responder
    mkdir -p "$dir"
    chmod 755 "$dir"
    install -m 755 "$(dirname "${BASH_SOURCE[0]}")/echo_responder.sh" "$dir/"
    printf '%s ppecho:\n' "$1" >"$dir/transport"
    add_exit "rm -rf '$dir'"
    pf_service ppecho/unix "ppecho unix - n n - - pipe user=nobody argv=$dir/echo_responder.sh \${sender} \${recipient} $PP_SMTP_PORT"
    pf_change "transport_maps = texthash:$dir/transport, $(postconf -c "$PF_DIR" -h transport_maps)"
}

silent_server() {
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
                                      Listen => 16, ReuseAddr => 1) or die "listen: $!";
        my @held;
        while (my $c = $s->accept) { push @held, $c }' "$1" &
    add_exit "kill $! 2>/dev/null"
    wait_for bash -c "ss -Hltn 'sport = :$1' | grep -q ."
}

fake_imap() {
    perl -MIO::Socket::INET -e '
        my ($port, $die) = @ARGV;
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port,
                                      Listen => 16, ReuseAddr => 1) or die "listen: $!";
        while (my $c = $s->accept) {
            $c->autoflush(1);
            print $c "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] fake\r\n";
            while (my $l = <$c>) {
                my ($tag, $verb) = split / /, $l;
                $verb = uc($verb // ""); $verb =~ s/\s+$//;
                last if $verb eq uc($die);
                print $c "* CAPABILITY IMAP4rev1 UIDPLUS\r\n" if $verb eq "CAPABILITY";
                print $c "* 0 EXISTS\r\n" if $verb eq "SELECT";
                print $c "* SEARCH\r\n" if $verb eq "UID";
                print $c "* BYE bye\r\n" if $verb eq "LOGOUT";
                print $c "$tag OK done\r\n";
                last if $verb eq "LOGOUT";
            }
            close $c;
        }' "$1" "$2" &
    add_exit "kill $! 2>/dev/null"
    wait_for bash -c "ss -Hltn 'sport = :$1' | grep -q ."
}

free_port() {
    local p=$((PP_SMTP_PORT + 900))
    while [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
    echo "$p"
}

maildir_count() {
    find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l
}

box_has() {
    [ "$(maildir_count "$1")" -eq "$2" ]
}


maildir_clear() {
    case $1 in
    "$PP_ALICE_MAILDIR") box_expunge "$PP_ALICE_USER" ;;
    "$PP_BOB_MAILDIR") box_expunge "$PP_BOB_USER" ;;
    *) echo "maildir_clear: $1 is no stack user's maildir" >&2; return 1 ;;
    esac
}

queue_purge() {
    postqueue -c "$PF_DIR" -j |
        perl -MJSON::PP -ne 'my $m = decode_json($_);
            print "$m->{queue_id}\n" if grep { $_->{address} =~ /\@\Q'"$1"'\E$/ } @{$m->{recipients}}' |
        postsuper -c "$PF_DIR" -d - >/dev/null 2>&1 || true
}

wait_for() {
    local i
    for ((i = 0; i < 100; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

line1_re() {
    local re=$1
    [[ ${OUT%%$'\n'*} =~ $re ]]
}

