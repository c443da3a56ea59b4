#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# icinga_cfg.sh - the shipped Icinga 2 files (installed by cmake --install) as `icinga2 daemon
# -C` reads them next to the ITL (include <itl>, include <plugins>): the CheckCommands, named
# the ITL's way, clash with none of the ITL's (a copy with a command renamed "smtp", an ITL
# name, is refused); the one apply rule and the example host instantiate every example
# service, and the whole validates with no warning at all; an undefined command is refused.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/install.bash"

TMP=$(mktemp -d /tmp/pp-icinga-cfg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
install_build "$TMP/inst"

icinga_config() { # DIR-with-icinga2-files
    cat >"$TMP/icinga2.conf" <<EOI
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "$PLUGINDIR"
include <itl>
include <plugins>
include <plugins-contrib>
template Host "generic-host" {
  max_check_attempts = 3
  check_command = "dummy"
}
template Service "generic-service" {
  max_check_attempts = 3
  check_interval = 5m
  retry_interval = 1m
}
include "$1/icinga2/commands.conf"
include "$1/icinga2/services.conf"
include "$1/icinga2/example-host.conf"
EOI
    chmod 644 "$TMP/icinga2.conf"
}
# the warning and critical lines of daemon -C's output
warnings() { OUT=$(grep -E '^\S+ \S+ (warning|critical)/' <<<"$OUT" || true); [ -z "$OUT" ]; }

icinga_config "$CFGDIR"
run icinga2 daemon -C -c "$TMP/icinga2.conf"
want=$(grep -c 'vars.postprobe\["' "$CFGDIR/icinga2/example-host.conf")
check "icinga2 daemon -C accepts the shipped files with the ITL" all_of "rc_is 0" \
    'out_has "Finished validating the configuration"' \
    'out_has "Instantiated $want Services."'
check "... without a single warning" warnings

ours=$(sed -n 's/^object CheckCommand "\([^"]*\)".*/\1/p' "$CFGDIR/icinga2/commands.conf")
itl=$(cat /usr/share/icinga2/include/command-*.conf /usr/share/icinga2/include/plugins-contrib.d/*.conf |
    sed -n 's/^object CheckCommand "\([^"]*\)".*/\1/p')
run comm -12 <(sort <<<"$ours") <(sort <<<"$itl")
check "no CheckCommand name of ours is one of the ITL's" all_of "rc_is 0" 'out_is ""'
not_prefixed() { OUT=$(grep -E '^(postprobe_|check_)' <<<"$ours" || true); [ -z "$OUT" ]; }
check "the commands are named the ITL's way (no postprobe_, no check_)" not_prefixed
bad_vars() {
    OUT=$(awk '/^object CheckCommand/ { split($0, q, "\""); cmd = q[2] }
        match($0, /\$[a-z0-9_]+\$/) {
            v = substr($0, RSTART + 1, RLENGTH - 2)
            if (v != "check_address" && index(v, cmd "_") != 1) print cmd ": " v
        }' "$CFGDIR/icinga2/commands.conf")
    [ -z "$OUT" ]
}
check "every variable is <command>_<option>" bad_vars

cp -r "$CFGDIR" "$TMP/broken"
sed -i '0,/^object CheckCommand "smtp_login"/s//object CheckCommand "smtp"/' \
    "$TMP/broken/icinga2/commands.conf"
icinga_config "$TMP/broken"
run icinga2 daemon -C -c "$TMP/icinga2.conf"
check "a command named like an ITL one is refused" all_of "rc_is 1" 'out_has "smtp"' \
    'out_has "re-defined"'
cp "$CFGDIR/icinga2/commands.conf" "$TMP/broken/icinga2/commands.conf"
sed -i 's/command = "tls_cert"/command = "no_such_command"/' \
    "$TMP/broken/icinga2/example-host.conf"
run icinga2 daemon -C -c "$TMP/icinga2.conf"
check "icinga2 daemon -C rejects an undefined CheckCommand" all_of "rc_is 1" \
    'out_has "no_such_command"'
finish
