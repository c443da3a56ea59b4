#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# nrpe.sh - the shipped NRPE snippet (nagios-cfg/nrpe/postprobe.cfg, installed by cmake
# --install) in a real nrpe running in the foreground on loopback (its own config, port
# base+566, user nagios): check_nrpe returns each command's line and state exactly as running
# the command line directly as user nagios does; a postprobe plugin (check_snmp_extend against
# the stack's snmpd, credentials in an authfile nagios may read) is run through it; and, as
# the snippet says, Debian's nrpe refuses arguments (check_nrpe -a). The shipped sudoers
# lines (nrpe/sudoers, snmpd/sudoers) pass visudo -c, and those of nrpe/ are installed in
# /etc/sudoers.d for the run (removed at the end) so that the commands going through sudo
# run as the snippet means them to.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/install.bash"

PORT=$((PP_SNMP_PORT - 161 + 566))
TMP=$(mktemp -d /tmp/pp-nrpe.XXXXXX)
NRPE_PID=
SUDOERS=/etc/sudoers.d/postprobe-test-$$
cleanup() {
    [ -z "$NRPE_PID" ] || { kill "$NRPE_PID" 2>/dev/null; wait "$NRPE_PID" 2>/dev/null || true; }
    rm -f "$SUDOERS"
    rm -rf "$TMP"
}
trap cleanup EXIT
chmod 755 "$TMP"
install_build "$TMP/inst"

printf 'password = %s\n' "$PP_SNMP_COMMUNITY" >"$TMP/snmp.auth"
chgrp nagios "$TMP/snmp.auth"
chmod 640 "$TMP/snmp.auth"
sed "s|/usr/lib/nagios/plugins/|$PLUGINDIR/|" "$CFGDIR/nrpe/postprobe.cfg" >"$TMP/postprobe.cfg"
for f in nrpe/sudoers snmpd/sudoers; do
    run visudo -c -f "$CFGDIR/$f"
    check "visudo accepts $f" rc_is 0
done
sed "s|/usr/lib/nagios/plugins/|$PLUGINDIR/|" "$CFGDIR/nrpe/sudoers" >"$TMP/sudoers"
chmod 440 "$TMP/sudoers"
mv "$TMP/sudoers" "$SUDOERS"
TEST_CMD="$PLUGINDIR/check_snmp_extend -H 127.0.0.1 -p $PP_SNMP_PORT --authfile $TMP/snmp.auth -n pp_crit"
cat >"$TMP/nrpe.cfg" <<EON
pid_file=$TMP/nrpe.pid
log_file=$TMP/nrpe.log
disable_syslog=1
server_address=127.0.0.1
server_port=$PORT
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
command_timeout=30
connection_timeout=30
command[pp_test_snmp_extend]=$TEST_CMD
include=$TMP/postprobe.cfg
EON
chmod 644 "$TMP"/*.cfg

nrpe -c "$TMP/nrpe.cfg" -f </dev/null >"$TMP/nrpe.out" 2>&1 &
NRPE_PID=$!
for _ in $(seq 50); do
    [ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ] && break
    sleep 0.1
done

# through_nrpe NAME CMDLINE: check_nrpe -c NAME gives what CMDLINE gives when nagios runs it.
through_nrpe() {
    local name=$1 cmdline=$2 want want_rc=0
    want=$(runuser -u nagios -- /bin/sh -c "$cmdline" 2>/dev/null) || want_rc=$?
    run /usr/lib/nagios/plugins/check_nrpe -H 127.0.0.1 -p "$PORT" -t 30 -c "$name"
    check "through nrpe: $name (rc $want_rc)" all_of "rc_is $want_rc" 'out_is "$want"'
}

through_nrpe pp_test_snmp_extend "$TEST_CMD"
check "the test command is the extend's real result" all_of "rc_is 2" \
    'out_is "TEST CRITICAL - broken | x=9
second line of output"'
shipped=0
while IFS= read -r line; do
    [[ $line =~ ^command\[([^]]+)\]=(.*)$ ]] || continue
    through_nrpe "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    shipped=$((shipped + 1))
done <"$TMP/postprobe.cfg"
echo "($shipped shipped NRPE commands run)"

run /usr/lib/nagios/plugins/check_nrpe -H 127.0.0.1 -p "$PORT" -c pp_test_snmp_extend -a x
check "argument passing is refused (the connection is dropped)" all_of "rc_is 3" 'out_has "CHECK_NRPE: "'
finish
