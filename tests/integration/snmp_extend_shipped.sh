#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# snmp_extend_shipped.sh - the shipped snmpd extend lines (nagios-cfg/snmpd/postprobe.conf,
# installed by cmake --install) in a real snmpd of their own on loopback: for every extend,
# check_snmp_extend gives the same state and output as running its command line directly
# (the numbers of the shipped checks may move between two runs, so their status texts are
# compared with the numbers masked, and their perfdata labels); a test extend with a fixed answer (a postprobe plugin reading the stack's snmpd)
# must match byte for byte.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/install.bash"
export MIBS=

TMP=$(mktemp -d /tmp/pp-snmpd.XXXXXX)
SNMPD_PID=
cleanup() {
    [ -z "$SNMPD_PID" ] || { kill "$SNMPD_PID" 2>/dev/null; wait "$SNMPD_PID" 2>/dev/null || true; }
    rm -rf "$TMP"
}
trap cleanup EXIT
chmod 755 "$TMP"
install_build "$TMP/inst"
PORT=$(closed_udp_port)
P=$PLUGINDIR/check_snmp_extend

printf 'password = %s\n' "$PP_SNMP_COMMUNITY" >"$TMP/snmp.auth"
chmod 600 "$TMP/snmp.auth"
# The shipped lines check the default Postfix instance; here they check the stack's (-C).
sed -E "s|/usr/lib/nagios/plugins/(check_[a-z0-9_]+)|$PLUGINDIR/\1 -C $PP_POSTFIX_CONFIG_DIR|" \
    "$CFGDIR/snmpd/postprobe.conf" >"$TMP/postprobe.conf"
TEST_CMD="$P -H 127.0.0.1 -p $PP_SNMP_PORT --authfile $TMP/snmp.auth -n pp_warn"
cat >"$TMP/snmpd.conf" <<EOS
rocommunity $PP_SNMP_COMMUNITY 127.0.0.1
extend pp_test_meta $TEST_CMD
includeFile $TMP/postprobe.conf
EOS
mkdir -m 700 "$TMP/persist"
SNMP_PERSISTENT_DIR=$TMP/persist setsid snmpd -f -C -c "$TMP/snmpd.conf" -Lf "$TMP/snmpd.log" \
    -p "$TMP/snmpd.pid" "udp:127.0.0.1:$PORT" </dev/null >/dev/null 2>&1 &
SNMPD_PID=$!
for _ in $(seq 50); do
    snmpget -v2c -c "$PP_SNMP_COMMUNITY" -t 0.2 -r 0 "127.0.0.1:$PORT" .1.3.6.1.2.1.1.3.0 \
        >/dev/null 2>&1 && break
    sleep 0.1
done

# first_line_and_labels: the status text with its numbers masked ("newest result 24 s ago" is
# 25 s a second later) and the perfdata labels (not their values).
first_line_and_labels() {
    awk 'NR == 1 { n = split($0, a, /\|/); gsub(/[0-9]+(\.[0-9]+)?/, "N", a[1]); printf "%s|", a[1]
                   m = split(a[2], p, / /); for (i = 1; i <= m; i++) { sub(/=.*/, "", p[i]); printf "%s ", p[i] } }'
}

# through_snmp NAME CMDLINE EXACT
through_snmp() {
    local name=$1 cmdline=$2 exact=$3 want want_rc=0
    want=$(/bin/sh -c "$cmdline" 2>/dev/null) || want_rc=$?
    run "$P" -H 127.0.0.1 -p "$PORT" --authfile "$TMP/snmp.auth" -n "$name"
    if [ "$exact" = yes ]; then
        check "through snmpd: $name (rc $want_rc)" all_of "rc_is $want_rc" 'out_is "$want"'
    elif [ "$exact" = stateful ]; then
        # A check that keeps its position in the log judges what came since the last run: the
        # two runs see different intervals (and the delay figures only when mail was logged),
        # so only the service and a state can be the same.
        check "through snmpd: $name (its service, a state)" all_of "[ \$RC -le 2 ]" \
            '[ "${OUT%% *}" = "${want%% *}" ]' '[[ $OUT == *" | "*"received="* ]]'
    else
        want=$(first_line_and_labels <<<"$want")
        check "through snmpd: $name (rc $want_rc)" all_of "rc_is $want_rc" \
            '[ "$(first_line_and_labels <<<"$OUT")" = "$want" ]'
    fi
}

through_snmp pp_test_meta "$TEST_CMD" yes
check "the test extend is the stack's extend" all_of "rc_is 1" \
    'out_is "TEST WARNING - degraded | x=5"'
shipped=0
while read -r kw name cmdline; do
    [ "$kw" = extend ] || continue
    case $cmdline in
    *check_postfix_log*) through_snmp "$name" "$cmdline" stateful ;;
    *) through_snmp "$name" "$cmdline" no ;;
    esac
    shipped=$((shipped + 1))
done <"$TMP/postprobe.conf"
echo "($shipped shipped extends read)"
run "$P" -H 127.0.0.1 -p "$PORT" --authfile "$TMP/snmp.auth" --all ""
check "--all \"\" reads every extend" all_of \
    'out_has "$((shipped + 1)) extends:"' 'out_has "[WARNING] pp_test_meta: TEST WARNING - degraded"'
finish
