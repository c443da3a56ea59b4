#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# package_deb.sh - the Debian package as the README builds it (dpkg-buildpackage -us -uc -b on a
# copy of the source tree): a package and its -dbgsym, lintian with no error and no warning,
# every binary hardened (hardening-check; the CMake build's own binaries too, outside a
# sanitizer build), its control fields (shlibdeps Depends, a description line per plugin and
# tool), its layout (plugins in /usr/lib/nagios/plugins, tools in /usr/bin, a manual page and
# a bash completion for each, nagios-cfg in /usr/share/postprobe); then dpkg -i on this machine,
# a plugin run from its installed path against the stack's snmpd (same answer as the build's),
# and dpkg --purge at the end (also when a check fails), which leaves nothing behind.
# Refuses to run when a postprobe package is already installed (not ours to remove). Skipped in
# a sanitizer build directory: the package is built from the source either way, so the normal
# build's run covers it.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/common.bash"
# shellcheck source=lib/eicar.bash
. "$(dirname "$0")/lib/eicar.bash"

if grep -qs '^POSTPROBE_SANITIZE:BOOL=ON' "${PP_BUILD_DIR:-/nonexistent}/CMakeCache.txt"; then
    echo "package_deb: skipped in a sanitizer build (the normal build runs it)"
    exit 0
fi

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
    [ -z "$INSTALLED" ] || dpkg --purge postprobe >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# The tree as git knows it (tracked files and new ones it does not ignore), without builds.
mkdir "$TMP/src"
git -C "$PP_SOURCE_DIR" ls-files -z -co --exclude-standard |
    (cd "$PP_SOURCE_DIR" && xargs -0 cp --parents -t "$TMP/src" 2>/dev/null) || true
run bash -c "cd '$TMP/src' && DEB_BUILD_OPTIONS=parallel=$(nproc) dpkg-buildpackage -us -uc -b \
    >'$TMP/build.log' 2>&1"
check "dpkg-buildpackage -us -uc -b builds it" rc_is 0 || { tail -40 "$TMP/build.log"; exit 1; }
ARCH=$(dpkg --print-architecture)
DEB=$(ls "$TMP"/postprobe_*_"$ARCH".deb)
check "a -dbgsym package beside it" test -e "$(ls "$TMP"/postprobe-dbgsym_*_"$ARCH".*deb)"

run lintian --fail-on error,warning --display-info "$TMP"/postprobe_*_"$ARCH".changes
check "lintian: no error, no warning" all_of "rc_is 0" '! [[ $OUT =~ (^|$'"'\n'"')[EW]: ]]'
[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/    lintian: /'

mkdir "$TMP/root"
dpkg-deb -x "$DEB" "$TMP/root"
run eicar_holders "$TMP/root" "$TMP"/postprobe*.deb
check "no packaged file (nor the packages) holds the EICAR signature" all_of "rc_is 0" 'out_is ""'
# Control-flow protection (CET) is left out: Debian 12's C start files carry no IBT/SHSTK note,
# so no binary of Debian 12 has it (/usr/bin/ls, postfix, check_smtp alike).
hardened() { # hardened DIR...: every ELF file in them passes hardening-check
    local f bad=0
    while IFS= read -r f; do
        hardening-check --quiet --nocfprotection "$f" >/dev/null ||
            { hardening-check --nocfprotection "$f"; bad=1; }
    done < <(find "$@" -type f -perm -u+x -exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; -print)
    return $bad
}
check "every packaged binary hardened (PIE, stack protector, fortify, relro, now)" \
    hardened "$TMP/root/usr/lib/nagios/plugins" "$TMP/root/usr/bin"
if grep -q '^POSTPROBE_SANITIZE:BOOL=ON' "$PP_BUILD_DIR/CMakeCache.txt"; then
    echo "    (the CMake build's binaries: not checked in a sanitizer build, which has no fortify)"
else
    check "the CMake build's binaries hardened likewise" \
        hardened "$PP_BUILD_DIR/plugins" "$PP_BUILD_DIR/contrib"
fi

run dpkg-deb -f "$DEB" Package Maintainer Depends Section
# libcurl4 is named by hand: it is opened with dlopen() (common/tls/httpsget.c), so shlibdeps
# cannot see it.
check "control: maintainer, shlibdeps Depends and libcurl4" all_of "rc_is 0" \
    'out_has "Maintainer: "' 'out_has "libc6 (>= "' 'out_has "libsnmp40"' 'out_has "libcurl4 (>= 7.85.0)"'
run dpkg-deb -f "$DEB" Description
described() {
    local src
    for src in "$PP_SOURCE_DIR"/plugins/check_*.c "$PP_SOURCE_DIR"/contrib/*.c; do
        [ -e "$src" ] || continue
        [[ $OUT == *"  $(basename "$src" .c): "* ]] || { ERR="no line for $src"; return 1; }
    done
}
check "description: a line per plugin and tool (debian/control)" described

run dpkg-deb -c "$DEB"
laid_out() {
    local src name
    for src in "$PP_SOURCE_DIR"/plugins/check_*.c "$PP_SOURCE_DIR"/contrib/*.c; do
        name=$(basename "$src" .c)
        case $src in
        */plugins/*) out_has " ./usr/lib/nagios/plugins/$name" || return 1 ;;
        *) out_has " ./usr/bin/$name" || return 1 ;;
        esac
        out_has " ./usr/share/man/man1/$name.1.gz" || { ERR="no manual page for $name"; return 1; }
        out_has " ./usr/share/bash-completion/completions/$name" ||
            { ERR="no completion for $name"; return 1; }
    done
    out_has " ./usr/share/postprobe/nagios/commands.cfg" &&
        out_has " ./usr/share/postprobe/icinga2/commands.conf" &&
        out_has " ./usr/share/postprobe/nrpe/postprobe.cfg" &&
        out_has " ./usr/share/postprobe/snmpd/postprobe.conf" &&
        out_has " ./usr/share/postprobe/README.md" &&
        out_has " ./etc/nagios-plugins/config/postprobe.cfg" &&
        out_has " ./usr/share/doc/postprobe/copyright"
}
check "layout: plugins, tools, manual pages, completions, nagios-cfg, copyright" laid_out

run dpkg -i "$DEB"
[ "$RC" -ne 0 ] || INSTALLED=yes
check "dpkg -i installs it" rc_is 0
P=/usr/lib/nagios/plugins/check_snmp_extend
run "$P" -V
check "installed plugin runs: -V" all_of "rc_is 0" 'out_has "check_snmp_extend (postprobe) "'
run dpkg-query -W -f='${Conffiles}' postprobe
check "the Nagios commands are a conffile in /etc/nagios-plugins/config (stock nagios4 reads it)" \
    all_of "rc_is 0" 'out_has "/etc/nagios-plugins/config/postprobe.cfg"'
same_as_direct "installed plugin reads the stack's snmpd" "$PP_STACK_DIR/snmpd/pp_crit.sh" \
    env MIBS= "$P" -H 127.0.0.1 -p "$PP_SNMP_PORT" -C "$PP_SNMP_COMMUNITY" -n pp_crit
state_owner=nagios
getent passwd nagios >/dev/null || state_owner=root
check "/var/lib/postprobe is made, for the user Nagios runs checks as" \
    [ "$(stat -c %U /var/lib/postprobe 2>/dev/null)" = "$state_owner" ]
run man -P cat check_snmp_extend
check "its manual page reads" all_of "rc_is 0" 'out_has "check_snmp_extend"' 'out_has "--timeout"'

run dpkg --purge postprobe
[ "$RC" -ne 0 ] || INSTALLED=
check "dpkg --purge removes it, nothing left" all_of "rc_is 0" '[ ! -e "$P" ]' \
    '[ ! -e /usr/share/postprobe ]' '[ ! -e /usr/share/doc/postprobe ]' \
    '[ ! -e /etc/nagios-plugins/config/postprobe.cfg ]' '[ ! -e /var/lib/postprobe ]' \
    '! dpkg-query -W postprobe >/dev/null 2>&1 || [ -z "$(dpkg-query -W -f="\${Status}" postprobe | grep -v "not-installed")" ]'
finish
