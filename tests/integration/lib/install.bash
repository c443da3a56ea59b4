# SPDX-License-Identifier: GPL-3.0-or-later
# install.bash - install the build into a scratch prefix for tests (sourced).
#
#   install_build DIR   cmake --install $PP_BUILD_DIR --prefix DIR; sets PLUGINDIR and CFGDIR
#                       and makes the tree readable by the nagios user (nrpe, icinga2 and
#                       snmpd tests run things as that user).
install_build() {
    local dir=$1
    cmake --install "$PP_BUILD_DIR" --prefix "$dir" >/dev/null
    PLUGINDIR=$dir/lib/nagios/plugins
    CFGDIR=$dir/share/postprobe
    chmod -R go+rX "$dir"
    chmod 755 "$(dirname "$dir")" 2>/dev/null || true
}
