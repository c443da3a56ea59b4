#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# nagios_cfg.sh - the shipped nagios-cfg/ files as the real programs read them, installed by
# cmake --install: the generated files are up to date and every plugin has a spec;
# `nagios4 -v` accepts the Nagios files (commands pointing at the installed plugins, the
# templates, hostgroups and example services) and `icinga2 daemon -C` accepts the Icinga 2
# CheckCommands and apply rules (and instantiates the expected services); both reject a
# deliberately broken copy.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/install.bash"

TMP=$(mktemp -d /tmp/pp-nagios-cfg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
install_build "$TMP/inst"
mkdir "$TMP/checkresults"
chown nagios: "$TMP/checkresults"

run "$PP_SOURCE_DIR/nagios-cfg/generate.sh" --check
check "generated files up to date, a spec for every plugin" rc_is 0

# Every $USER1$/program of the commands exists in the installed plugin directory (check_nrpe
# comes from nagios-nrpe-plugin, so it is linked in).
ln -s /usr/lib/nagios/plugins/check_nrpe "$PLUGINDIR/check_nrpe"
missing_programs() {
    local p bad=""
    for p in $(grep -o '\$USER1\$/[^ ]*' "$CFGDIR/nagios/commands.cfg" | sed 's|.*/||' | sort -u); do
        [ -x "$PLUGINDIR/$p" ] || bad+=" $p"
    done
    OUT="missing:$bad"
    [ -z "$bad" ]
}
check "every Nagios command runs an installed program" missing_programs

# ---- Nagios 4 ----
nagios_config() { # DIR-with-nagios-cfg
    local cfg=$1 f
    cat >"$TMP/resource.cfg" <<EOR
\$USER1\$=$PLUGINDIR
EOR
    cat >"$TMP/hosts.cfg" <<'EOH'
define command {
    command_name    pp_test_host_alive
    command_line    /bin/true
}
define host {
    use             linux-server
    check_command   pp_test_host_alive
    host_name   mail.postprobe.test
    address     127.0.0.1
    hostgroups  postprobe-mail-servers, postprobe-nrpe-servers, postprobe-snmp-servers
}
EOH
    {
        echo "log_file=$TMP/nagios.log"
        echo "resource_file=$TMP/resource.cfg"
        echo "check_result_path=$TMP/checkresults"
        echo "illegal_macro_output_chars=\`~\$&|'\"<>"
        echo "lock_file=$TMP/nagios.lock"
        echo "temp_file=$TMP/nagios.tmp"
        echo "status_file=$TMP/status.dat"
        echo "state_retention_file=$TMP/retention.dat"
        echo "object_cache_file=$TMP/objects.cache"
        echo "precached_object_file=$TMP/objects.precache"
        for f in commands contacts timeperiods templates; do
            echo "cfg_file=/etc/nagios4/objects/$f.cfg"
        done
        for f in nagios/commands.cfg nagios/templates.cfg nagios/hostgroups.cfg \
                 nagios/services.cfg nrpe/nagios-services.cfg snmpd/nagios-services.cfg; do
            echo "cfg_file=$cfg/$f"
        done
        echo "cfg_file=$TMP/hosts.cfg"
    } >"$TMP/nagios.cfg"
}
nagios_config "$CFGDIR"
run nagios4 -v "$TMP/nagios.cfg"
check "nagios4 -v accepts the installed files" all_of "rc_is 0" \
    'out_has "Total Errors:   0"'
want_services=$(( $(grep -c '^define service' "$CFGDIR/nagios/services.cfg" \
    "$CFGDIR/nrpe/nagios-services.cfg" "$CFGDIR/snmpd/nagios-services.cfg" |
    awk -F: '{s += $2} END {print s}') ))
check "nagios4 sees every example service ($want_services)" \
    out_has "Checked $want_services services."

cp -r "$CFGDIR" "$TMP/broken"
sed -i 's/check_command           postprobe_snmp_extend!/check_command           postprobe_no_such_command!/' \
    "$TMP/broken/nagios/services.cfg"
nagios_config "$TMP/broken"
run nagios4 -v "$TMP/nagios.cfg"
check "nagios4 -v rejects a service with an undefined command" all_of "rc_is 1" \
    'out_has "postprobe_no_such_command"'
cp "$CFGDIR/nagios/services.cfg" "$TMP/broken/nagios/services.cfg"
sed -i '0,/^}/s/^}//' "$TMP/broken/nagios/commands.cfg"
run nagios4 -v "$TMP/nagios.cfg"
check "nagios4 -v rejects an unterminated definition" rc_is 1

# ---- Icinga 2 ----
icinga_config() { # DIR-with-icinga2-cfg
    cat >"$TMP/icinga2.conf" <<EOI
const PluginDir = "$PLUGINDIR"
include <itl>
include <plugins>
template Service "generic-service" {
  max_check_attempts = 3
  check_interval = 5m
  retry_interval = 1m
}
include "$1/icinga2/commands.conf"
include "$1/icinga2/services.conf"
object Host "mail.postprobe.test" {
  check_command = "dummy"
  address = "127.0.0.1"
  vars.postprobe_snmp_extend["queue"] = {
    snmp_extend_authfile = "/etc/icinga2/postprobe/snmp.auth"
    snmp_extend_name = "postfix_queue"
  }
  vars.postprobe_nrpe = true
  vars.postprobe_snmp = { snmp_extend_authfile = "/etc/icinga2/postprobe/snmp.auth" }
}
EOI
    chmod 644 "$TMP/icinga2.conf"
}
icinga_config "$CFGDIR"
run icinga2 daemon -C -c "$TMP/icinga2.conf"
locals=$(grep -c '^command\[' "$CFGDIR/nrpe/postprobe.cfg" || true)
check "icinga2 daemon -C accepts the installed files" all_of "rc_is 0" \
    'out_has "Finished validating the configuration"' \
    'out_has "Instantiated $((1 + 2 * locals)) Service"'
sed -i 's/check_command = "postprobe_snmp_extend"/check_command = "postprobe_no_such_command"/' \
    "$TMP/broken/icinga2/services.conf"
icinga_config "$TMP/broken"
run icinga2 daemon -C -c "$TMP/icinga2.conf"
check "icinga2 daemon -C rejects an undefined CheckCommand" all_of "rc_is 1" \
    'out_has "postprobe_no_such_command"'
finish
