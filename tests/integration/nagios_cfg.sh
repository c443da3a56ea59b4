#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# nagios_cfg.sh - the shipped Nagios files as Debian's nagios4 reads them, installed by cmake
# --install: the generated files are up to date and every plugin has a spec; every program a
# command runs is installed; a COPY of Debian's stock /etc/nagios4/nagios.cfg (its
# illegal_object_name_chars, its service_check_timeout) with the commands where the package
# puts them (/etc/nagios-plugins/config/postprobe.cfg, read by the stock cfg_dir) and a
# cfg_dir of ours (templates, hostgroups, example services, a host) passes `nagios4 -v`;
# every shipped -t is under the stock service_check_timeout; and nagios4 -v rejects a
# description with "()", an undefined command and an unterminated definition.
# (icinga_cfg.sh does the same for Icinga 2.)
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/install.bash"

STOCK=/etc/nagios4/nagios.cfg
TMP=$(mktemp -d /tmp/pp-nagios-cfg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
install_build "$TMP/inst"
SHIPPED_COMMANDS=$TMP/inst/etc/nagios-plugins/config/postprobe.cfg

run "$PP_SOURCE_DIR/nagios-cfg/generate.sh" --check
check "generated files up to date, a spec for every plugin" rc_is 0

# The generator refuses a spec that would give Debian's nagios4 an illegal description or a
# -t it kills first (both as the earlier specs had them).
lint_catches() { # NAME SED-EXPRESSION SPEC WANT
    rm -rf "$TMP/gen" && cp -r "$PP_SOURCE_DIR/nagios-cfg" "$TMP/gen"
    sed -i "$2" "$TMP/gen/spec/$3"
    run "$TMP/gen/generate.sh" --check
    WANT=$4
    check "generate.sh --check refuses $1" all_of "rc_is 1" '[[ $ERR == *"$WANT"* ]]'
}
lint_catches "a description with ()" 's/^service  Relay domains MX |/service  Relay domains (MX) |/' \
    check_relay_mx.spec 'illegal in Debian'
lint_catches "a -t over service_check_timeout" 's/-t 55 \$ARG6\$/-t 170 $ARG6$/' \
    check_mail_roundtrip.spec '-t 170 is not under 60 s'

run cmp "$CFGDIR/nagios/commands.cfg" "$SHIPPED_COMMANDS"
check "the commands are installed in nagios-plugins/config as postprobe.cfg" rc_is 0

# Every $USER1$/program of the commands exists in the installed plugin directory (check_nrpe
# comes from nagios-nrpe-plugin, so it is linked in).
ln -s /usr/lib/nagios/plugins/check_nrpe "$PLUGINDIR/check_nrpe"
missing_programs() {
    local p bad=""
    for p in $(grep -o '\$USER1\$/[^ ]*' "$SHIPPED_COMMANDS" | sed 's|.*/||' | sort -u); do
        [ -x "$PLUGINDIR/$p" ] || bad+=" $p"
    done
    OUT="missing:$bad"
    [ -z "$bad" ]
}
check "every Nagios command runs an installed program" missing_programs

# ---- every shipped -t under the stock service_check_timeout ----
limit=$(sed -n 's/^service_check_timeout=//p' "$STOCK")
long_timeouts() {
    OUT=$(cd "$CFGDIR" && grep -Ho -- '[ !]-t [0-9.]*' nagios/commands.cfg nagios/services.cfg \
        nrpe/postprobe.cfg nrpe/nagios-services.cfg snmpd/postprobe.conf \
        snmpd/nagios-services.cfg | awk -v max="$limit" '{ if ($NF + 0 >= max) print }')
    [ -n "$limit" ] && [ -z "$OUT" ]
}
check "every shipped -t is under service_check_timeout ($limit s)" long_timeouts

# ---- Debian's stock nagios.cfg, a copy, with the shipped files added ----
# stock_config DIR-with-the-postprobe-files: $TMP/nagios.cfg, the stock file with the
# nagios-plugins cfg_dir pointed at a copy that holds the shipped postprobe.cfg too, and our
# cfg_dir added.
stock_config() {
    local cfg=$1 f
    rm -rf "$TMP/plugins-config" "$TMP/objects"
    mkdir "$TMP/plugins-config" "$TMP/objects"
    for f in /etc/nagios-plugins/config/*.cfg; do
        [ -e "$f" ] && ln -s "$f" "$TMP/plugins-config/"
    done
    cp "$cfg/commands.cfg" "$TMP/plugins-config/postprobe.cfg"
    for f in "$CFGDIR"/nagios/templates.cfg "$CFGDIR"/nagios/hostgroups.cfg \
             "$cfg/services.cfg" "$cfg/nrpe-services.cfg" "$cfg/snmpd-services.cfg"; do
        cp "$f" "$TMP/objects/"
    done
    cat >"$TMP/objects/hosts.cfg" <<'EOH'
define host {
    use         linux-server
    host_name   mail.postprobe.test
    address     127.0.0.1
    hostgroups  postprobe-mail-servers, postprobe-nrpe-servers, postprobe-snmp-servers
}
EOH
    sed "s|^cfg_dir=/etc/nagios-plugins/config\$|cfg_dir=$TMP/plugins-config|" "$STOCK" \
        >"$TMP/nagios.cfg"
    echo "cfg_dir=$TMP/objects" >>"$TMP/nagios.cfg"
    chmod -R go+rX "$TMP/plugins-config" "$TMP/objects" "$TMP/nagios.cfg"
}
shipped() { # DIR: the shipped files, under the names stock_config takes
    mkdir -p "$1"
    cp "$SHIPPED_COMMANDS" "$1/commands.cfg"
    cp "$CFGDIR/nagios/services.cfg" "$1/services.cfg"
    cp "$CFGDIR/nrpe/nagios-services.cfg" "$1/nrpe-services.cfg"
    cp "$CFGDIR/snmpd/nagios-services.cfg" "$1/snmpd-services.cfg"
}
shipped "$TMP/good"
stock_config "$TMP/good"
run grep -c '^cfg_dir=/etc/nagios-plugins/config$' "$STOCK"
check "the stock nagios.cfg reads /etc/nagios-plugins/config" all_of "rc_is 0" 'out_is 1'
run grep '^illegal_object_name_chars=' "$TMP/nagios.cfg"
check "the copy keeps Debian's illegal_object_name_chars, with ( and )" \
    all_of "rc_is 0" 'out_has "("' 'out_has ")"'
run nagios4 -v "$TMP/nagios.cfg"
check "nagios4 -v accepts the shipped files in Debian's stock config" all_of "rc_is 0" \
    'out_has "Total Errors:   0"'
want_services=$(cat "$TMP"/good/*services.cfg | grep -c '^define service')
stock_services=$(grep -c '^define service' /etc/nagios4/objects/localhost.cfg)
check "nagios4 sees every example service ($want_services + $stock_services stock)" \
    out_has "Checked $((want_services + stock_services)) services."

# A description as the earlier files had it: Debian's illegal_object_name_chars refuse it.
shipped "$TMP/broken"
sed -i 's/service_description     postfix_queue via NRPE/service_description     postfix_queue (nrpe)/' \
    "$TMP/broken/nrpe-services.cfg"
stock_config "$TMP/broken"
run nagios4 -v "$TMP/nagios.cfg"
check "nagios4 -v rejects a description with ()" all_of "rc_is 1" \
    'out_has "postfix_queue (nrpe)"' 'out_has "illegal characters"'
shipped "$TMP/broken"
sed -i 's/check_command           postprobe_snmp_extend!/check_command           postprobe_no_such_command!/' \
    "$TMP/broken/services.cfg"
stock_config "$TMP/broken"
run nagios4 -v "$TMP/nagios.cfg"
check "nagios4 -v rejects a service with an undefined command" all_of "rc_is 1" \
    'out_has "postprobe_no_such_command"'
shipped "$TMP/broken"
sed -i '0,/^}/s/^}//' "$TMP/broken/commands.cfg"
stock_config "$TMP/broken"
run nagios4 -v "$TMP/nagios.cfg"
check "nagios4 -v rejects an unterminated definition" rc_is 1
finish
