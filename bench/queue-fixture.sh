#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# queue-fixture.sh - deferred queues shaped like real ones, made by the test stack's real
# Postfix, for bench/queue.sh (run on demand; not a ctest).
#
#   bench/queue-fixture.sh make N TEMPLATES       N real messages, kept as templates
#   bench/queue-fixture.sh replicate TEMPLATES N  N copies in the deferred queue
#   bench/queue-fixture.sh clean TEMPLATES        removes the copies
#
# make: queues N messages through the stack's Postfix (tests/env/stack.sh up): bodies of
# 2-200 KB (2 KB * 100^(u^3): most of a few KB, a tail up to 200 KB), 1-50 recipients
# (half with one, a tenth with 21-50) over DOMAINS (default 3000) subdomains of the
# unreachable domain (a closed loopback port: real deferred files, a defer log each, a retry
# time as mtime); one in six also has exists@relay.postprobe.test, which the stack's sink
# accepts, so that its recipient is done-marked in the file; four in five come over SMTP
# (smtpd's attribute records, O and DSN records per recipient), one in ten through
# "sendmail -t" (recipients extracted from To:/Cc: into the extracted segment at the end of
# the file) and the rest through sendmail with envelope recipients. Once all are deferred,
# the queue files and their defer logs are copied to TEMPLATES and removed from the queue.
#
# replicate: writes N copies of the templates (in turn) into the deferred queue, each under a
# new queue id of Postfix's short form (5 hex digits of microseconds, then the file's inode
# in hex, hashed by its first character as hash_queue_depth = 1 does), owned by mail_owner,
# mode 0700, a retry time (mtime) between 10 minutes and a day ahead so that qmgr leaves
# them alone, and a copy of the defer log. Their ids go to TEMPLATES/replicas.
# clean: deletes the files listed in TEMPLATES/replicas and their defer logs.
set -euo pipefail
# shellcheck disable=SC1091
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
CONF=$PP_POSTFIX_CONFIG_DIR
QDIR=$PP_POSTFIX_QUEUE_DIR
DOMAINS=${DOMAINS:-3000}

die() { printf 'queue-fixture: %s\n' "$*" >&2; exit 1; }
count() { find "$QDIR/$1" -type f 2>/dev/null | wc -l; }

# The messages: a Perl generator speaking SMTP itself and piping to sendmail.
inject() {
    local n=$1
    N=$n DOMAINS=$DOMAINS PORT=$PP_SMTP_PORT CONF=$CONF RELAY=$PP_RELAY_DOMAIN \
        UNREACH=$PP_UNREACHABLE_DOMAIN perl -e '
        use strict; use warnings; use Net::SMTP; use POSIX qw(strftime);
        srand(18);
        my ($n, $ndom) = ($ENV{N}, $ENV{DOMAINS});
        my $smtp;
        sub nrcpt { my $u = rand; return $u < .5 ? 1 : $u < .75 ? 2 + int(rand 4)
                  : $u < .9 ? 6 + int(rand 15) : 21 + int(rand 30); }
        sub body { my $kb = int(2 * 100 ** (rand() ** 3)); my $line = "x" x 75;
                   my $b = ""; my $i = 0;
                   while (length($b) < $kb * 1024) { $b .= sprintf("%05d %s\n", $i++, $line); }
                   return $b; }
        for my $i (1 .. $n) {
            my $s = int(rand $ndom);
            my $from = "sender$s\@s$s.example";
            my @rcpt = map { my $d = int(rand $ndom); "user$_\@d$d.$ENV{UNREACH}" } 1 .. nrcpt();
            push @rcpt, "exists\@$ENV{RELAY}" if $i % 6 == 0;
            my $date = strftime("%a, %d %b %Y %H:%M:%S +0000", gmtime);
            my $to = join(",\n ", @rcpt);
            my $head = "From: Sender $s <$from>\nTo: $to\nSubject: fixture message $i\n"
                     . "Date: $date\nMessage-ID: <fixture$i.$$\@bench.postprobe.test>\n\n";
            my $msg = $head . body();
            my $way = $i % 10;
            if ($way < 8) {
                $smtp ||= Net::SMTP->new("127.0.0.1", Port => $ENV{PORT}, Hello => "bench.example")
                    or die "cannot connect to smtpd: $@";
                $smtp->mail($from) && (grep { $smtp->recipient($_) } @rcpt) == @rcpt
                    && $smtp->data($msg) or die "smtpd refused message $i: " . $smtp->message;
            } else {
                my @args = ("-C", $ENV{CONF}, "-f", $from, "-i");
                push @args, $way == 8 ? ("-t") : ("--", @rcpt);
                open(my $sm, "|-", "sendmail", @args) or die "sendmail: $!";
                print $sm $msg; close($sm) or die "sendmail failed for message $i";
            }
        }
        $smtp->quit if $smtp;'
}

make() {
    local n=$1 dir=$2 before deadline
    [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && die "$dir is not empty"
    mkdir -p "$dir"
    [ "$(count deferred)" -eq 0 ] || die "the deferred queue is not empty"
    inject "$n"
    deadline=$((SECONDS + 120 + n / 20))
    while [ "$(count deferred)" -lt "$n" ] || [ "$(count incoming)" -gt 0 ] ||
        [ "$(count active)" -gt 0 ] || [ "$(count maildrop)" -gt 0 ]; do
        [ $SECONDS -lt $deadline ] ||
            die "only $(count deferred) of $n deferred (see $PP_POSTFIX_MAILLOG)"
        sleep 1
    done
    postsuper -c "$CONF" -h ALL deferred >/dev/null 2>&1 # keep qmgr off while copying
    find "$QDIR/hold" -type f -printf '%f\n' | while read -r id; do
        cp -p "$QDIR/hold/$id" "$dir/$id"
        h=${id:0:1}
        [ -f "$QDIR/defer/$h/$id" ] && cp -p "$QDIR/defer/$h/$id" "$dir/$id.defer"
        chmod 0700 "$dir/$id"
        echo "$id"
    done >"$dir/ids"
    postsuper -c "$CONF" -d - hold <"$dir/ids" >/dev/null 2>&1
    echo "queue-fixture: $(wc -l <"$dir/ids") real-shaped queue files in $dir" \
        "($(du -sh "$dir" | cut -f1))" >&2
}

replicate() {
    local dir=$1 n=$2
    [ -s "$dir/ids" ] || die "no templates in $dir (run make first)"
    DIR=$dir N=$n Q=$QDIR OWNER=$(postconf -c "$CONF" -h mail_owner) perl -e '
        use strict; use warnings; use Fcntl;
        srand(1818);
        my ($dir, $n, $q) = @ENV{qw(DIR N Q)};
        my (undef, undef, $uid, $gid) = getpwnam($ENV{OWNER}) or die "no user $ENV{OWNER}";
        open(my $ids, "<", "$dir/ids") or die "$dir/ids: $!";
        chomp(my @t = <$ids>);
        my (%data, %log);
        for my $id (@t) {
            local $/;
            open(my $f, "<", "$dir/$id") or die "$dir/$id: $!"; $data{$id} = <$f>;
            $log{$id} = -f "$dir/$id.defer"
                ? do { open(my $l, "<", "$dir/$id.defer"); <$l> } : undef;
        }
        for my $sub (qw(deferred defer)) {
            for my $h (0 .. 9, "A" .. "F") {
                mkdir "$q/$sub/$h", 0700; chown $uid, $gid, "$q/$sub/$h";
            }
        }
        open(my $out, ">>", "$dir/replicas") or die "$dir/replicas: $!";
        my $now = time;
        for my $i (0 .. $n - 1) {
            my $id = $t[$i % @t];
            my $tmp = "$q/deferred/.fixture$$";
            sysopen(my $f, $tmp, O_WRONLY | O_CREAT | O_EXCL, 0600) or die "$tmp: $!";
            print $f $data{$id} or die "$tmp: $!"; close($f) or die "$tmp: $!";
            my $ino = (stat $tmp)[1];
            my $new = sprintf("%05X%X", int(rand 1000000), $ino);
            my $h = substr($new, 0, 1);
            my $retry = $now + 600 + int(rand 86400);
            chown $uid, $gid, $tmp; chmod 0700, $tmp; utime $retry, $retry, $tmp;
            rename $tmp, "$q/deferred/$h/$new" or die "rename $new: $!";
            if (defined $log{$id}) {
                open(my $l, ">", "$q/defer/$h/$new") or die "defer/$h/$new: $!";
                print $l $log{$id}; close($l); chown $uid, $gid, "$q/defer/$h/$new";
                chmod 0600, "$q/defer/$h/$new";
            }
            print $out "$new\n";
        }'
    echo "queue-fixture: $(count deferred) files in the deferred queue" >&2
}

clean() {
    local dir=$1
    [ -f "$dir/replicas" ] || return 0
    Q=$QDIR perl -ne 'chomp; my $h = substr($_, 0, 1);
        unlink "$ENV{Q}/deferred/$h/$_", "$ENV{Q}/defer/$h/$_"' "$dir/replicas"
    rm -f "$dir/replicas"
}

case ${1:-} in
make) [ $# -eq 3 ] || die "usage: $0 make N TEMPLATES"; make "$2" "$3" ;;
replicate) [ $# -eq 3 ] || die "usage: $0 replicate TEMPLATES N"; replicate "$2" "$3" ;;
clean) [ $# -eq 2 ] || die "usage: $0 clean TEMPLATES"; clean "$2" ;;
*) die "usage: $0 make N TEMPLATES | replicate TEMPLATES N | clean TEMPLATES" ;;
esac
