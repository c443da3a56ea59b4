#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log_fatal: a real fatal from a broken table. In Postfix 3.7 an unknown map type or a table
# that cannot be opened only makes the table "unavailable" (dict_open3's surrogate: warnings,
# 4xx replies), but a table without a name, as "texthash:$name" gives when the parameter is
# unset, ends the process in dict_open3: "fatal: open dictionary: expecting "type:name" form".
# This test adds, to the running stack's master.cf, an smtpd on its spare port whose client
# restriction names such a table, logging through a postlogd of its own to a file of its own
# (the stack's maillog, which other tests read whole, stays free of it). One connection starts
# the smtpd, which dies; master.cf is restored at exit. check_postfix_log on that
# log: CRITICAL, the fatal named; Postfix's master logs the dead process in the stack's log.
set -euo pipefail
. "$(dirname "$0")/lib/log.bash"
not_in_log() { ! grep -q -- "$1" "$2"; }
C=$PP_POSTFIX_CONFIG_DIR
L=$PP_POSTFIX_MAILLOG
flog=$PP_STACK_DIR/log_fatal.maillog
rm -f "$flog"
on_exit "rm -f '$flog'"
start=$(stat -c %s "$L")
dead_before=$(grep -c "master.*: warning: process .*/smtpd pid .* exit status 1" "$L" || true)
live_services "pp-fatal-log/unix-dgram=pp-fatal-log unix-dgram n - n - 1 postlogd"
postconf -c "$C" -P "pp-fatal-log/unix-dgram/maillog_file=$flog"
spare_service smtpd postlog_service_name=pp-fatal-log \
    smtpd_client_restrictions=check_client_access,texthash:

# The client waits for a greeting that never comes (master throttles the dead service).
swaks --server "$SPARE" --quit-after CONNECT --timeout 20 >/dev/null 2>&1 &
client=$!
on_exit "kill $client 2>/dev/null"
wait_lines 'fatal: ' 1 "$flog"
sleep 0.5
run "$LOGCHECK" -C "$C" --whole --file "$flog"
check "the broken table's fatal: CRITICAL, named" all_of "rc_is 2" \
    'out_has "fatal 1 (open dictionary: expecting \"type:name\" form instead of"'
died="master\[[0-9]*\]: warning: process .*/smtpd pid [0-9]* exit status 1"
check "Postfix's master saw its smtpd die" wait_lines "$died" $((dead_before + 1)) "$L"
check "the stack's own log has no fatal line" \
    not_in_log 'fatal: ' <(tail -c +$((start + 1)) "$L")
run "$LOGCHECK" -C "$C" --whole --file "$flog" --format json
check "--format json: CRITICAL, fatal 1" all_of "rc_is 2" \
    'jq -e ".perfdata[] | select(.label == \"fatal\") | .value == 1" <<<"$OUT" >/dev/null'
finish
