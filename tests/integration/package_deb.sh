#!/usr/bin/env bash
# package_deb.sh - the Debian package built by `cpack -G DEB` from the build directory: its
# control fields (shlibdeps Depends, maintainer, a description line per plugin), its layout
# (plugins in /usr/lib/nagios/plugins, tools in /usr/bin, nagios-cfg in /usr/share/postprobe),
# then `dpkg -i` on this machine, a plugin run from its installed path against the stack's
# snmpd (same answer as the build's), and `dpkg -r` at the end (also when a check fails).
# Refuses to run when a postprobe package is already installed (not ours to remove).
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"

# One package test at a time on this machine: dpkg has one database.
exec 9>/tmp/postprobe-package-test.lock
flock -w 120 9
if dpkg-query -W -f='${Status}' postprobe 2>/dev/null | grep -q 'install ok installed'; then
    echo "package_deb: a postprobe package is already installed; not touching it" >&2
    exit 1
fi
TMP=$(mktemp -d /tmp/pp-deb.XXXXXX)
INSTALLED=
cleanup() {
    [ -z "$INSTALLED" ] || dpkg -r postprobe >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

(cd "$TMP" && cpack -G DEB --config "$PP_BUILD_DIR/CPackConfig.cmake" >cpack.log 2>&1) ||
    { cat "$TMP/cpack.log"; exit 1; }
DEB=$(ls "$TMP"/postprobe_*.deb)

run dpkg-deb -f "$DEB" Package Maintainer Depends Section
check "control: maintainer and shlibdeps Depends" all_of "rc_is 0" 'out_has "Maintainer: "' \
    'out_has "libc6 (>= "' 'out_has "libsnmp40"'
run dpkg-deb -f "$DEB" Description
described() {
    local src
    for src in "$PP_SOURCE_DIR"/plugins/check_*.c "$PP_SOURCE_DIR"/contrib/*.c; do
        [ -e "$src" ] || continue
        [[ $OUT == *"  $(basename "$src" .c): "* ]] || { ERR="no line for $src"; return 1; }
    done
}
check "description: a line per plugin and tool" described

run dpkg-deb -c "$DEB"
laid_out() {
    local src
    for src in "$PP_SOURCE_DIR"/plugins/check_*.c; do
        [[ $OUT == *" ./usr/lib/nagios/plugins/$(basename "$src" .c)"* ]] || return 1
    done
    for src in "$PP_SOURCE_DIR"/contrib/*.c; do
        [ -e "$src" ] || continue
        [[ $OUT == *" ./usr/bin/$(basename "$src" .c)"* ]] || return 1
    done
    out_has " ./usr/share/postprobe/nagios/commands.cfg" &&
        out_has " ./usr/share/postprobe/icinga2/commands.conf" &&
        out_has " ./usr/share/postprobe/nrpe/postprobe.cfg" &&
        out_has " ./usr/share/postprobe/snmpd/postprobe.conf" &&
        out_has " ./usr/share/postprobe/README.md"
}
check "layout: plugins, tools, nagios-cfg" laid_out

run dpkg -i "$DEB"
[ "$RC" -ne 0 ] || INSTALLED=yes
check "dpkg -i installs it" rc_is 0
P=/usr/lib/nagios/plugins/check_snmp_extend
run "$P" -V
check "installed plugin runs: -V" all_of "rc_is 0" 'out_has "check_snmp_extend (postprobe) "'
same_as_direct "installed plugin reads the stack's snmpd" "$PP_STACK_DIR/snmpd/pp_crit.sh" \
    env MIBS= "$P" -H 127.0.0.1 -p "$PP_SNMP_PORT" -C "$PP_SNMP_COMMUNITY" -n pp_crit

run dpkg -r postprobe
[ "$RC" -ne 0 ] || INSTALLED=
check "dpkg -r removes it" all_of "rc_is 0" '[ ! -e "$P" ] && [ ! -e /usr/share/postprobe/nagios ]'
finish
