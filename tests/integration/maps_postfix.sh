#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# maps_postfix - check_postfix_maps agrees with Postfix itself (issue 19, items 2, 3, 4, 10),
# Postfix's answer the referee each time:
#  - source keys as postmap 3.7 reads them: quoted and backslash-escaped blanks kept in the key,
#    a line with an unbalanced quote and, with smtputf8_enable = yes, a non-UTF-8 line
#    skipped: --every-key agrees with postmap -s and postmap -q, and never prints raw bytes;
#  - a cache Postfix writes itself (smtp_sasl_auth_cache_name, in proxy_write_maps as
#    postconf -x shows) is no table to postmap;
#  - a pcre: rule with $1 in transport_maps: trivial-rewrite logs "regular expression
#    substitution is not allowed: skipping this rule", and so does the plugin (the same table
#    as header_checks is fine);
#  - a regexp: rule x{1,4000}: postmap -q uses it, the plugin says it is its own limit, OK.
set -euo pipefail
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
PLUGIN=$PP_BUILD_DIR/plugins/check_postfix_maps
STACK_CONF=$PP_POSTFIX_CONFIG_DIR

T=$(mktemp -d /tmp/pp-mapspf.XXXXXX)
chmod 755 "$T"
cp -p "$STACK_CONF/main.cf" "$T/stack-main.cf"
restore() {
    cp -p "$T/stack-main.cf" "$STACK_CONF/main.cf"
    postfix -c "$STACK_CONF" reload 2>/dev/null || true
    rm -rf "$T"
}
trap restore EXIT

fail() { printf 'FAIL: %s\n--- output:\n%s\n' "$1" "${OUT:-}" >&2; exit 1; }
expect() {
    local want=$1 conf=$2 rc=0
    shift 2
    OUT=$("$PLUGIN" -C "$conf" "$@") || rc=$?
    [ "$rc" -eq "$want" ] || fail "exit $rc, expected $want (args: $*)"
}
has() { grep -qF -- "$1" <<<"$OUT" || fail "output lacks: $1"; }
hasnt() { ! grep -qF -- "$1" <<<"$OUT" || fail "output has: $1"; }

# A scratch configuration naming only the tables under test.
mkdir -p "$T/conf"
cp "$STACK_CONF/main.cf" "$STACK_CONF/master.cf" "$T/conf/"
sed -i '/^config_directory *=/d' "$T/conf/main.cf"
C=$T/conf
pmap() { postmap -c "$C" "$@"; }

# ---- item 3: keys as postmap reads them ----
printf '%s OK\n' '"John Doe"@example.com' 'john\ roe@example.com' '"unbalanced@example.com' \
    "$(printf 'ab\xffc@example.com')" plain@example.com 'Straße@Example.com' >"$T/senders"
postconf -c "$C" -e "smtpd_sender_restrictions = check_sender_access hash:$T/senders"
[ "$(postconf -c "$C" -hx smtputf8_enable)" = yes ] || fail "smtputf8_enable is not yes here"
pmap hash:"$T/senders" 2>"$T/postmap.err"
grep -q "line 3: unbalanced" "$T/postmap.err" || fail "postmap did not skip line 3"
grep -q "line 4: non-UTF-8 input" "$T/postmap.err" || fail "postmap did not skip line 4"
keys=$(postmap -c "$C" -s hash:"$T/senders" | wc -l)
[ "$keys" -eq 4 ] || fail "postmap -s has $keys keys, expected 4"
# Under smtputf8_enable Postfix folds a UTF-8 key with ICU's full case folding.
[ "$(postmap -c "$C" -q 'strasse@example.com' hash:"$T/senders")" = OK ] ||
    fail "postmap did not fold Straße to strasse"
[ "$(postmap -c "$C" -q '"john doe"@example.com' hash:"$T/senders")" = OK ] ||
    fail "postmap -q does not find the quoted key"
[ "$(postmap -c "$C" -q 'john\ roe@example.com' hash:"$T/senders")" = OK ] ||
    fail "postmap -q does not find the escaped key"
touch -d '-30 min' "$T/senders"
expect 0 "$C" --every-key -v
has "hash:$T/senders (smtpd_sender_restrictions): $keys entries (and 2 source lines postmap skips"
# A key removed from the compiled file is named with its bytes escaped.
postmap -c "$C" -d '"john doe"@example.com' hash:"$T/senders"
touch -d '-30 min' "$T/senders"
touch -d '-20 min' "$T/senders.db"
expect 2 "$C" --every-key
has "1 of 4 source entries missing from the compiled file (first: '\"john doe\"@example.com', \
line 1)"
# With smtputf8_enable = no postmap takes the non-UTF-8 line: the plugin counts it, and never
# prints its raw byte.
postconf -c "$C" -e smtputf8_enable=no
pmap hash:"$T/senders" 2>/dev/null
keys=$(postmap -c "$C" -s hash:"$T/senders" | wc -l)
[ "$keys" -eq 5 ] || fail "postmap -s has $keys keys with smtputf8_enable = no, expected 5"
touch -d '-30 min' "$T/senders"
expect 0 "$C" --every-key -v
has "hash:$T/senders (smtpd_sender_restrictions): $keys entries (and 1 source line postmap skips"
postmap -c "$C" -d "$(printf 'ab\xffc@example.com')" hash:"$T/senders"
touch -d '-30 min' "$T/senders"
touch -d '-20 min' "$T/senders.db"
expect 2 "$C" --every-key
has "(first: 'ab\\xffc@example.com', line 4)"
! LC_ALL=C grep -q "$(printf '\xff')" <<<"$OUT" || fail "a raw non-UTF-8 byte in the output"
postconf -c "$C" -e smtputf8_enable=yes
pmap hash:"$T/senders" 2>/dev/null
touch -d '-30 min' "$T/senders"
touch -d '-20 min' "$T/senders.db"

# ---- item 4: a cache Postfix writes itself ----
postconf -c "$C" -e 'smtp_sasl_auth_cache_name = proxy:btree:$data_directory/sasl_auth_cache'
cache=$(postconf -c "$C" -hx data_directory)/sasl_auth_cache
postconf -c "$C" -hx proxy_write_maps | grep -qF "proxy:btree:$cache" ||
    fail "Postfix does not list the cache in proxy_write_maps"
expect 0 "$C" -v
hasnt "sasl_auth_cache"
# Named in proxy_write_maps, another table of Postfix's own is left out too, wherever named.
postconf -c "$C" -e "proxy_write_maps = \$smtp_sasl_auth_cache_name btree:$T/written" \
    "canonical_maps = btree:$T/written"
expect 0 "$C" -v
hasnt "$T/written"

# ---- item 10: a regexp bound Postfix compiles and uses, too costly to compile here ----
printf '/^x{1,4000}$/ REJECT long x\n/^Subject: spam/ REJECT\n' >"$T/header_checks"
postconf -c "$C" -e "header_checks = regexp:$T/header_checks"
touch -d 2020-01-01 "$T/header_checks" # older than any load: no reload asked
[ "$(postmap -c "$C" -q "$(printf 'x%.0s' $(seq 1 3500))" regexp:"$T/header_checks")" = \
    "REJECT long x" ] || fail "Postfix does not use the x{1,4000} rule"
expect 0 "$C" -v
has "with rules this plugin cannot check"
has "regexp:$T/header_checks 1 rule not checked (this plugin's limit, not Postfix's): \
$T/header_checks:1: not compiled here: its repetition bound 4000 is over this check's \
limit of 3000"
has " unchecked_rules=1;;;0;"
hasnt "Postfix skips"

# ---- item 2: $1 in transport_maps, on the stack's own instance ----
printf '/^(.*)@nosub\\.test$/ smtp:[$1.example]\n/@plain\\.test$/ smtp:[relay.example]\n' \
    >"$T/transport.pcre"
touch -d 2020-01-01 "$T/transport.pcre"
# The same table as header_checks allows $1: no complaint.
postconf -c "$C" -e "header_checks = pcre:$T/transport.pcre"
expect 0 "$C" -v
has "pcre:$T/transport.pcre (header_checks): 2 rules"
# As transport_maps it does not.
tmaps=$(postconf -c "$STACK_CONF" -h transport_maps)
postconf -c "$STACK_CONF" -e "transport_maps = pcre:$T/transport.pcre, $tmaps"
postfix -c "$STACK_CONF" reload 2>/dev/null
sleep 1
mark=$(wc -l <"$PP_POSTFIX_MAILLOG")
swaks --silent 2 --server "127.0.0.1:$PP_SMTP_PORT" --from "$PP_ALICE_USER" \
    --to "someone@$PP_DOMAIN" --quit-after RCPT >/dev/null 2>&1 || true
logged=
for _ in $(seq 1 50); do
    logged=$(tail -n +"$((mark + 1))" "$PP_POSTFIX_MAILLOG" |
        grep -F "pcre map $T/transport.pcre, line 1: regular expression substitution is not \
allowed: skipping this rule" || true)
    [ -n "$logged" ] && break
    sleep 0.1
done
[[ $logged == *"/trivial-rewrite["* ]] || fail "trivial-rewrite did not log the skipped rule"
expect 2 "$STACK_CONF" -v
# (postconf lists address_verify_transport_maps, which inherits the table, first.)
has "pcre:$T/transport.pcre 1 rule Postfix skips or misreads: $T/transport.pcre:1: regular \
expression substitution is not allowed (in address_verify_transport_maps)"
# A rule without $n in the same table is not blamed.
hasnt "transport.pcre:2:"

echo "maps_postfix: all checks passed"
