#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# maps_tables - check_postfix_maps against real postmap'd/postalias'd tables of every kind, in a
# scratch copy of the stack's configuration (queue and data directories still the stack's, so
# the reload check sees the stack's running master): all fresh, then one problem at a time -
# a source made STALE by touch, a MISSING compiled file, a truncated .db and .cdb, a partial
# build, a duplicate key, a pcre table with a bad pattern (same line as Postfix's own warning),
# a table changed after the last reload, a table locked by a rebuild, and a bad -C.
set -euo pipefail
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
PLUGIN=$PP_BUILD_DIR/plugins/check_postfix_maps

T=$(mktemp -d /tmp/pp-maps.XXXXXX)
chmod 755 "$T"
LOCKER=
cleanup() {
    [ -n "$LOCKER" ] && kill "$LOCKER" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

fail() { printf 'FAIL: %s\n--- output:\n%s\n' "$1" "${OUT:-}" >&2; exit 1; }

# expect CODE [ARGS...]: run the plugin on the scratch config (as $AS, when set), check its
# exit code.
AS=()
expect() {
    local want=$1 rc=0
    shift
    OUT=$("${AS[@]}" "$PLUGIN" -C "$T/conf" "$@") || rc=$?
    [ "$rc" -eq "$want" ] || fail "exit $rc, expected $want (args: $*)"
}
has() { grep -qF -- "$1" <<<"$OUT" || fail "output lacks: $1"; }
hasnt() { ! grep -qF -- "$1" <<<"$OUT" || fail "output has: $1"; }
first_line() { head -n 1 <<<"$OUT"; }

pmap() { postmap -c "$T/conf" "$@"; }

# ---- a scratch instance configuration naming one table of each kind ----
mkdir -p "$T/conf"
cp "$PP_POSTFIX_CONFIG_DIR/main.cf" "$PP_POSTFIX_CONFIG_DIR/master.cf" "$T/conf/"
sed -i '/^config_directory *=/d' "$T/conf/main.cf"
for i in $(seq 1 50); do printf 'host%d.example.com REJECT helo %d\n' "$i" "$i"; done >"$T/helo_access"
printf '# senders\nalice@example.com OK\nbob@example.com\n  REJECT no bob\nCarol@Example.com OK\n' >"$T/senders"
printf 'root@example.com admin@example.com\n' >"$T/canonical"
printf '# aliases\npostmaster: root\nabuse: root, \n  postmaster\n' >"$T/aliases"
printf '192.0.2.0/24 REJECT\n' >"$T/clients.cidr"
printf '# sender checks\n/^spam@/  REJECT\n/^(.*)@bad\\.example$/ REJECT $1\n' >"$T/sender.pcre"
printf '/^Subject: viagra/ REJECT\n' >"$T/header_checks"
for i in $(seq 1 30); do printf 'old%d@example.com new%d@example.net\n' "$i" "$i"; done >"$T/relocated"
postconf -c "$T/conf" -e \
    "smtpd_helo_restrictions = check_helo_access hash:$T/helo_access, check_client_access cidr:$T/clients.cidr" \
    "smtpd_sender_restrictions = check_sender_access btree:$T/senders, check_sender_access pcre:$T/sender.pcre" \
    "canonical_maps = lmdb:$T/canonical" "relocated_maps = cdb:$T/relocated" \
    "alias_maps = hash:$T/aliases" "alias_database = hash:$T/aliases" \
    "header_checks = regexp:$T/header_checks"
# A table named only in a master.cf -o of a service named by its address (postconf -P).
svc=$(postconf -c "$T/conf" -M | awk '$2 == "inet" && $8 == "smtpd" && $1 ~ /:/ { print $1; exit }')
printf 'x.example REJECT\n' >"$T/svc_helo"
postconf -c "$T/conf" -P "$svc/inet/smtpd_helo_restrictions=check_helo_access,hash:$T/svc_helo"
pmap hash:"$T/svc_helo"
pmap hash:"$T/helo_access"
pmap btree:"$T/senders"
pmap lmdb:"$T/canonical"
pmap cdb:"$T/relocated"
postalias -c "$T/conf" hash:"$T/aliases"
# Sources written before their compiled files, everything before Postfix last (re)loaded.
touch -d '-30 min' "$T"/helo_access "$T"/senders "$T"/canonical "$T"/aliases \
    "$T"/clients.cidr "$T"/sender.pcre "$T"/header_checks "$T"/relocated "$T"/svc_helo
touch -d '-20 min' "$T"/*.db "$T"/*.lmdb "$T"/*.cdb

# reload_stack: postfix reload, then wait (5 s at most) until the plugin sees it: the
# master restarts its children, and the oldest one dates the load.
reload_stack() {
    sleep 1
    postfix -c "$PP_POSTFIX_CONFIG_DIR" reload 2>/dev/null
    for _ in $(seq 1 50); do
        rc=0
        OUT=$("$PLUGIN" -C "$T/conf") || rc=$?
        [ "$rc" -eq 0 ] && return 0
        sleep 0.1
    done
    return 1
}

# ---- all fresh ----
# On a stack up longer than 20 min the tables would be newer than its last load: reload.
reload_stack || fail "not fresh after postfix reload"
expect 0 -v
[[ $(first_line) == "POSTFIX_MAPS OK - "*" tables: 0 stale, 0 missing, 0 corrupt, 0 mismatched, 0 with bad rules, 0 to reload |"* ]] ||
    fail "unexpected first line"
has "hash:$T/helo_access (smtpd_helo_restrictions): 50 entries"
has "btree:$T/senders (smtpd_sender_restrictions): 3 entries"
has "lmdb:$T/canonical (canonical_maps): 1 entries"
has "cdb:$T/relocated (relocated_maps): 30 entries"
has "hash:$T/svc_helo ($svc/inet/smtpd_helo_restrictions): 1 entries"
has "hash:$T/aliases (alias_database): 2 entries"
has "pcre:$T/sender.pcre (smtpd_sender_restrictions): 2 rules"
has "regexp:$T/header_checks (header_checks): 1 rules"
has "cidr:$T/clients.cidr"
has " stale=0;0;;0;"

# ---- STALE: the source touched after postmap ----
touch -d '-5 min' "$T/helo_access"
expect 1
has "POSTFIX_MAPS WARNING - hash:$T/helo_access STALE: the source changed 15 min after $T/helo_access.db was built (run postmap hash:$T/helo_access)"
has " stale=1;0;;0;"
# Thresholds on the number of stale tables.
expect 0 -w 1 -c 2
has "[OK] hash:$T/helo_access STALE"
expect 2 -c 0
has "POSTFIX_MAPS CRITICAL - hash:$T/helo_access STALE"
# A source changed within the grace period is not stale yet.
touch "$T/helo_access"
expect 0
touch -d '-30 min' "$T/helo_access"
expect 0

# ---- MISSING compiled file ----
mv "$T/canonical.lmdb" "$T/canonical.lmdb.away"
expect 2
has "POSTFIX_MAPS CRITICAL - lmdb:$T/canonical MISSING: no $T/canonical.lmdb (run postmap lmdb:$T/canonical)"
has " missing=1;;;0;"
mv "$T/canonical.lmdb.away" "$T/canonical.lmdb"

# ---- a truncated .db ----
cp -p "$T/helo_access.db" "$T/helo_access.db.orig"
size=$(stat -c %s "$T/helo_access.db")
truncate -s 4096 "$T/helo_access.db"
touch -d '-20 min' "$T/helo_access.db"
expect 2
has "hash:$T/helo_access CORRUPT: $T/helo_access.db is truncated: 4096 bytes, its header says $size"
mv "$T/helo_access.db.orig" "$T/helo_access.db"

# ---- a truncated .cdb (postmap cdb: writes the hash tables last) ----
cp -p "$T/relocated.cdb" "$T/relocated.cdb.orig"
truncate -s 2100 "$T/relocated.cdb"
touch -d '-20 min' "$T/relocated.cdb"
expect 2
has "cdb:$T/relocated CORRUPT: $T/relocated.cdb is truncated or not a CDB file"
mv "$T/relocated.cdb.orig" "$T/relocated.cdb"

# ---- a partial build: the compiled file lacks entries of the source ----
head -n 20 "$T/helo_access" >"$T/partial"
pmap hash:"$T/partial"
cp -p "$T/helo_access.db" "$T/helo_access.db.orig"
cp "$T/partial.db" "$T/helo_access.db"
touch -d '-20 min' "$T/helo_access.db"
expect 2
has "hash:$T/helo_access 30 of 50 source entries missing from the compiled file (first: 'host21.example.com', line 21): failed or partial postmap? run postmap hash:$T/helo_access"
mv "$T/helo_access.db.orig" "$T/helo_access.db"

# ---- a key changed in the source, the counts still equal: only --every-key sees it ----
cp -p "$T/helo_access" "$T/helo_access.orig"
sed -i 's/^host7\.example\.com /host7-renamed.example.com /' "$T/helo_access"
touch -d '-30 min' "$T/helo_access"
expect 0
expect 2 --every-key
has "hash:$T/helo_access 1 of 50 source entries missing from the compiled file (first: 'host7-renamed.example.com', line 7)"
mv "$T/helo_access.orig" "$T/helo_access"

# ---- a duplicate key (postmap keeps the first) ----
printf 'CAROL@example.com REJECT twice\n' >>"$T/senders"
pmap btree:"$T/senders" 2>/dev/null
touch -d '-30 min' "$T/senders"
touch -d '-20 min' "$T/senders.db"
expect 1
has "btree:$T/senders 4 source entries but 3 keys: duplicate keys in the source (postmap keeps the first)"
sed -i '$d' "$T/senders"
pmap btree:"$T/senders"
touch -d '-30 min' "$T/senders"
touch -d '-20 min' "$T/senders.db"
expect 0

# ---- a pcre table with a bad pattern, at the line Postfix itself names ----
cp -p "$T/sender.pcre" "$T/sender.pcre.orig"
printf '/^(unclosed@/ REJECT\n/^(a)$/ REJECT $2\n' >>"$T/sender.pcre"
touch -d '-30 min' "$T/sender.pcre"
warn=$(postmap -c "$T/conf" -q x pcre:"$T/sender.pcre" 2>&1 || true)
grep -q "line 4: error in regex at offset 11: missing closing parenthesis" <<<"$warn" ||
    fail "Postfix does not report line 4: $warn"
expect 2 -v
has "POSTFIX_MAPS CRITICAL - pcre:$T/sender.pcre 2 rules Postfix skips or misreads: $T/sender.pcre:4: error in regex at offset 11: missing closing parenthesis; $T/sender.pcre:5: out of range replacement index \"2\" (the pattern has 1 group)"
has " bad_rules=1;;;0;"
mv "$T/sender.pcre.orig" "$T/sender.pcre"

# ---- a table read at start-up, changed after the last reload ----
sleep 1.1 # times are whole seconds: changed in the second of the reload is not "after"
touch "$T/header_checks"
expect 1
grep -qE "^POSTFIX_MAPS WARNING - regexp:$T/header_checks changed [0-9.]+ (s|min|h|d) after Postfix loaded it \(last start or reload [0-9-]+ [0-9:]+\): run postfix reload," <<<"$OUT" ||
    fail "no reload warning"
has " reload_needed=1;;;0;"
reload_stack || fail "still asks for a reload after postfix reload"

# ---- a table being rebuilt (locked) is UNKNOWN, not a hang ----
(
    exec 9<"$T/senders.db"
    flock -x 9
    exec sleep 30
) &
LOCKER=$!
sleep 0.3
start=$SECONDS
expect 3 --lock-wait 0.5
has "POSTFIX_MAPS UNKNOWN - btree:$T/senders $T/senders.db is locked by pid "
has "being rebuilt?"
[ $((SECONDS - start)) -le 3 ] || fail "waited too long for the lock"
kill "$LOCKER"
wait "$LOCKER" 2>/dev/null || true
LOCKER=

# ---- as an unprivileged user: a root-only table is still checked for STALE, not counted ----
printf '[smtp.example.com]:587 user:secret\n' >"$T/sasl_passwd"
pmap hash:"$T/sasl_passwd"
chmod 600 "$T/sasl_passwd" "$T/sasl_passwd.db"
postconf -c "$T/conf" -e "smtp_sasl_password_maps = hash:$T/sasl_passwd"
touch -d '-30 min' "$T/sasl_passwd" "$T/conf/main.cf"
touch -d '-20 min' "$T/sasl_passwd.db"
AS=(runuser -u nobody --)
expect 0 -v
has "hash:$T/sasl_passwd (smtp_sasl_password_maps): keys not counted: cannot open $T/sasl_passwd.db: Permission denied"
has "no reload check: cannot open "
has ": Permission denied"
touch -d '-10 min' "$T/sasl_passwd"
expect 1
has "POSTFIX_MAPS WARNING - hash:$T/sasl_passwd STALE: the source changed 10 min after"
AS=()
expect 1
has "POSTFIX_MAPS WARNING - hash:$T/sasl_passwd STALE"

# ---- a configuration directory that is not there ----
rc=0
OUT=$("$PLUGIN" -C "$T/nonexistent") || rc=$?
[ "$rc" -eq 3 ] || fail "exit $rc for a missing config directory"
[[ $OUT == "POSTFIX_MAPS UNKNOWN - "*"$T/nonexistent"* ]] || fail "unclear error for -C"
[ "$(wc -l <<<"$OUT")" -eq 1 ] || fail "more than one line for a bad -C"

echo "maps_tables: all checks passed"
